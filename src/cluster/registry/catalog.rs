//! The kinds one connection's server serves, as discovery found them: what `:` offers,
//! completes and looks up. Before discovery answers, the typed kinds.

use super::discovered::ResourceId;
use crate::cluster::model::Kind;

/// The served kinds of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    kinds: Vec<Kind>,
    /// Whether discovery answered (else `kinds` are the typed kinds, assumed served).
    discovered: bool,
}

impl Default for Catalog {
    fn default() -> Self {
        Self::typed()
    }
}

/// Why a `:` word names no kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// No served kind has that name.
    Unknown,
    /// Several groups serve a resource of that name: their group-qualified names.
    Ambiguous(Vec<String>),
}

impl Catalog {
    /// The typed kinds, before discovery answered.
    pub fn typed() -> Self {
        Self {
            kinds: Kind::all().collect(),
            discovered: false,
        }
    }

    /// The kinds of the resources discovery found (each a typed kind where kdeck has
    /// one at the served version).
    pub fn of_resources(ids: &[ResourceId]) -> Self {
        let mut kinds: Vec<Kind> = ids.iter().map(|id| Kind::of_resource(*id)).collect();
        kinds.sort_by_key(|k| (k.group().to_owned(), k.plural()));
        kinds.dedup();
        Self {
            kinds,
            discovered: true,
        }
    }

    /// Whether discovery answered.
    pub fn discovered(&self) -> bool {
        self.discovered
    }

    /// The served kinds.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// Whether the server serves `kind` (before discovery: every typed kind).
    pub fn serves(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }

    /// `kind`, or what stands for it here: a typed kind the server serves only at
    /// another version (EndpointSlices before 1.21) is its discovered resource, shown in
    /// a generic pane; a discovered resource no longer served at its version (a CRD's
    /// version removed) is the same resource at the version served now.
    pub fn resolve(&self, kind: Kind) -> Kind {
        if !self.discovered || self.serves(kind) {
            return kind;
        }
        self.kinds
            .iter()
            .copied()
            .find(|k| {
                matches!(k, Kind::Other(_))
                    && k.group() == kind.group()
                    && k.plural() == kind.plural()
            })
            .unwrap_or(kind)
    }

    /// The kind a `:` word names: a plural, singular or short name (any case), a typed
    /// kind's kdeck alias, or `plural.group`. Typed kinds win a name over discovered
    /// ones; between discovered ones of several groups the name is ambiguous.
    pub fn lookup(&self, word: &str) -> Result<Kind, LookupError> {
        let word = word.to_ascii_lowercase();
        if let Some(kind) = Kind::lookup(&word) {
            return Ok(self.resolve(kind));
        }
        let qualified: Vec<Kind> = self
            .kinds
            .iter()
            .copied()
            .filter(|k| k.qualified_plural() == word)
            .collect();
        if let [kind] = qualified.as_slice() {
            return Ok(*kind);
        }
        let named: Vec<Kind> = self
            .kinds
            .iter()
            .copied()
            .filter(|k| k.names().any(|n| n.eq_ignore_ascii_case(&word)))
            .collect();
        match named.as_slice() {
            [] => Err(LookupError::Unknown),
            [kind] => Ok(*kind),
            many => {
                // The core group first, as kubectl prefers it.
                if let Some(core) = many.iter().find(|k| k.group().is_empty()) {
                    return Ok(*core);
                }
                Err(LookupError::Ambiguous(
                    many.iter().map(|k| k.qualified_plural()).collect(),
                ))
            }
        }
    }

    /// Every word [`Catalog::lookup`] takes, for completion: each served kind's names,
    /// and the group-qualified plural of discovered ones.
    pub fn words(&self) -> Vec<&'static str> {
        let mut words: Vec<&'static str> = Vec::new();
        for kind in &self.kinds {
            words.extend(kind.names());
        }
        words.sort_unstable();
        words.dedup();
        words
    }

    /// The group-qualified plurals of the served kinds kdeck has no typed view of
    /// (`widgets.demo.kdeck.dev`).
    pub fn qualified_words(&self) -> Vec<String> {
        self.kinds
            .iter()
            .filter(|k| matches!(k, Kind::Other(_)) && !k.group().is_empty())
            .map(|k| k.qualified_plural())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::discovered::{ResourceFacts, intern};
    use super::*;

    fn resource(
        group: &str,
        version: &str,
        kind: &str,
        plural: &str,
        short: &[&str],
    ) -> ResourceId {
        intern(ResourceFacts {
            group: group.into(),
            version: version.into(),
            api_kind: kind.into(),
            plural: plural.into(),
            singular: kind.to_lowercase(),
            namespaced: true,
            short_names: short.iter().map(|s| (*s).to_owned()).collect(),
            verbs: vec!["list".into(), "watch".into()],
            ..ResourceFacts::default()
        })
    }

    #[test]
    fn typed_kinds_win_and_ambiguous_names_need_their_group() {
        let pods = resource("", "v1", "Pod", "pods", &["po"]);
        let a = resource(
            "cert-manager.test-catalog",
            "v1",
            "Certificate",
            "certificates",
            &["cert"],
        );
        let b = resource(
            "acme.test-catalog",
            "v1",
            "Certificate",
            "certificates",
            &[],
        );
        let w = resource("demo.test-catalog", "v1", "Widget", "widgets", &["wg"]);
        let catalog = Catalog::of_resources(&[pods, a, b, w]);
        assert_eq!(
            catalog.lookup("po"),
            Ok(Kind::Pod),
            "a typed kind at its version"
        );
        assert_eq!(catalog.lookup("wg"), Ok(Kind::Other(w)));
        assert_eq!(catalog.lookup("Widgets"), Ok(Kind::Other(w)));
        assert_eq!(
            catalog.lookup("certificates.cert-manager.test-catalog"),
            Ok(Kind::Other(a))
        );
        assert_eq!(catalog.lookup("cert"), Ok(Kind::Other(a)));
        let Err(LookupError::Ambiguous(names)) = catalog.lookup("certificates") else {
            panic!("ambiguous")
        };
        assert_eq!(names.len(), 2);
        assert_eq!(catalog.lookup("nope"), Err(LookupError::Unknown));
        assert!(catalog.words().contains(&"wg"));
    }

    #[test]
    fn a_typed_kind_served_at_another_version_resolves_to_its_resource() {
        let old = resource(
            "discovery.k8s.io",
            "v1beta1",
            "EndpointSlice",
            "endpointslices",
            &[],
        );
        let catalog = Catalog::of_resources(&[old]);
        assert_eq!(Kind::of_resource(old), Kind::Other(old));
        assert_eq!(catalog.lookup("endpointslices"), Ok(Kind::Other(old)));
        assert!(!catalog.serves(Kind::EndpointSlice));
        assert!(Catalog::typed().serves(Kind::EndpointSlice));
    }
}
