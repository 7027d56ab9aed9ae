//! The suffixes of `generateName` names. Random, as kube-apiserver's; with a seed
//! (`kdeck sim --seed`), each prefix draws from a sequence of its own, so that the names of
//! one ReplicaSet's pods do not depend on how many names other controllers (a CronJob's runs,
//! firing on the wall clock) drew before them: a seeded cluster names its pods the same way
//! on every run, which the screenshots and snapshot tests rely on.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::NAME_SUFFIX_CHARS;

/// Draws generated-name suffixes.
#[derive(Debug, Default)]
pub struct GeneratedNames {
    seed: Option<u64>,
    drawn: HashMap<String, u64>,
}

impl GeneratedNames {
    /// Suffixes from the sequence of `seed` (each prefix its own), or random ones.
    pub fn new(seed: Option<u64>) -> Self {
        Self {
            seed,
            drawn: HashMap::new(),
        }
    }

    /// The next suffix of `n` characters for names starting with `prefix`.
    pub fn suffix(&mut self, prefix: &str, n: usize) -> String {
        let Some(seed) = self.seed else {
            return super::random_suffix(n);
        };
        let count = self.drawn.entry(prefix.to_owned()).or_default();
        let mut hasher = DefaultHasher::new();
        (seed, prefix, *count).hash(&mut hasher);
        *count += 1;
        let mut rng = fastrand::Rng::with_seed(hasher.finish());
        (0..n)
            .map(|_| char::from(NAME_SUFFIX_CHARS[rng.usize(..NAME_SUFFIX_CHARS.len())]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seeded_prefix_draws_the_same_names_whatever_other_prefixes_drew() {
        let mut a = GeneratedNames::new(Some(1));
        let mut b = GeneratedNames::new(Some(1));
        let first = a.suffix("web-", 5);
        b.suffix("hello-cron-", 5);
        b.suffix("hello-cron-", 5);
        assert_eq!(b.suffix("web-", 5), first);
        assert_ne!(
            a.suffix("web-", 5),
            first,
            "the next name of a prefix differs"
        );
        assert_ne!(GeneratedNames::new(Some(2)).suffix("web-", 5), first);
        assert_eq!(first.len(), 5);
    }
}
