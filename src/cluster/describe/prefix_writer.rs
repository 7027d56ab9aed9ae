//! kubectl describe's `PrefixWriter`: lines indented by level, cells separated
//! by tabs and aligned at the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::Timestamp;

use super::tabwriter;

/// Accumulates describe output.
#[derive(Debug, Default)]
pub struct PrefixWriter {
    text: String,
}

impl PrefixWriter {
    /// A line at `level` (two spaces each); `\t` separates aligned cells.
    pub fn line(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.text.push_str("  ");
        }
        self.text.push_str(text);
        self.text.push('\n');
    }

    /// `key:\tvalue` at `level`.
    pub fn field(&mut self, level: usize, key: &str, value: impl std::fmt::Display) {
        let mut text = String::new();
        let _ = write!(text, "{key}:\t{value}");
        self.line(level, &text);
    }

    /// A map as kubectl prints labels: first pair on the key's line, the rest below it, `<none>` when empty.
    pub fn labels(&mut self, level: usize, key: &str, map: Option<&BTreeMap<String, String>>) {
        self.map(level, key, map, "=");
    }

    /// Annotations: `key: value`, one per line.
    pub fn annotations(&mut self, level: usize, key: &str, map: Option<&BTreeMap<String, String>>) {
        self.map(level, key, map, ": ");
    }

    fn map(&mut self, level: usize, key: &str, map: Option<&BTreeMap<String, String>>, sep: &str) {
        let Some(map) = map.filter(|m| !m.is_empty()) else {
            self.field(level, key, "<none>");
            return;
        };
        for (i, (k, v)) in map.iter().enumerate() {
            let pair = format!("{k}{sep}{v}");
            if i == 0 {
                self.field(level, key, pair);
            } else {
                self.line(level, &format!("\t{pair}"));
            }
        }
    }

    /// The aligned text.
    pub fn finish(self) -> String {
        tabwriter::align(&self.text)
    }
}

/// A timestamp as kubectl describe prints it (RFC 1123 with numeric zone, UTC).
pub fn rfc1123(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// `k=v,k2=v2`, or `<none>`.
pub fn selector_string(map: Option<&BTreeMap<String, String>>) -> String {
    match map {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_continue_under_the_first_value() {
        let mut w = PrefixWriter::default();
        w.field(0, "Name", "web");
        let labels = BTreeMap::from([
            ("app".to_owned(), "web".to_owned()),
            ("tier".to_owned(), "fe".to_owned()),
        ]);
        w.labels(0, "Labels", Some(&labels));
        w.annotations(0, "Annotations", None);
        assert_eq!(
            w.finish(),
            "Name:         web\nLabels:       app=web\n              tier=fe\nAnnotations:  <none>\n"
        );
        assert_eq!(
            rfc1123("2026-01-02T03:04:05Z".parse().unwrap()),
            "Fri, 02 Jan 2026 03:04:05 +0000"
        );
    }
}
