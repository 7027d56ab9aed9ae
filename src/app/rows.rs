//! The rows the dashboard holds, one store per kind, kept live from `ClusterUpdate`s.
//!
//! Rows live in slots that never move, so views (filtered, sorted lists of slot
//! indices) and the rollout cache can point into them without cloning a row.

mod slab;

use std::collections::HashMap;
use std::hash::{BuildHasher as _, RandomState};

use hashbrown::HashTable;
use slab::Slab;

use crate::cluster::{ClusterUpdate, Kind, Row};

/// All rows of one kind, keyed by (namespace, name).
#[derive(Debug, Default)]
pub struct RowStore {
    slots: Slab,
    /// The used slots, hashed by their row's namespace and name: the names are not kept
    /// twice (a `HashMap` keyed by a copy of them cost ~150 bytes a row).
    index: HashTable<u32>,
    hasher: RandomState,
    free: Vec<usize>,
    generation: u64,
    membership: u64,
    /// While a list is under way (its pages arrive as `Listed`): per slot, whether the list
    /// named the slot's row. Rows it did not name go at its end.
    listed: Option<Vec<bool>>,
}

fn key_hash(hasher: &RandomState, namespace: &str, name: &str) -> u64 {
    hasher.hash_one((namespace, name))
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
        self.slots.get(slot)
    }

    /// The slot of the row named `namespace`/`name`.
    pub fn slot_of(&self, namespace: &str, name: &str) -> Option<usize> {
        let hash = key_hash(&self.hasher, namespace, name);
        self.index
            .find(hash, |&slot| {
                self.slots
                    .get(slot as usize)
                    .is_some_and(|r| r.meta.namespace == namespace && r.meta.name == name)
            })
            .map(|&slot| slot as usize)
    }

    /// The row named `namespace`/`name`.
    pub fn find(&self, namespace: &str, name: &str) -> Option<&Row> {
        self.slot_of(namespace, name).and_then(|s| self.get(s))
    }

    /// Every (slot, row) in use, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Row)> {
        self.slots.iter()
    }

    /// Whether a list is under way: some of its pages are here, not yet all.
    pub fn listing(&self) -> bool {
        self.listed.is_some()
    }

    /// Removes every row.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
        self.free.clear();
        self.listed = None;
        self.generation += 1;
        self.membership += 1;
    }

    /// A page of a list under way: adds or replaces `rows`, leaving the others until the
    /// list ends ([`RowStore::reset`]). The `first` page starts a new list.
    pub fn listed(&mut self, rows: Vec<Row>, first: bool) {
        if first || self.listed.is_none() {
            self.listed = Some(vec![false; self.slots.len()]);
        }
        self.apply(rows);
    }

    /// The end of a list: `rows` and those of its pages are all there is. Without pages
    /// before, `rows` replace every row; after pages, the rows the list did not name go.
    pub fn reset(&mut self, rows: Vec<Row>) {
        if self.listed.is_none() {
            self.clear();
            self.apply(rows);
            return;
        }
        self.apply(rows);
        let listed = self.listed.take().unwrap_or_default();
        let unlisted: Vec<(String, String)> = self
            .iter()
            .filter(|(slot, _)| !listed.get(*slot).copied().unwrap_or(false))
            .map(|(_, row)| (row.meta.namespace.to_string(), row.meta.name.clone()))
            .collect();
        self.delete(unlisted);
    }

    /// Adds or replaces `rows`.
    pub fn apply(&mut self, rows: Vec<Row>) {
        for row in rows {
            let slot = if let Some(slot) = self.slot_of(&row.meta.namespace, &row.meta.name) {
                self.slots.set(slot, Some(row));
                slot
            } else {
                let hash = key_hash(&self.hasher, &row.meta.namespace, &row.meta.name);
                let slot = if let Some(slot) = self.free.pop() {
                    self.slots.set(slot, Some(row));
                    slot
                } else {
                    self.slots.push(row)
                };
                let Self {
                    index,
                    slots,
                    hasher,
                    ..
                } = self;
                index.insert_unique(hash, slot as u32, |&s| {
                    slots
                        .get(s as usize)
                        .map_or(0, |r| key_hash(hasher, &r.meta.namespace, &r.meta.name))
                });
                self.membership += 1;
                slot
            };
            if let Some(listed) = self.listed.as_mut() {
                if listed.len() <= slot {
                    listed.resize(slot + 1, false);
                }
                listed[slot] = true;
            }
        }
        self.generation += 1;
    }

    /// Removes the rows named by `keys` (namespace, name).
    pub fn delete(&mut self, keys: Vec<(String, String)>) {
        for (namespace, name) in keys {
            let hash = key_hash(&self.hasher, &namespace, &name);
            let slots = &self.slots;
            let Ok(entry) = self.index.find_entry(hash, |&slot| {
                slots
                    .get(slot as usize)
                    .is_some_and(|r| r.meta.namespace == namespace && r.meta.name == name)
            }) else {
                continue;
            };
            let (slot, _) = entry.remove();
            let slot = slot as usize;
            self.slots.set(slot, None);
            self.free.push(slot);
            if let Some(listed) = self.listed.as_mut().and_then(|l| l.get_mut(slot)) {
                *listed = false;
            }
            self.membership += 1;
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
            ClusterUpdate::Listed {
                kind, rows, first, ..
            } => self.of_mut(kind).listed(rows, first),
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
    use crate::cluster::{Detail, Health, Meta, RowsClaim};

    fn ns(name: &str) -> Row {
        Row {
            meta: Meta {
                name: name.to_owned(),
                ..Meta::default()
            },
            detail: Detail::Namespace(Box::default()),
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

    fn names(s: &RowStore) -> Vec<String> {
        let mut v: Vec<String> = s.iter().map(|(_, r)| r.meta.name.clone()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_list_shows_its_pages_as_they_come_and_drops_what_it_did_not_name() {
        let mut stores = Stores::default();
        let kind = Kind::Namespace;
        // What an earlier list left: "old" will be gone from the new list.
        stores.apply(ClusterUpdate::Reset {
            kind,
            rows: vec![ns("a"), ns("old")],
        });
        assert!(!stores.of(kind).listing());
        let a = stores.of(kind).slot_of("", "a");
        stores.apply(ClusterUpdate::Listed {
            kind,
            rows: vec![ns("a"), ns("b")],
            first: true,
            claim: RowsClaim::default(),
        });
        // Page 1 is visible at once; nothing is dropped before the list ends.
        assert_eq!(names(stores.of(kind)), ["a", "b", "old"]);
        assert!(stores.of(kind).listing());
        assert_eq!(
            stores.of(kind).slot_of("", "a"),
            a,
            "a listed row keeps its slot"
        );
        stores.apply(ClusterUpdate::Listed {
            kind,
            rows: vec![ns("c")],
            first: false,
            claim: RowsClaim::default(),
        });
        assert_eq!(names(stores.of(kind)), ["a", "b", "c", "old"]);
        stores.apply(ClusterUpdate::Reset {
            kind,
            rows: vec![ns("d")],
        });
        assert_eq!(names(stores.of(kind)), ["a", "b", "c", "d"]);
        assert!(!stores.of(kind).listing());
    }

    #[test]
    fn a_list_started_again_forgets_what_the_broken_one_named() {
        let mut s = RowStore::default();
        s.reset(vec![ns("a"), ns("b")]);
        // A list broken off after naming "b", then started again: only "a" is there now.
        s.listed(vec![ns("b")], true);
        s.listed(vec![ns("a")], true);
        s.reset(Vec::new());
        assert_eq!(names(&s), ["a"]);
        // An empty list without pages empties the store.
        s.reset(Vec::new());
        assert!(s.is_empty());
    }

    #[test]
    fn the_index_finds_every_row_across_chunks_growth_and_reused_slots() {
        let name = |i: usize| format!("p-{i}");
        let mut s = RowStore::default();
        // Several chunks of slots, and an index that rehashes as it grows.
        s.apply((0..3000).map(|i| ns(&name(i))).collect());
        s.delete(
            (0..3000)
                .step_by(2)
                .map(|i| (String::new(), name(i)))
                .collect(),
        );
        assert_eq!(s.len(), 1500);
        // New rows take the freed slots.
        s.apply((3000..4000).map(|i| ns(&name(i))).collect());
        assert_eq!(s.len(), 2500);
        for i in 0..4000 {
            let slot = s.slot_of("", &name(i));
            if i < 3000 && i % 2 == 0 {
                assert_eq!(slot, None, "{i} was deleted");
            } else {
                let row = slot.and_then(|slot| s.get(slot));
                assert_eq!(row.map(|r| r.meta.name.as_str()), Some(name(i).as_str()));
            }
        }
        assert_eq!(s.iter().count(), 2500);
        // Same name, another namespace: another row.
        assert_eq!(s.slot_of("other", &name(1)), None);
    }
}
