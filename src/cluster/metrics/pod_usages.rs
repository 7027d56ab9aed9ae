//! The pods' use in a sample, packed: every namespace, name and container name in one
//! text, one fixed-size entry a pod sorted by namespace and name, and one a container.
//! A cell drawn each frame finds its pod by `&str` (a binary search, no key built), and
//! the whole sample is four allocations, whatever the number of pods.
//!
//! It was a map of maps of `String`s with a `Vec` of `(String, Usage)` a pod: about 240
//! bytes and five allocations a pod, made on the poll's worker thread between the
//! decode's short-lived ones. At 50,000 pods that left the workers' malloc arenas holding
//! some 50 MiB of holes. Packed, a pod costs its name's bytes and 48 bytes more, and the
//! few large blocks are freed whole.

use std::collections::HashMap;

use super::{PodUsage, Usage};

/// Where a piece of text lies in [`PodUsages::text`].
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
}

/// One pod.
#[derive(Debug, Clone, Copy)]
struct Pod {
    namespace: Span,
    name: Span,
    /// Its containers: `containers[first..first + count]`.
    first: u32,
    count: u32,
}

/// One container.
#[derive(Debug, Clone, Copy)]
struct Container {
    name: Span,
    usage: Usage,
}

/// Use per pod, found by namespace and name. Built with [`PodUsagesBuilder`] (or
/// collected from `((namespace, name), PodUsage)` pairs).
#[derive(Debug, Clone, Default)]
pub struct PodUsages {
    text: String,
    /// Sorted by namespace, then name; one entry a pod.
    pods: Vec<Pod>,
    containers: Vec<Container>,
}

/// What one pod uses, as [`PodUsages::get`] finds it.
#[derive(Debug, Clone, Copy)]
pub struct PodUsageRef<'a> {
    usages: &'a PodUsages,
    containers: &'a [Container],
}

impl<'a> PodUsageRef<'a> {
    /// Each reported container's name and use, as the API listed them.
    pub fn containers(self) -> impl Iterator<Item = (&'a str, Usage)> {
        let usages = self.usages;
        self.containers
            .iter()
            .map(move |c| (usages.str(c.name), c.usage))
    }

    /// The pod's total.
    pub fn total(self) -> Usage {
        self.containers
            .iter()
            .fold(Usage::default(), |sum, c| sum + c.usage)
    }

    /// What container `name` uses, if it was reported.
    pub fn container(self, name: &str) -> Option<Usage> {
        self.containers().find(|(n, _)| *n == name).map(|(_, u)| u)
    }

    /// An owned copy.
    pub fn to_owned(self) -> PodUsage {
        PodUsage {
            containers: self.containers().map(|(n, u)| (n.to_owned(), u)).collect(),
        }
    }
}

impl PartialEq for PodUsageRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.containers().eq(other.containers())
    }
}

impl PodUsages {
    fn str(&self, span: Span) -> &str {
        let start = span.start as usize;
        &self.text[start..start + span.len as usize]
    }

    fn key(&self, pod: &Pod) -> (&str, &str) {
        (self.str(pod.namespace), self.str(pod.name))
    }

    fn at(&self, pod: &Pod) -> PodUsageRef<'_> {
        let first = pod.first as usize;
        PodUsageRef {
            usages: self,
            containers: &self.containers[first..first + pod.count as usize],
        }
    }

    /// The use of pod `name` in `namespace`, if it was reported.
    pub fn get(&self, namespace: &str, name: &str) -> Option<PodUsageRef<'_>> {
        let i = self
            .pods
            .binary_search_by(|p| self.key(p).cmp(&(namespace, name)))
            .ok()?;
        Some(self.at(&self.pods[i]))
    }

    /// Every pod's namespace, name and use, by namespace and name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, PodUsageRef<'_>)> {
        self.pods.iter().map(|p| {
            let (namespace, name) = self.key(p);
            (namespace, name, self.at(p))
        })
    }

    /// How many pods were reported.
    pub fn len(&self) -> usize {
        self.pods.len()
    }

    /// Whether no pod was reported.
    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
    }

    /// The bytes the sample holds beyond its own struct.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.pods.capacity() * size_of::<Pod>()
            + self.containers.capacity() * size_of::<Container>()
    }
}

impl PartialEq for PodUsages {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|(a, b)| (a.0, a.1) == (b.0, b.1) && a.2 == b.2)
    }
}

impl Eq for PodUsages {}

/// Hashes what [`PartialEq`] compares: each pod's namespace, name and containers in order.
impl std::hash::Hash for PodUsages {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for (namespace, name, usage) in self.iter() {
            (namespace, name).hash(state);
            for container in usage.containers() {
                container.hash(state);
            }
        }
    }
}

/// A [`PodUsages`] in the making: pods are added in any order, and
/// [`finish`](Self::finish) sorts them.
#[derive(Debug, Default)]
pub struct PodUsagesBuilder {
    usages: PodUsages,
    /// The text of the namespaces and container names met so far: each is written once.
    /// (A cluster has few of each; a pod's name is written as it comes.)
    repeated: HashMap<String, Span>,
}

impl PodUsagesBuilder {
    /// Adds pod `name` of `namespace` with its containers' use; a pod added again
    /// replaces the earlier one.
    pub fn add<'c>(
        &mut self,
        namespace: &str,
        name: &str,
        containers: impl IntoIterator<Item = (&'c str, Usage)>,
    ) {
        let namespace = self.repeated(namespace);
        let name = push(&mut self.usages.text, name);
        let first = self.usages.containers.len();
        for (container, usage) in containers {
            let name = self.repeated(container);
            self.usages.containers.push(Container { name, usage });
        }
        self.usages.pods.push(Pod {
            namespace,
            name,
            first: index(first),
            count: index(self.usages.containers.len() - first),
        });
    }

    fn repeated(&mut self, text: &str) -> Span {
        if let Some(span) = self.repeated.get(text) {
            return *span;
        }
        let span = push(&mut self.usages.text, text);
        self.repeated.insert(text.to_owned(), span);
        span
    }

    /// The pods sorted for lookup, the last of each namespace and name kept.
    pub fn finish(self) -> PodUsages {
        let mut usages = self.usages;
        let mut pods = std::mem::take(&mut usages.pods);
        // In place (no second list of pods at the peak): by key, and of one key the last
        // added first (each pod's name was written after the one before it), which
        // `dedup_by` keeps.
        pods.sort_unstable_by(|a, b| {
            usages
                .key(a)
                .cmp(&usages.key(b))
                .then(b.name.start.cmp(&a.name.start))
        });
        pods.dedup_by(|later, kept| usages.key(later) == usages.key(kept));
        usages.pods = pods;
        usages
    }
}

fn push(text: &mut String, piece: &str) -> Span {
    let start = index(text.len());
    text.push_str(piece);
    Span {
        start,
        len: index(piece.len()),
    }
}

/// `n` as a packed index: a sample of more than 4 GiB of text is not a case to handle.
fn index(n: usize) -> u32 {
    u32::try_from(n).expect("a metrics sample under 4 GiB")
}

impl FromIterator<((String, String), PodUsage)> for PodUsages {
    fn from_iter<I: IntoIterator<Item = ((String, String), PodUsage)>>(items: I) -> Self {
        let mut builder = PodUsagesBuilder::default();
        for ((namespace, name), usage) in items {
            builder.add(
                &namespace,
                &name,
                usage.containers.iter().map(|(n, u)| (n.as_str(), *u)),
            );
        }
        builder.finish()
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

    fn collected(pods: &[(&str, &str, PodUsage)]) -> PodUsages {
        pods.iter()
            .map(|(ns, name, u)| (((*ns).to_owned(), (*name).to_owned()), u.clone()))
            .collect()
    }

    #[test]
    fn pods_are_found_by_namespace_and_name_only() {
        let usages = collected(&[
            ("b", "web", usage(2)),
            ("a", "web", usage(1)),
            ("a", "db", usage(3)),
        ]);
        let found = |ns, name| usages.get(ns, name).map(PodUsageRef::to_owned);
        assert_eq!(found("a", "web"), Some(usage(1)));
        assert_eq!(found("b", "web"), Some(usage(2)));
        assert_eq!(found("a", "db"), Some(usage(3)));
        assert_eq!(found("c", "web"), None);
        assert_eq!(found("b", "db"), None);
        assert_eq!(found("", ""), None);
        assert_eq!(usages.len(), 3);
        let all: Vec<_> = usages.iter().map(|(ns, name, _)| (ns, name)).collect();
        assert_eq!(all, [("a", "db"), ("a", "web"), ("b", "web")]);
    }

    #[test]
    fn a_pod_added_again_replaces_the_earlier_one() {
        let usages = collected(&[
            ("a", "web", usage(1)),
            ("a", "db", usage(3)),
            ("a", "web", usage(2)),
        ]);
        assert_eq!(usages.len(), 2);
        assert_eq!(
            usages.get("a", "web").map(|u| u.total().memory_bytes),
            Some(2)
        );
    }

    #[test]
    fn containers_keep_their_order_and_their_own_use() {
        let two = PodUsage {
            containers: vec![
                ("app".to_owned(), usage(5).containers[0].1),
                ("sidecar".to_owned(), usage(7).containers[0].1),
            ],
        };
        let usages = collected(&[
            ("a", "web", two.clone()),
            ("a", "empty", PodUsage::default()),
        ]);
        let web = usages.get("a", "web").unwrap();
        assert_eq!(web.to_owned(), two);
        assert_eq!(web.container("sidecar").map(|u| u.memory_bytes), Some(7));
        assert_eq!(web.container("nope"), None);
        assert_eq!(web.total().memory_bytes, 12);
        assert_eq!(usages.get("a", "empty").unwrap().total(), Usage::default());
    }

    #[test]
    fn equal_samples_are_equal_whatever_order_they_were_read_in() {
        let one = collected(&[("a", "x", usage(1)), ("b", "y", usage(2))]);
        let other = collected(&[("b", "y", usage(2)), ("a", "x", usage(1))]);
        assert_eq!(one, other);
        assert_ne!(
            one,
            collected(&[("a", "x", usage(1)), ("b", "y", usage(3))])
        );
        assert_ne!(one, collected(&[("a", "x", usage(1))]));
    }

    #[test]
    fn namespaces_and_container_names_are_written_once() {
        let pods: Vec<_> = (0..100)
            .map(|i| ("team".to_owned(), format!("p{i:02}"), usage(1)))
            .collect();
        let usages: PodUsages = pods
            .into_iter()
            .map(|(ns, name, u)| ((ns, name), u))
            .collect();
        // "team" and "c" once, then 100 names of 3 bytes.
        assert_eq!(usages.text.len(), 4 + 1 + 300);
    }
}
