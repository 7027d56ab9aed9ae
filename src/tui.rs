//! Terminal safety: one guard that puts the terminal into raw mode and the alternate
//! screen and restores it when dropped (normal exit, error return, SIGTERM/SIGHUP via the
//! loop), and a panic hook that restores it before the panic is printed.

use std::io::{self, Stdout, Write};
use std::path::PathBuf;
use std::sync::Once;

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal, restored when dropped.
pub struct Tui {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Tui {
    /// Enters raw mode and the alternate screen, hides the cursor, installs the panic hook.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, Hide) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// The ratatui terminal to draw on.
    pub fn terminal(&mut self) -> &mut Terminal<CrosstermBackend<Stdout>> {
        &mut self.terminal
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen, shows the cursor and leaves raw mode. Safe to call twice.
pub fn restore() {
    let mut stdout = io::stdout();
    let _ = execute!(stdout, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
    let _ = stdout.flush();
}

/// Where a crash report goes.
pub fn crash_report_path() -> PathBuf {
    std::env::temp_dir().join(format!("kdeck-crash-{}.txt", std::process::id()))
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            let path = crash_report_path();
            let report = format!(
                "kdeck {} crashed: {info}\n\nbacktrace:\n{}\n",
                env!("CARGO_PKG_VERSION"),
                std::backtrace::Backtrace::force_capture()
            );
            match std::fs::write(&path, report) {
                Ok(()) => eprintln!("kdeck crashed; a report is in {}", path.display()),
                Err(e) => eprintln!("kdeck crashed; could not write {}: {e}", path.display()),
            }
            previous(info);
        }));
    });
}
