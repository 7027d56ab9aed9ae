//! YAML highlighting: syntect's bundled YAML grammar splits each line into scoped
//! pieces, and each scope maps to a [`Role`] that the active theme colours at draw
//! time. So the highlight is computed once per text (not per frame) and works in every
//! theme, the 16-colour one included.

use std::sync::LazyLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

/// What a piece of YAML is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Plain text.
    Text,
    /// A mapping key.
    Key,
    /// A string value.
    String,
    /// A number, boolean or null.
    Literal,
    /// A comment.
    Comment,
    /// `:`, `-`, quotes and other punctuation.
    Punctuation,
    /// Anchors, aliases, tags and document markers.
    Marker,
}

/// One line as pieces of text with their role.
pub type StyledLine = Vec<(Role, String)>;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Scope prefixes and their role, most specific first.
static SCOPES: LazyLock<Vec<(Scope, Role)>> = LazyLock::new(|| {
    [
        ("entity.name.tag", Role::Key),
        ("comment", Role::Comment),
        ("punctuation", Role::Punctuation),
        ("string", Role::String),
        ("constant", Role::Literal),
        ("entity.name.other.anchor", Role::Marker),
        ("variable.other.alias", Role::Marker),
        ("storage.type.tag-handle", Role::Marker),
        ("entity.other.document", Role::Marker),
    ]
    .into_iter()
    .filter_map(|(s, r)| Scope::new(s).ok().map(|s| (s, r)))
    .collect()
});

static COMMENT: LazyLock<Option<Scope>> = LazyLock::new(|| Scope::new("comment").ok());

fn role_of(stack: &ScopeStack) -> Role {
    // A comment's `#` is punctuation inside the comment: all of it is comment.
    if let Some(comment) = *COMMENT
        && stack.as_slice().iter().any(|s| comment.is_prefix_of(*s))
    {
        return Role::Comment;
    }
    for scope in stack.as_slice().iter().rev() {
        if let Some((_, role)) = SCOPES.iter().find(|(p, _)| p.is_prefix_of(*scope)) {
            return *role;
        }
    }
    Role::Text
}

/// `text` (YAML) split into lines of role-tagged pieces. Falls back to plain lines
/// when the grammar is missing or fails on a line.
pub fn highlight_yaml(text: &str) -> Vec<StyledLine> {
    let syntaxes = &*SYNTAXES;
    let Some(syntax) = syntaxes.find_syntax_by_extension("yaml") else {
        return text
            .lines()
            .map(|l| vec![(Role::Text, l.to_owned())])
            .collect();
    };
    let mut parser = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Vec::new();
    for line in LinesWithEndings::from(text) {
        let body = line.trim_end_matches(['\n', '\r']);
        let Ok(ops) = parser.parse_line(line, syntaxes) else {
            out.push(vec![(Role::Text, body.to_owned())]);
            continue;
        };
        let mut pieces: StyledLine = Vec::new();
        let mut at = 0;
        let mut push = |role: Role, from: usize, to: usize| {
            let to = to.min(body.len());
            if from >= to {
                return;
            }
            let piece = &body[from..to];
            match pieces.last_mut() {
                Some((last, text)) if *last == role => text.push_str(piece),
                _ => pieces.push((role, piece.to_owned())),
            }
        };
        for (pos, op) in ops {
            if pos > at {
                push(role_of(&stack), at, pos);
                at = pos;
            }
            // A stack error only skews colours; the text is kept.
            let _ = stack.apply(&op);
        }
        push(role_of(&stack), at, body.len());
        out.push(pieces);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_strings_numbers_and_comments_get_their_roles() {
        let lines = highlight_yaml("# c\nmetadata:\n  name: web\n  replicas: 3\n");
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], vec![(Role::Comment, "# c".to_owned())]);
        assert!(
            lines[1].contains(&(Role::Key, "metadata".to_owned())),
            "{lines:?}"
        );
        assert!(
            lines[2].contains(&(Role::String, "web".to_owned())),
            "{lines:?}"
        );
        assert!(
            lines[3].contains(&(Role::Literal, "3".to_owned())),
            "{lines:?}"
        );
        let joined: String = lines[2].iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(joined, "  name: web");
    }
}
