//! The YAML view of one object: highlighted once per text (not per frame), searchable
//! with `/` and n/N, managedFields hidden and `status` foldable by a toggle, a Secret's
//! values masked unless revealed. It follows the object: when the watch store shows a
//! new resourceVersion it refetches, or, while the user is scrolled, marks itself stale.
//!
//! Its own keys (the keymap's `[yaml]` section, [`command`]) come as `Action::YamlView`;
//! while its editor or search line is open every key comes as `Msg::YamlKey` (the
//! editor asks the keymap's `[editor]` section for its own keys); the rest go through
//! the keymap's `[normal]` section. Opening it, fetching the object and handing it keys
//! is app's `yaml_screen`; this module names nothing of the app.

pub mod command;

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::{Editor, LiveObject, Sensitive};
use crate::cluster::ObjectKey;
use crate::cluster::object_yaml::{YamlOptions, view_yaml};
use crate::highlight::{StyledLine, highlight_yaml};

/// The YAML view (and, while editing, its editor).
#[derive(Clone)]
pub struct YamlView {
    /// The object shown.
    pub key: ObjectKey,
    /// `None` while loading; the object or why it could not be read.
    pub object: Option<Result<LiveObject, String>>,
    /// What is shown of it.
    pub options: YamlOptions,
    /// The text shown (derived from `object` and `options`).
    pub text: Sensitive,
    /// `text` highlighted, by line.
    pub lines: Vec<StyledLine>,
    /// First line shown.
    pub scroll: usize,
    /// The search (`/`), once submitted.
    pub search: Option<String>,
    /// The search line being typed.
    pub prompt: Option<String>,
    /// The object changed on the server while the user was scrolled: `y` reloads.
    pub stale: bool,
    /// A refetch is in flight.
    pub fetching: bool,
    /// Open the editor once the object is here (`Some(true)`: in `$EDITOR`).
    pub pending_edit: Option<bool>,
    /// The editor, while editing.
    pub editor: Option<Box<Editor>>,
}

impl fmt::Debug for YamlView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YamlView")
            .field("key", &self.key)
            .field("scroll", &self.scroll)
            .field("options", &self.options)
            .field("editing", &self.editor.is_some())
            .finish_non_exhaustive()
    }
}

impl YamlView {
    /// A view of `key`, loading.
    pub fn new(key: ObjectKey) -> Self {
        Self {
            key,
            object: None,
            options: YamlOptions::default(),
            text: Sensitive::default(),
            lines: Vec::new(),
            scroll: 0,
            search: None,
            prompt: None,
            stale: false,
            fetching: true,
            pending_edit: None,
            editor: None,
        }
    }

    /// The breadcrumb's and title's words, e.g. `yaml deployment/web`.
    pub fn title(&self) -> String {
        format!("yaml {}/{}", self.key.kind.word(), self.key.name)
    }

    /// Recomputes the text and its highlight from the object and the options.
    pub fn rebuild(&mut self) {
        let text = match &self.object {
            Some(Ok(object)) => view_yaml(&object.0, self.options),
            _ => String::new(),
        };
        self.lines = highlight_yaml(&text);
        self.text = Sensitive(text);
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
    }

    /// Scrolls by `delta` lines (`isize::MIN`/`MAX`: to the top/bottom) for a page of `page`.
    pub fn scroll_by(&mut self, delta: isize, page: usize) {
        let last = self.lines.len().saturating_sub(page);
        self.scroll = match delta {
            isize::MIN => 0,
            isize::MAX => last,
            d => self.scroll.saturating_add_signed(d).min(last),
        };
    }

    /// Lines holding the search text (case-insensitive), in order.
    pub fn matches(&self) -> Vec<usize> {
        let Some(query) = self.search.as_deref().filter(|q| !q.is_empty()) else {
            return Vec::new();
        };
        let query = query.to_lowercase();
        self.text
            .0
            .lines()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(&query))
            .map(|(i, _)| i)
            .collect()
    }

    /// Jumps to the next (or previous) match from the top line; `false` when none.
    fn jump(&mut self, forward: bool) -> bool {
        let matches = self.matches();
        let next = if forward {
            matches
                .iter()
                .find(|l| **l > self.scroll)
                .or(matches.first())
        } else {
            matches
                .iter()
                .rev()
                .find(|l| **l < self.scroll)
                .or(matches.last())
        };
        match next {
            Some(line) => {
                self.scroll = *line;
                true
            }
            None => false,
        }
    }
}

impl YamlView {
    /// Jumps to the first match at or after the top line.
    fn jump_from_here(&mut self) -> bool {
        let matches = self.matches();
        match matches
            .iter()
            .find(|l| **l >= self.scroll)
            .or(matches.first())
        {
            Some(line) => {
                self.scroll = *line;
                true
            }
            None => false,
        }
    }

    /// A key typed on the search line (open): a character, Backspace, Esc (closes it),
    /// Enter (searches and jumps to the first match from the top line). Returns what the
    /// status line should say.
    pub fn search_key(&mut self, key: KeyEvent) -> Option<&'static str> {
        let prompt = self.prompt.as_mut()?;
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => prompt.push(c),
            KeyCode::Backspace => {
                prompt.pop();
            }
            KeyCode::Esc => self.prompt = None,
            KeyCode::Enter => {
                self.search = self.prompt.take().filter(|q| !q.is_empty());
                if self.search.is_some() && !self.jump_from_here() {
                    return Some("no match");
                }
            }
            _ => {}
        }
        None
    }

    /// The watch store shows the object at `resource_version`: whether to fetch it again
    /// now. While the user is scrolled, editing or typing a search it marks itself stale
    /// instead; while a fetch is in flight, or already stale, it does nothing.
    pub fn saw_version(&mut self, resource_version: &str) -> bool {
        let seen = match &self.object {
            Some(Ok(object)) => object.resource_version(),
            _ => return false,
        };
        if self.fetching || self.stale || resource_version == seen {
            return false;
        }
        if self.scroll > 0 || self.editor.is_some() || self.prompt.is_some() {
            self.stale = true;
            false
        } else {
            self.fetching = true;
            true
        }
    }
}
