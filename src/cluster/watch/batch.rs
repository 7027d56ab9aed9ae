//! Coalescing of watch events into batched updates, so that a flood of
//! changes reaches the app loop as a few messages, in order.

use std::collections::HashMap;

use crate::cluster::model::{ClusterUpdate, Kind, Row};

/// The largest number of rows one `Applied` or `Deleted` carries.
pub const MAX_BATCH: usize = 1000;

/// Changes seen since the last flush. Applies of the same object keep only the
/// newest row; an apply after a delete (or the reverse) flushes first, so the
/// app sees them in the order they happened.
#[derive(Debug)]
pub struct PendingChanges {
    kind: Kind,
    applied: Vec<Row>,
    applied_index: HashMap<(String, String), usize>,
    deleted: Vec<(String, String)>,
}

impl PendingChanges {
    /// Nothing pending, for `kind`.
    pub fn new(kind: Kind) -> Self {
        Self {
            kind,
            applied: Vec::new(),
            applied_index: HashMap::new(),
            deleted: Vec::new(),
        }
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty() && self.deleted.is_empty()
    }

    /// Whether a batch is full and must go now.
    pub fn is_full(&self) -> bool {
        self.applied.len() >= MAX_BATCH || self.deleted.len() >= MAX_BATCH
    }

    /// Records an added or changed row; returns updates that had to go first.
    pub fn apply(&mut self, row: Row) -> Vec<ClusterUpdate> {
        let mut out = Vec::new();
        if !self.deleted.is_empty() {
            out.extend(self.flush());
        }
        let key = (row.meta.namespace.to_string(), row.meta.name.clone());
        if let Some(&i) = self.applied_index.get(&key) {
            self.applied[i] = row;
        } else {
            self.applied_index.insert(key, self.applied.len());
            self.applied.push(row);
        }
        out
    }

    /// Records a deletion; returns updates that had to go first.
    pub fn delete(&mut self, namespace: String, name: String) -> Vec<ClusterUpdate> {
        let out = if self.applied.is_empty() {
            Vec::new()
        } else {
            self.flush()
        };
        self.deleted.push((namespace, name));
        out
    }

    /// Everything pending, as at most two updates, leaving nothing pending.
    pub fn flush(&mut self) -> Vec<ClusterUpdate> {
        let mut out = Vec::new();
        if !self.applied.is_empty() {
            self.applied_index.clear();
            out.push(ClusterUpdate::Applied {
                kind: self.kind,
                rows: std::mem::take(&mut self.applied),
            });
        }
        if !self.deleted.is_empty() {
            out.push(ClusterUpdate::Deleted {
                kind: self.kind,
                keys: std::mem::take(&mut self.deleted),
            });
        }
        out
    }

    /// Drops everything pending (a relist replaces it).
    pub fn clear(&mut self) {
        self.applied.clear();
        self.applied_index.clear();
        self.deleted.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::model::{Detail, Health, Meta};

    fn row(name: &str, rv: &str) -> Row {
        Row {
            meta: Meta {
                name: name.to_owned(),
                resource_version: rv.to_owned(),
                ..Meta::default()
            },
            detail: Detail::Namespace(Box::default()),
            health: Health::Neutral,
        }
    }

    #[test]
    fn repeated_applies_coalesce_to_the_newest_row() {
        let mut p = PendingChanges::new(Kind::Namespace);
        assert!(p.apply(row("a", "1")).is_empty());
        assert!(p.apply(row("b", "2")).is_empty());
        assert!(p.apply(row("a", "3")).is_empty());
        let out = p.flush();
        let [ClusterUpdate::Applied { rows, .. }] = out.as_slice() else {
            panic!("{out:?}")
        };
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.meta.name.as_str(), r.meta.resource_version.as_str()))
            .collect();
        assert_eq!(got, [("a", "3"), ("b", "2")]);
        assert!(p.is_empty());
    }

    #[test]
    fn delete_then_recreate_keeps_order() {
        let mut p = PendingChanges::new(Kind::Namespace);
        assert!(p.apply(row("a", "1")).is_empty());
        let first = p.delete(String::new(), "a".to_owned());
        assert!(matches!(first.as_slice(), [ClusterUpdate::Applied { .. }]));
        let second = p.apply(row("a", "2"));
        assert!(
            matches!(second.as_slice(), [ClusterUpdate::Deleted { keys, .. }] if keys[0].1 == "a")
        );
        assert!(
            matches!(p.flush().as_slice(), [ClusterUpdate::Applied { rows, .. }] if rows[0].meta.resource_version == "2")
        );
    }

    #[test]
    fn full_at_max_batch() {
        let mut p = PendingChanges::new(Kind::Namespace);
        for i in 0..MAX_BATCH {
            assert!(!p.is_full());
            p.apply(row(&i.to_string(), "1"));
        }
        assert!(p.is_full());
    }
}
