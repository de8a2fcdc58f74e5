//! The in-memory model of a whole `.rrd` file and its exact x86-64 Linux binary layout.
//!
//! A file is seven header sections followed by the data, as rrdtool 1.7.2 writes them:
//! [`head`] (static head), [`ds`] (DS definitions), [`rra`] (RRA definitions), [`live`] (live
//! head), [`prep`] (PDP prep and CDP prep), the RRA pointers (`cur_row` per RRA) and the data
//! (per RRA, `row_cnt` rows of one double per DS). [`Rrd::parse`] validates everything before
//! it allocates (nothing larger than the file justifies) and never panics;
//! [`Rrd::to_bytes`] writes the same bytes back, unused slots and padding included.

mod bytes;
pub mod ds;
pub mod fixed;
pub mod head;
pub mod live;
pub mod prep;
pub mod rra;

use std::path::Path;

use bytes::{Reader, put_f64, put_u64};
use ds::{DS_DEF_SIZE, DsDef};
use fixed::FixedStr;
use head::{STAT_HEAD_SIZE, StatHead, Version};
use live::LiveHead;
use prep::{CDP_PREP_SIZE, CdpPrep, PDP_PREP_SIZE, PdpPrep};
use rra::{RRA_DEF_SIZE, RraDef};

use crate::error::{Error, FormatError, os_message};

/// rrdtool's UNKNOWN: the x86 default NaN, bits `0xFFF8000000000000`.
pub const UNKNOWN: f64 = f64::from_bits(0xFFF8_0000_0000_0000);

/// Size of one `rra_ptr`.
pub const RRA_PTR_SIZE: usize = 8;

/// A whole RRD file.
#[derive(Debug, Clone, PartialEq)]
pub struct Rrd {
    /// The file version (`"0003"`, `"0004"`, `"0005"`; `"0001"`/`"0002"` read only).
    pub version: Version,
    /// Seconds per PDP.
    pub pdp_step: u64,
    /// The data sources, in file order.
    pub ds: Vec<DsDef>,
    /// The archives, in file order.
    pub rra: Vec<RraDef>,
    /// The time of the last update.
    pub live: LiveHead,
    /// One PDP prep per DS.
    pub pdp_prep: Vec<PdpPrep>,
    /// One CDP prep per RRA × DS, RRA-major (`rra * ds_cnt + ds`).
    pub cdp_prep: Vec<CdpPrep>,
    /// `cur_row` per RRA: the row written most recently.
    pub cur_row: Vec<u64>,
    /// All data: RRA 0's rows, then RRA 1's, ...; each row one double per DS.
    pub data: Vec<f64>,
    pub(crate) head_pad: [u8; 7],
    pub(crate) head_par: [u64; 10],
    pub(crate) trailing: Vec<u8>,
}

fn section_len(count: u64, size: usize) -> Option<usize> {
    usize::try_from(count).ok()?.checked_mul(size)
}

fn ensure(r: &Reader<'_>, count: u64, size: usize, section: &'static str) -> Result<(), FormatError> {
    match section_len(count, size) {
        Some(len) if len <= r.rest().len() => Ok(()),
        _ => Err(FormatError::HeaderEof { section }),
    }
}

impl Rrd {
    /// Parses and validates a whole file.
    pub fn parse(buf: &[u8]) -> Result<Self, FormatError> {
        Self::parse_impl(buf, buf.len() as u64, true)
    }

    /// Parses and validates only the header sections at the start of `buf`, for a file of
    /// `file_len` bytes (checked to be large enough for the data, as on open). The result has no
    /// [`Rrd::data`] (empty): readers like fetch then read just the rows they need.
    pub fn parse_header(buf: &[u8], file_len: u64) -> Result<Self, FormatError> {
        Self::parse_impl(buf, file_len, false)
    }

    fn parse_impl(buf: &[u8], file_len: u64, with_data: bool) -> Result<Self, FormatError> {
        if buf.len() < STAT_HEAD_SIZE {
            return Err(FormatError::HeaderEof { section: "stat_head" });
        }
        let mut r = Reader::new(buf);
        let head = StatHead::read(&mut r)?;
        let (ds_cnt, rra_cnt) = (head.ds_cnt, head.rra_cnt);
        if ds_cnt == 0 || rra_cnt == 0 {
            // rrdtool never writes such a file; without a DS the row counts are unchecked.
            return Err(FormatError::Corrupt("no data sources or no RRAs"));
        }

        ensure(&r, ds_cnt, DS_DEF_SIZE, "ds_def")?;
        let ds = (0..ds_cnt).map(|_| DsDef::read(&mut r)).collect::<Result<Vec<_>, _>>()?;
        ensure(&r, rra_cnt, RRA_DEF_SIZE, "rra_def")?;
        let rra = (0..rra_cnt).map(|_| RraDef::read(&mut r)).collect::<Result<Vec<_>, _>>()?;
        let has_usec = head.version.has_usec();
        ensure(&r, 1, LiveHead::size(has_usec), "live_head")?;
        let live = LiveHead::read(&mut r, has_usec)?;
        ensure(&r, ds_cnt, PDP_PREP_SIZE, "pdp_prep")?;
        let pdp_prep = (0..ds_cnt).map(|_| PdpPrep::read(&mut r)).collect::<Result<Vec<_>, _>>()?;
        let cdp_cnt = ds_cnt.checked_mul(rra_cnt).ok_or(FormatError::HeaderEof { section: "cdp_prep" })?;
        ensure(&r, cdp_cnt, CDP_PREP_SIZE, "cdp_prep")?;
        let cdp_prep = (0..cdp_cnt).map(|_| CdpPrep::read(&mut r)).collect::<Result<Vec<_>, _>>()?;
        ensure(&r, rra_cnt, RRA_PTR_SIZE, "rra_ptr")?;
        let cur_row = (0..rra_cnt).map(|_| r.u64()).collect::<Result<Vec<_>, _>>()?;

        let header = r.pos() as u64;
        let values =
            rra.iter().try_fold(0u64, |acc, def| def.row_cnt.checked_mul(ds_cnt).and_then(|n| acc.checked_add(n)));
        let expected = values.and_then(|v| v.checked_mul(8)).and_then(|b| b.checked_add(header));
        let data_values = match (values, expected) {
            (Some(values), Some(expected)) if expected <= file_len => values,
            (_, expected) => return Err(FormatError::TooSmall { expected: expected.unwrap_or(u64::MAX) }),
        };
        for (def, row) in rra.iter().zip(&cur_row) {
            if *row >= def.row_cnt {
                return Err(FormatError::Corrupt("cur_row is beyond the RRA's rows"));
            }
        }
        let (data, trailing) = if with_data {
            ((0..data_values).map(|_| r.f64()).collect::<Result<Vec<_>, _>>()?, r.rest().to_vec())
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(Self {
            version: head.version,
            pdp_step: head.pdp_step,
            ds,
            rra,
            live,
            pdp_prep,
            cdp_prep,
            cur_row,
            data,
            head_pad: head.pad,
            head_par: head.par,
            trailing,
        })
    }

    /// Re-reads the live head, PDP prep, CDP prep and row pointers from `buf` (the file's bytes
    /// from the live head on) into this model, whose definitions are known to be unchanged; for
    /// [`crate::cache`], which keeps the parsed definitions between updates.
    pub(crate) fn reload_live(&mut self, buf: &[u8]) -> Result<(), FormatError> {
        let mut r = Reader::new(buf);
        self.live = LiveHead::read(&mut r, self.version.has_usec())?;
        for pdp in &mut self.pdp_prep {
            *pdp = PdpPrep::read(&mut r)?;
        }
        for cdp in &mut self.cdp_prep {
            *cdp = CdpPrep::read(&mut r)?;
        }
        for (row, def) in self.cur_row.iter_mut().zip(&self.rra) {
            *row = r.u64()?;
            if *row >= def.row_cnt {
                return Err(FormatError::Corrupt("cur_row is beyond the RRA's rows"));
            }
        }
        Ok(())
    }

    /// Reads and parses the file at `path`; errors carry rrdtool's texts.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let open_err = |e: std::io::Error| Error::Open { path: name.clone(), message: os_message(&e) };
        let mut file = std::fs::File::open(path).map_err(open_err)?;
        // rrdtool reads under a shared lock, so a reader never sees an update half written.
        if !crate::lock::read(&file) {
            return Err(Error::Locked);
        }
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut buf).map_err(open_err)?;
        Self::parse(&buf).map_err(|source| Error::Format { path: name, source })
    }

    /// A new file with the given definitions and rrdtool's initial state for a creation time of
    /// `start` seconds; `cur_row[i]` is the initial row pointer of RRA i (rrdtool picks it at random).
    pub fn new_initial(pdp_step: u64, start: i64, ds: Vec<DsDef>, rra: Vec<RraDef>, cur_row: Vec<u64>) -> Self {
        let version = if ds.iter().any(|d| d.kind.needs_v5()) { Version::V5 } else { Version::V3 };
        let step = pdp_step.max(1);
        let last_up_mod = start.rem_euclid(i64::try_from(step).unwrap_or(i64::MAX));
        let unkn_sec = last_up_mod as u64;
        let pdp_prep = ds.iter().map(|_| PdpPrep::new(FixedStr::truncated("U"), unkn_sec, UNKNOWN)).collect::<Vec<_>>();
        let mut cdp_prep = Vec::with_capacity(ds.len().saturating_mul(rra.len()));
        for def in &rra {
            let span = i128::from(def.pdp_cnt) * i128::from(step);
            let base = i128::from(start) - i128::from(unkn_sec);
            let unkn_pdp = if span > 0 { base.rem_euclid(span) / i128::from(step) } else { 0 };
            for _ in &ds {
                cdp_prep.push(CdpPrep::new(UNKNOWN, u64::try_from(unkn_pdp).unwrap_or(0), 0.0, 0.0));
            }
        }
        let values: u64 = rra.iter().map(|d| d.row_cnt.saturating_mul(ds.len() as u64)).fold(0, u64::saturating_add);
        let data = vec![UNKNOWN; usize::try_from(values).unwrap_or(0)];
        Self {
            version,
            pdp_step,
            ds,
            rra,
            live: LiveHead { last_up: start, last_up_usec: 0 },
            pdp_prep,
            cdp_prep,
            cur_row,
            data,
            head_pad: [0; 7],
            head_par: [0; 10],
            trailing: Vec::new(),
        }
    }

    /// Bytes of the seven header sections (the data's offset).
    pub fn header_size(&self) -> usize {
        let (d, r) = (self.ds.len(), self.rra.len());
        STAT_HEAD_SIZE
            + DS_DEF_SIZE * d
            + RRA_DEF_SIZE * r
            + LiveHead::size(self.version.has_usec())
            + PDP_PREP_SIZE * d
            + CDP_PREP_SIZE * d * r
            + RRA_PTR_SIZE * r
    }

    /// Index into [`Rrd::data`] of RRA `rra`'s row 0.
    pub fn rra_data_start(&self, rra: usize) -> usize {
        let d = self.ds.len();
        self.rra.iter().take(rra).map(|def| def.row_cnt as usize * d).sum()
    }

    /// The values of row `row` of RRA `rra` (one per DS).
    pub fn row(&self, rra: usize, row: u64) -> Option<&[f64]> {
        let def = self.rra.get(rra)?;
        if row >= def.row_cnt {
            return None;
        }
        let start = self.rra_data_start(rra) + row as usize * self.ds.len();
        self.data.get(start..start + self.ds.len())
    }

    /// The CDP prep of RRA `rra`, DS `ds`.
    pub fn cdp(&self, rra: usize, ds: usize) -> Option<&CdpPrep> {
        if ds >= self.ds.len() {
            return None;
        }
        self.cdp_prep.get(rra * self.ds.len() + ds)
    }

    /// Checks that the sections agree in size (always true for a parsed file).
    pub fn check_consistent(&self) -> Result<(), FormatError> {
        let (d, r) = (self.ds.len(), self.rra.len());
        if self.pdp_prep.len() != d {
            return Err(FormatError::Inconsistent("pdp_prep count differs from ds count"));
        }
        if self.cdp_prep.len() != d * r {
            return Err(FormatError::Inconsistent("cdp_prep count differs from ds x rra count"));
        }
        if self.cur_row.len() != r {
            return Err(FormatError::Inconsistent("rra_ptr count differs from rra count"));
        }
        let values: u64 = self.rra.iter().map(|def| def.row_cnt * d as u64).sum();
        if self.data.len() as u64 != values {
            return Err(FormatError::Inconsistent("data size differs from the RRA rows"));
        }
        if self.pdp_step == 0 || self.rra.iter().any(|def| def.row_cnt == 0 || def.pdp_cnt == 0) {
            return Err(FormatError::Inconsistent("zero step, rows or PDPs per row"));
        }
        if self.rra.iter().zip(&self.cur_row).any(|(def, row)| *row >= def.row_cnt) {
            return Err(FormatError::Inconsistent("cur_row beyond rows"));
        }
        Ok(())
    }

    /// Appends the definitions part of the header: the static head, the DS and RRA
    /// definitions (the part only `create`, `restore` and `tune` change).
    pub fn write_definitions(&self, out: &mut Vec<u8>) {
        StatHead {
            version: self.version,
            pad: self.head_pad,
            ds_cnt: self.ds.len() as u64,
            rra_cnt: self.rra.len() as u64,
            pdp_step: self.pdp_step,
            par: self.head_par,
        }
        .write(out);
        for ds in &self.ds {
            ds.write(out);
        }
        for rra in &self.rra {
            rra.write(out);
        }
    }

    /// The whole file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, FormatError> {
        self.check_consistent()?;
        let mut out = Vec::with_capacity(self.header_size() + self.data.len() * 8 + self.trailing.len());
        self.write_definitions(&mut out);
        self.live.write(&mut out, self.version.has_usec());
        for pdp in &self.pdp_prep {
            pdp.write(&mut out);
        }
        for cdp in &self.cdp_prep {
            cdp.write(&mut out);
        }
        for row in &self.cur_row {
            put_u64(&mut out, *row);
        }
        for v in &self.data {
            put_f64(&mut out, *v);
        }
        out.extend_from_slice(&self.trailing);
        Ok(out)
    }
}

/// The first bytes of the file, enough for its header (versions 3 to 5: `144 + 232·D + 128·R +
/// 80·D·R` bytes), or the whole file when it is shorter.
pub(crate) fn read_header_bytes(file: &std::fs::File, len: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; usize::try_from(len.min(4096)).unwrap_or(0)];
    std::os::unix::fs::FileExt::read_exact_at(file, &mut buf, 0)?;
    let count = |at: usize| buf.get(at..at + 8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
    if let (Some(d), Some(r)) = (count(24), count(32)) {
        let needed = d
            .checked_mul(232)
            .zip(r.checked_mul(128))
            .zip(d.checked_mul(r).and_then(|n| n.checked_mul(80)))
            .and_then(|((a, b), c)| a.checked_add(b)?.checked_add(c)?.checked_add(144))
            .map_or(len, |n| n.min(len));
        if needed > buf.len() as u64 {
            buf = vec![0u8; usize::try_from(needed).unwrap_or(0)];
            std::os::unix::fs::FileExt::read_exact_at(file, &mut buf, 0)?;
        }
    }
    Ok(buf)
}
