//! MIB views (RFC 3415 §5.1, snmpd.conf `view`): families of subtrees, each included or
//! excluded, with an optional wildcard mask. An OID is in the view when the longest family
//! that matches it is an included one; a family matches when every sub-identifier the mask
//! marks (bit 1, and every bit past the mask's end) equals the family's.
//!
//! Walking a view: [`MibView::next_candidate`] tells the dispatcher where the next object
//! in the view can start after one that is not, so excluded subtrees are jumped over
//! instead of being stepped through object by object.

use snmp::Oid;

/// One `view NAME {included|excluded} SUBTREE [MASK]` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewFamily {
    pub subtree: Oid,
    /// Bit i (most significant first) of the mask covers sub-identifier i; missing bits are 1.
    pub mask: Vec<u8>,
    pub included: bool,
}

impl ViewFamily {
    /// True when mask bit `i` lets sub-identifier `i` be anything.
    fn is_wildcard(&self, i: usize) -> bool {
        self.mask.get(i / 8).is_some_and(|byte| byte & (0x80 >> (i % 8)) == 0)
    }

    fn has_wildcards(&self) -> bool {
        (0..self.subtree.len()).any(|i| self.is_wildcard(i))
    }

    pub fn matches(&self, oid: &[u32]) -> bool {
        oid.len() >= self.subtree.len()
            && self.subtree.iter().zip(oid).enumerate().all(|(i, (want, got))| want == got || self.is_wildcard(i))
    }
}

/// Where the next object of a view may be after an OID that is not in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextCandidate {
    /// Nothing in the view sorts after the OID.
    End,
    /// The first object at or after this OID may be in the view.
    From(Oid),
    /// Masked families make jumping unsafe: try the next object.
    Step,
}

/// A named MIB view: its families, ordered so that the first matching one decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MibView {
    /// Longest subtree first; among equal lengths the lexicographically greatest (RFC 3415
    /// §5.1), then the first configured (what snmpd does with two lines for one subtree).
    families: Vec<ViewFamily>,
    /// Only included families without wildcards, `.1` among them (`.1` alone, or snmpd's
    /// `_all_`: .0, .1 and .2): the whole MIB, checked for free.
    everything: bool,
    masked: bool,
}

impl MibView {
    /// The view of nothing.
    pub const fn empty() -> MibView {
        MibView { families: Vec::new(), everything: false, masked: false }
    }

    /// The view of all of `.1` (what `rocommunity public` grants).
    pub fn everything() -> MibView {
        let mut view = MibView::default();
        view.add(ViewFamily { subtree: Oid::from([1]), mask: Vec::new(), included: true });
        view
    }

    /// Adds one family (a `view` line), keeping the decision order.
    pub fn add(&mut self, family: ViewFamily) {
        let at = self.families.partition_point(|f| {
            f.subtree.len() > family.subtree.len()
                || (f.subtree.len() == family.subtree.len() && f.subtree >= family.subtree)
        });
        self.masked |= family.has_wildcards();
        self.families.insert(at, family);
        self.everything = self.families.iter().all(|f| f.included && !f.has_wildcards())
            && self.families.iter().any(|f| f.subtree.as_slice() == [1]);
    }

    pub fn families(&self) -> impl Iterator<Item = &ViewFamily> {
        self.families.iter()
    }

    /// True when every OID under `.1` is in the view: the dispatcher skips all checks.
    pub fn is_everything(&self) -> bool {
        self.everything
    }

    pub fn contains(&self, oid: &[u32]) -> bool {
        if self.everything && oid.first() == Some(&1) {
            return true;
        }
        self.deciding(oid).is_some_and(|f| f.included)
    }

    fn deciding(&self, oid: &[u32]) -> Option<&ViewFamily> {
        self.families.iter().find(|f| f.matches(oid))
    }

    /// For `oid`, known not to be in the view: where the next object in the view may start.
    /// Without masks this is exact: past the excluding subtree, or at the next included
    /// subtree, whichever comes first.
    pub fn next_candidate(&self, oid: &[u32]) -> NextCandidate {
        if self.masked {
            return self.next_candidate_masked(oid);
        }
        let past_excluded = self.deciding(oid).and_then(|f| successor_of_subtree(&f.subtree));
        let next_included = self
            .families
            .iter()
            .filter(|f| f.included && f.subtree.as_slice() > oid)
            .map(|f| &f.subtree)
            .min()
            .cloned();
        let inside_included = self.families.iter().any(|f| f.included && oid.starts_with(&f.subtree));
        match (past_excluded, next_included) {
            (_, None) if !inside_included => NextCandidate::End,
            (Some(a), Some(b)) => NextCandidate::From(a.min(b)),
            (Some(a), None) | (None, Some(a)) => NextCandidate::From(a),
            (None, None) => NextCandidate::End,
        }
    }
}

impl MibView {
    /// With masks: an OID excluded by an unmasked family is jumped past that subtree when
    /// no masked included family is as long (only those could take part of it back).
    /// Otherwise only a lower bound is cheap: a family matches nothing below its subtree
    /// with the wildcard arcs at 0. When every included family starts after `oid`, the
    /// smallest such start is safe to jump to; otherwise the caller steps.
    fn next_candidate_masked(&self, oid: &[u32]) -> NextCandidate {
        if let Some(excluding) = self.deciding(oid).filter(|f| !f.included && !f.has_wildcards()) {
            let len = excluding.subtree.len();
            let reclaimable = self.families.iter().any(|f| f.included && f.has_wildcards() && f.subtree.len() >= len);
            if !reclaimable && let Some(past) = successor_of_subtree(&excluding.subtree) {
                let inner_included = self
                    .families
                    .iter()
                    .filter(|f| f.included && f.subtree.as_slice() > oid && f.subtree < past)
                    .map(|f| &f.subtree)
                    .min()
                    .cloned();
                return NextCandidate::From(inner_included.unwrap_or(past));
            }
        }
        let mut lowest: Option<Oid> = None;
        for family in self.families.iter().filter(|f| f.included) {
            let bound: Oid = family
                .subtree
                .iter()
                .enumerate()
                .map(|(i, arc)| if family.is_wildcard(i) { 0 } else { *arc })
                .collect::<Vec<u32>>()
                .as_slice()
                .into();
            if bound.as_slice() <= oid {
                return NextCandidate::Step;
            }
            if lowest.as_ref().is_none_or(|l| bound < *l) {
                lowest = Some(bound);
            }
        }
        lowest.map_or(NextCandidate::End, NextCandidate::From)
    }
}

/// The smallest OID after every OID in `subtree` (`1.3.6.1.2.1.1` -> `1.3.6.1.2.1.2`);
/// `None` when no such OID exists (all arcs at their maximum).
fn successor_of_subtree(subtree: &Oid) -> Option<Oid> {
    let mut arcs: Vec<u32> = subtree.to_vec();
    while let Some(last) = arcs.pop() {
        if let Some(next) = last.checked_add(1) {
            arcs.push(next);
            return Some(Oid::from(arcs.as_slice()));
        }
    }
    None
}

/// net-snmp's view masks: hex octets separated by `.` or `:` (`ff.a0`, `ff:a0`), or one run
/// of hex digits with an optional `0x` (`ffa0`, `0xffa0`). At most 16 octets (128 arcs).
pub fn parse_mask(text: &str) -> Result<Vec<u8>, String> {
    let bad = || format!("bad view mask {text:?} (hex octets such as ff.a0, ff:a0 or 0xffa0)");
    let body = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text);
    let octets: Vec<u8> = if body.contains(['.', ':']) {
        body.split(['.', ':'])
            .map(|part| {
                if (1..=2).contains(&part.len()) { u8::from_str_radix(part, 16).map_err(|_| bad()) } else { Err(bad()) }
            })
            .collect::<Result<_, _>>()?
    } else {
        if body.is_empty() || !body.len().is_multiple_of(2) || !body.is_ascii() {
            return Err(bad());
        }
        (0..body.len())
            .step_by(2)
            .map(|i| body.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(bad))
            .collect::<Result<_, _>>()?
    };
    if octets.len() > 16 {
        return Err(format!("view mask {text:?} is longer than 16 octets"));
    }
    Ok(octets)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn family(subtree: &str, mask: &str, included: bool) -> ViewFamily {
        let mask = if mask.is_empty() { Vec::new() } else { parse_mask(mask).unwrap() };
        ViewFamily { subtree: subtree.parse().unwrap(), mask, included }
    }

    fn view(families: &[(&str, &str, bool)]) -> MibView {
        let mut v = MibView::default();
        for (s, m, i) in families {
            v.add(family(s, m, *i));
        }
        v
    }

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn masks_in_net_snmp_forms() {
        assert_eq!(parse_mask("ff").unwrap(), [0xff]);
        assert_eq!(parse_mask("ff.a0").unwrap(), [0xff, 0xa0]);
        assert_eq!(parse_mask("ff:a0").unwrap(), [0xff, 0xa0]);
        assert_eq!(parse_mask("0xffa0").unwrap(), [0xff, 0xa0]);
        assert_eq!(parse_mask("f.0").unwrap(), [0x0f, 0]);
        for bad in ["", "xyz", "fff", "ff..a0", "ff.123", "0x", &"ff".repeat(17)] {
            assert!(parse_mask(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn longest_family_decides() {
        let v =
            view(&[(".1.3.6.1.2.1.1", "", true), (".1.3.6.1.2.1.1.5", "", false), (".1.3.6.1.2.1.1.5.7", "", true)]);
        assert!(v.contains(&oid("1.3.6.1.2.1.1.1.0")));
        assert!(!v.contains(&oid("1.3.6.1.2.1.1.5.0")));
        assert!(v.contains(&oid("1.3.6.1.2.1.1.5.7.1")));
        assert!(!v.contains(&oid("1.3.6.1.2.1.2.1.0")));
        assert!(!v.contains(&oid("1.3.6.1.2.1")), "shorter than every family");
        assert!(!v.is_everything());
    }

    #[test]
    fn mask_wildcards_and_missing_bits() {
        // ff.c0: the first 10 arcs must match, the 11th (the row index) is free.
        let v = view(&[(".1.3.6.1.2.1.2.2.1.2.1", "ff.c0", true)]);
        assert!(v.contains(&oid("1.3.6.1.2.1.2.2.1.2.1")));
        assert!(v.contains(&oid("1.3.6.1.2.1.2.2.1.2.4")));
        assert!(!v.contains(&oid("1.3.6.1.2.1.2.2.1.3.1")));
        // ff.80: only the first 9 arcs must match (any column of ifEntry).
        let v = view(&[(".1.3.6.1.2.1.2.2.1.2.1", "ff.80", true)]);
        assert!(v.contains(&oid("1.3.6.1.2.1.2.2.1.3.1")));
        // A mask shorter than the subtree: the missing bits are 1.
        let v = view(&[(".1.3.6.1.2.1.2.2.1.2.1", "fe", true)]);
        assert!(v.contains(&oid("1.3.6.1.2.1.2.9.1.2.1.0")), "only arc 8 is free");
        assert!(!v.contains(&oid("1.3.6.1.2.1.2.2.1.2.2")));
    }

    #[test]
    fn equal_subtrees_first_configured_wins() {
        let v = view(&[(".1.3.6.1.2.1.1", "", true), (".1.3.6.1.2.1.1", "", false)]);
        assert!(v.contains(&oid("1.3.6.1.2.1.1.1.0")));
    }

    #[test]
    fn everything_is_recognised() {
        let all = MibView::everything();
        assert!(all.is_everything());
        assert!(all.contains(&oid("1.3.6.1.4.1.2021.4.5.0")));
        assert!(!all.contains(&oid("2.1")));
        assert!(!MibView::default().contains(&oid("1.3.6")));
        assert!(!view(&[(".1", "", true), (".1.3.6.1.2.1.1", "", false)]).is_everything());
        let snmpd_all = view(&[(".0", "", true), (".1", "", true), (".2", "", true)]);
        assert!(snmpd_all.is_everything());
        assert!(snmpd_all.contains(&oid("2.1")) && snmpd_all.contains(&oid("1.3.6.1")));
        assert!(!view(&[(".1", "", true), (".2", "", false)]).is_everything());
    }

    #[test]
    fn next_candidate_jumps_excluded_subtrees() {
        let v = view(&[
            (".1.3.6.1.2.1.1", "", true),
            (".1.3.6.1.2.1.1.5", "", false),
            (".1.3.6.1.2.1.1.5.7", "", true),
            (".1.3.6.1.2.1.4", "", true),
        ]);
        assert_eq!(v.next_candidate(&oid("1.3.6.1.2.1.1.5.0")), NextCandidate::From(oid("1.3.6.1.2.1.1.5.7")));
        assert_eq!(v.next_candidate(&oid("1.3.6.1.2.1.1.5.8.0")), NextCandidate::From(oid("1.3.6.1.2.1.1.6")));
        assert_eq!(v.next_candidate(&oid("1.3.6.1.2.1.2.1.0")), NextCandidate::From(oid("1.3.6.1.2.1.4")));
        assert_eq!(v.next_candidate(&oid("1.3.6.1.2.1.5.1.0")), NextCandidate::End);
        let masked = view(&[(".1.3.6.1.2.1.2.2.1.2.1", "ff.c0", true)]);
        assert_eq!(masked.next_candidate(&oid("1.3.6.1.2.1.2.2.1.3.1")), NextCandidate::Step);
        // An unmasked exclusion in a masked view is still jumped over.
        let mixed = view(&[
            (".1.3.6.1.2.1", "", true),
            (".1.3.6.1.2.1.1", "", false),
            (".1.3.6.1.2.1.2.2.1.2.1", "ff.c0", false),
        ]);
        assert_eq!(mixed.next_candidate(&oid("1.3.6.1.2.1.1.1.0")), NextCandidate::From(oid("1.3.6.1.2.1.2")));
        assert_eq!(mixed.next_candidate(&oid("1.3.6.1.2.1.2.2.1.2.1")), NextCandidate::Step);
        // Before every masked family: jump to the lowest OID one could match.
        assert_eq!(masked.next_candidate(&oid("1.3.6.1.2.1.1.1.0")), NextCandidate::From(oid("1.3.6.1.2.1.2.2.1.2.0")));
        for excluded_only in [view(&[(".1.3.6.1.2.1.1", "ff.80", false)]), view(&[(".1.3.6.1.2.1.1", "fd", false)])] {
            assert_eq!(excluded_only.next_candidate(&oid("1.3.6.1.2.1.1.1.0")), NextCandidate::End);
        }
        assert_eq!(successor_of_subtree(&Oid::from([1, u32::MAX])), Some(Oid::from([2])));
        assert_eq!(successor_of_subtree(&Oid::from([u32::MAX])), None);
    }
}
