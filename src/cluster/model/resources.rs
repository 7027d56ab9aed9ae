//! CPU and memory amounts on rows: what a container requests and is limited to, what a
//! node can give its pods. Live use is not here: it comes from the metrics API
//! ([`metrics`](crate::cluster::metrics)), not from the objects.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;

use crate::quantity::Quantity;

/// An amount of CPU and of memory, each when set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Amounts {
    /// CPU, in millicores (rounded up, as `MilliValue`).
    pub cpu_millis: Option<u64>,
    /// Memory, in bytes.
    pub memory_bytes: Option<u64>,
}

impl Amounts {
    /// The `cpu` and `memory` of a resource list (`requests`, `limits`, `allocatable`).
    pub fn of(list: Option<&BTreeMap<String, ApiQuantity>>) -> Self {
        let read = |key: &str| {
            list.and_then(|l| l.get(key))
                .and_then(|q| Quantity::parse(&q.0))
        };
        Self {
            cpu_millis: read("cpu").and_then(|q| u64::try_from(q.milli_ceil()).ok()),
            memory_bytes: read("memory").and_then(|q| u64::try_from(q.value_ceil()).ok()),
        }
    }
}

/// A container's requests and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ContainerResources {
    /// `resources.requests`.
    pub requests: Amounts,
    /// `resources.limits`.
    pub limits: Amounts,
}

impl super::PodRow {
    /// What the pod's containers request (not its init containers, which have ended).
    pub fn requests(&self) -> Amounts {
        self.total(|r| r.requests, false)
    }

    /// The pod's limits: `None` for a resource any container leaves unlimited.
    pub fn limits(&self) -> Amounts {
        self.total(|r| r.limits, true)
    }

    fn total(&self, pick: impl Fn(&ContainerResources) -> Amounts, all: bool) -> Amounts {
        let amounts: Vec<Amounts> = self
            .containers
            .iter()
            .filter(|c| !c.init)
            .map(|c| pick(&c.resources))
            .collect();
        Amounts {
            cpu_millis: sum(amounts.iter().map(|a| a.cpu_millis), all),
            memory_bytes: sum(amounts.iter().map(|a| a.memory_bytes), all),
        }
    }
}

/// Adds what every item sets; `None` when none sets it (`all`: when any does not).
pub fn sum(amounts: impl Iterator<Item = Option<u64>>, all: bool) -> Option<u64> {
    let mut total: Option<u64> = None;
    for a in amounts {
        match a {
            Some(n) => total = Some(total.unwrap_or(0).saturating_add(n)),
            None if all => return None,
            None => {}
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_requests_limits_and_allocatable() {
        let list: BTreeMap<String, ApiQuantity> = [
            ("cpu".to_owned(), ApiQuantity("250m".to_owned())),
            ("memory".to_owned(), ApiQuantity("64Mi".to_owned())),
            ("pods".to_owned(), ApiQuantity("110".to_owned())),
        ]
        .into();
        let a = Amounts::of(Some(&list));
        assert_eq!(a.cpu_millis, Some(250));
        assert_eq!(a.memory_bytes, Some(64 * 1024 * 1024));
        assert_eq!(Amounts::of(None), Amounts::default());
        assert_eq!(sum([Some(1), None, Some(2)].into_iter(), false), Some(3));
        assert_eq!(sum([Some(1), None].into_iter(), true), None);
        assert_eq!(sum([None, None].into_iter(), false), None);
    }
}
