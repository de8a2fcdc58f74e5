//! The TestAndIncr advisory locks managers use to coordinate SETs: SNMPv2-MIB's
//! snmpSetSerialNo (1.3.6.1.6.3.1.1.6.1.0, starting at a random value as in snmpd) and
//! SNMP-TARGET-MIB's snmpTargetSpinLock (1.3.6.1.6.3.12.1.1.0, starting at 0) with that
//! group's context counters. A SET succeeds only with the current value, and increments it
//! (RFC 2579 TestAndIncr); any other value is inconsistentValue.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use snmp::{ErrorStatus, Oid, Value, VarBind};

use crate::handler::MibHandler;
use crate::stats::{Stats, read};
use crate::view::View;

/// snmpSet (1.3.6.1.6.3.1.1.6).
pub const SNMP_SET: [u32; 9] = [1, 3, 6, 1, 6, 3, 1, 1, 6];
/// snmpTargetObjects (1.3.6.1.6.3.12.1).
pub const TARGET_OBJECTS: [u32; 8] = [1, 3, 6, 1, 6, 3, 12, 1];

#[derive(Debug)]
pub struct SpinLockGroup {
    root: Oid,
    lock: AtomicI32,
    /// For snmpTargetObjects: the agent's counters served beside the lock.
    stats: Option<Arc<Stats>>,
}

impl SpinLockGroup {
    pub fn set_serial_no() -> SpinLockGroup {
        let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.subsec_nanos());
        SpinLockGroup { root: Oid::from(SNMP_SET), lock: AtomicI32::new((seed & 0x7fff_ffff) as i32), stats: None }
    }

    pub fn target_objects(stats: Arc<Stats>) -> SpinLockGroup {
        SpinLockGroup { root: Oid::from(TARGET_OBJECTS), lock: AtomicI32::new(0), stats: Some(stats) }
    }

    fn lock_oid(&self) -> Oid {
        self.root.child(&[1, 0])
    }

    fn view(&self) -> View {
        let mut values = vec![VarBind::new(self.lock_oid(), Value::Integer(self.lock.load(Ordering::Relaxed)))];
        let mut objects = vec![self.root.child(&[1])];
        if let Some(stats) = &self.stats {
            values.push(VarBind::new(self.root.child(&[4, 0]), Value::Counter32(read(&stats.unavailable_contexts))));
            values.push(VarBind::new(self.root.child(&[5, 0]), Value::Counter32(read(&stats.unknown_contexts))));
            objects.extend([self.root.child(&[4]), self.root.child(&[5])]);
        }
        View::new(values, objects)
    }
}

impl MibHandler for SpinLockGroup {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        self.view().get(oid)
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        self.view().get_next(oid)
    }

    fn test_set(&self, oid: &Oid, value: &Value<'_>) -> Result<(), ErrorStatus> {
        if *oid != self.lock_oid() {
            return Err(ErrorStatus::NotWritable);
        }
        match value {
            Value::Integer(v) if *v == self.lock.load(Ordering::Relaxed) => Ok(()),
            Value::Integer(v) if *v < 0 => Err(ErrorStatus::WrongValue),
            Value::Integer(_) => Err(ErrorStatus::InconsistentValue),
            _ => Err(ErrorStatus::WrongType),
        }
    }

    fn commit_set(&self, oid: &Oid, value: &Value<'_>) -> Result<(), ErrorStatus> {
        self.test_set(oid, value)?;
        let next = |v: i32| Some(if v == i32::MAX { 0 } else { v + 1 });
        let _ = self.lock.fetch_update(Ordering::Relaxed, Ordering::Relaxed, next);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn test_and_incr() {
        let g = SpinLockGroup::target_objects(Arc::new(Stats::default()));
        let lock = g.lock_oid();
        assert_eq!(g.get(&lock), Value::Integer(0));
        assert_eq!(g.test_set(&lock, &Value::Integer(5)), Err(ErrorStatus::InconsistentValue));
        assert_eq!(g.test_set(&lock, &Value::string(b"x".to_vec())), Err(ErrorStatus::WrongType));
        g.commit_set(&lock, &Value::Integer(0)).unwrap();
        assert_eq!(g.get(&lock), Value::Integer(1));
        assert_eq!(
            g.test_set(&Oid::from(TARGET_OBJECTS).child(&[4, 0]), &Value::Integer(0)),
            Err(ErrorStatus::NotWritable)
        );
        assert!(matches!(g.get(&Oid::from(TARGET_OBJECTS).child(&[5, 0])), Value::Counter32(0)));
    }
}
