//! The `/` filter: a substring, a regular expression (when the text parses as one and
//! uses regex metacharacters), or a `-l key=value,...` label selector.

use regex::{Regex, RegexBuilder};

use crate::cluster::{Detail, Row};

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelRequirement {
    /// `key=value` or `key==value`.
    Equals(String, String),
    /// `key!=value`.
    NotEquals(String, String),
    /// `key`: the label is present.
    Exists(String),
    /// `!key`: the label is absent.
    Absent(String),
    /// `key in (a,b)`: the label is one of these values.
    In(String, Vec<String>),
    /// `key notin (a,b)`: the label is absent or none of these values.
    NotIn(String, Vec<String>),
}

/// How rows are matched.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Case-insensitive substring of the name (lower-cased).
    Substring(String),
    /// Case-insensitive regular expression on the name.
    Regex(Regex),
    /// Label selector: every requirement must hold.
    Labels(Vec<LabelRequirement>),
}

/// A filter as typed, with its compiled matcher.
#[derive(Debug, Clone)]
pub struct Filter {
    /// What the user typed.
    pub text: String,
    /// The compiled form.
    pub matcher: Matcher,
    /// Why the text is not used as typed (an invalid regex matched literally), for the status line.
    pub note: Option<String>,
}

/// The longest filter accepted: longer text is a paste gone wrong, not a filter.
pub const MAX_FILTER_LEN: usize = 1024;

const REGEX_METACHARACTERS: &[char] = &[
    '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '^', '$', '\\',
];

impl Filter {
    /// Parses what the user typed. Errors say what is wrong with a label selector;
    /// text with metacharacters that is not a valid regex is used as a plain substring.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let length = trimmed.chars().count();
        if length > MAX_FILTER_LEN {
            return Err(format!(
                "filter too long ({length} characters, at most {MAX_FILTER_LEN}): Ctrl-u clears it"
            ));
        }
        let mut note = None;
        let matcher = if let Some(selector) = trimmed.strip_prefix("-l") {
            Matcher::Labels(parse_selector(selector.trim())?)
        } else if trimmed.contains(REGEX_METACHARACTERS) {
            match RegexBuilder::new(trimmed).case_insensitive(true).build() {
                Ok(re) => Matcher::Regex(re),
                Err(e) => {
                    note = Some(format!(
                        "not a valid regex ({}): matching the text literally",
                        regex_error(&e)
                    ));
                    Matcher::Substring(trimmed.to_lowercase())
                }
            }
        } else {
            Matcher::Substring(trimmed.to_lowercase())
        };
        Ok(Self {
            text: trimmed.to_owned(),
            matcher,
            note,
        })
    }

    /// Whether `row` passes the filter.
    pub fn matches(&self, row: &Row) -> bool {
        match &self.matcher {
            Matcher::Substring(needle) => searchable(row).any(|s| contains_ignore_case(s, needle)),
            Matcher::Regex(re) => searchable(row).any(|s| re.is_match(s)),
            Matcher::Labels(reqs) => reqs.iter().all(|req| {
                let labels = &row.meta.labels;
                match req {
                    LabelRequirement::Equals(k, v) => labels.get(k) == Some(v),
                    LabelRequirement::NotEquals(k, v) => labels.get(k) != Some(v),
                    LabelRequirement::Exists(k) => labels.contains_key(k),
                    LabelRequirement::Absent(k) => !labels.contains_key(k),
                    LabelRequirement::In(k, vs) => {
                        labels.get(k).is_some_and(|l| vs.iter().any(|v| v == l))
                    }
                    LabelRequirement::NotIn(k, vs) => {
                        !labels.get(k).is_some_and(|l| vs.iter().any(|v| v == l))
                    }
                }
            }),
        }
    }
}

/// The texts a filter looks at: the name, and for events what they are about.
fn searchable(row: &Row) -> impl Iterator<Item = &str> {
    let extra: [&str; 3] = match &row.detail {
        Detail::Event(e) => [&e.object_name, &e.reason, &e.message],
        Detail::Pod(p) => [&p.status, p.node.as_deref().unwrap_or(""), ""],
        _ => ["", "", ""],
    };
    std::iter::once(row.meta.name.as_str()).chain(extra.into_iter().filter(|s| !s.is_empty()))
}

fn contains_ignore_case(haystack: &str, lower_needle: &str) -> bool {
    if haystack.is_ascii() && lower_needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), lower_needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        haystack.to_lowercase().contains(lower_needle)
    }
}

/// Parses `key=value,key2!=v,key3,!key4,key5 in (a,b),key6 notin (c)` as kubectl's
/// equality- and set-based selectors.
pub fn parse_selector(text: &str) -> Result<Vec<LabelRequirement>, String> {
    if text.is_empty() {
        return Err("empty label selector: write -l key=value".to_owned());
    }
    requirements(text)
        .into_iter()
        .map(str::trim)
        .map(|part| {
            let bad = || {
                format!(
                    "bad label requirement {part:?}: write key=value, key!=value, key, !key, key in (a,b) or key notin (a,b)"
                )
            };
            if let Some((k, values)) = set_based(part) {
                let (k, in_set) = match (k.strip_suffix(" notin"), k.strip_suffix(" in")) {
                    (Some(k), _) => (k, false),
                    (None, Some(k)) => (k, true),
                    (None, None) => return Err(bad()),
                };
                let k = key(k).ok_or_else(bad)?;
                return Ok(if in_set {
                    LabelRequirement::In(k, values)
                } else {
                    LabelRequirement::NotIn(k, values)
                });
            }
            if let Some((k, v)) = part.split_once("!=") {
                Ok(LabelRequirement::NotEquals(
                    key(k).ok_or_else(bad)?,
                    v.trim().to_owned(),
                ))
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                Ok(LabelRequirement::Equals(
                    key(k).ok_or_else(bad)?,
                    v.trim().to_owned(),
                ))
            } else if let Some(k) = part.strip_prefix('!') {
                Ok(LabelRequirement::Absent(key(k).ok_or_else(bad)?))
            } else {
                Ok(LabelRequirement::Exists(key(part).ok_or_else(bad)?))
            }
        })
        .collect()
}

/// The selector's requirements: split at the commas outside parentheses.
fn requirements(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `key in (a, b)` as its head (`key in`) and values, if `part` has a set.
fn set_based(part: &str) -> Option<(&str, Vec<String>)> {
    let (head, rest) = part.split_once('(')?;
    let values = rest.strip_suffix(')')?;
    let values = values
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    Some((head.trim_end(), values))
}

fn key(k: &str) -> Option<String> {
    let k = k.trim();
    let valid = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    valid.then(|| k.to_owned())
}

/// The last line of a regex error, which says what is wrong (the lines above draw the pattern).
fn regex_error(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(text) => text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or(text)
            .trim()
            .trim_start_matches("error: ")
            .to_owned(),
        regex::Error::CompiledTooBig(_) => "too big once compiled".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_substring_regex_or_labels() {
        assert!(matches!(
            Filter::parse("nginx").unwrap().matcher,
            Matcher::Substring(_)
        ));
        assert!(matches!(
            Filter::parse("^my.*deploy").unwrap().matcher,
            Matcher::Regex(_)
        ));
        assert!(matches!(
            Filter::parse("a(b").unwrap().matcher,
            Matcher::Substring(_)
        ));
        let f = Filter::parse("-l app=myapp,tier!=db,env").unwrap();
        let Matcher::Labels(reqs) = f.matcher else {
            panic!("labels")
        };
        assert_eq!(reqs.len(), 3);
        assert!(Filter::parse("-l =x").is_err());
        let Matcher::Labels(set) = Filter::parse("-l env in (prod, qa),tier notin (db),app")
            .unwrap()
            .matcher
        else {
            panic!("a label selector")
        };
        assert_eq!(
            set,
            [
                LabelRequirement::In("env".into(), vec!["prod".into(), "qa".into()]),
                LabelRequirement::NotIn("tier".into(), vec!["db".into()]),
                LabelRequirement::Exists("app".into()),
            ]
        );
        assert!(Filter::parse("-l env within (a)").is_err());
        assert!(Filter::parse("-l").is_err());
    }

    #[test]
    fn an_invalid_regex_says_why_and_matches_literally() {
        let f = Filter::parse("web-(1").unwrap();
        assert!(matches!(f.matcher, Matcher::Substring(ref s) if s == "web-(1"));
        let note = f.note.unwrap();
        assert!(
            note.starts_with("not a valid regex (unclosed group)"),
            "{note}"
        );
        assert!(Filter::parse("web-.*").unwrap().note.is_none());
    }

    #[test]
    fn a_huge_paste_is_refused_with_a_message() {
        let huge = "(abc|[x-z]+)*".repeat(1000);
        let err = Filter::parse(&huge).unwrap_err();
        assert!(
            err.starts_with("filter too long (13000 characters"),
            "{err}"
        );
        assert!(Filter::parse(&"a".repeat(MAX_FILTER_LEN)).is_ok());
    }
}
