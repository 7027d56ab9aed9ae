//! Keymaps: which key runs which [`Action`], per [`Section`] (`[normal]` everywhere,
//! `[logs]`, `[yaml]` and `[editor]` for those views' own keys, asked first there). The
//! shipped keymaps (`keymaps/*.toml`) are compiled in; a user file names only the actions
//! it rebinds. Unknown sections, actions and keys, and keys bound twice, are reported as
//! warnings naming the lines, never ignored silently.

mod chord;
mod overlay;
pub mod reference;
mod section;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use crossterm::event::KeyEvent;

pub use self::chord::{KeyChord, KeyName, NAMED_KEYS};
pub use self::overlay::line_of;
pub use self::section::Section;
use crate::action::Action;

/// The default keymap, k9s-like.
pub const DEFAULT_KEYMAP: &str = include_str!("../keymaps/default.toml");
/// A vim-flavoured keymap (on top of the default).
pub const VIM_KEYMAP: &str = include_str!("../keymaps/vim.toml");
/// Movement on the arrow and paging keys only (on top of the default).
pub const ARROWS_KEYMAP: &str = include_str!("../keymaps/arrows.toml");
/// The shipped keymaps by name, for `--keymap NAME`.
pub const SHIPPED_KEYMAPS: &[(&str, &str)] = &[
    ("default", DEFAULT_KEYMAP),
    ("vim", VIM_KEYMAP),
    ("arrows", ARROWS_KEYMAP),
];

/// Where a binding came from, for conflict messages.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    /// Which overlay (file) made it: 0 for the first.
    file: u32,
    /// What that file is (`default keymap`, `keymap ~/mine.toml`).
    source: String,
    /// Its line in that file.
    line: usize,
}

/// One key's action in one section.
#[derive(Debug, Clone)]
struct Binding {
    action: Action,
    origin: Origin,
    /// Its place in the action's list of keys (the first is the one hints show).
    position: usize,
}

/// Keys to actions, per section.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: BTreeMap<(Section, KeyChord), Binding>,
    /// How many files were applied.
    files: u32,
}

static SHIPPED_DEFAULT: LazyLock<Keymap> = LazyLock::new(Keymap::default_keymap);

impl Keymap {
    /// The default keymap.
    pub fn default_keymap() -> Self {
        let mut map = Self::default();
        // The shipped file is tested to parse without warnings.
        let _ = map.overlay_named(DEFAULT_KEYMAP, "default keymap");
        map
    }

    /// The default keymap, built once (for code that has no state at hand).
    pub fn shipped() -> &'static Self {
        &SHIPPED_DEFAULT
    }

    /// Loads `spec`: a shipped keymap name (`default`, `vim`, `arrows`) or a file, on top
    /// of the default. Returns the keymap and the warnings to show.
    pub fn load(spec: Option<&str>) -> anyhow::Result<(Self, Vec<String>)> {
        let mut map = Self::default_keymap();
        let shipped = spec.and_then(|name| SHIPPED_KEYMAPS.iter().find(|(n, _)| *n == name));
        let (text, origin) = match (spec, shipped) {
            (None | Some("default"), _) => return Ok((map, Vec::new())),
            (_, Some((name, text))) => ((*text).to_owned(), format!("keymap {name}")),
            (Some(path), None) => (
                std::fs::read_to_string(path).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot read keymap {path}: {e} (shipped keymaps: default, vim, arrows)"
                    )
                })?,
                format!("keymap {path}"),
            ),
        };
        let warnings = map
            .overlay_named(&text, &origin)
            .map_err(|e| anyhow::anyhow!("{origin}: {e}"))?;
        Ok((
            map,
            warnings
                .into_iter()
                .map(|w| format!("{origin}: {w}"))
                .collect(),
        ))
    }

    /// Applies a keymap file (see [`Keymap::overlay_named`]), calling it `user keymap`.
    pub fn overlay(&mut self, text: &str) -> Result<Vec<String>, String> {
        self.overlay_named(text, "user keymap")
    }

    /// The `[normal]` action bound to `chord`.
    pub fn action(&self, chord: &KeyChord) -> Option<&Action> {
        self.action_in(Section::Normal, chord)
    }

    /// The action `section` binds to `chord` (that section only); a shifted named key
    /// that is not bound as such runs what the key alone runs (Shift-Up moves up).
    pub fn action_in(&self, section: Section, chord: &KeyChord) -> Option<&Action> {
        self.bindings
            .get(&(section, *chord))
            .or_else(|| {
                chord
                    .shift
                    .then(|| self.bindings.get(&(section, chord.unshifted())))
                    .flatten()
            })
            .map(|b| &b.action)
    }

    /// The action `section` binds to a terminal key (that section only).
    pub fn action_for(&self, section: Section, key: &KeyEvent) -> Option<&Action> {
        self.action_in(section, &KeyChord::from_event(key)?)
    }

    /// The keys bound to `action` (in whichever section has it), in the order the file
    /// lists them.
    pub fn keys_of(&self, action: &Action) -> Vec<KeyChord> {
        let mut keys: Vec<(usize, KeyChord)> = self
            .bindings
            .iter()
            .filter(|(_, b)| b.action == *action)
            .map(|((_, k), b)| (b.position, *k))
            .collect();
        keys.sort_by_key(|(position, _)| *position);
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// A hint line (`n/N next/prev · M managedFields`): for each group, the first key of
    /// each action joined by `/`, then its word; groups with no key bound are left out.
    pub fn hint_text(&self, hints: &[(&[Action], &str)]) -> String {
        hints
            .iter()
            .filter_map(|(actions, word)| {
                let keys: Vec<String> = actions
                    .iter()
                    .filter_map(|a| self.keys_of(a).first().map(ToString::to_string))
                    .collect();
                (!keys.is_empty()).then(|| format!("{} {word}", keys.join("/")))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Every key bound in any section, each once, in key order.
    pub fn all_chords(&self) -> Vec<KeyChord> {
        let keys: BTreeSet<KeyChord> = self.bindings.keys().map(|(_, k)| *k).collect();
        keys.into_iter().collect()
    }

    /// Help lines of `[normal]`: (keys, action name, description), in help order.
    pub fn help(&self) -> Vec<(String, String, &'static str)> {
        self.help_of(Section::Normal)
    }

    /// Help lines of a view with its own `section`: that section's, then the `[normal]`
    /// keys it does not shadow.
    pub fn help_of_view(&self, section: Section) -> Vec<(String, String, &'static str)> {
        if section == Section::Normal {
            return self.help();
        }
        let mut lines = self.help_of(section);
        lines.extend(self.help_lines(Section::Normal, |k| self.action_in(section, k).is_none()));
        lines
    }

    /// Help lines of `section`: (keys, action name, description) for every bound action.
    pub fn help_of(&self, section: Section) -> Vec<(String, String, &'static str)> {
        self.help_lines(section, |_| true)
    }

    fn help_lines(
        &self,
        section: Section,
        shown: impl Fn(&KeyChord) -> bool,
    ) -> Vec<(String, String, &'static str)> {
        section
            .actions()
            .into_iter()
            .filter_map(|action| {
                let mut keys: Vec<(usize, KeyChord)> = self
                    .bindings
                    .iter()
                    .filter(|((s, k), b)| *s == section && b.action == action && shown(k))
                    .map(|((_, k), b)| (b.position, *k))
                    .collect();
                keys.sort_by_key(|(position, _)| *position);
                let keys: Vec<KeyChord> = keys.into_iter().map(|(_, k)| k).collect();
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
