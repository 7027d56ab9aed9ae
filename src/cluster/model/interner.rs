//! Values that thousands of rows hold the same of, kept once: a set of the values in use,
//! each handed out as an `Arc`. Used for text ([`super::SharedStr`]) and for whole label
//! sets (the pods of one ReplicaSet carry the same labels).

use std::borrow::Borrow;
use std::collections::HashSet;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

/// Below this many values, pruning is not worth the scan.
const MIN_PRUNE_AT: usize = 1024;

/// The values in use. Pruned of the values nothing else holds any more when it has
/// doubled since the last pruning, so that it holds at most about twice what rows hold
/// (an owner uid of every ReplicaSet a long session saw would otherwise be kept for ever).
pub struct Interner<T: ?Sized> {
    values: HashSet<Arc<T>>,
    prune_at: usize,
}

impl<T: ?Sized + Eq + Hash> Interner<T> {
    /// An empty set.
    pub fn new() -> Self {
        Self {
            values: HashSet::new(),
            prune_at: MIN_PRUNE_AT,
        }
    }

    /// The shared copy of `value`, made from it on its first use.
    pub fn intern<V: Borrow<T> + Into<Arc<T>>>(this: &Mutex<Self>, value: V) -> Arc<T> {
        // A poisoned lock only means another thread panicked mid-insert; the set is
        // still a set of valid values.
        let mut set = this.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(shared) = set.values.get(value.borrow()) {
            return Arc::clone(shared);
        }
        if set.values.len() >= set.prune_at {
            set.values.retain(|v| Arc::strong_count(v) > 1);
            set.prune_at = (set.values.len() * 2).max(MIN_PRUNE_AT);
        }
        let shared: Arc<T> = value.into();
        set.values.insert(Arc::clone(&shared));
        shared
    }

    /// Whether `value` is kept (for tests).
    #[cfg(test)]
    pub fn contains(this: &Mutex<Self>, value: &T) -> bool {
        this.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values
            .contains(value)
    }

    /// How many values may be kept before the next pruning (for tests).
    #[cfg(test)]
    pub fn prune_at(this: &Mutex<Self>) -> usize {
        this.lock().unwrap_or_else(PoisonError::into_inner).prune_at
    }
}
