//! How many colours the terminal shows (from `NO_COLOR`, `COLORTERM`, `TERM`) and
//! bringing an RGB colour down to the 256-colour palette or the 16 ANSI names.

use ratatui::style::Color;

/// How many colours the terminal shows, from the environment as terminals announce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    TrueColor,
    /// The xterm 256-colour palette (`TERM=*-256color`).
    Indexed256,
    /// The 16 ANSI colours (anything else: `xterm`, `screen`, `vt100`, `linux`).
    Ansi16,
    /// No colour (`NO_COLOR` set and not empty).
    Monochrome,
}

impl ColorDepth {
    /// Decides from `NO_COLOR`, `COLORTERM` and `TERM`.
    pub fn detect(no_color: bool, colorterm: Option<&str>, term: Option<&str>) -> Self {
        if no_color {
            return Self::Monochrome;
        }
        if colorterm.is_some_and(|c| matches!(c, "truecolor" | "24bit")) {
            return Self::TrueColor;
        }
        match term {
            Some(t) if t.ends_with("-direct") => Self::TrueColor,
            Some(t) if t.contains("256color") => Self::Indexed256,
            _ => Self::Ansi16,
        }
    }

    /// [`ColorDepth::detect`] on this process's environment.
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self::detect(
            var("NO_COLOR").is_some(),
            var("COLORTERM").as_deref(),
            var("TERM").as_deref(),
        )
    }
}

/// The nearest colour of the xterm 256-colour palette (its 6x6x6 cube or grey ramp).
pub fn to_indexed_256(r: u8, g: u8, b: u8) -> u8 {
    let level = |c: u8| (u16::from(c) * 5 + 127) / 255;
    if r == g && g == b {
        // The grey ramp 232..=255 runs from 8 to 238 in steps of 10.
        return match r {
            0..=3 => 16,
            248..=255 => 231,
            v => 232 + ((u16::from(v).saturating_sub(8) + 5) / 10).min(23) as u8,
        };
    }
    (16 + 36 * level(r) + 6 * level(g) + level(b)) as u8
}

/// The nearest of the 16 ANSI colours (by their usual xterm values), as a name so the
/// terminal's palette applies.
pub fn to_ansi_16(r: u8, g: u8, b: u8) -> Color {
    const ANSI: [(Color, (u8, u8, u8)); 16] = [
        (Color::Black, (0, 0, 0)),
        (Color::Red, (205, 0, 0)),
        (Color::Green, (0, 205, 0)),
        (Color::Yellow, (205, 205, 0)),
        (Color::Blue, (0, 0, 238)),
        (Color::Magenta, (205, 0, 205)),
        (Color::Cyan, (0, 205, 205)),
        (Color::Gray, (229, 229, 229)),
        (Color::DarkGray, (127, 127, 127)),
        (Color::LightRed, (255, 0, 0)),
        (Color::LightGreen, (0, 255, 0)),
        (Color::LightYellow, (255, 255, 0)),
        (Color::LightBlue, (92, 92, 255)),
        (Color::LightMagenta, (255, 0, 255)),
        (Color::LightCyan, (0, 255, 255)),
        (Color::White, (255, 255, 255)),
    ];
    let distance = |(r2, g2, b2): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(r, r2) + d(g, g2) + d(b, b2)
    };
    ANSI.iter()
        .min_by_key(|(_, rgb)| distance(*rgb))
        .map_or(Color::Reset, |(c, _)| *c)
}
