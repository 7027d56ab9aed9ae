//! The pods' use in a sample, by namespace and then name, so that a cell drawn each
//! frame finds its pod by `&str` without building a key (a `(String, String)` key cost
//! two allocations a cell).

use std::collections::HashMap;

use super::PodUsage;

/// Use per pod, found by namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodUsages {
    by_namespace: HashMap<String, HashMap<String, PodUsage>>,
}

impl PodUsages {
    /// The use of pod `name` in `namespace`, if it was reported.
    pub fn get(&self, namespace: &str, name: &str) -> Option<&PodUsage> {
        self.by_namespace.get(namespace)?.get(name)
    }

    /// Records pod `name` of `namespace`'s use (replacing an earlier one).
    pub fn insert(&mut self, namespace: String, name: String, usage: PodUsage) {
        self.by_namespace
            .entry(namespace)
            .or_default()
            .insert(name, usage);
    }

    /// Every pod's namespace, name and use, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &PodUsage)> {
        self.by_namespace.iter().flat_map(|(namespace, pods)| {
            pods.iter()
                .map(move |(name, usage)| (namespace.as_str(), name.as_str(), usage))
        })
    }

    /// How many pods were reported.
    pub fn len(&self) -> usize {
        self.by_namespace.values().map(HashMap::len).sum()
    }

    /// Whether no pod was reported.
    pub fn is_empty(&self) -> bool {
        self.by_namespace.values().all(HashMap::is_empty)
    }
}

impl FromIterator<((String, String), PodUsage)> for PodUsages {
    fn from_iter<I: IntoIterator<Item = ((String, String), PodUsage)>>(items: I) -> Self {
        let mut usages = Self::default();
        for ((namespace, name), usage) in items {
            usages.insert(namespace, name, usage);
        }
        usages
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::metrics::Usage;

    fn usage(memory_bytes: u64) -> PodUsage {
        PodUsage {
            containers: vec![(
                "c".to_owned(),
                Usage {
                    cpu_nanos: 1,
                    memory_bytes,
                },
            )],
        }
    }

    #[test]
    fn pods_are_found_by_namespace_and_name_only() {
        let usages: PodUsages = [
            (("a".to_owned(), "web".to_owned()), usage(1)),
            (("b".to_owned(), "web".to_owned()), usage(2)),
        ]
        .into_iter()
        .collect();
        assert_eq!(usages.get("a", "web"), Some(&usage(1)));
        assert_eq!(usages.get("b", "web"), Some(&usage(2)));
        assert_eq!(usages.get("c", "web"), None);
        assert_eq!(usages.get("a", "db"), None);
        assert_eq!(usages.len(), 2);
        let mut all: Vec<_> = usages.iter().map(|(ns, name, _)| (ns, name)).collect();
        all.sort_unstable();
        assert_eq!(all, [("a", "web"), ("b", "web")]);
    }
}
