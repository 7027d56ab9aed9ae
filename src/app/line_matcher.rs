//! What `/` search and the filter of the logs view look for: a substring (smart case:
//! case-insensitive unless the text has a capital), or a regular expression when the text
//! starts with `~`. An invalid regex is an error that says why, never a silent fallback.

use std::ops::Range;

use regex::{Regex, RegexBuilder};

/// Smart case, as in vim and less: a text without a capital matches in any case.
pub fn ignores_case(text: &str) -> bool {
    !text.chars().any(char::is_uppercase)
}

/// A compiled search or filter.
#[derive(Debug, Clone)]
pub struct LineMatcher {
    /// What the user typed.
    pub text: String,
    kind: MatchKind,
}

#[derive(Debug, Clone)]
enum MatchKind {
    Substring { needle: String, ignore_case: bool },
    Regex(Regex),
}

impl LineMatcher {
    /// Parses what the user typed: `~regex` or a substring. `None` for empty text.
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        if text.is_empty() {
            return Ok(None);
        }
        let kind = if let Some(pattern) = text.strip_prefix('~') {
            let ignore_case = ignores_case(pattern);
            let regex = RegexBuilder::new(pattern)
                .case_insensitive(ignore_case)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| {
                    format!("invalid regex {pattern:?}: {}", first_line(&e.to_string()))
                })?;
            MatchKind::Regex(regex)
        } else {
            let ignore_case = ignores_case(text);
            MatchKind::Substring {
                needle: text.to_owned(),
                ignore_case,
            }
        };
        Ok(Some(Self {
            text: text.to_owned(),
            kind,
        }))
    }

    /// Whether `line` matches.
    pub fn is_match(&self, line: &str) -> bool {
        match &self.kind {
            MatchKind::Substring {
                needle,
                ignore_case: false,
            } => line.contains(needle.as_str()),
            MatchKind::Substring { .. } => self.find_iter(line).next().is_some(),
            MatchKind::Regex(re) => re.is_match(line),
        }
    }

    /// The byte ranges of the matches in `line`, for highlighting.
    pub fn find_iter<'a>(&'a self, line: &'a str) -> Box<dyn Iterator<Item = Range<usize>> + 'a> {
        match &self.kind {
            MatchKind::Regex(re) => Box::new(
                re.find_iter(line)
                    .map(|m| m.range())
                    .filter(|r| !r.is_empty()),
            ),
            MatchKind::Substring {
                needle,
                ignore_case,
            } => {
                if needle.is_empty() {
                    return Box::new(std::iter::empty());
                }
                let (hay, needle) = if *ignore_case && line.is_ascii() {
                    (line.to_ascii_lowercase(), needle.clone())
                } else {
                    (line.to_owned(), needle.clone())
                };
                let found: Vec<Range<usize>> = hay
                    .match_indices(needle.as_str())
                    .map(|(at, m)| at..at + m.len())
                    .collect();
                Box::new(found.into_iter())
            }
        }
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or(text)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrings_are_smart_case_and_regexes_start_with_a_tilde() {
        let m = LineMatcher::parse("get").unwrap().unwrap();
        assert!(m.is_match("\"GET / HTTP/1.1\""));
        let m = LineMatcher::parse("GET").unwrap().unwrap();
        assert!(!m.is_match("get"));
        let m = LineMatcher::parse("~status=(404|500)").unwrap().unwrap();
        assert!(m.is_match("path=/x status=404") && !m.is_match("status=200"));
        assert_eq!(m.find_iter("a status=500").next(), Some(2..12));
        assert!(LineMatcher::parse("").unwrap().is_none());
        let m = LineMatcher::parse("a.b").unwrap().unwrap();
        assert!(
            m.is_match("xa.b") && !m.is_match("axb"),
            "no ~: a plain substring"
        );
    }

    #[test]
    fn an_invalid_regex_says_why() {
        let err = LineMatcher::parse("~(unclosed").unwrap_err();
        assert!(err.starts_with("invalid regex \"(unclosed\""), "{err}");
        assert!(err.contains("unclosed group"), "{err}");
    }
}
