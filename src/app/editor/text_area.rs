//! The text area the editor types into: its colours from the theme, and a lock that
//! makes it fit in the (shared, `Sync`) screens.

use std::sync::{Mutex, MutexGuard, PoisonError};

use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use crate::theme::Theme;

/// The editor's colours, from the theme (set once: the text area keeps them).
#[derive(Debug, Clone, Copy, Default)]
pub struct EditorStyle {
    /// The text.
    pub text: Style,
    /// The line numbers.
    pub line_numbers: Style,
    /// The matches of a search (as the YAML view shows its matches).
    pub search: Style,
    /// The selected text.
    pub selection: Style,
}

impl EditorStyle {
    /// The colours of `theme`.
    pub fn of(theme: &Theme) -> Self {
        Self {
            text: theme.text(),
            line_numbers: theme.muted_style(),
            search: theme.selection(),
            // Reverse video: apart from the matches in every theme, and in no colour.
            selection: Style::new().add_modifier(Modifier::REVERSED),
        }
    }
}

/// A text area on `text` with two-space tabs, in `style`.
pub fn textarea(text: &str, style: EditorStyle) -> TextArea<'static> {
    let mut area = TextArea::new(text.lines().map(str::to_owned).collect());
    area.set_tab_length(2);
    area.set_style(style.text);
    area.set_line_number_style(style.line_numbers);
    area.set_cursor_line_style(Style::new());
    area.set_search_style(style.search);
    area.set_selection_style(style.selection);
    area
}

/// The text area behind a lock: it keeps its layout in `Cell`s, and the screens must be
/// `Sync` (one is a `static`). Only the loop's thread ever takes the lock.
pub struct LockedTextArea(Mutex<TextArea<'static>>);

impl LockedTextArea {
    /// Locks `area` away.
    pub fn new(area: TextArea<'static>) -> Self {
        Self(Mutex::new(area))
    }

    /// The text area (only the loop's thread takes it).
    pub fn lock(&self) -> MutexGuard<'_, TextArea<'static>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clone for LockedTextArea {
    fn clone(&self) -> Self {
        Self::new(self.lock().clone())
    }
}
