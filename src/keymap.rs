//! Keymaps: which key runs which [`Action`]. The shipped ones (`keymaps/*.toml`) are
//! compiled in; a user file names only the actions it rebinds. Unknown actions, keys that
//! do not parse and keys bound twice are reported as warnings, never ignored silently.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::Action;

/// The default keymap, k9s-like.
pub const DEFAULT_KEYMAP: &str = include_str!("../keymaps/default.toml");
/// A vim-flavoured keymap (on top of the default).
pub const VIM_KEYMAP: &str = include_str!("../keymaps/vim.toml");

/// One key with its modifiers, as keymap files write it (`j`, `G`, `Ctrl-f`, `PageDown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    /// The key.
    pub code: KeyName,
    /// Ctrl held.
    pub ctrl: bool,
}

/// A key, reduced to what keymaps use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyName {
    /// A printable character (case is meaningful: `G` is shift-g).
    Char(char),
    /// A named key.
    Named(&'static str),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
];

impl KeyChord {
    /// Parses `j`, `G`, `?`, `Space`, `Ctrl-f`, `PageDown`...
    pub fn parse(text: &str) -> Option<Self> {
        let (ctrl, rest) = match text
            .strip_prefix("Ctrl-")
            .or_else(|| text.strip_prefix("C-"))
        {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let code = if rest == "Space" {
            KeyName::Char(' ')
        } else if let Some((name, _)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(rest)) {
            KeyName::Named(name)
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => KeyName::Char(c),
                _ => return None,
            }
        };
        Some(Self { code, ctrl })
    }

    /// The chord of a terminal key event (`None` for keys keymaps cannot name).
    pub fn from_event(event: &KeyEvent) -> Option<Self> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let code = match event.code {
            KeyCode::Char(c) => KeyName::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            other => KeyName::Named(NAMED.iter().find(|(_, c)| *c == other)?.0),
        };
        Some(Self { code, ctrl })
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        match self.code {
            KeyName::Char(' ') => f.write_str("Space"),
            KeyName::Char(c) => write!(f, "{c}"),
            KeyName::Named(n) => f.write_str(n),
        }
    }
}

/// Keys to actions, for the normal mode.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: BTreeMap<KeyChord, Action>,
}

impl Keymap {
    /// The default keymap.
    pub fn default_keymap() -> Self {
        let mut map = Self::default();
        // The shipped file is tested to parse without warnings.
        let _ = map.overlay(DEFAULT_KEYMAP);
        map
    }

    /// Loads `spec`: a shipped keymap name (`default`, `vim`) or a file, on top of the default.
    /// Returns the keymap and the warnings to show.
    pub fn load(spec: Option<&str>) -> anyhow::Result<(Self, Vec<String>)> {
        let mut map = Self::default_keymap();
        let (text, origin) = match spec {
            None | Some("default") => return Ok((map, Vec::new())),
            Some("vim") => (VIM_KEYMAP.to_owned(), "keymap vim".to_owned()),
            Some(path) => (
                std::fs::read_to_string(path).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot read keymap {path}: {e} (shipped keymaps: default, vim)"
                    )
                })?,
                format!("keymap {path}"),
            ),
        };
        let warnings = map
            .overlay(&text)
            .map_err(|e| anyhow::anyhow!("{origin}: {e}"))?;
        Ok((
            map,
            warnings
                .into_iter()
                .map(|w| format!("{origin}: {w}"))
                .collect(),
        ))
    }

    /// Applies a keymap file: each action it names gets exactly the keys it lists.
    /// Errors on a file that does not parse; returns warnings for what it could not use.
    pub fn overlay(&mut self, text: &str) -> Result<Vec<String>, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut warnings = Vec::new();
        for (section, value) in &table {
            if section != "normal" {
                warnings.push(format!(
                    "line {}: unknown section [{section}] (only [normal])",
                    line_of(text, section)
                ));
                continue;
            }
            let Some(entries) = value.as_table() else {
                return Err(format!(
                    "line {}: [normal] must be a table",
                    line_of(text, section)
                ));
            };
            // Every action the file names loses its old keys first, so that a key moved
            // from one named action to another is not reported as a conflict.
            for name in entries.keys() {
                if let Some(action) = Action::from_name(name) {
                    self.bindings.retain(|_, a| *a != action);
                }
            }
            for (name, keys) in entries {
                let line = line_of(text, name);
                let Some(action) = Action::from_name(name) else {
                    warnings.push(format!("line {line}: unknown action {name:?}"));
                    continue;
                };
                let keys: Vec<&str> = match keys {
                    toml::Value::String(s) => vec![s.as_str()],
                    toml::Value::Array(a) => a.iter().filter_map(toml::Value::as_str).collect(),
                    _ => {
                        return Err(format!(
                            "line {line}: {name} must be a key or a list of keys"
                        ));
                    }
                };
                self.bindings.retain(|_, a| *a != action);
                for key in keys {
                    let Some(chord) = KeyChord::parse(key) else {
                        warnings.push(format!("line {line}: cannot read key {key:?} for {name}"));
                        continue;
                    };
                    if let Some(old) = self.bindings.insert(chord, action.clone())
                        && old != action
                    {
                        warnings.push(format!(
                            "line {line}: key {chord} was bound to {}, now {name}",
                            old.name()
                        ));
                    }
                }
            }
        }
        Ok(warnings)
    }

    /// The action bound to `chord`.
    pub fn action(&self, chord: &KeyChord) -> Option<&Action> {
        self.bindings.get(chord)
    }

    /// The keys bound to `action`, in key order.
    pub fn keys_of(&self, action: &Action) -> Vec<KeyChord> {
        self.bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| *k)
            .collect()
    }

    /// Help lines: (keys, action name, description) for every bound action, in help order.
    pub fn help(&self) -> Vec<(String, String, &'static str)> {
        Action::bindable()
            .into_iter()
            .filter_map(|action| {
                let keys = self.keys_of(&action);
                (!keys.is_empty()).then(|| {
                    let keys = keys
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" ");
                    (keys, action.name(), action.description())
                })
            })
            .collect()
    }
}

/// The 1-based line where `needle` first appears as a key, for messages.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches('[');
            l.starts_with(needle) || l.starts_with(&format!("\"{needle}\""))
        })
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_reports_bad_entries_with_lines() {
        assert_eq!(KeyChord::parse("Ctrl-f").unwrap().to_string(), "Ctrl-f");
        assert_eq!(KeyChord::parse("pagedown").unwrap().to_string(), "PageDown");
        assert!(KeyChord::parse("jj").is_none());
        let mut map = Keymap::default_keymap();
        let warnings = map
            .overlay("[normal]\nup = [\"w\"]\nfly = [\"f\"]\ndown = [\"Hyper-x\"]\n")
            .unwrap();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("line 3") && w.contains("fly"))
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("line 4") && w.contains("Hyper-x"))
        );
        assert_eq!(
            map.action(&KeyChord::parse("w").unwrap()),
            Some(&Action::Up)
        );
        assert_eq!(map.action(&KeyChord::parse("k").unwrap()), None);
        let err = map.overlay("[normal]\nup = [\"w\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
