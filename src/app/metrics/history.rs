//! The last samples kdeck has seen of each shown object, for the sparklines: a bounded
//! ring per pod on screen (the rows a pods table shows, the pod a describe or containers
//! view is of), per node, and per Deployment on the monitor's cards. An object that
//! leaves the screen loses its ring with the next sample, so the memory held follows
//! what is on screen, never the cluster's size (a ring for each of 50,000 pods listed
//! cost some 15 MiB, 30 MiB once full).

use std::collections::{HashMap, VecDeque};

use jiff::Timestamp;

use crate::cluster::metrics::{PodSample, Usage};

/// How many samples a ring keeps (at the default interval, seven and a half minutes).
pub const SAMPLES: usize = 30;

/// What a ring is of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A pod.
    Pod {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
    /// A node.
    Node(String),
    /// A Deployment: the total of its pods.
    Deployment {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
}

/// The rings.
#[derive(Debug, Clone, Default)]
pub struct History {
    rings: HashMap<Subject, VecDeque<Usage>>,
    /// The sample last recorded per kind of subject, so a sample seen twice counts once.
    recorded: HashMap<std::mem::Discriminant<Subject>, Timestamp>,
}

impl History {
    /// The samples of `subject`, oldest first.
    pub fn of(&self, subject: &Subject) -> Option<&VecDeque<Usage>> {
        self.rings.get(subject)
    }

    /// How many rings are kept.
    pub fn len(&self) -> usize {
        self.rings.len()
    }

    /// Whether a ring of a subject `kind_of` selects is kept.
    pub fn holds(&self, kind_of: impl Fn(&Subject) -> bool) -> bool {
        self.rings.keys().any(kind_of)
    }

    /// Whether no ring is kept.
    pub fn is_empty(&self) -> bool {
        self.rings.is_empty()
    }

    /// Records the sample `taken` of `subjects`, and drops the rings of the subjects
    /// `kind_of` selects that are not in it any more.
    pub fn record(
        &mut self,
        taken: Option<Timestamp>,
        subjects: impl Iterator<Item = (Subject, Usage)>,
        kind_of: impl Fn(&Subject) -> bool,
    ) {
        let subjects: Vec<(Subject, Usage)> = subjects.collect();
        let Some(taken) = taken else {
            self.rings.retain(|s, _| !kind_of(s));
            return;
        };
        let Some(discriminant) = subjects.first().map(|(s, _)| std::mem::discriminant(s)) else {
            self.rings.retain(|s, _| !kind_of(s));
            return;
        };
        if self.recorded.get(&discriminant) == Some(&taken) {
            return;
        }
        self.recorded.insert(discriminant, taken);
        let present: std::collections::HashSet<&Subject> =
            subjects.iter().map(|(s, _)| s).collect();
        self.rings.retain(|s, _| !kind_of(s) || present.contains(s));
        for (subject, usage) in subjects {
            let ring = self.rings.entry(subject).or_default();
            if ring.len() == SAMPLES {
                ring.pop_front();
            }
            ring.push_back(usage);
        }
    }

    /// Records a pods' sample for the pods `shown` (on screen, by namespace and name, each
    /// once): each is looked up in the sample, never the whole sample walked; the other
    /// pods' rings go.
    pub fn record_pods(&mut self, sample: &PodSample, shown: &[(String, String)]) {
        self.record(
            sample.taken,
            shown.iter().filter_map(|(namespace, name)| {
                let usage = sample.pods.get(namespace, name)?;
                Some((
                    Subject::Pod {
                        namespace: namespace.clone(),
                        name: name.clone(),
                    },
                    usage.total(),
                ))
            }),
            |s| matches!(s, Subject::Pod { .. }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::metrics::PodUsage;

    fn sample(at: i64, pods: &[(&str, u64)]) -> PodSample {
        PodSample {
            namespace: Some("default".into()),
            taken: Some(Timestamp::from_second(at).unwrap()),
            pods: pods
                .iter()
                .map(|(name, mib)| {
                    let u = Usage {
                        cpu_nanos: 1_000_000,
                        memory_bytes: mib * 1024 * 1024,
                    };
                    (
                        ("default".to_owned(), (*name).to_owned()),
                        PodUsage {
                            containers: vec![("c".into(), u)],
                        },
                    )
                })
                .collect(),
        }
    }

    /// Both pods of the samples, on screen.
    fn shown() -> Vec<(String, String)> {
        ["a", "b"]
            .map(|name| ("default".to_owned(), name.to_owned()))
            .to_vec()
    }

    fn pod(name: &str) -> Subject {
        Subject::Pod {
            namespace: "default".into(),
            name: name.into(),
        }
    }

    #[test]
    fn rings_are_bounded_kept_per_shown_object_and_fed_once_per_sample() {
        let mut h = History::default();
        for i in 0..(SAMPLES as i64 + 5) {
            h.record_pods(&sample(i * 15, &[("a", 10 + i as u64), ("b", 5)]), &shown());
        }
        let a = h.of(&pod("a")).unwrap();
        assert_eq!(a.len(), SAMPLES, "bounded");
        assert_eq!(
            a.back().unwrap().memory_bytes,
            (10 + SAMPLES as u64 + 4) * 1024 * 1024
        );
        let before = a.len();
        h.record_pods(
            &sample((SAMPLES as i64 + 4) * 15, &[("a", 1), ("b", 1)]),
            &shown(),
        );
        assert_eq!(
            h.of(&pod("a")).unwrap().len(),
            before,
            "the same sample again counts once"
        );
        h.record_pods(&sample(10_000, &[("a", 1)]), &shown());
        assert!(
            h.of(&pod("b")).is_none(),
            "a pod gone from the sample loses its ring"
        );
        h.record(
            Some(Timestamp::from_second(10_000).unwrap()),
            [(Subject::Node("n".into()), Usage::default())].into_iter(),
            |s| matches!(s, Subject::Node(_)),
        );
        assert!(
            h.of(&pod("a")).is_some(),
            "nodes' samples leave the pods' rings alone"
        );
        h.record_pods(&sample(10_015, &[]), &shown());
        assert!(h.of(&pod("a")).is_none() && h.len() == 1);
    }
}
