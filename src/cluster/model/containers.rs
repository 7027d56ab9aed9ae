//! A pod's containers as its row keeps them: one list shared by the pods whose containers
//! look the same (the pods of one ReplicaSet, running and ready, carry the same names,
//! images, states and resources). A copy a pod was about 130 bytes of allocations.

use std::ops::Deref;
use std::sync::Arc;

use super::ContainerRow;
use super::interner::Interner;

/// The container lists in use.
static INTERNER: Interner<[ContainerRow]> = Interner::new();

/// A pod's containers, then its init containers. None take no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Containers(Option<Arc<[ContainerRow]>>);

impl Deref for Containers {
    type Target = [ContainerRow];

    fn deref(&self) -> &[ContainerRow] {
        self.0.as_deref().unwrap_or_default()
    }
}

impl From<Vec<ContainerRow>> for Containers {
    fn from(rows: Vec<ContainerRow>) -> Self {
        if rows.is_empty() {
            return Self::default();
        }
        Self(Some(INTERNER.intern(rows)))
    }
}

impl FromIterator<ContainerRow> for Containers {
    fn from_iter<I: IntoIterator<Item = ContainerRow>>(iter: I) -> Self {
        Self::from(iter.into_iter().collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::SharedStr;

    fn container(restarts: u32) -> ContainerRow {
        ContainerRow {
            name: SharedStr::new("containers-share-test"),
            image: SharedStr::new("nginx:1.25"),
            ready: true,
            restarts,
            ..ContainerRow::default()
        }
    }

    #[test]
    fn pods_with_the_same_containers_share_one_list() {
        let a = Containers::from(vec![container(0)]);
        let b: Containers = [container(0)].into_iter().collect();
        let restarted = Containers::from(vec![container(1)]);
        let (Some(a_list), Some(b_list), Some(other)) = (&a.0, &b.0, &restarted.0) else {
            panic!("containers were given");
        };
        assert!(Arc::ptr_eq(a_list, b_list));
        assert!(!Arc::ptr_eq(a_list, other));
        assert_eq!(restarted[0].restarts, 1);
        assert_eq!(a.len(), 1);
        assert!(
            Containers::from(Vec::new()).0.is_none(),
            "none, no allocation"
        );
    }
}
