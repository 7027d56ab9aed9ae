//! The user's config file, `$XDG_CONFIG_HOME/kdeck/config.toml`: defaults that the
//! command line overrides. Every key and its default is in `config/default.toml`, which
//! `kdeck config default` prints (a test keeps it equal to [`Config::default`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::DashboardArgs;

mod canary_settings;
mod log_settings;

pub use canary_settings::{CanaryChoice, CanaryConfig, DEFAULT_LOG_PATTERN};
pub use log_settings::{BufferCaps, LogSettings};

/// The commented default config file: every key with its default and what it does.
pub const DEFAULT_CONFIG: &str = include_str!("config/default.toml");

/// What the config file may set. A missing key takes its value from [`Config::default`].
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Namespace to open on: empty for the context's namespace, `all` for all namespaces.
    pub namespace: String,
    /// Theme name or file; `auto` picks by the terminal's colours.
    pub theme: String,
    /// Keymap name or file.
    pub keymap: String,
    /// Always start read-only.
    pub readonly: bool,
    /// Always draw in ASCII (borders, bars, arrows), whatever the locale.
    pub ascii: bool,
    /// The pane to open on, as a `:` command (an alias works too).
    pub command: String,
    /// The logs view.
    pub logs: LogsConfig,
    /// CPU and memory use.
    pub metrics: MetricsConfig,
    /// Shells in containers and the debug pod.
    pub shell: ShellConfig,
    /// Aliases for `:` commands: a word and the command line it stands for.
    pub aliases: BTreeMap<String, String>,
    /// The canary: saved plans, health gates, the lease.
    pub canary: CanaryConfig,
}

/// The `[logs]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct LogsConfig {
    /// Lines of history a log starts with.
    pub tail_lines: i64,
    /// Only lines newer than this many seconds when a log opens; 0: no limit.
    pub since_seconds: u64,
    /// The most lines a logs view keeps.
    pub max_lines: usize,
    /// The most bytes a logs view keeps.
    pub max_bytes: usize,
    /// Longer lines are cut on screen, kept whole for save.
    pub max_line_chars: usize,
}

/// The `[metrics]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Seconds between two polls of the use shown (at least 1).
    pub interval_seconds: u64,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            interval_seconds: Self::DEFAULT_INTERVAL.as_secs(),
        }
    }
}

impl MetricsConfig {
    /// How often the shown use is polled unless the config file says otherwise
    /// (metrics-server's own resolution is 15 s).
    pub const DEFAULT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(15);

    /// The time between two polls.
    pub fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.interval_seconds.max(1))
    }
}

/// The `[shell]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ShellConfig {
    /// The commands `s` tries in a container, in order (each split on spaces).
    pub commands: Vec<String>,
    /// The image `:run` starts when it names none.
    pub debug_image: String,
}

impl Default for ShellConfig {
    fn default() -> Self {
        Self {
            commands: crate::cluster::exec::DEFAULT_SHELLS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            debug_image: DEFAULT_DEBUG_IMAGE.to_owned(),
        }
    }
}

/// The image `:run` starts by default (`kubectl run --image=busybox`).
pub const DEFAULT_DEBUG_IMAGE: &str = "busybox";

impl Default for Config {
    fn default() -> Self {
        Self {
            namespace: String::new(),
            theme: "auto".to_owned(),
            keymap: "default".to_owned(),
            readonly: false,
            ascii: false,
            command: "pods".to_owned(),
            logs: LogsConfig::default(),
            metrics: MetricsConfig::default(),
            shell: ShellConfig::default(),
            aliases: BTreeMap::new(),
            canary: CanaryConfig::default(),
        }
    }
}

impl Default for LogsConfig {
    /// The logs view's own defaults, so the two cannot drift apart.
    fn default() -> Self {
        let s = LogSettings::default();
        Self {
            tail_lines: s.tail_lines,
            since_seconds: s.since_seconds.unwrap_or(0),
            max_lines: s.caps.max_lines,
            max_bytes: s.caps.max_bytes,
            max_line_chars: s.max_line_chars,
        }
    }
}

impl Config {
    /// Where the config file lives: `$XDG_CONFIG_HOME/kdeck/config.toml` (else the
    /// platform's config directory, `~/.config` on Linux).
    pub fn path() -> Option<PathBuf> {
        std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(dirs::config_dir)
            .map(|d| d.join("kdeck").join("config.toml"))
    }

    /// Reads the config file; a missing file is the default config, a bad one an error
    /// naming it.
    pub fn load_from(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str::<Self>(&text)
                .map_err(|e| e.to_string())
                .and_then(Self::checked)
                .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => anyhow::bail!("cannot read config file {}: {e}", path.display()),
        }
    }

    /// The config if its `command` is one the `:` line takes (with its aliases) and its
    /// canary plans and settings make sense.
    fn checked(self) -> Result<Self, String> {
        self.canary.check()?;
        let (aliases, _) = crate::command_line::Aliases::new(&self.aliases);
        match crate::command_line::parse(
            &aliases.expand(&self.command),
            &crate::cluster::registry::Catalog::typed(),
        ) {
            Ok(_) => Ok(self),
            Err(e) => Err(format!("command = {:?}: {e}", self.command)),
        }
    }

    /// Reads the config file from its usual place.
    pub fn load() -> anyhow::Result<Self> {
        Self::path().map_or_else(|| Ok(Self::default()), |p| Self::load_from(&p))
    }

    /// The logs view's settings.
    pub fn log_settings(&self) -> LogSettings {
        let mut s = LogSettings::default();
        let l = &self.logs;
        s.tail_lines = l.tail_lines.max(0);
        s.caps.max_lines = l.max_lines;
        s.caps.max_bytes = l.max_bytes;
        s.max_line_chars = l.max_line_chars.max(1);
        s.since_seconds = (l.since_seconds > 0).then_some(l.since_seconds);
        s
    }

    /// The shells `s` tries, as commands (an entry with spaces is a command and its
    /// arguments; empty entries are left out, and no entry at all is the default).
    pub fn shell_commands(&self) -> Vec<Vec<String>> {
        let commands: Vec<Vec<String>> = self
            .shell
            .commands
            .iter()
            .map(|c| c.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .filter(|words| !words.is_empty())
            .collect();
        if commands.is_empty() {
            crate::cluster::exec::default_shells()
        } else {
            commands
        }
    }

    /// Fills what the command line left unset.
    pub fn apply_to(&self, args: &mut DashboardArgs) {
        if args.namespace.is_none() && !args.all_namespaces {
            match self.namespace.as_str() {
                "all" => args.all_namespaces = true,
                "" => {}
                ns => args.namespace = Some(ns.to_owned()),
            }
        }
        // "auto" is what no theme means (dark, or 16color on a 16-colour terminal).
        if args.theme.is_none() && self.theme != "auto" {
            args.theme = Some(self.theme.clone());
        }
        // "default" is what no keymap means: left unset, as if the file did not name one.
        if args.keymap.is_none() && self.keymap != "default" {
            args.keymap = Some(self.keymap.clone());
        }
        args.readonly |= self.readonly;
        args.ascii |= self.ascii;
        if args.command.is_none() && args.monitor.is_none() && self.command != "pods" {
            args.command = Some(self.command.clone());
        }
    }
}

#[cfg(test)]
mod tests;
