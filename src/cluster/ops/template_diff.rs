//! The pod-template diff shown before an undo is confirmed: both templates as
//! YAML (without `pod-template-hash`), compared line by line, as unified-diff
//! hunks with three lines of context.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use similar::{ChangeTag, TextDiff};

use super::revisions::template_without_hash;

/// One line of a unified diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// A hunk header, e.g. `@@ -12,7 +12,7 @@`.
    Hunk(String),
    /// A line both templates have.
    Context(String),
    /// A line only the current template has (goes away).
    Removed(String),
    /// A line only the chosen revision has (comes in).
    Added(String),
}

impl DiffLine {
    /// The line as `diff -u` prints it (` `, `-`, `+` prefix; headers as they are).
    pub fn to_unified(&self) -> String {
        match self {
            Self::Hunk(text) => text.clone(),
            Self::Context(text) => format!(" {text}"),
            Self::Removed(text) => format!("-{text}"),
            Self::Added(text) => format!("+{text}"),
        }
    }
}

/// The template as YAML, without the hash label.
pub fn template_yaml(template: &PodTemplateSpec) -> String {
    serde_yaml::to_string(&template_without_hash(template))
        .unwrap_or_else(|e| format!("# cannot render the template: {e}\n"))
}

/// `current` versus `revision` as unified-diff lines; empty when they are equal.
pub fn template_diff(current: &PodTemplateSpec, revision: &PodTemplateSpec) -> Vec<DiffLine> {
    text_diff(&template_yaml(current), &template_yaml(revision))
}

/// Two texts compared line by line, as unified-diff hunks with three lines of context
/// (`-`: only in `old`, `+`: only in `new`); empty when they are equal.
pub fn text_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = TextDiff::from_lines(old, new);
    let mut lines = Vec::new();
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        lines.push(DiffLine::Hunk(hunk.header().to_string()));
        for change in hunk.iter_changes() {
            let text = change.value().trim_end_matches('\n').to_owned();
            lines.push(match change.tag() {
                ChangeTag::Equal => DiffLine::Context(text),
                ChangeTag::Delete => DiffLine::Removed(text),
                ChangeTag::Insert => DiffLine::Added(text),
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::super::revisions::fixtures::template;
    use super::*;

    fn parse(value: serde_json::Value) -> PodTemplateSpec {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn equal_templates_have_no_diff_even_with_a_hash_label() {
        let a = parse(template("nginx:1.14.1", None));
        let b = parse(template("nginx:1.14.1", Some("7948db888d")));
        assert!(template_diff(&a, &b).is_empty());
    }

    #[test]
    fn image_change_is_one_hunk_with_one_line_out_and_one_in() {
        let a = parse(template("nginx:1.15.7", None));
        let b = parse(template("nginx:1.14.1", Some("7948db888d")));
        let diff = template_diff(&a, &b);
        let unified: Vec<String> = diff.iter().map(DiffLine::to_unified).collect();
        assert!(unified[0].starts_with("@@ -"), "{unified:#?}");
        let removed: Vec<_> = unified.iter().filter(|l| l.starts_with('-')).collect();
        let added: Vec<_> = unified.iter().filter(|l| l.starts_with('+')).collect();
        assert_eq!(removed.len(), 1, "{unified:#?}");
        assert_eq!(added.len(), 1, "{unified:#?}");
        assert!(removed[0].ends_with("image: nginx:1.15.7"), "{unified:#?}");
        assert!(added[0].ends_with("image: nginx:1.14.1"), "{unified:#?}");
        assert!(
            unified
                .iter()
                .any(|l| l == "     name: myapp" || l.trim() == "name: myapp"),
            "context lines are kept: {unified:#?}"
        );
    }
}
