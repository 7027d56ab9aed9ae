//! ASCII mode (`--ascii`, or a locale whose charset is not UTF-8): the drawn frame is
//! rewritten cell by cell into ASCII before it reaches the terminal, so borders, bars,
//! arrows and ellipses stay readable on terminals and serial consoles that cannot show
//! UTF-8, and text from the cluster cannot send bytes the terminal would misread.

use std::borrow::Cow;

use ratatui::buffer::Buffer;

/// Whether the locale asks for ASCII: `LC_ALL`, else `LC_CTYPE`, else `LANG` (the first one
/// set, as the C library reads them) names a charset other than UTF-8, or is `C`/`POSIX`.
/// With none set, kdeck assumes UTF-8, as most terminals today are.
pub fn locale_wants_ascii(var: impl Fn(&str) -> Option<String>) -> bool {
    let Some(locale) = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))
    else {
        return false;
    };
    let charset = locale
        .split_once('.')
        .map_or("", |(_, rest)| rest.split('@').next().unwrap_or(""));
    let utf8 = matches!(charset.to_ascii_lowercase().as_str(), "utf-8" | "utf8");
    !utf8
}

/// Rewrites every cell of `buf` into ASCII.
pub fn downgrade(buf: &mut Buffer) {
    for cell in &mut buf.content {
        if let Cow::Owned(ascii) = ascii_symbol(cell.symbol()) {
            cell.set_symbol(&ascii);
        }
    }
}

/// The ASCII stand-in of one cell's symbol (borrowed when it is ASCII already).
pub fn ascii_symbol(symbol: &str) -> Cow<'_, str> {
    if symbol.is_ascii() {
        return Cow::Borrowed(symbol);
    }
    let mut chars = symbol.chars();
    let c = chars.next().unwrap_or(' ');
    Cow::Owned(ascii_char(c).to_string())
}

fn ascii_char(c: char) -> char {
    match c {
        // Box drawing: lines and their corners, tees and crosses.
        // Lines (and dashes) become '-' and '|', the rest of the box-drawing block '+'.
        '─' | '━' | '┄' | '┅' | '┈' | '┉' | '╌' | '╍' | '═' | '╴' | '╶' | '╸' | '╺' | '—' | '–'
        | '‐' | '−' => '-',
        '│' | '┃' | '┆' | '┇' | '┊' | '┋' | '╎' | '╏' | '║' | '╵' | '╷' | '╹' | '╻' | '▏' | '▕' => {
            '|'
        }
        // Corners, tees, crosses; and a check mark reads as a plus.
        '\u{2500}'..='\u{257f}' | '✓' | '✔' => '+',
        // Block elements: bars.
        '█' | '▉' | '▊' | '▋' | '▌' | '▍' | '▐' | '▀' | '▄' => '#',
        '░' | '▒' | '▓' => ':',
        '…' => '~',
        '·' | '•' | '∙' => '.',
        '●' | '◆' | '■' | '★' => '*',
        '○' | '◇' | '□' => 'o',
        '▸' | '▶' | '►' | '→' | '›' => '>',
        '◂' | '◀' | '◄' | '←' | '‹' => '<',
        '↑' | '▲' | '▴' => '^',
        '↓' | '▼' | '▾' => 'v',
        '✗' | '✘' | '×' => 'x',
        '“' | '”' | '„' => '"',
        '‘' | '’' | '‚' => '\'',
        '\u{a0}' => ' ',
        _ => '?',
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_env::env;
    use ratatui::layout::Rect;
    use ratatui::widgets::{Block, Widget};

    #[test]
    fn the_locale_decides_like_the_c_library() {
        assert!(!locale_wants_ascii(env(&[])), "unset: assume UTF-8");
        assert!(!locale_wants_ascii(env(&[("LANG", "en_US.UTF-8")])));
        assert!(!locale_wants_ascii(env(&[("LANG", "de_DE.utf8@euro")])));
        assert!(locale_wants_ascii(env(&[("LANG", "C")])));
        assert!(locale_wants_ascii(env(&[("LANG", "POSIX")])));
        assert!(locale_wants_ascii(env(&[("LANG", "en_US.ISO-8859-1")])));
        // LC_ALL wins over LANG; an empty one does not count.
        assert!(locale_wants_ascii(env(&[
            ("LC_ALL", "C"),
            ("LANG", "C.UTF-8")
        ])));
        assert!(!locale_wants_ascii(env(&[
            ("LC_ALL", ""),
            ("LANG", "C.UTF-8")
        ])));
        assert!(locale_wants_ascii(env(&[
            ("LC_CTYPE", "C"),
            ("LANG", "C.UTF-8")
        ])));
    }

    #[test]
    fn a_frame_comes_out_all_ascii() {
        let area = Rect::new(0, 0, 24, 4);
        let mut buf = Buffer::empty(area);
        Block::bordered().title("rollout…").render(area, &mut buf);
        buf.set_string(1, 1, "██▒▒·· ↑ ● ▸ 日本", ratatui::style::Style::new());
        downgrade(&mut buf);
        let text: String = buf
            .content
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect();
        assert!(text.is_ascii(), "{text}");
        let line = |y: u16| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        };
        assert_eq!(line(0), "+rollout~--------------+");
        assert!(line(1).starts_with("|##::.. ^ * > ?"), "{}", line(1));
        assert_eq!(line(3), "+----------------------+");
    }
}
