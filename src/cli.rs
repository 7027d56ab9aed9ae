//! The command line: `kdeck [OPTIONS]` runs the dashboard, `kdeck sim` serves the embedded
//! cluster; `config`, `completions`, `man` and `theme import` are tools that need no cluster
//! ([`tool_commands`](crate::tool_commands)).

pub mod exit_code;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::server_version::ServerVersion;

/// kdeck: a terminal UI cluster manager and dashboard for Kubernetes.
#[derive(Debug, Parser)]
#[command(name = "kdeck", version, about, long_about = None)]
pub struct Cli {
    /// What to run; without a subcommand, the dashboard.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of the dashboard.
    #[command(flatten)]
    pub dashboard: DashboardArgs,
    /// How much to write to the log file (`kdeck sim`: to stderr).
    #[arg(long, global = true, env = "KDECK_LOG", value_name = "LEVEL", value_enum, default_value_t = LogLevel::Warn)]
    pub log_level: LogLevel,
}

/// How much kdeck logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogLevel {
    /// Nothing; no log file is opened.
    Off,
    /// Failures only.
    Error,
    /// Failures and what looks wrong (refused requests, retried watches).
    #[default]
    Warn,
    /// Also every change sent to the cluster.
    Info,
    /// Also watch and request details.
    Debug,
    /// Everything, including the libraries' internals.
    Trace,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the embedded Kubernetes cluster on loopback and write a kubeconfig for it.
    Sim(SimArgs),
    /// The config file: where it is, and a commented default with every key.
    Config {
        /// What to print.
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print a shell completion script (e.g. `kdeck completions bash > /etc/bash_completion.d/kdeck`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout (e.g. `kdeck man | man -l -`).
    Man,
    /// Themes: import a k9s skin.
    Theme {
        /// What to do.
        #[command(subcommand)]
        action: ThemeAction,
    },
}

/// `kdeck config ...`
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum ConfigAction {
    /// Print the config file's path.
    Path,
    /// Print a commented default config: every key, its default and what it does.
    Default,
}

/// `kdeck theme ...`
#[derive(Debug, Clone, Subcommand)]
pub enum ThemeAction {
    /// Convert a k9s skin (YAML) into a kdeck theme, by default
    /// `<config dir>/kdeck/themes/NAME.toml`, then usable as `--theme NAME`.
    Import(ThemeImportArgs),
}

/// Options of `kdeck theme import`.
#[derive(Debug, Clone, Args)]
pub struct ThemeImportArgs {
    /// The k9s skin file (e.g. ~/.config/k9s/skins/dracula.yaml).
    #[arg(value_name = "SKIN.yaml")]
    pub skin: PathBuf,
    /// The theme's name (default: the skin file's name without extension).
    #[arg(long)]
    pub name: Option<String>,
    /// Where to write the theme: a file, or `-` for stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE|-")]
    pub output: Option<PathBuf>,
}

/// Options of the dashboard.
#[derive(Debug, Clone, Args, Default)]
#[allow(clippy::struct_excessive_bools)] // command-line flags
pub struct DashboardArgs {
    /// Kubeconfig file (default: $KUBECONFIG, merged as kubectl does, then ~/.kube/config).
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use (default: the current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// Namespace to show (default: the context's namespace).
    #[arg(
        short = 'n',
        long,
        value_name = "NS",
        conflicts_with = "all_namespaces"
    )]
    pub namespace: Option<String>,
    /// Show all namespaces.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Never change the cluster: every mutating key and request is refused.
    #[arg(long, env = "KDECK_READONLY", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true")]
    pub readonly: bool,
    /// Draw with ASCII only (borders, bars, arrows), for terminals without UTF-8. The default
    /// when the locale (LC_ALL, LC_CTYPE, LANG) names another charset or is C/POSIX.
    #[arg(long)]
    pub ascii: bool,
    /// Start the embedded demo cluster in-process and show it.
    #[arg(long)]
    pub demo: bool,
    /// Theme name (dark, light, 16color, ...) or a theme file.
    #[arg(long, value_name = "NAME|FILE")]
    pub theme: Option<String>,
    /// Keymap name (default, vim, arrows) or a keymap file.
    #[arg(long, value_name = "NAME|FILE")]
    pub keymap: Option<String>,
    /// Open the monitoring cockpit, read-only: the Deployments named (comma-separated, `name`
    /// or `namespace/name`) or all in the namespace, with rollout state, pod health and
    /// recent warnings, live without a key press.
    #[arg(long, value_name = "DEPLOYMENTS", num_args = 0..=1, default_missing_value = "", require_equals = true)]
    pub monitor: Option<String>,
    /// The pane to open on, as a `:` command (e.g. `deploy`, `po`).
    #[arg(long, value_name = "CMD")]
    pub command: Option<String>,
    /// Record frame render times and input latency to FILE (for the performance scripts).
    #[arg(long, value_name = "FILE", hide = true)]
    pub trace_frames: Option<PathBuf>,
}

/// A scenario the embedded cluster starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ScenarioName {
    /// The tutorials' objects: myapp-deploy, hello-deploy, testqc, dnsutil-rs, ...
    #[default]
    Seed,
    /// Many namespaces, deployments and pods, with churn, for benchmarks.
    Scale,
    /// Only the namespaces and nodes of a fresh cluster.
    Empty,
}

/// Options of `kdeck sim`.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Address to listen on (loopback by default; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// Where to write the kubeconfig for this cluster.
    #[arg(long = "write-kubeconfig", value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// The objects the cluster starts with.
    #[arg(long, value_enum, default_value_t = ScenarioName::Seed)]
    pub scenario: ScenarioName,
    /// Simulated seconds per real second (readiness delays, minReadySeconds, grace periods).
    ///
    /// Above 1, the controllers still wait simulated seconds, but timestamps are shown to
    /// clients divided by the speed from the start on, so none is in the future and ages
    /// follow the wall clock.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// `scale` scenario: number of namespaces.
    #[arg(long, default_value_t = 10)]
    pub namespaces: usize,
    /// `scale` scenario: number of deployments (spread over the namespaces).
    #[arg(long, default_value_t = 500)]
    pub deployments: usize,
    /// `scale` scenario: total number of pods.
    #[arg(long, default_value_t = 50_000)]
    pub pods: usize,
    /// `scale` scenario: pod status updates per second.
    #[arg(long, default_value_t = 0)]
    pub churn: u32,
    /// Draw the random parts of names (pod suffixes, IDs) from this seed, so that runs
    /// make the same objects (for screenshots and snapshot tests).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// The Kubernetes release to stand for, 1.20 to 1.33: its /version and the API versions it
    /// served (EndpointSlices and CronJobs in v1beta1 on 1.20, no aggregated discovery before 1.27...).
    #[arg(long = "server-version", value_name = "1.N", default_value_t = ServerVersion::NEWEST)]
    pub server_version: ServerVersion,
}

impl Default for SimArgs {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            kubeconfig_out: None,
            scenario: ScenarioName::Seed,
            speed: 1.0,
            namespaces: 10,
            deployments: 500,
            pods: 50_000,
            churn: 0,
            seed: None,
            server_version: ServerVersion::NEWEST,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_dashboard_and_sim_forms() {
        let c = Cli::try_parse_from(["kdeck", "-A", "--readonly", "--demo"]).unwrap();
        assert!(c.dashboard.all_namespaces && c.dashboard.readonly && c.dashboard.demo);
        let c =
            Cli::try_parse_from(["kdeck", "sim", "--scenario", "scale", "--pods", "1000"]).unwrap();
        match c.command {
            Some(Command::Sim(s)) => {
                assert_eq!(s.scenario, ScenarioName::Scale);
                assert_eq!(s.pods, 1000);
            }
            _ => panic!("expected sim"),
        }
        assert!(Cli::try_parse_from(["kdeck", "-n", "x", "-A"]).is_err());
    }
}
