//! An object's labels as a row keeps them: sorted pairs in one allocation, shared by the
//! rows that carry the same set (the pods of one ReplicaSet, of one DaemonSet). A
//! `BTreeMap<String, String>` reserved a node of eleven entries (about 540 bytes) for a
//! pod's two labels; at 50,000 pods that was a quarter of kdeck's memory. A copy of the
//! pairs a pod was still about 200 bytes of allocations.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::interner::Interner;

/// One label set's pairs.
type Pairs = [(Box<str>, Box<str>)];

/// The label sets in use.
static INTERNER: Interner<Pairs> = Interner::new();

/// Labels, sorted by key, each key once. No labels take no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels(Option<Arc<Pairs>>);

impl Labels {
    fn pairs(&self) -> &Pairs {
        self.0.as_deref().unwrap_or_default()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let pairs = self.pairs();
        pairs
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &*pairs[i].1)
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The pairs, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs().iter().map(|(k, v)| (&**k, &**v))
    }

    /// How many labels.
    pub fn len(&self) -> usize {
        self.pairs().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    /// Sets `key` to `value` (a copy of the pairs: for building rows, not for hot paths).
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let mut pairs: BTreeMap<String, String> = self.to_map();
        pairs.insert(key.into(), value.into());
        *self = Self::from(pairs);
    }

    /// The labels as a map.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    /// Whether every pair of `selector` is among these labels (an empty selector selects
    /// nothing, as a Service without a selector has no endpoints).
    pub fn selected_by(&self, selector: &BTreeMap<String, String>) -> bool {
        !selector.is_empty()
            && selector
                .iter()
                .all(|(k, v)| self.get(k) == Some(v.as_str()))
    }

    /// Bytes the set's one copy holds on the heap (shared by every row with these labels).
    pub fn heap_bytes(&self) -> usize {
        let pairs = self.pairs();
        std::mem::size_of_val(pairs) + pairs.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(map: BTreeMap<String, String>) -> Self {
        if map.is_empty() {
            return Self::default();
        }
        let pairs: Vec<(Box<str>, Box<str>)> = map
            .into_iter()
            .map(|(k, v)| (k.into_boxed_str(), v.into_boxed_str()))
            .collect();
        Self(Some(INTERNER.intern(pairs)))
    }
}

impl FromIterator<(String, String)> for Labels {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Self::from(iter.into_iter().collect::<BTreeMap<_, _>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sorted_map_in_one_allocation() {
        let mut labels: Labels = [("b", "2"), ("a", "1"), ("b", "3")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(labels.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "3")]);
        assert_eq!(labels.get("b"), Some("3"));
        assert_eq!(labels.get("c"), None);
        labels.insert("c", "4");
        assert!(labels.contains_key("c"));
        assert_eq!(labels.len(), 3);
        let selector = BTreeMap::from([("a".to_owned(), "1".to_owned())]);
        assert!(labels.selected_by(&selector));
        assert!(!labels.selected_by(&BTreeMap::new()));
        // Two short labels: well under the ~540 bytes of a B-tree node.
        let two: Labels = BTreeMap::from([
            ("app".to_owned(), "web".to_owned()),
            ("pod-template-hash".to_owned(), "7c5ddbdf54".to_owned()),
        ])
        .into();
        assert!(two.heap_bytes() < 128, "{}", two.heap_bytes());
    }

    #[test]
    fn equal_sets_share_one_copy() {
        let labels = |hash: &str| -> Labels {
            [("app", "labels-share-test"), ("pod-template-hash", hash)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        let (a, b, other) = (labels("1a2b"), labels("1a2b"), labels("3c4d"));
        let (Some(a), Some(b), Some(other)) = (&a.0, &b.0, &other.0) else {
            panic!("labels were given");
        };
        assert!(Arc::ptr_eq(a, b));
        assert!(!Arc::ptr_eq(a, other));
        assert!(
            Labels::from(BTreeMap::new()).0.is_none(),
            "no labels, no allocation"
        );
    }
}
