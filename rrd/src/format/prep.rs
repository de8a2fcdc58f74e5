//! The preparation areas: `pdp_prep` (112 bytes per DS: the last raw input, the unknown
//! seconds and the accumulated value of the open PDP) and `cdp_prep` (80 bytes per RRA×DS: the
//! running consolidation of the open CDP, its unknown PDP count, and the primary/secondary
//! values of the last update).

use super::bytes::{Reader, put_f64, put_u64, put_u64s};
use super::fixed::FixedStr;
use crate::error::FormatError;

/// Size of one `pdp_prep`.
pub const PDP_PREP_SIZE: usize = 112;
/// Size of one `cdp_prep`.
pub const CDP_PREP_SIZE: usize = 80;

/// PDP preparation for one DS.
#[derive(Debug, Clone, PartialEq)]
pub struct PdpPrep {
    /// `last_ds`: the raw text of the last input (at most 29 bytes), `"U"` after create.
    pub last_ds: FixedStr<30>,
    pub(crate) pad: [u8; 2],
    /// `scratch[PDP_unkn_sec_cnt]`: unknown whole seconds of the open PDP.
    pub unkn_sec_cnt: u64,
    /// `scratch[PDP_val]`: accumulated rate × seconds of the open PDP; NaN if nothing known.
    pub val: f64,
    pub(crate) scratch_rest: [u64; 8],
}

impl PdpPrep {
    /// A PDP prep with zeroed unused slots.
    pub fn new(last_ds: FixedStr<30>, unkn_sec_cnt: u64, val: f64) -> Self {
        Self { last_ds, pad: [0; 2], unkn_sec_cnt, val, scratch_rest: [0; 8] }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, FormatError> {
        let last_ds = FixedStr::from_raw(r.array::<30>()?);
        let pad = r.array::<2>()?;
        let unkn_sec_cnt = r.u64()?;
        let val = r.f64()?;
        let scratch_rest = r.u64s::<8>()?;
        Ok(Self { last_ds, pad, unkn_sec_cnt, val, scratch_rest })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.last_ds.raw());
        out.extend_from_slice(&self.pad);
        put_u64(out, self.unkn_sec_cnt);
        put_f64(out, self.val);
        put_u64s(out, &self.scratch_rest);
    }
}

/// CDP preparation for one RRA × DS pair.
#[derive(Debug, Clone, PartialEq)]
pub struct CdpPrep {
    /// `scratch[CDP_val]`: running consolidation of the open CDP (AVERAGE: the sum).
    pub val: f64,
    /// `scratch[CDP_unkn_pdp_cnt]`: unknown PDPs so far in the open CDP.
    pub unkn_pdp_cnt: u64,
    /// `scratch[2..8]`: Holt-Winters state, zero for the basic CFs.
    pub(crate) hw: [u64; 6],
    /// `scratch[CDP_primary_val]`: the value written to the first row of the last update.
    pub primary: f64,
    /// `scratch[CDP_secondary_val]`: the value written to further rows of the last update.
    pub secondary: f64,
}

impl CdpPrep {
    /// A CDP prep with zeroed unused slots.
    pub fn new(val: f64, unkn_pdp_cnt: u64, primary: f64, secondary: f64) -> Self {
        Self { val, unkn_pdp_cnt, hw: [0; 6], primary, secondary }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, FormatError> {
        let val = r.f64()?;
        let unkn_pdp_cnt = r.u64()?;
        let hw = r.u64s::<6>()?;
        let primary = r.f64()?;
        let secondary = r.f64()?;
        Ok(Self { val, unkn_pdp_cnt, hw, primary, secondary })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        put_f64(out, self.val);
        put_u64(out, self.unkn_pdp_cnt);
        put_u64s(out, &self.hw);
        put_f64(out, self.primary);
        put_f64(out, self.secondary);
    }
}
