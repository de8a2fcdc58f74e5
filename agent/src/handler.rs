//! The handler contract: a `MibHandler` owns one OID subtree and answers exact lookups
//! and "next after" lookups inside it; SETs go through test -> commit (-> undo), and
//! default to notWritable. Handlers never block: they read cached snapshots (the one
//! exception, NET-SNMP-EXTEND-MIB, runs a configured command on read, as snmpd does).

use snmp::{ErrorStatus, Oid, Value, VarBind};

/// What a GET of one OID inside a handler's subtree found.
pub type Lookup = Value<'static>;

/// One subtree of the agent's MIB view.
pub trait MibHandler: Send + Sync {
    /// The subtree this handler answers for. Handlers' subtrees never overlap.
    fn root(&self) -> &Oid;

    /// The value at `oid` (which starts with `root()`), or `NoSuchObject` /
    /// `NoSuchInstance` when there is none.
    fn get(&self, oid: &Oid) -> Lookup;

    /// The first object strictly after `oid` inside the subtree, in OID order. `oid` may
    /// lie before the subtree, in which case this is the subtree's first object.
    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>>;

    /// SET phase 1: may `oid` take `value`? The default refuses: notWritable.
    fn test_set(&self, _oid: &Oid, _value: &Value<'_>) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::NotWritable)
    }

    /// SET phase 2: apply a value that passed `test_set`.
    fn commit_set(&self, _oid: &Oid, _value: &Value<'_>) -> Result<(), ErrorStatus> {
        Err(ErrorStatus::CommitFailed)
    }
}
