//! Attaching to a container's main process. A container whose main process is a
//! shell (`kubectl run -it --image=busybox -- sh`) runs one [`session`] shared by
//! every client attached to it: what they type goes to it, what it writes goes to
//! all of them; with `stdinOnce` its input ends when the first attach session ends,
//! and the shell with it. Any other main process (nginx...) only writes: attaching
//! streams what it writes from then on, which is its log. When a main shell exits,
//! the kubelet restarts its container or ends the pod ([`container_exit`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::StreamExt as _;
use tokio::sync::{broadcast, mpsc, watch};

use super::{Context, Ending, Output, ProcessIo, TerminalSize, container_exit, session};
use crate::sim::logs::{self, LogRequest};

type Key = (String, String);

/// The shells running as containers' main processes, by pod uid and container name.
#[derive(Default)]
pub struct MainShells {
    running: Arc<Mutex<HashMap<Key, Arc<MainShell>>>>,
}

/// A shell running as a container's main process.
pub struct MainShell {
    stdin: Mutex<Option<mpsc::Sender<Bytes>>>,
    resize: mpsc::Sender<TerminalSize>,
    output: broadcast::Sender<Output>,
    ended: watch::Receiver<bool>,
}

impl MainShell {
    fn close_stdin(&self) {
        self.stdin
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
    }

    fn stdin(&self) -> Option<mpsc::Sender<Bytes>> {
        self.stdin
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl MainShells {
    /// The main shell of the container of `ctx` (started now if none runs, or if the one
    /// running has had its input closed and is ending), and a receiver of what it writes
    /// from now on: the client that starts it sees its first prompt.
    pub fn get_or_start(
        &self,
        ctx: Arc<Context>,
        tty: bool,
    ) -> (Arc<MainShell>, broadcast::Receiver<Output>) {
        let key = (
            ctx.pod.metadata.uid.clone().unwrap_or_default(),
            ctx.container.name.clone(),
        );
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(shell) = running.get(&key).filter(|s| s.stdin().is_some()) {
            return (shell.clone(), shell.output.subscribe());
        }
        let (stdin_tx, stdin_rx) = mpsc::channel(64);
        let (resize_tx, resize_rx) = mpsc::channel(16);
        let (out_tx, mut out_rx) = mpsc::channel(64);
        let (broadcast_tx, first_receiver) = broadcast::channel(256);
        let (ended_tx, ended_rx) = watch::channel(false);
        let shell = Arc::new(MainShell {
            stdin: Mutex::new(Some(stdin_tx)),
            resize: resize_tx,
            output: broadcast_tx.clone(),
            ended: ended_rx,
        });
        running.insert(key.clone(), shell.clone());
        let io = ProcessIo {
            stdin: Some(stdin_rx),
            resize: resize_rx,
            output: out_tx,
        };
        let argv = ctx.main_command();
        let registry = self.running.clone();
        let this = Arc::downgrade(&shell);
        let store = ctx.store.clone();
        let (namespace, pod) = (ctx.namespace().to_string(), ctx.pod_name().to_string());
        let container = ctx.container.name.clone();
        tokio::spawn(async move {
            let process = tokio::spawn(session::run(ctx, argv, io, tty));
            // Output goes to whoever is attached; none attached, it is lost, as on a terminal.
            while let Some(out) = out_rx.recv().await {
                let _ = broadcast_tx.send(out);
            }
            if let Ok(Ending::Exited(code)) = process.await {
                container_exit::record_exit(&store, &namespace, &pod, &key.0, &container, code);
            }
            let mut running = registry
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Unless a new shell has taken its place already.
            if running
                .get(&key)
                .is_some_and(|s| std::ptr::eq(Arc::as_ptr(s), this.as_ptr()))
            {
                running.remove(&key);
            }
            drop(running);
            let _ = ended_tx.send(true);
        });
        (shell, first_receiver)
    }
}

/// Ends the shell's input when an attach session with `stdinOnce` ends, however it ends.
struct StdinOnce(Option<Arc<MainShell>>);

impl Drop for StdinOnce {
    fn drop(&mut self) {
        if let Some(shell) = self.0.take() {
            shell.close_stdin();
        }
    }
}

/// One client attached to a main shell, until the shell ends or the client leaves.
pub async fn attach_shell(
    shell: Arc<MainShell>,
    mut output: broadcast::Receiver<Output>,
    mut io: ProcessIo,
    stdin_once: bool,
) -> Ending {
    let _once = StdinOnce(stdin_once.then(|| shell.clone()));
    let mut ended = shell.ended.clone();
    let mut stdin = io.stdin.take();
    loop {
        tokio::select! {
            chunk = async { stdin.as_mut()?.recv().await }, if stdin.is_some() => if let Some(bytes) = chunk {
                if let Some(tx) = shell.stdin() {
                    let _ = tx.send(bytes).await;
                }
            } else {
                stdin = None;
                if stdin_once {
                    shell.close_stdin();
                }
            },
            Some(size) = io.resize.recv() => {
                let _ = shell.resize.try_send(size);
            }
            out = output.recv() => match out {
                Ok(out) => {
                    if io.output.send(out).await.is_err() {
                        return Ending::Exited(0);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return Ending::Exited(0),
            },
            () = shell_ended(&mut ended) => return Ending::Exited(0),
        }
    }
}

/// Until the shell has ended.
async fn shell_ended(ended: &mut watch::Receiver<bool>) {
    loop {
        let done = *ended.borrow_and_update();
        if done || ended.changed().await.is_err() {
            return;
        }
    }
}

/// A client attached to a main process that is not a shell: what it writes from now
/// on (its log), until it ends or the client leaves. Input is not read.
pub async fn attach_output(ctx: Arc<Context>, mut io: ProcessIo, tty: bool) -> Ending {
    // Nothing reads it: closed, so that a client typing away is not held up.
    drop(io.stdin.take());
    let request = LogRequest {
        container: Some(ctx.container.name.clone()),
        follow: true,
        since_time: Some(ctx.store.clock().now()),
        ..LogRequest::default()
    };
    let Ok(mut lines) = logs::stream(ctx.store.clone(), ctx.namespace(), ctx.pod_name(), request)
    else {
        return Ending::Exited(0);
    };
    while let Some(chunk) = lines.next().await {
        let bytes = if tty {
            Bytes::from(String::from_utf8_lossy(&chunk).replace('\n', "\r\n"))
        } else {
            chunk
        };
        if io.output.send(Output::Stdout(bytes)).await.is_err() {
            break;
        }
    }
    Ending::Exited(0)
}
