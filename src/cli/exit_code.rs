//! kdeck's exit codes: few and stable, documented in the README ("Exit codes").

use std::fmt;

/// Success.
pub const OK: u8 = 0;
/// Cannot connect or failed while running: a missing or malformed kubeconfig, an unknown
/// context, an API server that does not answer, or an error after start.
pub const CLUSTER: u8 = 1;
/// Bad command-line usage (clap's own code).
pub const USAGE: u8 = 2;
/// A file of the user's is unreadable or invalid: the config file, a theme or keymap
/// file, or a value of `--command`.
pub const CONFIG: u8 = 3;
/// No terminal to draw on: stdout is not a terminal, or it cannot be set up.
pub const TERMINAL: u8 = 4;
/// A panic (a bug): Rust's own code for it; the terminal is restored and a report written.
pub const CRASH: u8 = 101;

/// Every exit code and what it means, for the man page (the README has the same table;
/// a test checks it lists every code).
pub const DOCUMENTED: &[(u8, &str)] = &[
    (
        OK,
        "kdeck ended normally (q, SIGTERM, the terminal hung up).",
    ),
    (
        CLUSTER,
        "Cannot connect, or failed while running: a missing or malformed kubeconfig, an unknown context, an API server that does not answer.",
    ),
    (USAGE, "Bad command-line usage."),
    (
        CONFIG,
        "A file of the user is unreadable or invalid: the config file, a theme or keymap, a k9s skin, or a bad --command.",
    ),
    (
        TERMINAL,
        "No terminal: stdout is not a terminal, or it cannot be set up.",
    ),
    (
        CRASH,
        "kdeck crashed (a bug): the terminal is restored and a report is written to $XDG_STATE_HOME/kdeck/crash-TIME-PID.txt (else the temporary directory); its path is printed.",
    ),
];

/// An error that exits with a given code; shown as the error it wraps.
#[derive(Debug)]
pub struct ExitWith {
    /// The exit code.
    pub code: u8,
    /// What went wrong.
    pub error: anyhow::Error,
}

impl fmt::Display for ExitWith {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl std::error::Error for ExitWith {}

/// For `map_err`: tags an error with the exit code it ends kdeck with.
pub fn with<E: Into<anyhow::Error>>(code: u8) -> impl FnOnce(E) -> anyhow::Error {
    move |error| {
        anyhow::Error::new(ExitWith {
            code,
            error: error.into(),
        })
    }
}

/// The exit code for an error that ended kdeck: its tag, else [`CLUSTER`].
pub fn of(error: &anyhow::Error) -> u8 {
    error.downcast_ref::<ExitWith>().map_or(CLUSTER, |e| e.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_errors_keep_their_message_and_code() {
        let inner = anyhow::anyhow!("inner").context("outer");
        let tagged = with(CONFIG)(inner);
        assert_eq!(of(&tagged), CONFIG);
        assert_eq!(format!("{tagged:#}"), "outer: inner");
        assert_eq!(of(&anyhow::anyhow!("plain")), CLUSTER);
        assert_ne!(OK, USAGE);
    }
}
