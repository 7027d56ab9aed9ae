//! The subcommands that need no cluster: `config path|default`, `completions`, `man`.
//! They print on stdout and return the process's exit code.

use std::io::Write as _;
use std::process::ExitCode;

use clap::CommandFactory as _;

use super::{Cli, ConfigAction};
use crate::config::{Config, DEFAULT_CONFIG};

/// `kdeck config path` / `kdeck config default`.
pub fn config(action: ConfigAction) -> ExitCode {
    match action {
        ConfigAction::Path => match Config::path() {
            Some(path) => print(&format!("{}\n", path.display())),
            None => fail(
                "no config directory: set XDG_CONFIG_HOME or HOME",
                super::exit_code::CONFIG,
            ),
        },
        ConfigAction::Default => print(DEFAULT_CONFIG),
    }
}

/// `kdeck completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "kdeck", &mut script);
    write_out(&script)
}

/// `kdeck man`: the man page (roff) on stdout.
pub fn man() -> ExitCode {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => write_out(&page),
        Err(e) => fail(&format!("cannot render the man page: {e}"), 1),
    }
}

fn print(text: &str) -> ExitCode {
    write_out(text.as_bytes())
}

/// Writes to stdout; a closed pipe (`kdeck man | head`) is not an error worth a message.
fn write_out(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write to stdout: {e}"), 1),
    }
}

/// Prints `kdeck: message` on stderr and returns `code`.
pub fn fail(message: &str, code: u8) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "kdeck: {message}");
    ExitCode::from(code)
}
