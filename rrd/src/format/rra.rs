//! Round-robin archive definitions (`rra_def`, 120 bytes each): CF, rows, PDPs per row, xff.

use super::bytes::{Reader, put_f64, put_u64, put_u64s};
use super::fixed::FixedStr;
use crate::error::FormatError;

/// Size of one `rra_def` on x86-64.
pub const RRA_DEF_SIZE: usize = 120;

/// The Holt-Winters CF names; files using them are refused.
pub const HOLT_WINTERS_CFS: [&str; 6] =
    ["HWPREDICT", "MHWPREDICT", "SEASONAL", "DEVSEASONAL", "DEVPREDICT", "FAILURES"];

/// A consolidation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cf {
    /// Mean of the known PDPs.
    Average,
    /// Smallest PDP.
    Min,
    /// Largest PDP.
    Max,
    /// Last PDP.
    Last,
}

impl Cf {
    /// The name as stored in `cf_nam`.
    pub fn name(self) -> &'static str {
        match self {
            Cf::Average => "AVERAGE",
            Cf::Min => "MIN",
            Cf::Max => "MAX",
            Cf::Last => "LAST",
        }
    }

    /// The CF named `name` (exact, upper case).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "AVERAGE" => Cf::Average,
            "MIN" => Cf::Min,
            "MAX" => Cf::Max,
            "LAST" => Cf::Last,
            _ => return None,
        })
    }
}

/// One RRA definition.
#[derive(Debug, Clone, PartialEq)]
pub struct RraDef {
    /// The consolidation function.
    pub cf: Cf,
    pub(crate) cf_raw: FixedStr<20>,
    pub(crate) pad: [u8; 4],
    /// Number of rows in the ring.
    pub row_cnt: u64,
    /// PDPs consolidated into one row.
    pub pdp_cnt: u64,
    /// x-files factor (`par[0]`): the share of unknown PDPs a CDP may have and still be known.
    pub xff: f64,
    /// `par[1..10]`, used only by Holt-Winters CFs (zero here).
    pub(crate) par_rest: [u64; 9],
}

impl RraDef {
    /// A definition with zeroed unused slots, as `rrdtool create` writes it.
    pub fn new(cf: Cf, row_cnt: u64, pdp_cnt: u64, xff: f64) -> Self {
        Self { cf, cf_raw: FixedStr::default(), pad: [0; 4], row_cnt, pdp_cnt, xff, par_rest: [0; 9] }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, FormatError> {
        let cf_raw = FixedStr::<20>::from_raw(r.array::<20>()?);
        let name = cf_raw.as_str();
        let cf = match Cf::from_name(&name) {
            Some(cf) => cf,
            None if HOLT_WINTERS_CFS.contains(&name.as_ref()) => {
                return Err(FormatError::HoltWinters(name.into_owned()));
            }
            None => return Err(FormatError::UnknownCf(name.into_owned())),
        };
        let pad = r.array::<4>()?;
        let row_cnt = r.u64()?;
        let pdp_cnt = r.u64()?;
        let xff = r.f64()?;
        let par_rest = r.u64s::<9>()?;
        if row_cnt == 0 {
            return Err(FormatError::Corrupt("an RRA has 0 rows"));
        }
        if pdp_cnt == 0 {
            return Err(FormatError::Corrupt("an RRA has 0 PDPs per row"));
        }
        Ok(Self { cf, cf_raw, pad, row_cnt, pdp_cnt, xff, par_rest })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        if self.cf_raw.as_bytes() == self.cf.name().as_bytes() {
            out.extend_from_slice(self.cf_raw.raw());
        } else {
            out.extend_from_slice(FixedStr::<20>::truncated(self.cf.name()).raw());
        }
        out.extend_from_slice(&self.pad);
        put_u64(out, self.row_cnt);
        put_u64(out, self.pdp_cnt);
        put_f64(out, self.xff);
        put_u64s(out, &self.par_rest);
    }
}
