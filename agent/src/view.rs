//! Materialized views: a subtree's objects as one sorted list of varbinds, answered by
//! binary search, and [`CachedView`], a handler that rebuilds its view from a collector
//! off the request path (a request is served from the last snapshot while a background
//! refresher builds the next one, like snmpd's caches), never from one so old that its
//! values would mislead (see [`CachedView`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use snmp::{Oid, Value, VarBind};

use crate::handler::MibHandler;

/// A subtree's values, sorted by OID, and the object OIDs (scalars without `.0`, table
/// columns) that define which misses are noSuchInstance rather than noSuchObject.
#[derive(Debug, Clone, Default)]
pub struct View {
    values: Vec<VarBind<'static>>,
    objects: Vec<Oid>,
}

impl View {
    /// Builds a view; `values` need not be sorted, duplicates keep the first.
    pub fn new(mut values: Vec<VarBind<'static>>, mut objects: Vec<Oid>) -> View {
        values.sort_by(|a, b| a.oid.cmp(&b.oid));
        values.dedup_by(|later, first| later.oid == first.oid);
        objects.sort();
        objects.dedup();
        View { values, objects }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn get(&self, oid: &Oid) -> Value<'static> {
        match self.values.binary_search_by(|vb| vb.oid.cmp(oid)) {
            Ok(i) => self.values.get(i).map_or(Value::NoSuchObject, |vb| vb.value.clone()),
            Err(_) if self.is_known_object(oid) => Value::NoSuchInstance,
            Err(_) => Value::NoSuchObject,
        }
    }

    /// True when some object of the view is `oid` or a prefix of it (an instance of it).
    /// Objects are leaves of the MIB tree, so nothing sorts between an object and its
    /// instances: the last object at or before `oid` is the only candidate.
    fn is_known_object(&self, oid: &Oid) -> bool {
        let upto = self.objects.partition_point(|o| o <= oid);
        upto.checked_sub(1).and_then(|i| self.objects.get(i)).is_some_and(|o| oid.starts_with(o))
    }

    pub fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let i = self.values.partition_point(|vb| vb.oid <= *oid);
        self.values.get(i).cloned()
    }
}

/// A handler serving a view that never changes (constant groups, tests).
#[derive(Debug, Clone)]
pub struct StaticView {
    root: Oid,
    view: View,
}

impl StaticView {
    pub fn new(root: Oid, view: View) -> StaticView {
        StaticView { root, view }
    }
}

impl MibHandler for StaticView {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        self.view.get(oid)
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        self.view.get_next(oid)
    }
}

/// Builds a fresh view from the system (reads /proc, /sys, ...).
pub type Collector = Box<dyn Fn() -> View + Send + Sync>;

/// A handler whose few objects are built on every request (counters, the engine clock):
/// cheaper than a cache for a handful of values that must never be stale.
pub struct LiveView {
    root: Oid,
    build: Collector,
}

impl LiveView {
    pub fn new(root: Oid, build: impl Fn() -> View + Send + Sync + 'static) -> LiveView {
        LiveView { root, build: Box::new(build) }
    }
}

impl std::fmt::Debug for LiveView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveView").field("root", &self.root).finish_non_exhaustive()
    }
}

impl MibHandler for LiveView {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        (self.build)().get(oid)
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        (self.build)().get_next(oid)
    }
}

/// A handler serving a [`View`] that a collector rebuilds at most every `ttl`.
///
/// Under steady load a request never waits: a snapshot up to `2 * ttl` old is served while
/// the refresher builds the next. A snapshot older than that (the agent sat idle, as it does
/// between a poller's rounds five minutes apart) would hand out counters from the last
/// round, so the request rebuilds it first, as snmpd does with an expired cache; requests
/// arriving meanwhile wait for that one rebuild.
pub struct CachedView {
    root: Oid,
    ttl: Duration,
    collector: Collector,
    current: RwLock<(Instant, Arc<View>)>,
    wanted: AtomicBool,
    /// Held by the request that rebuilds a cold view.
    rebuilding: Mutex<()>,
}

impl std::fmt::Debug for CachedView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedView").field("root", &self.root).field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl CachedView {
    /// Builds the first view now, so the agent answers from its first request.
    pub fn new(root: Oid, ttl: Duration, collector: Collector) -> CachedView {
        let view = Arc::new(collector());
        CachedView {
            root,
            ttl,
            collector,
            current: RwLock::new((Instant::now(), view)),
            wanted: AtomicBool::new(false),
            rebuilding: Mutex::new(()),
        }
    }

    fn current(&self) -> (Duration, Arc<View>) {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        (guard.0.elapsed(), guard.1.clone())
    }

    fn snapshot(&self) -> Arc<View> {
        let (age, view) = self.current();
        if age < self.ttl {
            return view;
        }
        if age < self.ttl.saturating_mul(2) {
            self.wanted.store(true, Ordering::Relaxed);
            return view;
        }
        let _rebuilding = self.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
        let (age, view) = self.current();
        if age < self.ttl {
            return view; // rebuilt by the request this one waited for
        }
        self.refresh();
        self.current().1
    }

    /// Rebuilds the view if a request found it stale. Called by the refresher thread.
    pub fn refresh_if_wanted(&self) -> bool {
        if !self.wanted.swap(false, Ordering::Relaxed) {
            return false;
        }
        self.refresh();
        true
    }

    /// Rebuilds the view now.
    pub fn refresh(&self) {
        let view = Arc::new((self.collector)());
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = (Instant::now(), view);
    }
}

impl MibHandler for CachedView {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        self.snapshot().get(oid)
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        self.snapshot().get_next(oid)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn view() -> View {
        let col = |c: u32, i: u32| Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, c, i]);
        View::new(
            vec![
                VarBind::new(col(2, 2), Value::string(b"eth0".to_vec())),
                VarBind::new(col(1, 1), Value::Integer(1)),
                VarBind::new(col(1, 2), Value::Integer(2)),
                VarBind::new(col(2, 1), Value::string(b"lo".to_vec())),
            ],
            vec![Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 1]), Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 2])],
        )
    }

    #[test]
    fn get_and_exceptions() {
        let v = view();
        assert_eq!(v.get(&Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2])), Value::Integer(2));
        assert_eq!(v.get(&Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 9])), Value::NoSuchInstance);
        assert_eq!(v.get(&Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 3, 1])), Value::NoSuchObject);
        assert_eq!(v.get(&Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1])), Value::NoSuchObject);
    }

    #[test]
    fn next_is_columnar_order() {
        let v = view();
        let mut at = Oid::from([1, 3]);
        let mut seen = Vec::new();
        while let Some(vb) = v.get_next(&at) {
            seen.push(vb.oid.to_string());
            at = vb.oid;
        }
        assert_eq!(
            seen,
            ["1.3.6.1.2.1.2.2.1.1.1", "1.3.6.1.2.1.2.2.1.1.2", "1.3.6.1.2.1.2.2.1.2.1", "1.3.6.1.2.1.2.2.1.2.2"]
        );
    }

    /// A view whose only value counts the collector's runs (0 for the first).
    fn counting(ttl: Duration) -> (CachedView, Arc<std::sync::atomic::AtomicUsize>) {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = calls.clone();
        let cached = CachedView::new(
            Oid::from([1, 3, 6, 1]),
            ttl,
            Box::new(move || {
                let n = c.fetch_add(1, Ordering::Relaxed) as i32;
                View::new(vec![VarBind::new(Oid::from([1, 3, 6, 1, 1, 0]), Value::Integer(n))], vec![])
            }),
        );
        (cached, calls)
    }

    #[test]
    fn stale_views_refresh_off_the_request_path() {
        let (cached, calls) = counting(Duration::from_millis(200));
        let value = || cached.get(&Oid::from([1, 3, 6, 1, 1, 0]));
        assert_eq!(value(), Value::Integer(0));
        assert!(!cached.refresh_if_wanted(), "fresh: nothing to do");
        std::thread::sleep(Duration::from_millis(250));
        // Stale but within twice the ttl: served as is, marked for the refresher.
        assert_eq!(value(), Value::Integer(0));
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        assert!(cached.refresh_if_wanted());
        assert!(!cached.refresh_if_wanted());
        assert_eq!(value(), Value::Integer(1));
    }

    #[test]
    fn a_view_left_idle_is_rebuilt_before_it_answers() {
        let (cached, calls) = counting(Duration::from_millis(20));
        std::thread::sleep(Duration::from_millis(50));
        let cached = Arc::new(cached);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let cached = cached.clone();
                std::thread::spawn(move || cached.get(&Oid::from([1, 3, 6, 1, 1, 0])))
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), Value::Integer(1), "never the idle snapshot");
        }
        assert_eq!(calls.load(Ordering::Relaxed), 2, "one rebuild for the four requests");
    }
}
