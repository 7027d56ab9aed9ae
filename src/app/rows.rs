//! The rows the dashboard holds, one store per kind, kept live from `ClusterUpdate`s.
//!
//! Rows live in slots that never move, so views (filtered, sorted lists of slot
//! indices) and the rollout cache can point into them without cloning a row.

use std::collections::HashMap;

use crate::cluster::{ClusterUpdate, Kind, Row};

/// All rows of one kind, keyed by (namespace, name).
#[derive(Debug, Default)]
pub struct RowStore {
    slots: Vec<Option<Row>>,
    index: HashMap<(String, String), usize>,
    free: Vec<usize>,
    generation: u64,
    membership: u64,
}

impl RowStore {
    /// Number of rows held.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the store holds no row.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Bumped on every change, so caches know when to recompute.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Bumped when rows come or go (not when a row only changes), so a view whose
    /// order and filter depend on nothing that changes can keep its slot list.
    pub fn membership(&self) -> u64 {
        self.membership
    }

    /// The row in `slot`, if the slot is in use.
    pub fn get(&self, slot: usize) -> Option<&Row> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    /// The slot of the row named `namespace`/`name`.
    pub fn slot_of(&self, namespace: &str, name: &str) -> Option<usize> {
        self.index
            .get(&(namespace.to_owned(), name.to_owned()))
            .copied()
    }

    /// The row named `namespace`/`name`.
    pub fn find(&self, namespace: &str, name: &str) -> Option<&Row> {
        self.slot_of(namespace, name).and_then(|s| self.get(s))
    }

    /// Every (slot, row) in use, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Row)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i, r)))
    }

    /// Removes every row.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
        self.free.clear();
        self.generation += 1;
        self.membership += 1;
    }

    /// Replaces every row with `rows`.
    pub fn reset(&mut self, rows: Vec<Row>) {
        self.clear();
        self.slots.reserve(rows.len());
        self.apply(rows);
    }

    /// Adds or replaces `rows`.
    pub fn apply(&mut self, rows: Vec<Row>) {
        for row in rows {
            let key = (row.meta.namespace.clone(), row.meta.name.clone());
            if let Some(&slot) = self.index.get(&key) {
                self.slots[slot] = Some(row);
            } else if let Some(slot) = self.free.pop() {
                self.slots[slot] = Some(row);
                self.index.insert(key, slot);
                self.membership += 1;
            } else {
                self.slots.push(Some(row));
                self.index.insert(key, self.slots.len() - 1);
                self.membership += 1;
            }
        }
        self.generation += 1;
    }

    /// Removes the rows named by `keys` (namespace, name).
    pub fn delete(&mut self, keys: Vec<(String, String)>) {
        for key in keys {
            if let Some(slot) = self.index.remove(&key) {
                self.slots[slot] = None;
                self.free.push(slot);
                self.membership += 1;
            }
        }
        self.generation += 1;
    }
}

/// One [`RowStore`] per kind.
#[derive(Debug, Default)]
pub struct Stores {
    stores: HashMap<Kind, RowStore>,
    empty: RowStore,
}

impl Stores {
    /// The store of `kind` (empty if nothing was received).
    pub fn of(&self, kind: Kind) -> &RowStore {
        self.stores.get(&kind).unwrap_or(&self.empty)
    }

    /// The store of `kind`, to change it.
    pub fn of_mut(&mut self, kind: Kind) -> &mut RowStore {
        self.stores.entry(kind).or_default()
    }

    /// Applies a row update (not a watch state change or columns; those go to the state).
    pub fn apply(&mut self, update: ClusterUpdate) {
        match update {
            ClusterUpdate::Reset { kind, rows } => self.of_mut(kind).reset(rows),
            ClusterUpdate::Applied { kind, rows } => self.of_mut(kind).apply(rows),
            ClusterUpdate::Deleted { kind, keys } => self.of_mut(kind).delete(keys),
            ClusterUpdate::State { .. } | ClusterUpdate::Columns { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{Detail, Health, Meta, NamespaceRow};

    fn ns(name: &str) -> Row {
        Row {
            meta: Meta {
                name: name.to_owned(),
                ..Meta::default()
            },
            detail: Detail::Namespace(NamespaceRow::default()),
            health: Health::Ok,
        }
    }

    #[test]
    fn reset_apply_delete_keep_slots_stable() {
        let mut s = RowStore::default();
        s.reset(vec![ns("a"), ns("b")]);
        let b = s.slot_of("", "b").unwrap();
        s.delete(vec![(String::new(), "a".to_owned())]);
        assert_eq!(s.len(), 1);
        assert_eq!(s.slot_of("", "b"), Some(b));
        s.apply(vec![ns("c"), ns("b")]);
        assert_eq!(s.len(), 2);
        assert_eq!(s.slot_of("", "b"), Some(b));
        assert!(s.find("", "c").is_some());
        let g = s.generation();
        s.reset(vec![]);
        assert!(s.is_empty() && s.generation() > g);
    }
}
