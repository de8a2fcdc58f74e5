//! The handler registry: handlers sorted by their (disjoint) subtree roots, GET routed to
//! the handler whose subtree holds the OID, GETNEXT continued across handlers in OID order.

use std::sync::Arc;

use snmp::{Oid, Value, VarBind};

use crate::handler::MibHandler;

#[derive(Clone, Default)]
pub struct Registry {
    handlers: Vec<Arc<dyn MibHandler>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.handlers.iter().map(|h| h.root().to_string())).finish()
    }
}

/// Two handlers claimed overlapping subtrees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("handlers for {0} and {1} overlap")]
pub struct OverlapError(pub String, pub String);

impl Registry {
    pub fn new(mut handlers: Vec<Arc<dyn MibHandler>>) -> Result<Registry, OverlapError> {
        handlers.sort_by(|a, b| a.root().cmp(b.root()));
        for pair in handlers.windows(2) {
            if let [a, b] = pair
                && b.root().starts_with(a.root())
            {
                return Err(OverlapError(a.root().to_string(), b.root().to_string()));
            }
        }
        Ok(Registry { handlers })
    }

    pub fn handlers(&self) -> &[Arc<dyn MibHandler>] {
        &self.handlers
    }

    /// Index of the handler whose subtree holds `oid`, or `Err(i)` with the index of the
    /// first handler after `oid`.
    fn locate(&self, oid: &Oid) -> Result<usize, usize> {
        let after = self.handlers.partition_point(|h| h.root() <= oid);
        match after.checked_sub(1) {
            Some(i) if self.handlers.get(i).is_some_and(|h| oid.starts_with(h.root())) => Ok(i),
            _ => Err(after),
        }
    }

    /// The handler whose subtree holds `oid`.
    pub fn handler_for(&self, oid: &Oid) -> Option<&Arc<dyn MibHandler>> {
        self.locate(oid).ok().and_then(|i| self.handlers.get(i))
    }

    pub fn get(&self, oid: &Oid) -> Value<'static> {
        match self.handler_for(oid) {
            Some(h) => h.get(oid),
            None => Value::NoSuchObject,
        }
    }

    /// The first object after `oid` in the whole MIB view.
    pub fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let start = self.locate(oid).unwrap_or_else(|i| i);
        self.handlers.get(start..)?.iter().find_map(|h| h.get_next(oid))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::view::{StaticView, View};

    fn fixed(root: &[u32], leaves: &[&[u32]]) -> Arc<dyn MibHandler> {
        let root = Oid::from(root);
        let values = leaves.iter().map(|l| VarBind::new(root.child(l), Value::Integer(l.len() as i32))).collect();
        Arc::new(StaticView::new(root, View::new(values, vec![])))
    }

    #[test]
    fn next_crosses_handlers_and_get_routes() {
        let r = Registry::new(vec![
            fixed(&[1, 3, 6, 1, 2, 1, 2], &[&[1, 0]]),
            fixed(&[1, 3, 6, 1, 2, 1, 1], &[&[1, 0], &[3, 0]]),
        ])
        .unwrap();
        let mut at = Oid::from([1]);
        let mut seen = Vec::new();
        while let Some(vb) = r.get_next(&at) {
            seen.push(vb.oid.to_string());
            at = vb.oid;
        }
        assert_eq!(seen, ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.2.1.0"]);
        assert_eq!(r.get(&Oid::from([1, 3, 6, 1, 2, 1, 1, 3, 0])), Value::Integer(2));
        assert_eq!(r.get(&Oid::from([1, 3, 6, 1, 2, 1, 9])), Value::NoSuchObject);
        assert!(Registry::new(vec![fixed(&[1, 3], &[]), fixed(&[1, 3, 6], &[])]).is_err());
    }
}
