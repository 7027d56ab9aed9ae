//! Logging through `tracing`: the dashboard writes to a file in the state directory
//! (`<state dir>/kdeck/kdeck.log`, else the cache directory), never to the terminal it
//! draws on; `kdeck sim`, which has no UI, writes to stderr. A log file that cannot be
//! opened does not stop kdeck: the problem is said on stderr and in the dashboard.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use tracing_subscriber::EnvFilter;

use crate::cli::LogLevel;

/// A log file larger than this at start is moved to `kdeck.log.1` (one generation kept).
const ROTATE_BYTES: u64 = 10 * 1024 * 1024;

/// Why the log file could not be opened, for the dashboard's start-up warnings.
static PROBLEM: OnceLock<String> = OnceLock::new();

/// The log file: `<state dir>/kdeck/kdeck.log` (`$XDG_STATE_HOME`, else
/// `~/.local/state`), else the cache directory.
pub fn log_path() -> Option<PathBuf> {
    let dir = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(dirs::state_dir)
        .or_else(dirs::cache_dir)?;
    Some(dir.join("kdeck").join("kdeck.log"))
}

/// Starts logging to the log file at `level`. Returns the file, or `None` when logging
/// is off or the file cannot be opened (then the reason is printed on stderr and kept
/// for [`problem`]).
pub fn to_file(level: LogLevel) -> Option<PathBuf> {
    let filter = filter(level)?;
    let opened = log_path()
        .ok_or_else(|| "no state or cache directory (set XDG_STATE_HOME or HOME)".to_owned())
        .and_then(|path| match open(&path) {
            Ok(file) => Ok((path, file)),
            Err(e) => Err(format!("cannot write the log file {}: {e}", path.display())),
        });
    match opened {
        Ok((path, file)) => {
            let installed = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(Mutex::new(file))
                .with_ansi(false)
                .try_init();
            installed.is_ok().then_some(path)
        }
        Err(problem) => {
            let problem = format!("{problem}; logging is off");
            // Printed before the dashboard takes the terminal, so it is seen after exit.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("kdeck: {problem}\n").as_bytes(),
            );
            let _ = PROBLEM.set(problem);
            None
        }
    }
}

/// Starts logging to stderr at `level` (`kdeck sim`).
pub fn to_stderr(level: LogLevel) {
    if let Some(filter) = filter(level) {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}

/// Why the log file could not be opened, if it could not.
pub fn problem() -> Option<String> {
    PROBLEM.get().cloned()
}

/// What `level` lets through: kdeck's own events at that level, the libraries' at
/// most at info below `trace` (their debug output is a flood of HTTP details).
fn filter(level: LogLevel) -> Option<EnvFilter> {
    let directives = match level {
        LogLevel::Off => return None,
        LogLevel::Error => "error",
        LogLevel::Warn => "warn",
        LogLevel::Info => "info",
        LogLevel::Debug => "info,kdeck=debug,kube_runtime=debug",
        LogLevel::Trace => "trace",
    };
    Some(EnvFilter::new(directives))
}

/// Opens the log file for appending (readable by the user only: it names the cluster's
/// objects), moving a large one aside first.
fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        std::fs::rename(path, path.with_extension("log.1"))?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_log_is_moved_aside_and_a_new_one_started() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kdeck").join("kdeck.log");
        drop(open(&path).unwrap());
        assert!(path.exists());
        std::fs::write(&path, vec![b'x'; ROTATE_BYTES as usize + 1]).unwrap();
        let file = open(&path).unwrap();
        assert_eq!(file.metadata().unwrap().len(), 0);
        assert!(dir.path().join("kdeck").join("kdeck.log.1").exists());
        assert!(filter(LogLevel::Off).is_none() && filter(LogLevel::Debug).is_some());
    }
}
