//! kdeck: a terminal UI cluster manager and dashboard for Kubernetes.
//!
//! Module map:
//! - [`cli`]: the command line.
//! - [`sim`]: the embedded cluster, reached only over HTTP by the rest.
//! - [`cluster`]: all cluster I/O through kube-rs (watches to rows, logs, operations).
//! - [`app`]: the dashboard (state, actions, update, the event loop).
//! - [`ui`]: drawing the dashboard's state, one file per screen or widget.
//! - [`keymap`], [`theme`], [`config`]: the user's keys, colours and defaults.
//! - [`logging`]: `tracing` to the log file (the dashboard) or stderr (`kdeck sim`).
//! - [`tui`]: the terminal guard (restored on exit, error, panic and signals).
//! - [`human_duration`]: AGE as kubectl prints it.
//! - [`highlight`]: YAML highlighting by syntect, in theme roles.
//! - [`list_merge`]: how the API merges list fields (patch merge keys).

pub mod app;
pub mod cli;
pub mod cluster;
pub mod config;
#[cfg(test)]
mod fake_env;
pub mod highlight;
pub mod human_duration;
pub mod keymap;
pub mod list_merge;
pub mod logging;
pub mod sim;
pub mod theme;
pub mod tui;
pub mod ui;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, ThemeAction};

/// Parses the command line and runs what it asks for. Used by `main`. The exit codes are
/// in [`cli::exit_code`].
pub fn main_entry() -> ExitCode {
    let cli = Cli::parse();
    let dashboard = cli.command.is_none();
    match cli.command {
        Some(Command::Config { action }) => return cli::tool_commands::config(action),
        Some(Command::Completions { shell }) => return cli::tool_commands::completions(shell),
        Some(Command::Man) => return cli::tool_commands::man(),
        Some(Command::Theme {
            action: ThemeAction::Import(args),
        }) => return cli::tool_commands::theme_import(&args),
        Some(Command::Sim(_)) => logging::to_stderr(cli.log_level),
        None => {
            logging::to_file(cli.log_level);
        }
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "kdeck starting");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kdeck: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Some(Command::Sim(args)) => sim::serve(args).await,
            _ => app::run(cli.dashboard).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if dashboard {
                tracing::error!("{e:#}");
            }
            // Not `eprintln!`: it panics when stderr is a terminal that has hung up.
            let _ = writeln!(std::io::stderr(), "kdeck: {e:#}");
            ExitCode::from(cli::exit_code::of(&e))
        }
    }
}
