//! The user's config file, `$XDG_CONFIG_HOME/kdeck/config.toml`: defaults that the
//! command line overrides.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::DashboardArgs;

/// What the config file may set.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Namespace to open on (`all` for all namespaces).
    pub namespace: Option<String>,
    /// Theme name or file.
    pub theme: Option<String>,
    /// Keymap name or file.
    pub keymap: Option<String>,
    /// Always start read-only.
    #[serde(default)]
    pub readonly: bool,
    /// The logs view.
    #[serde(default)]
    pub logs: LogsConfig,
}

/// The `[logs]` section: `tail_lines`, `max_lines`, `max_bytes`, `max_line_chars`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LogsConfig {
    /// Lines of history a log starts with (default 200).
    pub tail_lines: Option<i64>,
    /// The most lines a logs view keeps (default 50,000).
    pub max_lines: Option<usize>,
    /// The most bytes a logs view keeps (default 32 MiB).
    pub max_bytes: Option<usize>,
    /// Longer lines are cut on screen, kept whole for save (default 4096).
    pub max_line_chars: Option<usize>,
}

impl Config {
    /// Where the config file lives: `$XDG_CONFIG_HOME/kdeck/config.toml` (else `~/.config`).
    pub fn path() -> Option<PathBuf> {
        std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(dirs::config_dir)
            .map(|d| d.join("kdeck").join("config.toml"))
    }

    /// Reads the config file; a missing file is an empty config, a bad one an error naming it.
    pub fn load_from(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => anyhow::bail!("cannot read config file {}: {e}", path.display()),
        }
    }

    /// Reads the config file from its usual place.
    pub fn load() -> anyhow::Result<Self> {
        Self::path().map_or_else(|| Ok(Self::default()), |p| Self::load_from(&p))
    }

    /// The logs view's settings: the file's, else the defaults.
    pub fn log_settings(&self) -> crate::app::logs::LogSettings {
        let mut s = crate::app::logs::LogSettings::default();
        let l = &self.logs;
        s.tail_lines = l.tail_lines.unwrap_or(s.tail_lines).max(0);
        s.caps.max_lines = l.max_lines.unwrap_or(s.caps.max_lines);
        s.caps.max_bytes = l.max_bytes.unwrap_or(s.caps.max_bytes);
        s.max_line_chars = l.max_line_chars.unwrap_or(s.max_line_chars).max(1);
        s
    }

    /// Fills what the command line left unset.
    pub fn apply_to(&self, args: &mut DashboardArgs) {
        if args.namespace.is_none() && !args.all_namespaces {
            match self.namespace.as_deref() {
                Some("all") => args.all_namespaces = true,
                Some(ns) => args.namespace = Some(ns.to_owned()),
                None => {}
            }
        }
        if args.theme.is_none() {
            args.theme.clone_from(&self.theme);
        }
        if args.keymap.is_none() {
            args.keymap.clone_from(&self.keymap);
        }
        args.readonly |= self.readonly;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_rejects_unknown_and_lets_the_command_line_win() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(Config::load_from(&path).unwrap(), Config::default());
        std::fs::write(
            &path,
            "namespace = \"all\"\ntheme = \"light\"\nreadonly = true\n",
        )
        .unwrap();
        let config = Config::load_from(&path).unwrap();
        let mut args = DashboardArgs {
            theme: Some("16color".into()),
            ..DashboardArgs::default()
        };
        config.apply_to(&mut args);
        assert!(args.all_namespaces && args.readonly);
        assert_eq!(args.theme.as_deref(), Some("16color"));
        assert_eq!(config.log_settings().tail_lines, 200);
        std::fs::write(&path, "[logs]\ntail_lines = 50\nmax_lines = 1000\n").unwrap();
        let logs = Config::load_from(&path).unwrap().log_settings();
        assert_eq!((logs.tail_lines, logs.caps.max_lines), (50, 1000));
        std::fs::write(&path, "\ncolour = 1\n").unwrap();
        let err = Config::load_from(&path).unwrap_err().to_string();
        assert!(
            err.contains("config.toml") && err.contains("line 2"),
            "{err}"
        );
    }
}
