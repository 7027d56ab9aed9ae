//! The user's aliases for `:` commands (config `[aliases]`): a word that stands for a
//! command line, e.g. `sys = "ns kube-system"`. They add to the built-in words and never
//! replace one.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{command_words, parse};
use crate::cluster::registry::Catalog;

/// Aliases for `:` commands: a word and the command line it stands for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aliases(BTreeMap<String, String>);

impl Aliases {
    /// The usable aliases of `configured`, and a warning for each one ignored: one that
    /// would shadow a built-in word, is not a single word, or stands for a line that is
    /// not a built-in command (aliases do not chain).
    pub fn new(configured: &BTreeMap<String, String>) -> (Self, Vec<String>) {
        let mut aliases = BTreeMap::new();
        let mut warnings = Vec::new();
        for (word, line) in configured {
            let problem = if word.is_empty() || word.contains(char::is_whitespace) {
                Some("an alias is one word".to_owned())
            } else if is_built_in(word) {
                Some(format!("it would shadow the built-in :{word}"))
            } else {
                parse(line, &Catalog::typed())
                    .err()
                    .map(|e| format!("{line:?} is not a command: {e}"))
            };
            match problem {
                Some(why) => warnings.push(format!("config [aliases]: {word:?} ignored: {why}")),
                None => {
                    aliases.insert(word.clone(), line.trim().to_owned());
                }
            }
        }
        (Self(aliases), warnings)
    }

    /// `line` with its first word replaced by what it stands for, if it is an alias
    /// (`sys` → `ns kube-system`; `n web` with `n = "ns"` → `ns web`).
    pub fn expand<'a>(&self, line: &'a str) -> Cow<'a, str> {
        let trimmed = line.trim_start();
        let (word, rest) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
        match self.0.get(word) {
            Some(expansion) if rest.trim().is_empty() => Cow::Owned(expansion.clone()),
            Some(expansion) => Cow::Owned(format!("{expansion} {}", rest.trim())),
            None => Cow::Borrowed(line),
        }
    }

    /// The alias words, for completion.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// Whether the command line knows `word` itself: any answer but "unknown command" (so
/// words parsed outside [`command_words`], such as `q!` or `mon`, count too).
fn is_built_in(word: &str) -> bool {
    command_words().any(|w| w == word)
        || !matches!(parse(word, &Catalog::typed()), Err(e) if e.starts_with("unknown command"))
}

#[cfg(test)]
mod tests {
    use super::super::Command;
    use super::*;
    use crate::cluster::Kind;

    fn configured(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn aliases_expand_to_built_in_commands_with_their_arguments() {
        let (aliases, warnings) = Aliases::new(&configured(&[
            ("sys", "ns kube-system"),
            ("d", "deployments"),
            ("n", "ns"),
        ]));
        assert!(warnings.is_empty(), "{warnings:?}");
        let run = |line: &str| parse(&aliases.expand(line), &Catalog::typed());
        assert_eq!(run("sys"), Ok(Command::Namespace("kube-system".into())));
        assert_eq!(run("d"), Ok(Command::Pane(Kind::Deployment)));
        assert_eq!(run("n web"), Ok(Command::Namespace("web".into())));
        // Built-in words and unknown words pass through untouched.
        assert_eq!(run("po"), Ok(Command::Pane(Kind::Pod)));
        assert!(run("nope").is_err());
        assert_eq!(aliases.words().collect::<Vec<_>>(), ["d", "n", "sys"]);
        // Tab completes them with the built-in words.
        let complete = |line| super::super::complete(line, &[], &[], &aliases, &Catalog::typed());
        assert_eq!(complete("sy").0, "sys");
        assert_eq!(
            complete("d").1,
            [
                "d",
                "daemonset",
                "daemonsets",
                "deploy",
                "deployment",
                "deployments",
                "dp",
                "ds"
            ]
        );
    }

    #[test]
    fn an_alias_may_not_shadow_a_built_in_word_or_chain() {
        let (aliases, warnings) = Aliases::new(&configured(&[
            ("dp", "pods"),
            ("q!", "pods"),
            ("mon", "pods"),
            ("two words", "pods"),
            ("web", "deploy -n web"),
            ("chain", "web"),
            ("ok", "svc"),
        ]));
        assert_eq!(aliases.words().collect::<Vec<_>>(), ["ok"]);
        assert_eq!(warnings.len(), 6, "{warnings:#?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("shadow the built-in :mon"))
        );
        assert!(warnings[0].contains("\"chain\"") && warnings[0].contains("unknown command :web"));
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("shadow the built-in :dp"))
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("shadow the built-in :q!"))
        );
        assert!(warnings.iter().any(|w| w.contains("one word")));
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("\"web\"") && w.contains("too many words"))
        );
        // The built-in word keeps its meaning.
        assert_eq!(
            parse(&aliases.expand("dp"), &Catalog::typed()),
            Ok(Command::Pane(Kind::Deployment))
        );
    }
}
