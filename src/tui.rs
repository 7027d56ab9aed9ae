//! Terminal safety: one guard that puts the terminal into raw mode and the alternate
//! screen and restores it when dropped (normal exit, error return, SIGTERM/SIGHUP via the
//! loop), and a panic hook that restores it before the panic is printed; [`Tui::suspended`]
//! gives the terminal back while `$EDITOR` runs, [`Tui::hand_over`] to a shell in a
//! container (raw mode kept). Also the watch
//! on the terminal's input that tells the loop when the terminal has gone away.

use std::fs::File;
use std::io::{self, IsTerminal, Stdout, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Once;

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// The terminal, restored when dropped.
pub struct Tui {
    /// Always `Some` until dropped.
    terminal: Option<Terminal<CrosstermBackend<Stdout>>>,
}

impl Tui {
    /// Enters raw mode and the alternate screen, hides the cursor, installs the panic hook.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        // Bracketed paste: pasted YAML reaches the editor as text, not as typed keys
        // (which would auto-indent every line again).
        if let Err(e) = execute!(stdout, EnterAlternateScreen, Hide, EnableBracketedPaste) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(Self {
                terminal: Some(terminal),
            }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// The ratatui terminal to draw on.
    pub fn terminal(&mut self) -> &mut Terminal<CrosstermBackend<Stdout>> {
        self.terminal
            .as_mut()
            .expect("the terminal lives as long as the guard")
    }
}

impl Tui {
    /// Runs `f` with the terminal given back (cooked mode, main screen, cursor shown),
    /// as around `$EDITOR`, then takes it again and redraws everything.
    pub fn suspended<T>(&mut self, f: impl FnOnce() -> T) -> io::Result<T> {
        restore();
        let out = f();
        enable_raw_mode()?;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            Hide,
            EnableBracketedPaste
        )?;
        self.terminal().clear()?;
        Ok(out)
    }
}

impl Tui {
    /// Gives the terminal to a shell or attach session in a container: the alternate
    /// screen is left (the session writes on the main screen, as kubectl's would) and
    /// the cursor shown, but raw mode stays: the container's terminal does the line
    /// editing and echo, and every key must reach it as typed (Ctrl-c too).
    pub fn hand_over(&mut self) -> io::Result<()> {
        execute!(
            io::stdout(),
            DisableBracketedPaste,
            LeaveAlternateScreen,
            Show
        )
    }

    /// Takes the terminal back after a session, undoing the modes a program in the
    /// container may have left on (mouse reporting, application keys, a scroll region),
    /// and redraws everything.
    pub fn take_back(&mut self) -> io::Result<()> {
        let mut stdout = io::stdout();
        // Scroll margins reset, normal cursor keys and keypad (vim in a container sets them).
        stdout.write_all(b"\x1b[r\x1b[?1l\x1b>")?;
        execute!(
            stdout,
            DisableMouseCapture,
            EnterAlternateScreen,
            Hide,
            EnableBracketedPaste
        )?;
        enable_raw_mode()?;
        self.terminal().clear()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
        if let Some(mut terminal) = self.terminal.take()
            && terminal.show_cursor().is_err()
        {
            // The terminal has hung up. ratatui's own drop would report the failure with
            // `eprintln!`, which panics when stderr is that closed terminal: skip it.
            std::mem::forget(terminal);
        }
    }
}

/// Leaves the alternate screen, shows the cursor and leaves raw mode. Safe to call twice.
pub fn restore() {
    let mut stdout = io::stdout();
    let _ = execute!(stdout, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
    let _ = stdout.flush();
}

/// Resolves when the terminal that input comes from hangs up (the other end of the pty
/// closed), with or without a SIGHUP reaching us (no SIGHUP comes when the terminal is not
/// our controlling terminal).
///
/// crossterm's `EventStream` cannot tell us: on a hung-up tty its reader thread gets EOF or
/// EIO from `read`, ignores both and reads again, forever, so the stream neither ends nor
/// fails and that thread spins a core. So we watch the same terminal (stdin if it is one,
/// else `/dev/tty`, as crossterm picks) for the hang-up itself: epoll reports `EPOLLHUP`
/// without our reading anything, so crossterm still gets every byte of input.
pub fn input_hangup() -> io::Result<impl Future<Output = ()>> {
    let fd: OwnedFd = if io::stdin().is_terminal() {
        io::stdin().as_fd().try_clone_to_owned()?
    } else {
        File::open("/dev/tty")?.into()
    };
    #[expect(
        deprecated,
        reason = "the safe constructor is deprecated for types that could close the fd while \
                  registered; an OwnedFd moved into the AsyncFd cannot, and unsafe is forbidden"
    )]
    let fd = AsyncFd::with_interest(fd, Interest::READABLE)?;
    Ok(async move {
        loop {
            let Ok(mut ready) = fd.readable().await else {
                return;
            };
            if ready.ready().is_read_closed() {
                return;
            }
            // Input to read: crossterm's; wait for the next readiness.
            ready.clear_ready();
        }
    })
}

/// Where a crash report goes: `<state dir>/kdeck/crash-<time>-<pid>.txt` (next to the log
/// file), else the temporary directory when the state directory cannot be written.
pub fn crash_report_paths() -> Vec<PathBuf> {
    let name = format!(
        "crash-{}-{}.txt",
        jiff::Timestamp::now().as_second(),
        std::process::id()
    );
    let mut paths = Vec::new();
    if let Some(dir) = crate::logging::log_path().as_deref().and_then(Path::parent) {
        paths.push(dir.join(&name));
    }
    paths.push(std::env::temp_dir().join(format!("kdeck-{name}")));
    paths
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            let report = format!(
                "kdeck {} crashed: {info}\n\nbacktrace:\n{}\n",
                env!("CARGO_PKG_VERSION"),
                std::backtrace::Backtrace::force_capture()
            );
            // `writeln!`, not `eprintln!`: a hung-up stderr must not panic inside the hook.
            let mut stderr = io::stderr();
            let mut failures = Vec::new();
            let written = crash_report_paths().into_iter().find(|path| {
                let wrote = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(path, &report));
                if let Err(e) = &wrote {
                    failures.push(format!("{}: {e}", path.display()));
                }
                wrote.is_ok()
            });
            let _ = match written {
                Some(path) => writeln!(stderr, "kdeck crashed; a report is in {}", path.display()),
                None => writeln!(
                    stderr,
                    "kdeck crashed; no report could be written ({})",
                    failures.join("; ")
                ),
            };
            previous(info);
        }));
    });
}
