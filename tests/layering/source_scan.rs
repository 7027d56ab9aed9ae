//! Reading Rust sources just far enough to know which module paths they name: the code
//! with comments, strings and character literals blanked out, and each `crate::` or
//! `super::` path expanded into the full paths it names (`use` groups included), with
//! the inline modules (`mod tests { ... }`) it stands in, which `super::` climbs first.

/// One path a source names: how many inline modules enclose it, how many `super::` it
/// starts with (0 for `crate::`), and its segments after those.
#[derive(Debug, PartialEq, Eq)]
pub struct NamedPath {
    /// How many inline `mod name { ... }` blocks of the file enclose the path.
    pub inline_depth: usize,
    /// How many `super::` the path starts with; `None` for a `crate::` path.
    pub supers: Option<usize>,
    /// The segments after `crate::` or the `super::`s (`*` for a glob).
    pub segments: Vec<String>,
}

/// The code of `text` with comments removed and every string or character literal
/// replaced by spaces, so that braces and paths inside them do not count.
pub fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut code = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        let rest = &chars[at..];
        if rest.starts_with(&['/', '/']) {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            at = block_comment_end(&chars, at);
            code.push(' ');
        } else if let Some(end) = raw_string_end(&chars, at) {
            at = end;
            code.push(' ');
        } else if chars[at] == '"' {
            at = quoted_end(&chars, at, '"');
            code.push(' ');
        } else if let Some(end) = char_literal_end(&chars, at) {
            at = end;
            code.push(' ');
        } else {
            code.push(chars[at]);
            at += 1;
        }
    }
    code
}

/// Block comments nest in Rust.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut at = start;
    while at < chars.len() {
        if chars[at..].starts_with(&['/', '*']) {
            depth += 1;
            at += 2;
        } else if chars[at..].starts_with(&['*', '/']) {
            depth -= 1;
            at += 2;
            if depth == 0 {
                return at;
            }
        } else {
            at += 1;
        }
    }
    at
}

/// `r"..."`, `r#"..."#`, `br"..."` and the like (not part of a longer identifier).
fn raw_string_end(chars: &[char], start: usize) -> Option<usize> {
    if start > 0 && is_identifier_char(chars[start - 1]) {
        return None;
    }
    let mut at = start;
    if chars.get(at) == Some(&'b') {
        at += 1;
    }
    if chars.get(at) != Some(&'r') {
        return None;
    }
    at += 1;
    let hashes = chars[at..].iter().take_while(|c| **c == '#').count();
    at += hashes;
    if chars.get(at) != Some(&'"') {
        return None;
    }
    at += 1;
    while at < chars.len() {
        if chars[at] == '"'
            && chars[at + 1..]
                .iter()
                .take(hashes)
                .filter(|c| **c == '#')
                .count()
                == hashes
        {
            return Some(at + 1 + hashes);
        }
        at += 1;
    }
    Some(at)
}

/// The position after the literal opened by `quote` at `start`, escapes skipped.
fn quoted_end(chars: &[char], start: usize, quote: char) -> usize {
    let mut at = start + 1;
    while at < chars.len() {
        match chars[at] {
            '\\' => at += 2,
            c if c == quote => return at + 1,
            _ => at += 1,
        }
    }
    at
}

/// A character literal (`'{'`, `'\n'`, `'\u{7f}'`) as opposed to a lifetime (`'a`).
fn char_literal_end(chars: &[char], start: usize) -> Option<usize> {
    if chars[start] != '\'' {
        return None;
    }
    match chars.get(start + 1) {
        Some('\\') => Some(quoted_end(chars, start, '\'')),
        Some(_) if chars.get(start + 2) == Some(&'\'') => Some(start + 3),
        _ => None,
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every `crate::` and `super::` path that `code` (from [`code_only`]) names.
pub fn named_paths(code: &str) -> Vec<NamedPath> {
    let mut found = Vec::new();
    // The brace depth at which each enclosing inline module was opened.
    let mut inline_modules: Vec<usize> = Vec::new();
    let mut depth = 0;
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let after_identifier = code[..at]
            .chars()
            .next_back()
            .is_some_and(is_identifier_char);
        let c = rest.chars().next().unwrap_or_default();
        if c == '{' {
            if inline_module_opens(&code[..at]) {
                inline_modules.push(depth);
            }
            depth += 1;
        } else if c == '}' {
            depth -= 1;
            if inline_modules.last() == Some(&depth) {
                inline_modules.pop();
            }
        } else if !after_identifier && (rest.starts_with("crate::") || rest.starts_with("super::"))
        {
            let (supers, tail) = split_prefix(rest);
            let consumed_prefix = rest.len() - tail.len();
            let mut cursor = tail;
            for segments in tree(&mut cursor) {
                found.push(NamedPath {
                    inline_depth: inline_modules.len(),
                    supers,
                    segments,
                });
            }
            // Only the prefix is skipped: the tree's braces are still counted below.
            at += consumed_prefix;
            continue;
        }
        at += c.len_utf8();
    }
    found
}

/// `crate::` (no supers) or how many `super::`, and the rest of the path after them.
fn split_prefix(path: &str) -> (Option<usize>, &str) {
    if let Some(tail) = path.strip_prefix("crate::") {
        return (None, tail);
    }
    let mut count = 0;
    let mut tail = path;
    while let Some(next) = tail.strip_prefix("super::") {
        count += 1;
        tail = next;
    }
    (Some(count), tail)
}

/// Whether the code just before a `{` is `mod name` (an inline module).
fn inline_module_opens(before: &str) -> bool {
    let mut words = before.split_whitespace().rev();
    let name = words.next().unwrap_or_default();
    words.next() == Some("mod") && !name.is_empty() && name.chars().all(is_identifier_char)
}

/// The full paths the use tree (or plain path) at the start of `text` names, as in
/// `pub use msg::{Effect, Msg}` after its `pub use`.
pub fn use_tree_paths(text: &str) -> Vec<Vec<String>> {
    let mut cursor = text;
    tree(&mut cursor)
}

/// The full paths a use tree (or a plain path) at the start of `text` names, `text`
/// advanced past it.
fn tree(text: &mut &str) -> Vec<Vec<String>> {
    *text = text.trim_start();
    if let Some(inside) = text.strip_prefix('{') {
        *text = inside;
        let mut paths = Vec::new();
        loop {
            *text = text.trim_start();
            if let Some(after) = text.strip_prefix('}') {
                *text = after;
                return paths;
            }
            if text.is_empty() {
                return paths;
            }
            let before = text.len();
            paths.extend(tree(text));
            *text = text.trim_start();
            if let Some(after) = text.strip_prefix(',') {
                *text = after;
            } else if text.len() == before {
                // Not a use tree after all: stop rather than loop.
                return paths;
            }
        }
    }
    if let Some(after) = text.strip_prefix('*') {
        *text = after;
        return vec![vec!["*".to_owned()]];
    }
    let name: String = text
        .chars()
        .take_while(|c| is_identifier_char(*c))
        .collect();
    if name.is_empty() {
        return Vec::new();
    }
    *text = &text[name.len()..];
    match text.strip_prefix("::") {
        Some(after) => {
            *text = after;
            let mut paths = tree(text);
            if paths.is_empty() {
                paths.push(Vec::new());
            }
            for path in &mut paths {
                path.insert(0, name.clone());
            }
            paths
        }
        None => vec![vec![name]],
    }
}
