//! Data source definitions (`ds_def`, 120 bytes each): name, DS type, minimal heartbeat, min
//! and max.

use super::bytes::{Reader, put_f64, put_u64, put_u64s};
use super::fixed::FixedStr;
use crate::error::FormatError;

/// Size of one `ds_def` on x86-64.
pub const DS_DEF_SIZE: usize = 120;

/// A DS type (rrdtool's `dst`). COMPUTE is not supported and refused on parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DsType {
    /// Stored as is; the rate is the value.
    Gauge,
    /// A counter that only grows; wraps at 32 and 64 bits.
    Counter,
    /// A counter that may go down; never wraps.
    Derive,
    /// A counter reset on every read: the value is the count since the last update.
    Absolute,
    /// COUNTER with floating-point input (file version 0005).
    Dcounter,
    /// DERIVE with floating-point input (file version 0005).
    Dderive,
}

impl DsType {
    /// The name as stored in `dst` and accepted by `rrdtool create`.
    pub fn name(self) -> &'static str {
        match self {
            DsType::Gauge => "GAUGE",
            DsType::Counter => "COUNTER",
            DsType::Derive => "DERIVE",
            DsType::Absolute => "ABSOLUTE",
            DsType::Dcounter => "DCOUNTER",
            DsType::Dderive => "DDERIVE",
        }
    }

    /// The type named `name` (exact, upper case as rrdtool stores it).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "GAUGE" => DsType::Gauge,
            "COUNTER" => DsType::Counter,
            "DERIVE" => DsType::Derive,
            "ABSOLUTE" => DsType::Absolute,
            "DCOUNTER" => DsType::Dcounter,
            "DDERIVE" => DsType::Dderive,
            _ => return None,
        })
    }

    /// DCOUNTER and DDERIVE need file version 0005.
    pub fn needs_v5(self) -> bool {
        matches!(self, DsType::Dcounter | DsType::Dderive)
    }
}

/// One data source definition.
#[derive(Debug, Clone, PartialEq)]
pub struct DsDef {
    /// `ds_nam`: at most 19 characters of `[a-zA-Z0-9_-]`.
    pub name: FixedStr<20>,
    /// The DS type.
    pub kind: DsType,
    /// The `dst` field as read (kept so unusual bytes after the NUL survive a round trip).
    pub(crate) dst_raw: FixedStr<20>,
    /// Minimal heartbeat (`par[0]`): the longest gap, in seconds, before the DS becomes unknown.
    pub heartbeat: u64,
    /// Smallest accepted rate (`par[1]`); NaN = no limit.
    pub min: f64,
    /// Largest accepted rate (`par[2]`); NaN = no limit.
    pub max: f64,
    /// `par[3..10]`, unused by these DS types (zero in rrdtool's files).
    pub(crate) par_rest: [u64; 7],
}

impl DsDef {
    /// A definition with zeroed unused slots, as `rrdtool create` writes it.
    pub fn new(name: FixedStr<20>, kind: DsType, heartbeat: u64, min: f64, max: f64) -> Self {
        Self { name, kind, dst_raw: FixedStr::default(), heartbeat, min, max, par_rest: [0; 7] }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, FormatError> {
        let name = FixedStr::from_raw(r.array::<20>()?);
        let dst_raw = FixedStr::<20>::from_raw(r.array::<20>()?);
        let kind = match DsType::from_name(&dst_raw.as_str()) {
            Some(kind) => kind,
            None if dst_raw.as_bytes() == b"COMPUTE" => return Err(FormatError::UnsupportedDsType("COMPUTE".into())),
            None => return Err(FormatError::UnknownDsType(dst_raw.as_str().into_owned())),
        };
        let heartbeat = r.u64()?;
        let min = r.f64()?;
        let max = r.f64()?;
        let par_rest = r.u64s::<7>()?;
        Ok(Self { name, kind, dst_raw, heartbeat, min, max, par_rest })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.name.raw());
        if self.dst_raw.as_bytes() == self.kind.name().as_bytes() {
            out.extend_from_slice(self.dst_raw.raw());
        } else {
            out.extend_from_slice(FixedStr::<20>::truncated(self.kind.name()).raw());
        }
        put_u64(out, self.heartbeat);
        put_f64(out, self.min);
        put_f64(out, self.max);
        put_u64s(out, &self.par_rest);
    }
}
