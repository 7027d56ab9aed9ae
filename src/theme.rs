//! Themes: colours by semantic role. The shipped ones (`themes/*.toml`) are compiled in;
//! a user file names only the roles it changes (on top of `base`, default `dark`).
//! `NO_COLOR` gives a monochrome theme that marks things with bold and reverse video.

mod color_depth;
pub mod k9s_skin;

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

pub use self::color_depth::{ColorDepth, to_ansi_16, to_indexed_256};
use crate::cluster::Health;
use crate::keymap::line_of;

/// The shipped themes by name.
pub const SHIPPED_THEMES: &[(&str, &str)] = &[
    ("dark", include_str!("../themes/dark.toml")),
    ("light", include_str!("../themes/light.toml")),
    ("16color", include_str!("../themes/16color.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
];

macro_rules! roles {
    ($($role:ident: $doc:literal),* $(,)?) => {
        /// Colours by role.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            $(#[doc = $doc] pub $role: Color,)*
            /// No colours (`NO_COLOR`): selection and errors use reverse video and bold.
            pub monochrome: bool,
        }

        /// Every role a theme file may set.
        pub const ROLES: &[&str] = &[$(stringify!($role)),*];

        impl Theme {
            fn all(color: Color) -> Self {
                Self { $($role: color,)* monochrome: false }
            }

            /// Replaces every role's colour by `f` of it.
            fn map_colors(&mut self, f: impl Fn(Color) -> Color) {
                $(self.$role = f(self.$role);)*
            }

            fn set(&mut self, role: &str, color: Color) -> bool {
                match role {
                    $(stringify!($role) => self.$role = color,)*
                    _ => return false,
                }
                true
            }
        }
    };
}

roles! {
    fg: "Ordinary text.",
    bg: "Background.",
    muted: "Secondary text (column titles, hints).",
    accent: "Highlights (pane title, keys in help).",
    border: "Borders of panes.",
    border_focused: "Border of the pane with the keyboard.",
    selection_fg: "Text of the selected row.",
    selection_bg: "Background of the selected row.",
    status_ok: "Healthy rows (Running, Ready).",
    status_warn: "Rows on their way (Pending, ContainerCreating) and warnings.",
    status_err: "Failing rows (CrashLoopBackOff, Warning events) and errors.",
    status_dim: "Rows on their way out (Terminating).",
    header_fg: "Header text.",
    header_bg: "Header background.",
    header_key: "Header labels (Context:, Cluster:).",
    badge_readonly_fg: "READ-ONLY badge text.",
    badge_readonly_bg: "READ-ONLY badge background.",
    progress_new: "New replicas in the rollout progress bar.",
    progress_old: "Old replicas in the rollout progress bar.",
    usage_high: "CPU or memory use at 80 % or more of its request, limit or allocatable.",
    usage_over: "CPU or memory use at or over its request, limit or allocatable.",
}

impl Theme {
    /// The theme for a terminal of `depth`: `spec` (or `dark`; `16color` on a 16-colour
    /// terminal when none is asked), its colours brought down to what the terminal shows.
    pub fn for_terminal(
        spec: Option<&str>,
        depth: ColorDepth,
    ) -> anyhow::Result<(Self, Vec<String>)> {
        let spec = match (spec, depth) {
            (None, ColorDepth::Ansi16) => Some("16color"),
            (spec, _) => spec,
        };
        let (mut theme, warnings) = Self::load(spec, depth == ColorDepth::Monochrome)?;
        match depth {
            ColorDepth::Indexed256 => theme.map_colors(|c| match c {
                Color::Rgb(r, g, b) => Color::Indexed(to_indexed_256(r, g, b)),
                other => other,
            }),
            ColorDepth::Ansi16 => theme.map_colors(|c| match c {
                Color::Rgb(r, g, b) => to_ansi_16(r, g, b),
                Color::Indexed(i) if i >= 16 => Color::Reset,
                other => other,
            }),
            ColorDepth::TrueColor | ColorDepth::Monochrome => {}
        }
        Ok((theme, warnings))
    }

    /// The default theme (dark).
    pub fn dark() -> Self {
        Self::shipped("dark").unwrap_or_else(|| Self::all(Color::Reset))
    }

    /// A shipped theme by name (all roles are defined: tested).
    pub fn shipped(name: &str) -> Option<Self> {
        let (_, text) = SHIPPED_THEMES.iter().find(|(n, _)| *n == name)?;
        let mut theme = Self::all(Color::Reset);
        theme.overlay(text).ok()?;
        Some(theme)
    }

    /// No colours at all: the terminal's own, with bold and reverse video for emphasis.
    pub fn monochrome() -> Self {
        Self {
            monochrome: true,
            ..Self::all(Color::Reset)
        }
    }

    /// Loads `spec` (a shipped name or a file), honouring `no_color`. Returns the theme
    /// and warnings (unknown roles).
    pub fn load(spec: Option<&str>, no_color: bool) -> anyhow::Result<(Self, Vec<String>)> {
        if no_color {
            return Ok((Self::monochrome(), Vec::new()));
        }
        let spec = spec.unwrap_or("dark");
        if let Some(theme) = Self::shipped(spec) {
            return Ok((theme, Vec::new()));
        }
        let path = user_theme_file(spec).unwrap_or_else(|| std::path::PathBuf::from(spec));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            anyhow::anyhow!("cannot read theme {spec}: {e} (shipped themes: dark, light, 16color, high-contrast; imported ones: {})", user_theme_dir().map_or_else(|| "none".to_owned(), |d| d.display().to_string()))
        })?;
        let base = toml::from_str::<toml::Table>(&text)
            .ok()
            .and_then(|t| t.get("base").and_then(|b| b.as_str().map(str::to_owned)))
            .unwrap_or_else(|| "dark".to_owned());
        let mut theme = Self::shipped(&base)
            .ok_or_else(|| anyhow::anyhow!("theme {spec}: unknown base theme {base:?}"))?;
        let warnings = theme
            .overlay(&text)
            .map_err(|e| anyhow::anyhow!("theme {spec}: {e}"))?;
        Ok((
            theme,
            warnings
                .into_iter()
                .map(|w| format!("theme {spec}: {w}"))
                .collect(),
        ))
    }

    /// Applies a theme file's `[colors]`; errors name the line, unknown roles are warnings.
    pub fn overlay(&mut self, text: &str) -> Result<Vec<String>, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut warnings = Vec::new();
        for (key, value) in &table {
            match (key.as_str(), value) {
                ("base", _) => {}
                ("colors", toml::Value::Table(colors)) => {
                    for (role, value) in colors {
                        let line = line_of(text, role);
                        let Some(text) = value.as_str() else {
                            return Err(format!("line {line}: {role} must be a colour string"));
                        };
                        let color = Color::from_str(text).map_err(|_| {
                            format!("line {line}: {role} = {text:?} is not a colour (a name such as \"red\", or \"#rrggbb\")")
                        })?;
                        if !self.set(role, color) {
                            warnings.push(format!("line {line}: unknown role {role:?}"));
                        }
                    }
                }
                (other, _) => warnings.push(format!(
                    "line {}: unknown key {other:?} (expected [colors] and base)",
                    line_of(text, other)
                )),
            }
        }
        Ok(warnings)
    }

    /// Ordinary text.
    pub fn text(&self) -> Style {
        Style::new().fg(self.fg).bg(self.bg)
    }

    /// Secondary text.
    pub fn muted_style(&self) -> Style {
        Style::new().fg(self.muted)
    }

    /// The selected row.
    pub fn selection(&self) -> Style {
        if self.monochrome {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().fg(self.selection_fg).bg(self.selection_bg)
        }
    }

    /// A row of the given health.
    pub fn health(&self, health: Health) -> Style {
        let style = Style::new();
        match health {
            Health::Ok => style.fg(self.status_ok),
            Health::Warn => style.fg(self.status_warn),
            Health::Err if self.monochrome => style.add_modifier(Modifier::BOLD),
            Health::Err => style.fg(self.status_err),
            Health::Dim => style.fg(self.status_dim).add_modifier(Modifier::DIM),
            Health::Neutral => style.fg(self.fg),
        }
    }

    /// An error or warning message.
    pub fn error(&self) -> Style {
        Style::new()
            .fg(self.status_err)
            .add_modifier(Modifier::BOLD)
    }

    /// The READ-ONLY badge.
    pub fn badge_readonly(&self) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD);
        if self.monochrome {
            s.add_modifier(Modifier::REVERSED)
        } else {
            s.fg(self.badge_readonly_fg).bg(self.badge_readonly_bg)
        }
    }
}

/// Where `kdeck theme import` puts themes: `<config dir>/kdeck/themes/`.
pub fn user_theme_dir() -> Option<std::path::PathBuf> {
    let config = crate::config::Config::path()?;
    Some(config.parent()?.join("themes"))
}

/// The user's theme `NAME.toml` for a plain name (no path), if that file exists.
fn user_theme_file(name: &str) -> Option<std::path::PathBuf> {
    if name.is_empty() || name.contains(['/', '.']) {
        return None;
    }
    let path = user_theme_dir()?.join(format!("{name}.toml"));
    path.is_file().then_some(path)
}

impl Default for Theme {
    fn default() -> Self {
        Self::dark()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_file_changes_only_what_it_names_and_reports_lines() {
        let mut t = Theme::dark();
        let w = t
            .overlay("[colors]\naccent = \"red\"\nsparkle = \"blue\"\n")
            .unwrap();
        assert_eq!(t.accent, Color::Red);
        assert_eq!(t.fg, Theme::dark().fg);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("line 3"));
        let e = t.overlay("[colors]\n\nfg = \"nope\"\n").unwrap_err();
        assert!(e.contains("line 3") && e.contains("fg"), "{e}");
    }

    #[test]
    fn colour_depth_from_the_environment() {
        use ColorDepth::*;
        let d = ColorDepth::detect;
        assert_eq!(
            d(true, Some("truecolor"), Some("xterm-256color")),
            Monochrome
        );
        assert_eq!(d(false, Some("truecolor"), Some("xterm")), TrueColor);
        assert_eq!(d(false, Some("24bit"), None), TrueColor);
        assert_eq!(d(false, None, Some("xterm-direct")), TrueColor);
        for term in ["xterm-256color", "screen-256color", "tmux-256color"] {
            assert_eq!(d(false, None, Some(term)), Indexed256, "{term}");
        }
        for term in ["xterm", "screen", "vt100", "linux"] {
            assert_eq!(d(false, None, Some(term)), Ansi16, "{term}");
        }
        assert_eq!(d(false, None, None), Ansi16);
    }

    #[test]
    fn themes_degrade_to_what_the_terminal_shows() {
        assert_eq!(to_indexed_256(255, 0, 0), 196);
        assert_eq!(to_indexed_256(0, 0, 0), 16);
        assert_eq!(to_indexed_256(128, 128, 128), 244);
        assert_eq!(to_ansi_16(250, 10, 10), Color::LightRed);
        assert_eq!(to_ansi_16(0, 180, 0), Color::Green);

        let (true_color, _) = Theme::for_terminal(None, ColorDepth::TrueColor).unwrap();
        assert_eq!(true_color, Theme::dark());
        let (indexed, _) = Theme::for_terminal(None, ColorDepth::Indexed256).unwrap();
        let (ansi, _) = Theme::for_terminal(Some("dark"), ColorDepth::Ansi16).unwrap();
        let no_rgb = |t: &Theme| {
            let found = std::cell::Cell::new(false);
            t.clone().map_colors(|c| {
                if matches!(c, Color::Rgb(..)) {
                    found.set(true);
                }
                c
            });
            !found.get()
        };
        assert!(no_rgb(&indexed) && no_rgb(&ansi));
        let sixteen = |t: &Theme| {
            let wide = std::cell::Cell::new(false);
            t.clone().map_colors(|c| {
                if matches!(c, Color::Indexed(i) if i >= 16) {
                    wide.set(true);
                }
                c
            });
            !wide.get()
        };
        assert!(sixteen(&ansi));
        let (asked_nothing, _) = Theme::for_terminal(None, ColorDepth::Ansi16).unwrap();
        assert_eq!(asked_nothing, Theme::shipped("16color").unwrap());
        let (mono, _) = Theme::for_terminal(Some("light"), ColorDepth::Monochrome).unwrap();
        assert!(mono.monochrome);
    }
}
