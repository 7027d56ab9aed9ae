//! Applying a keymap file on top of a keymap: each action it names gets exactly the keys
//! it lists. What cannot be used is a warning naming the line; a key bound twice names
//! both bindings (both lines in one file, or the default action that lost it).

use super::{Binding, KeyChord, Keymap, Origin, Section};
use crate::action::Action;

/// One entry of a section: `name = [keys]` at `line`.
struct Entry<'a> {
    line: usize,
    name: &'a str,
    action: Action,
    keys: Vec<&'a str>,
}

impl Keymap {
    /// Applies a keymap file called `source` (for messages). Errors on a file that does
    /// not parse; returns warnings for what it could not use and for keys it took from
    /// other actions.
    pub fn overlay_named(&mut self, text: &str, source: &str) -> Result<Vec<String>, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let file = self.files;
        self.files += 1;
        let mut warnings = Vec::new();
        let mut sections: Vec<(usize, &String, &toml::Value)> = table
            .iter()
            .map(|(name, value)| (line_of(text, name), name, value))
            .collect();
        sections.sort_by_key(|(line, _, _)| *line);
        for (line, name, value) in sections {
            let Some(section) = Section::from_name(name) else {
                let known: Vec<&str> = Section::ALL.iter().map(|s| s.name()).collect();
                warnings.push(format!(
                    "line {line}: unknown section [{name}] (sections: {})",
                    known.join(", ")
                ));
                continue;
            };
            let Some(entries) = value.as_table() else {
                return Err(format!("line {line}: [{name}] must be a table"));
            };
            let origin = Origin {
                file,
                source: source.to_owned(),
                line: 0,
            };
            let entries = read_entries(text, section, entries, &mut warnings)?;
            self.apply(section, entries, &origin, &mut warnings);
        }
        Ok(warnings)
    }

    fn apply(
        &mut self,
        section: Section,
        entries: Vec<Entry<'_>>,
        origin: &Origin,
        warnings: &mut Vec<String>,
    ) {
        // Every action the file names loses its old keys first, so that a key moved
        // from one named action to another is not reported as a conflict.
        for entry in &entries {
            self.bindings
                .retain(|(s, _), b| !(*s == section && b.action == entry.action));
        }
        for entry in entries {
            for (position, key) in entry.keys.iter().enumerate() {
                let Some(chord) = KeyChord::parse(key) else {
                    warnings.push(format!(
                        "line {}: cannot read key {key:?} for {}",
                        entry.line, entry.name
                    ));
                    continue;
                };
                let binding = Binding {
                    action: entry.action.clone(),
                    origin: Origin {
                        line: entry.line,
                        ..origin.clone()
                    },
                    position,
                };
                if let Some(old) = self.bindings.insert((section, chord), binding)
                    && old.action != entry.action
                {
                    warnings.push(conflict(section, chord, &old, &entry, origin.file));
                }
            }
        }
    }
}

/// The entries of one section, in line order; unknown actions are warnings.
fn read_entries<'a>(
    text: &str,
    section: Section,
    entries: &'a toml::Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<Entry<'a>>, String> {
    let mut out = Vec::new();
    for (name, keys) in entries {
        let line = line_in_section(text, section.name(), name);
        let Some(action) = section.action(name) else {
            warnings.push(format!(
                "line {line}: unknown action {name:?} in [{}]",
                section.name()
            ));
            continue;
        };
        let keys: Vec<&str> = match keys {
            toml::Value::String(s) => vec![s.as_str()],
            toml::Value::Array(a) => {
                if a.iter().any(|k| !k.is_str()) {
                    warnings.push(format!("line {line}: {name}: every key must be a string"));
                }
                a.iter().filter_map(toml::Value::as_str).collect()
            }
            _ => {
                return Err(format!(
                    "line {line}: {name} must be a key or a list of keys"
                ));
            }
        };
        out.push(Entry {
            line,
            name,
            action,
            keys,
        });
    }
    out.sort_by_key(|e| e.line);
    Ok(out)
}

/// The warning for `chord`, bound to `old.action` before, now to `new`'s.
fn conflict(
    section: Section,
    chord: KeyChord,
    old: &Binding,
    new: &Entry<'_>,
    file: u32,
) -> String {
    let old_name = old.action.name();
    let place = match section {
        Section::Normal => String::new(),
        other => format!(" in [{}]", other.name()),
    };
    if old.origin.file == file {
        format!(
            "key `{chord}`{place}: line {} binds it to {old_name}, line {} to {} (the later line wins)",
            old.origin.line, new.line, new.name
        )
    } else {
        format!(
            "key `{chord}`{place}: line {} binds it to {}, taking it from {old_name} ({} line {}); {old_name} lost it",
            new.line, new.name, old.origin.source, old.origin.line
        )
    }
}

/// Whether `line` (trimmed) starts the key or table `name`: `name =`, `"name" =`, `[name]`.
fn names(line: &str, name: &str) -> bool {
    let line = line.trim_start().trim_start_matches('[').trim_start();
    let rest = line
        .strip_prefix(name)
        .or_else(|| line.strip_prefix(&format!("\"{name}\"")));
    rest.is_some_and(|r| {
        let r = r.trim_start();
        r.starts_with('=') || r.starts_with(']')
    })
}

/// The 1-based line where `needle` first appears as a key or table name, for messages
/// (0 when not found).
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| names(l, needle))
        .map_or(0, |i| i + 1)
}

/// The 1-based line of key `name` inside table `[section]` (0 when not found).
fn line_in_section(text: &str, section: &str, name: &str) -> usize {
    let mut current = "";
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(header) = trimmed.strip_prefix('[') {
            current = header.split(']').next().unwrap_or_default().trim();
        } else if current == section && names(trimmed, name) {
            return i + 1;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_entries_are_warnings_with_their_lines() {
        let mut map = Keymap::default_keymap();
        let warnings = map
            .overlay("[normal]\nup = [\"w\"]\nfly = [\"f\"]\ndown = [\"Hyper-x\"]\n[nope]\n")
            .unwrap();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("line 3") && warnings[0].contains("fly"));
        assert!(warnings[1].contains("line 4") && warnings[1].contains("Hyper-x"));
        assert!(warnings[2].contains("line 5") && warnings[2].contains("[nope]"));
        assert_eq!(
            map.action(&KeyChord::parse("w").unwrap()),
            Some(&Action::Up)
        );
        assert_eq!(map.action(&KeyChord::parse("k").unwrap()), None);
        let err = map.overlay("[normal]\nup = [\"w\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn a_key_bound_twice_in_one_file_names_both_lines() {
        let mut map = Keymap::default();
        let text =
            "# mine\n[normal]\n\n delete = [\"x\"]\nquit = \"q\"\n\n\n\nscale = [\"s\", \"x\"]\n";
        let warnings = map.overlay(text).unwrap();
        assert_eq!(
            warnings,
            ["key `x`: line 4 binds it to delete, line 9 to scale (the later line wins)"]
        );
        assert_eq!(
            map.action(&KeyChord::parse("x").unwrap()),
            Some(&Action::Scale)
        );
    }

    #[test]
    fn a_user_key_taken_from_a_default_action_names_the_loser() {
        let mut map = Keymap::default_keymap();
        let default_line = line_in_section(super::super::DEFAULT_KEYMAP, "normal", "delete");
        assert!(default_line > 0);
        let warnings = map.overlay("[normal]\nquit = [\"X\"]\n").unwrap();
        assert_eq!(
            warnings,
            [format!(
                "key `X`: line 2 binds it to quit, taking it from delete (default keymap line {default_line}); delete lost it"
            )]
        );
        assert!(map.keys_of(&Action::Delete).is_empty());
    }

    #[test]
    fn sections_have_their_own_vocabulary_and_lines() {
        let text = "[logs]\nsave = \"S\"\n[yaml]\nsave = \"S\"\nnext_match = \"m\"\n";
        let mut map = Keymap::default_keymap();
        let warnings = map.overlay(text).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("line 4") && warnings[0].contains("[yaml]"),
            "{warnings:?}"
        );
        let save = crate::action::LogsCommand::Save;
        assert_eq!(
            map.action_in(Section::Logs, &KeyChord::parse("S").unwrap()),
            Some(&Action::LogsKey(save))
        );
        assert_eq!(
            map.action_in(Section::Logs, &KeyChord::parse("s").unwrap()),
            None
        );
        assert_eq!(
            map.action(&KeyChord::parse("s").unwrap()),
            Some(&Action::Scale),
            "[normal] keeps its s"
        );
    }
}
