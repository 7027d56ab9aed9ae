//! Log text is untrusted: before a line reaches the terminal every control character is
//! shown inert in caret notation (`ESC` as `^[`, BEL as `^G`, DEL as `^?`), so an escape
//! sequence (CSI, OSC including OSC 52, DCS, a lone ESC) shows as text and does nothing;
//! C1 controls show as their 7-bit form (`U+009B` as `^[[`); bidirectional overrides,
//! which could reorder what is shown, show as `<U+202E>`; tabs become spaces.
//! Invalid UTF-8 was already replaced by U+FFFD when the line was read.

use std::borrow::Cow;

/// Columns between tab stops.
pub const TAB_WIDTH: usize = 8;

/// Whether `c` must not reach the terminal as is.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The bidirectional embedding, override and isolate controls.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// `line` made safe to draw: controls in caret notation, tabs expanded to [`TAB_WIDTH`].
/// Borrows when there is nothing to change (nearly every line).
pub fn sanitize(line: &str) -> Cow<'_, str> {
    if !line.chars().any(is_unsafe) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    // Columns so far, counted in chars: log lines are mostly ASCII and tab stops only
    // need to look right, not be exact for wide characters.
    let mut column = 0;
    for c in line.chars() {
        match c {
            '\t' => {
                let pad = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', pad));
                column += pad;
            }
            '\u{0}'..='\u{1f}' => {
                out.push('^');
                out.push(char::from(b'@' + c as u8));
                column += 2;
            }
            '\u{7f}' => {
                out.push_str("^?");
                column += 2;
            }
            '\u{80}'..='\u{9f}' => {
                out.push_str("^[");
                out.push(char::from(c as u8 - 0x40));
                column += 3;
            }
            c if is_unsafe(c) => {
                use std::fmt::Write as _;
                let before = out.len();
                let _ = write!(out, "<U+{:04X}>", u32::from(c));
                column += out.len() - before;
            }
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// `text` cut to at most `max` chars (for display; the buffer keeps the whole line).
pub fn cut(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_are_borrowed_untouched() {
        let line = "10.244.1.7 - - \"GET / HTTP/1.1\" 200 615 héllo 日本";
        assert!(matches!(sanitize(line), Cow::Borrowed(l) if l == line));
    }

    #[test]
    fn every_escape_sequence_is_inert() {
        let cases = [
            ("a\x1b[2Jb", "a^[[2Jb"),
            ("\x1b]0;PWNED\x07", "^[]0;PWNED^G"),
            ("\x1b]52;c;UFdORUQ=\x1b\\", "^[]52;c;UFdORUQ=^[\\"),
            ("\x1bP+q544e\x1b\\", "^[P+q544e^[\\"),
            ("lone\x1b", "lone^["),
            ("\u{9b}6n", "^[[6n"),
            ("\u{9d}0;t\u{9c}", "^[]0;t^[\\"),
            ("cr\rlf\nnul\0del\x7f", "cr^Mlf^Jnul^@del^?"),
            ("abc\u{202e}fed", "abc<U+202E>fed"),
        ];
        for (raw, shown) in cases {
            let got = sanitize(raw);
            assert_eq!(got, shown, "{raw:?}");
            assert!(!got.chars().any(char::is_control), "{got:?}");
        }
    }

    #[test]
    fn tabs_expand_to_the_next_stop() {
        assert_eq!(sanitize("a\tb"), format!("a{}b", " ".repeat(7)));
        assert_eq!(
            sanitize("12345678\tx"),
            format!("12345678{}x", " ".repeat(8))
        );
        assert_eq!(sanitize("\x1b\tx"), format!("^[{}x", " ".repeat(6)));
    }

    #[test]
    fn replacement_characters_stay_visible_and_cut_respects_chars() {
        assert_eq!(sanitize("\u{fffd}bad"), "\u{fffd}bad");
        assert_eq!(cut("héllo", 2), "hé");
        assert_eq!(cut("hi", 5), "hi");
    }
}
