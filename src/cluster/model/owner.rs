//! A row's controller, shared: the pods of one ReplicaSet name the same owner, so it is
//! kept once and each row's slot holds a pointer to it (three `SharedStr`s were 48 bytes
//! of every slot of every store).

use std::sync::Arc;

use super::OwnerRef;
use super::interner::Interner;

/// The owners in use.
static INTERNER: Interner<OwnerRef> = Interner::new();

impl OwnerRef {
    /// The shared copy of this owner (made on its first use).
    pub fn shared(self) -> Arc<OwnerRef> {
        INTERNER.intern(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(name: &str) -> OwnerRef {
        OwnerRef {
            kind: "ReplicaSet".into(),
            name: name.into(),
            uid: format!("uid-of-{name}").into(),
        }
    }

    #[test]
    fn the_rows_of_one_owner_share_it() {
        let a = owner("owner-share-test-1").shared();
        let b = owner("owner-share-test-1").shared();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &owner("owner-share-test-2").shared()));
        assert_eq!(a.name, "owner-share-test-1");
    }
}
