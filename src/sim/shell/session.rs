//! Runs a process in a container: `argv` resolved as the runtime would (a missing
//! executable fails to start), then a command run once, `sh -c SCRIPT`, or an
//! interactive shell: with a TTY a prompt and a line editor (output with CR LF line
//! ends, as a terminal's `onlcr` makes them), without one lines read from standard
//! input until its end. Terminal resizes are taken at any time (`stty size`).

use std::sync::Arc;

use bytes::Bytes;

use super::commands::{self, Outcome};
use super::line_editor::{Event, LineEditor};
use super::words::{self, Joined, Step};
use super::{
    Context, Ending, Output, ProcessIo, ShellKind, ShellState, TerminalSize, not_found_message,
};

/// Where a process writes, with a TTY's line-end translation.
struct Writer {
    output: tokio::sync::mpsc::Sender<Output>,
    tty: bool,
}

impl Writer {
    /// Writes; false when the client is gone.
    async fn write(&self, text: &str, to_stderr: bool) -> bool {
        if text.is_empty() {
            return true;
        }
        let bytes = if self.tty {
            Bytes::from(text.replace('\n', "\r\n"))
        } else {
            Bytes::from(text.to_string())
        };
        let out = if to_stderr && !self.tty {
            Output::Stderr(bytes)
        } else {
            Output::Stdout(bytes)
        };
        self.output.send(out).await.is_ok()
    }

    /// Writes bytes as they are (echo, prompts).
    async fn raw(&self, bytes: &[u8]) -> bool {
        self.output
            .send(Output::Stdout(Bytes::copy_from_slice(bytes)))
            .await
            .is_ok()
    }

    async fn outcome(&self, outcome: &Outcome) -> bool {
        self.write(&outcome.stdout, false).await && self.write(&outcome.stderr, true).await
    }
}

/// Runs `argv` in the container of `ctx`, over `io`, until it ends.
pub async fn run(ctx: Arc<Context>, argv: Vec<String>, io: ProcessIo, tty: bool) -> Ending {
    let Some(first) = argv.first() else {
        return Ending::NotStarted("exec: \"\": executable file not found in $PATH".into());
    };
    let Some(command) = ctx.userland.resolve(first, &ctx.image) else {
        return Ending::NotStarted(not_found_message(first));
    };
    let mut state = ShellState::new(ctx, tty);
    let writer = Writer {
        output: io.output.clone(),
        tty,
    };
    if !matches!(command.as_str(), "sh" | "ash" | "bash") {
        let outcome = commands::run(&mut state, &argv);
        writer.outcome(&outcome).await;
        return Ending::Exited(outcome.status);
    }
    state.in_shell = true;
    state.kind = ShellKind::of(&command, state.ctx.userland);
    let args = &argv[1..];
    if let Some(i) = args.iter().position(|a| a == "-c") {
        let script = args.get(i + 1).cloned().unwrap_or_default();
        let (status, _) = run_line(&mut state, &writer, &script).await;
        return Ending::Exited(status);
    }
    if let Some(script) = args.iter().find(|a| !a.starts_with('-')) {
        let message = format!(
            "{}: can't open '{script}': No such file or directory\n",
            state.shell()
        );
        writer.write(&message, true).await;
        return Ending::Exited(2);
    }
    if tty {
        interactive(state, &writer, io).await
    } else {
        from_stdin(state, &writer, io).await
    }
}

/// Runs one line; the status, and whether the shell ends (`exit`, or the client left).
async fn run_line(state: &mut ShellState, writer: &Writer, line: &str) -> (i32, bool) {
    let steps = match words::steps(line) {
        Ok(steps) => steps,
        Err(message) => {
            state.last_status = 2;
            let alive = writer
                .write(&format!("{}: {message}\n", state.shell()), true)
                .await;
            return (2, !alive);
        }
    };
    run_steps(state, writer, &steps).await
}

/// Runs `steps` in order, each when its join says, loops for each of their words;
/// the last status, and whether the shell ends.
fn run_steps<'a>(
    state: &'a mut ShellState,
    writer: &'a Writer,
    steps: &'a [Step],
) -> futures::future::BoxFuture<'a, (i32, bool)> {
    Box::pin(async move {
        for step in steps {
            let joined = match step {
                Step::Simple(command) => command.joined,
                Step::For { joined, .. } => *joined,
            };
            let skip = match joined {
                Joined::Always => false,
                Joined::IfSucceeded => state.last_status != 0,
                Joined::IfFailed => state.last_status == 0,
            };
            if skip {
                continue;
            }
            match step {
                Step::Simple(command) => {
                    let words = command.expand(&|name| state.var(name));
                    let outcome = commands::run(state, &words);
                    state.last_status = outcome.status;
                    if !writer.outcome(&outcome).await || outcome.exit {
                        return (outcome.status, true);
                    }
                }
                Step::For {
                    name, items, body, ..
                } => {
                    // A loop that runs no body leaves the status 0, as sh does.
                    state.last_status = 0;
                    for item in items.expand(&|name| state.var(name)) {
                        state.set_var(name, &item);
                        let (status, end) = run_steps(state, writer, body).await;
                        if end {
                            return (status, true);
                        }
                    }
                }
            }
        }
        (state.last_status, false)
    })
}

/// Takes a resize (or notes that the client sends no more).
fn resized(state: &mut ShellState, size: Option<TerminalSize>, open: &mut bool) {
    match size {
        Some(size) => state.size = Some(size),
        None => *open = false,
    }
}

async fn interactive(mut state: ShellState, writer: &Writer, mut io: ProcessIo) -> Ending {
    let mut editor = LineEditor::default();
    let mut resizes_open = true;
    if !writer.raw(state.prompt().as_bytes()).await {
        return Ending::Exited(0);
    }
    let Some(mut stdin) = io.stdin.take() else {
        // A TTY without input: the shell waits; the session ends when the client goes.
        while let Some(size) = io.resize.recv().await {
            state.size = Some(size);
        }
        std::future::pending::<()>().await;
        return Ending::Exited(0);
    };
    loop {
        tokio::select! {
            biased;
            size = io.resize.recv(), if resizes_open => resized(&mut state, size, &mut resizes_open),
            chunk = stdin.recv() => {
                let Some(chunk) = chunk else {
                    return Ending::Exited(state.last_status);
                };
                // Resizes sent before these keys apply to them (`stty size` right after one).
                while let Ok(size) = io.resize.try_recv() {
                    state.size = Some(size);
                }
                for event in editor.feed(&chunk) {
                    match event {
                        Event::Echo(bytes) => {
                            if !writer.raw(&bytes).await {
                                return Ending::Exited(state.last_status);
                            }
                        }
                        Event::Line(line) => {
                            let (status, end) = run_line(&mut state, writer, &line).await;
                            if end {
                                return Ending::Exited(status);
                            }
                            writer.raw(state.prompt().as_bytes()).await;
                        }
                        Event::Interrupt => {
                            state.last_status = 130;
                            writer.raw(format!("^C\r\n{}", state.prompt()).as_bytes()).await;
                        }
                        Event::EndOfInput => {
                            let bye: &[u8] = if state.shell() == "bash" { b"exit\r\n" } else { b"\r\n" };
                            writer.raw(bye).await;
                            return Ending::Exited(state.last_status);
                        }
                    }
                }
            }
        }
    }
}

async fn from_stdin(mut state: ShellState, writer: &Writer, mut io: ProcessIo) -> Ending {
    let Some(mut stdin) = io.stdin.take() else {
        return Ending::Exited(0);
    };
    let mut pending: Vec<u8> = Vec::new();
    let mut resizes_open = true;
    loop {
        tokio::select! {
            size = io.resize.recv(), if resizes_open => resized(&mut state, size, &mut resizes_open),
            chunk = stdin.recv() => {
                let Some(chunk) = chunk else {
                    let rest = String::from_utf8_lossy(&pending).into_owned();
                    let (status, _) = run_line(&mut state, writer, &rest).await;
                    return Ending::Exited(status);
                };
                pending.extend_from_slice(&chunk);
                while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=end).collect();
                    let line = String::from_utf8_lossy(&line[..end]).into_owned();
                    let (status, end) = run_line(&mut state, writer, &line).await;
                    if end {
                        return Ending::Exited(status);
                    }
                }
            }
        }
    }
}
