//! One key with its modifiers, as keymap files write it (`j`, `G`, `Ctrl-f`, `PageDown`, `F1`,
//! `Alt-c`, `Shift-F3`).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key with its modifiers, as keymap files write it (`j`, `G`, `Ctrl-f`, `PageDown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    /// The key.
    pub code: KeyName,
    /// Ctrl held.
    pub ctrl: bool,
    /// Alt held (only the editor sees it: elsewhere a terminal's Alt+key is Esc, key).
    pub alt: bool,
    /// Shift held, on a named key (a character's case says it: `G`).
    pub shift: bool,
}

/// A key, reduced to what keymaps use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyName {
    /// A printable character (case is meaningful: `G` is shift-g).
    Char(char),
    /// A named key.
    Named(&'static str),
}

/// The named keys a keymap file may use, with the terminal's code for each.
pub const NAMED_KEYS: &[(&str, KeyCode)] = &[
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
    ("Insert", KeyCode::Insert),
    ("F1", KeyCode::F(1)),
    ("F2", KeyCode::F(2)),
    ("F3", KeyCode::F(3)),
    ("F4", KeyCode::F(4)),
    ("F5", KeyCode::F(5)),
    ("F6", KeyCode::F(6)),
    ("F7", KeyCode::F(7)),
    ("F8", KeyCode::F(8)),
    ("F9", KeyCode::F(9)),
    ("F10", KeyCode::F(10)),
    ("F11", KeyCode::F(11)),
    ("F12", KeyCode::F(12)),
];

impl KeyChord {
    /// Parses `j`, `G`, `?`, `Space`, `Ctrl-f`, `PageDown`, `F1`, `Alt-c`, `Shift-F3`...
    /// (`Shift-` only on a named key: a character is written in its case).
    pub fn parse(text: &str) -> Option<Self> {
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        let mut rest = text;
        loop {
            if let Some(r) = rest
                .strip_prefix("Ctrl-")
                .or_else(|| rest.strip_prefix("C-"))
            {
                (ctrl, rest) = (true, r);
            } else if let Some(r) = rest
                .strip_prefix("Alt-")
                .or_else(|| rest.strip_prefix("M-"))
            {
                (alt, rest) = (true, r);
            } else if let Some(r) = rest.strip_prefix("Shift-") {
                (shift, rest) = (true, r);
            } else {
                break;
            }
        }
        let code = if rest == "Space" {
            KeyName::Char(' ')
        } else if let Some((name, _)) = NAMED_KEYS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(rest))
        {
            KeyName::Named(name)
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => KeyName::Char(c),
                _ => return None,
            }
        };
        // A terminal reports Shift on named keys only (and BackTab is Shift-Tab already).
        if shift && matches!(code, KeyName::Char(_) | KeyName::Named("BackTab")) {
            return None;
        }
        Some(Self {
            code,
            ctrl,
            alt,
            shift,
        })
    }

    /// The chord of a terminal key event (`None` for keys keymaps cannot name).
    pub fn from_event(event: &KeyEvent) -> Option<Self> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(c) => KeyName::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            other => KeyName::Named(NAMED_KEYS.iter().find(|(_, c)| *c == other)?.0),
        };
        // BackTab is Shift-Tab already.
        let shift = event.modifiers.contains(KeyModifiers::SHIFT)
            && matches!(code, KeyName::Named(name) if name != "BackTab");
        Some(Self {
            code,
            ctrl,
            alt,
            shift,
        })
    }

    /// The same key without Shift (a shifted named key that is not bound runs what the
    /// key alone runs, as before Shift could be bound).
    #[must_use]
    pub fn unshifted(self) -> Self {
        Self {
            shift: false,
            ..self
        }
    }

    /// The terminal key event that presses this chord (for tests and drivers).
    pub fn key_event(self) -> KeyEvent {
        let mut modifiers = KeyModifiers::NONE;
        for (held, modifier) in [
            (self.ctrl, KeyModifiers::CONTROL),
            (self.alt, KeyModifiers::ALT),
            (self.shift, KeyModifiers::SHIFT),
        ] {
            if held {
                modifiers |= modifier;
            }
        }
        let code = match self.code {
            KeyName::Char(c) => KeyCode::Char(c),
            KeyName::Named(name) => NAMED_KEYS
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(KeyCode::Null, |(_, code)| *code),
        };
        KeyEvent::new(code, modifiers)
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (held, prefix) in [
            (self.ctrl, "Ctrl-"),
            (self.alt, "Alt-"),
            (self.shift, "Shift-"),
        ] {
            if held {
                f.write_str(prefix)?;
            }
        }
        match self.code {
            KeyName::Char(' ') => f.write_str("Space"),
            KeyName::Char(c) => write!(f, "{c}"),
            KeyName::Named(n) => f.write_str(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chords_parse_print_and_press_round_trip() {
        for text in [
            "j",
            "G",
            "?",
            "Space",
            "Ctrl-f",
            "PageDown",
            "F1",
            "F12",
            "Esc",
            "Alt-c",
            "Shift-F3",
            "Ctrl-Alt-x",
        ] {
            let chord = KeyChord::parse(text).unwrap();
            assert_eq!(chord.to_string(), text);
            assert_eq!(KeyChord::from_event(&chord.key_event()), Some(chord));
        }
        assert_eq!(KeyChord::parse("pagedown").unwrap().to_string(), "PageDown");
        assert!(KeyChord::parse("jj").is_none());
        assert!(KeyChord::parse("F13").is_none());
        assert!(
            KeyChord::parse("Shift-a").is_none(),
            "a shifted character is its case"
        );
        let shift_up = KeyEvent::new(KeyCode::Up, KeyModifiers::SHIFT);
        assert_eq!(
            KeyChord::from_event(&shift_up).map(KeyChord::unshifted),
            KeyChord::parse("Up")
        );
        let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&back_tab), KeyChord::parse("BackTab"));
    }
}
