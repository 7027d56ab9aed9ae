//! Handing the terminal to a shell or attach session in a container: the alternate
//! screen is left and raw mode kept, bytes go both ways (the keys as typed, the
//! container's output straight to the terminal: it is the user's own session), terminal
//! resizes go on the session's resize channel, and the dashboard draws nothing meanwhile
//! (what the cluster sends is still taken in, so it is current when it comes back). When
//! the session ends the terminal is taken back and redrawn.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::signal::unix::{SignalKind, signal};

use super::raw_input::RawInput;
use super::{App, Inbox};
use crate::app::Msg;
use crate::cluster::exec::{SessionEnd, TerminalSession};
use crate::tui::Tui;

/// How long output that was on its way is still shown once the session has ended.
const DRAIN: Duration = Duration::from_millis(300);

/// How the hand-over ended.
pub enum Handover {
    /// The session ended; the dashboard is back.
    Ended(SessionEnd),
    /// kdeck must end (a signal, the terminal hung up).
    Quit,
}

/// The line shown before the session's first byte: what runs where, and the way back.
pub fn banner(title: &str, attach: bool) -> String {
    let back = if attach {
        "when it ends, kdeck comes back. If you don't see a command prompt, try pressing enter."
    } else {
        "exit comes back to kdeck"
    };
    // A clean screen first, as k9s gives its shells: the session starts at the top.
    format!("\x1b[H\x1b[2J\x1b[2mkdeck: {title} · {back}\x1b[0m\r\n")
}

/// Runs `session` with the terminal until it ends. `hangup` resolves when the terminal
/// hangs up.
pub async fn run(
    tui: &mut Tui,
    app: &mut App,
    inbox: &mut Inbox,
    session: TerminalSession,
    banner: &str,
    mut hangup: std::pin::Pin<&mut impl Future<Output = ()>>,
) -> anyhow::Result<Handover> {
    tui.hand_over()?;
    let mut out = tokio::io::stdout();
    out.write_all(banner.as_bytes()).await?;
    out.flush().await?;
    let mut input = RawInput::start()?;
    let mut winch = signal(SignalKind::window_change())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let TerminalSession {
        mut stdin,
        mut stdout,
        mut resize,
        exit,
        ..
    } = session;
    // The size the session was opened with may be a resize old.
    if let Ok((width, height)) = crossterm::terminal::size() {
        resize.resize(width, height);
    }
    let exit = exit.wait();
    tokio::pin!(exit);
    let mut buf = vec![0u8; 16 * 1024];
    let mut output_open = true;
    let outcome = loop {
        tokio::select! {
            biased;
            () = &mut hangup => break Handover::Quit,
            _ = sigterm.recv() => break Handover::Quit,
            _ = sighup.recv() => break Handover::Quit,
            end = &mut exit => {
                // Output the container wrote just before it ended is still on its way.
                if output_open {
                    drain(&mut stdout, &mut out, &mut buf).await;
                }
                break Handover::Ended(end);
            }
            read = stdout.read(&mut buf), if output_open => match read {
                Ok(0) | Err(_) => output_open = false,
                Ok(n) => {
                    out.write_all(&buf[..n]).await?;
                    out.flush().await?;
                }
            },
            typed = input.bytes.recv() => match typed {
                // The session may be ending: what it no longer takes is dropped.
                Some(bytes) => {
                    if stdin.write_all(&bytes).await.is_ok() {
                        let _ = stdin.flush().await;
                    }
                }
                None => break Handover::Quit,
            },
            _ = winch.recv() => {
                if let Ok((width, height)) = crossterm::terminal::size() {
                    resize.resize(width, height);
                    app.step(Msg::Resize(width, height));
                }
            }
            inbound = inbox.next() => {
                let msg = app.receive(inbound);
                app.step(msg);
            }
        }
    };
    input.stop().await;
    out.flush().await?;
    if matches!(outcome, Handover::Ended(_)) {
        tui.take_back()?;
    }
    Ok(outcome)
}

/// Copies what is left of the output until it ends or is quiet for [`DRAIN`].
async fn drain(
    stdout: &mut (impl tokio::io::AsyncRead + Unpin),
    out: &mut tokio::io::Stdout,
    buf: &mut [u8],
) {
    while let Ok(Ok(n)) = tokio::time::timeout(DRAIN, stdout.read(buf)).await {
        if n == 0 || out.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = out.flush().await;
}
