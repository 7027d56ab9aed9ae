//! Objects that expire: kube-apiserver stores Events with an etcd lease of `--event-ttl`
//! (an hour by default), renewed by every write, and etcd deletes them when it runs out.
//! The index keeps each Event's deadline in order, so finding the expired ones reads
//! only those (a namespace after a scale-up holds 25,000 Events).

use std::collections::{BTreeSet, HashMap};

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::sim::clock::parse_time;
use crate::sim::resources::ResourceType;

/// How long an Event is kept after its last write (kube-apiserver's `--event-ttl`).
pub const EVENT_TTL: SignedDuration = SignedDuration::from_hours(1);

/// An Event's namespace and name (only Events expire).
pub type Key = (String, String);

/// The deadlines of the objects that expire.
#[derive(Default)]
pub struct TtlIndex {
    by_deadline: BTreeSet<(Timestamp, Key)>,
    deadline_of: HashMap<Key, Timestamp>,
}

/// Whether objects of this type expire.
pub fn expires(rt: &ResourceType) -> bool {
    rt.kind == "Event"
}

/// When an object written at `at` expires.
pub fn deadline(at: Timestamp) -> Timestamp {
    at.saturating_add(EVENT_TTL).unwrap_or(at)
}

/// When a restored Event (a scenario's, written before the store existed) expires: an
/// hour after the last time it records, as if it had been written then.
pub fn restored_deadline(object: &Value, now: Timestamp) -> Timestamp {
    let recorded = [
        "/lastTimestamp",
        "/series/lastObservedTime",
        "/eventTime",
        "/metadata/creationTimestamp",
    ]
    .into_iter()
    .find_map(|p| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .and_then(parse_time)
    });
    deadline(recorded.map_or(now, |t| t.min(now)))
}

impl TtlIndex {
    /// Sets (or renews) the deadline of `key`.
    pub fn set(&mut self, key: Key, at: Timestamp) {
        if let Some(old) = self.deadline_of.insert(key.clone(), at) {
            self.by_deadline.remove(&(old, key.clone()));
        }
        self.by_deadline.insert((at, key));
    }

    /// Forgets `key` (it was deleted).
    pub fn remove(&mut self, key: &Key) {
        if let Some(old) = self.deadline_of.remove(key) {
            self.by_deadline.remove(&(old, key.clone()));
        }
    }

    /// The keys whose deadline is before `now`, earliest first.
    pub fn expired(&self, now: Timestamp) -> Vec<Key> {
        self.by_deadline
            .iter()
            .take_while(|(at, _)| *at < now)
            .map(|(_, key)| key.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use crate::sim::clock::{Clock, format_time};
    use crate::sim::resources::by_kind;
    use crate::sim::store::Store;

    #[test]
    fn events_expire_an_hour_after_their_last_write() {
        let store = Store::new(Clock::manual());
        let ns = by_kind("", "Namespace").unwrap();
        store
            .create(ns, json!({"metadata": {"name": "default"}}))
            .unwrap();
        let events = by_kind("", "Event").unwrap();
        let cm = by_kind("", "ConfigMap").unwrap();
        store
            .create(events, json!({"metadata": {"name": "a.1"}}))
            .unwrap();
        store
            .create(events, json!({"metadata": {"name": "b.1"}}))
            .unwrap();
        store
            .create(cm, json!({"metadata": {"name": "kept"}}))
            .unwrap();
        store.clock().advance(Duration::from_secs(40 * 60));
        // A write renews the lease.
        store
            .modify(events, "default", "b.1", |e| {
                e["count"] = json!(2);
                Ok(())
            })
            .unwrap();
        store.clock().advance(Duration::from_secs(21 * 60));
        assert_eq!(store.expire(store.clock().now()), 1);
        assert!(store.get(events, "default", "a.1").is_none());
        assert!(store.get(events, "default", "b.1").is_some());
        assert!(
            store.get(cm, "default", "kept").is_some(),
            "only events expire"
        );
        // A scenario's event counts from the time it records.
        let long_ago = store.clock().now() - jiff::SignedDuration::from_mins(59);
        store
            .restore(
                events,
                json!({"metadata": {"name": "c.1"}, "lastTimestamp": format_time(long_ago)}),
            )
            .unwrap();
        store.clock().advance(Duration::from_secs(2 * 60));
        assert_eq!(store.expire(store.clock().now()), 1);
        assert!(store.get(events, "default", "c.1").is_none());
        assert!(store.get(events, "default", "b.1").is_some());
    }
}
