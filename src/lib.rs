//! kdeck: a terminal UI cluster manager and dashboard for Kubernetes.
//!
//! Module map:
//! - [`cli`]: the command line (clap definitions, exit codes).
//! - [`tool_commands`]: the subcommands that are not the dashboard (config, completions, man, theme import).
//! - [`sim`]: the embedded cluster, reached only over HTTP by the rest.
//! - [`cluster`]: all cluster I/O through kube-rs (watches to rows, logs, operations).
//! - [`action`]: what a user can ask for (the keymap's vocabulary), a leaf module.
//! - [`command_line`]: the `:` command line's language (parse, complete, aliases).
//! - [`app`]: the dashboard (state, messages, update, the event loop).
//! - [`runtime`]: start-up, the event loop and everything that performs effects (I/O).
//! - [`ui`]: drawing the dashboard's state, one file per screen or widget.
//! - [`keymap`], [`theme`], [`config`]: the user's keys, colours and defaults.
//! - [`logging`]: `tracing` to the log file (the dashboard) or stderr (`kdeck sim`).
//! - [`tui`]: the terminal guard (restored on exit, error, panic and signals).
//! - [`human_duration`]: AGE as kubectl prints it.
//! - [`quantity`]: resource quantities (`100m`, `128Mi`) read and written as the API does.
//! - [`highlight`]: YAML highlighting by syntect, in theme roles.
//! - [`list_merge`]: how the API merges list fields (patch merge keys).

pub mod action;
pub mod app;
pub mod cli;
pub mod cluster;
pub mod command_line;
pub mod config;
#[cfg(test)]
mod fake_env;
pub mod highlight;
pub mod human_duration;
pub mod keymap;
pub mod list_merge;
pub mod logging;
pub mod quantity;
pub mod runtime;
pub mod server_version;
#[cfg(feature = "sim")]
pub mod sim;
pub mod theme;
pub mod tool_commands;
pub mod tui;
pub mod ui;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, ThemeAction};

/// The dashboard's runtime workers (beside its loop's thread).
const DASHBOARD_WORKERS: usize = 1;

/// `kdeck sim`: the embedded cluster, when this build has it.
#[cfg_attr(
    not(feature = "sim"),
    expect(
        clippy::unused_async,
        reason = "the same signature as with the embedded cluster"
    )
)]
async fn serve_sim(args: cli::SimArgs) -> anyhow::Result<()> {
    #[cfg(feature = "sim")]
    return sim::serve(args).await;
    #[cfg(not(feature = "sim"))]
    {
        let _ = args;
        anyhow::bail!(
            "this kdeck was built without the embedded cluster (--no-default-features); \
             build it with the default features for `kdeck sim`"
        )
    }
}

/// Parses the command line and runs what it asks for. Used by `main`. The exit codes are
/// in [`cli::exit_code`].
pub fn main_entry() -> ExitCode {
    let cli = Cli::parse();
    let dashboard = cli.command.is_none();
    match cli.command {
        Some(Command::Config { action }) => return tool_commands::config(action),
        Some(Command::Completions { shell }) => return tool_commands::completions(shell),
        Some(Command::Man) => return tool_commands::man(),
        Some(Command::Theme {
            action: ThemeAction::Import(args),
        }) => return tool_commands::theme_import(&args),
        Some(Command::Sim(_)) => logging::to_stderr(cli.log_level),
        None => {
            logging::to_file(cli.log_level);
        }
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "kdeck starting");
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if dashboard {
        // The dashboard's own loop runs on this thread; one worker does its requests.
        // Each thread that allocates gets a malloc arena of its own that keeps its high
        // water, so a worker a core cost memory on a large host (and a second worker
        // here cost about 2.5 MiB over 5,000 pods), while the requests' work is small.
        builder.worker_threads(DASHBOARD_WORKERS);
    }
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kdeck: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Some(Command::Sim(args)) => serve_sim(args).await,
            _ => runtime::run(cli.dashboard).await,
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
