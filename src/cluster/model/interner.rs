//! Values that thousands of rows hold the same of, kept once: a set of the values in use,
//! each handed out as an `Arc`. Used for text ([`super::SharedStr`]) and for what the pods
//! of one ReplicaSet carry alike: their label set, their container rows and their owner.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

/// Below this many values, pruning is not worth the scan.
const MIN_PRUNE_AT: usize = 1024;

/// The values in use, made on first use (each user is a `static`). Pruned of the values
/// nothing else holds any more when it has doubled since the last pruning, so that it
/// holds at most about twice what rows hold (an owner uid of every ReplicaSet a long
/// session saw would otherwise be kept for ever).
pub struct Interner<T: ?Sized + 'static>(LazyLock<Mutex<Values<T>>>);

struct Values<T: ?Sized> {
    set: HashSet<Arc<T>>,
    prune_at: usize,
}

impl<T: ?Sized + Eq + Hash> Interner<T> {
    /// An empty set.
    pub const fn new() -> Self {
        Self(LazyLock::new(Self::empty))
    }

    fn empty() -> Mutex<Values<T>> {
        Mutex::new(Values {
            set: HashSet::new(),
            prune_at: MIN_PRUNE_AT,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Values<T>> {
        // A poisoned lock only means another thread panicked mid-insert; the set is
        // still a set of valid values.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The shared copy of `value`, made from it on its first use.
    pub fn intern<V: Borrow<T> + Into<Arc<T>>>(&self, value: V) -> Arc<T> {
        let mut values = self.lock();
        if let Some(shared) = values.set.get(value.borrow()) {
            return Arc::clone(shared);
        }
        if values.set.len() >= values.prune_at {
            values.set.retain(|v| Arc::strong_count(v) > 1);
            values.prune_at = (values.set.len() * 2).max(MIN_PRUNE_AT);
        }
        let shared: Arc<T> = value.into();
        values.set.insert(Arc::clone(&shared));
        shared
    }

    /// Whether `value` is kept (for tests).
    #[cfg(test)]
    pub fn contains(&self, value: &T) -> bool {
        self.lock().set.contains(value)
    }

    /// How many values may be kept before the next pruning (for tests).
    #[cfg(test)]
    pub fn prune_at(&self) -> usize {
        self.lock().prune_at
    }
}
