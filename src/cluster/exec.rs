//! Shells and attach sessions in containers, natively through kube-rs (WebSocket,
//! `v5.channel.k8s.io` with fallback to `v4.channel.k8s.io`), with a TTY: what a
//! terminal front end needs to hand the terminal over (a stdin writer, a stdout
//! reader, a resize sender) and how the session ended (an exit code, or the
//! server's message).
//!
//! [`open_shell`] tries commands in order (`/bin/bash`, then `/bin/sh`): a command
//! the container does not have fails to start, which the runtime reports before
//! any output (containerd: an InternalError status naming the missing executable;
//! Docker: exit code 126 or 127 after its error line), and the next one is tried.

use std::time::Duration;

use futures::future::BoxFuture;
use futures::{FutureExt as _, SinkExt as _};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::Api;
use kube::api::{AttachParams, AttachedProcess, TerminalSize};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite};

use super::Permit;

/// How long a started command may stay silent before it is taken as running: a shell
/// prints its prompt at once, a failed start is reported at once.
const START_SIGN_TIMEOUT: Duration = Duration::from_secs(3);

/// The shells tried by default, in order.
pub const DEFAULT_SHELLS: &[&str] = &["/bin/bash", "/bin/sh"];

/// The container a session runs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerRef {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The container (`None`: the pod's only one, or the server says which to name).
    pub container: Option<String>,
}

/// How a session ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// The process exited with this code (0: success).
    Exited(i32),
    /// The server ended it with this message (e.g. the runtime could not start it).
    Failed(String),
    /// The connection ended without a status (the pod went, the network failed).
    Lost,
}

impl SessionEnd {
    /// A few words for the status line: `exited 3`, or the server's message.
    pub fn describe(&self) -> String {
        match self {
            Self::Exited(code) => format!("exited {code}"),
            Self::Failed(message) => message.clone(),
            Self::Lost => "the connection to the container was lost".into(),
        }
    }

    fn from_status(status: Option<Status>) -> Self {
        let Some(status) = status else {
            return Self::Lost;
        };
        if status.status.as_deref() == Some("Success") {
            return Self::Exited(0);
        }
        if status.reason.as_deref() == Some("NonZeroExitCode")
            && let Some(code) = status
                .details
                .as_ref()
                .and_then(|d| d.causes.as_ref())
                .into_iter()
                .flatten()
                .find(|c| c.reason.as_deref() == Some("ExitCode"))
                .and_then(|c| c.message.as_deref()?.parse().ok())
        {
            return Self::Exited(code);
        }
        Self::Failed(
            status
                .message
                .unwrap_or_else(|| "the command failed".into()),
        )
    }

    /// Whether this is how a runtime reports a command that does not exist.
    fn is_missing_executable(&self) -> bool {
        match self {
            Self::Exited(code) => matches!(code, 126 | 127),
            Self::Failed(message) => {
                message.contains("executable file not found")
                    || message.contains("no such file or directory")
            }
            Self::Lost => false,
        }
    }
}

/// Sends terminal sizes to the session.
pub struct ResizeSender {
    tx: futures::channel::mpsc::Sender<TerminalSize>,
}

impl ResizeSender {
    /// Tells the container the terminal is now `width` columns by `height` rows; false
    /// when the session has ended. Never waits (a size queued behind a full channel is
    /// replaced by the next).
    pub fn resize(&mut self, width: u16, height: u16) -> bool {
        match self.tx.try_send(TerminalSize { width, height }) {
            Ok(()) => true,
            Err(e) => e.is_full(),
        }
    }
}

/// The end of a session, to wait for once the terminal is wired.
pub struct SessionExit {
    // Kept alive: dropping it ends the session.
    process: AttachedProcess,
    status: BoxFuture<'static, Option<Status>>,
}

impl SessionExit {
    /// Waits until the session ends.
    pub async fn wait(self) -> SessionEnd {
        let end = SessionEnd::from_status(self.status.await);
        drop(self.process);
        end
    }
}

/// A running session with a TTY.
pub struct TerminalSession {
    /// What the user types goes here.
    pub stdin: Box<dyn AsyncWrite + Send + Unpin>,
    /// What the container writes (with a TTY, standard error too).
    pub stdout: Box<dyn AsyncRead + Send + Unpin>,
    /// Terminal sizes go here.
    pub resize: ResizeSender,
    /// The command that runs (empty for attach).
    pub command: Vec<String>,
    /// How it ends.
    pub exit: SessionExit,
}

/// Why no session could be opened.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// None of the commands exists in the container.
    #[error("none of {} exists in {}", tried.join(", "), where_.clone())]
    NoShell {
        /// The commands tried.
        tried: Vec<String>,
        /// `container web of pod web-1`.
        where_: String,
    },
    /// The server refused (forbidden, not found, not running...).
    #[error("{0}")]
    Refused(String),
}

fn refused(e: &kube::Error) -> SessionError {
    match e {
        kube::Error::Api(status) => SessionError::Refused(status.message.clone()),
        other => SessionError::Refused(other.to_string()),
    }
}

fn params(target: &ContainerRef) -> AttachParams {
    let params = AttachParams::interactive_tty();
    match &target.container {
        Some(c) => params.container(c.clone()),
        None => params,
    }
}

/// A started process, taken apart.
struct Started {
    process: AttachedProcess,
    stdin: Box<dyn AsyncWrite + Send + Unpin>,
    stdout: Box<dyn AsyncRead + Send + Unpin>,
    resize: futures::channel::mpsc::Sender<TerminalSize>,
    status: BoxFuture<'static, Option<Status>>,
}

impl Started {
    /// The parts of a process started with a TTY, the terminal's size sent first.
    async fn new(mut process: AttachedProcess, size: (u16, u16)) -> Result<Self, SessionError> {
        let missing = || SessionError::Refused("the session has no terminal".into());
        let stdin = process.stdin().ok_or_else(missing)?;
        let stdout = process.stdout().ok_or_else(missing)?;
        let mut resize = process.terminal_size().ok_or_else(missing)?;
        let status = process.take_status().ok_or_else(missing)?.boxed();
        let _ = resize
            .send(TerminalSize {
                width: size.0,
                height: size.1,
            })
            .await;
        Ok(Self {
            process,
            stdin: Box::new(stdin),
            stdout: Box::new(stdout),
            resize,
            status,
        })
    }

    /// The session, with `first` (output already read) in front of the rest.
    fn into_session(self, command: Vec<String>, first: Vec<u8>) -> TerminalSession {
        TerminalSession {
            stdin: self.stdin,
            stdout: Box::new(std::io::Cursor::new(first).chain(self.stdout)),
            resize: ResizeSender { tx: self.resize },
            command,
            exit: SessionExit {
                process: self.process,
                status: self.status,
            },
        }
    }
}

/// Opens a shell in the container: each of `commands` in order until one starts.
/// `size` is the terminal's (columns, rows), sent before anything is typed.
pub async fn open_shell(
    permit: &Permit,
    target: &ContainerRef,
    commands: &[Vec<String>],
    size: (u16, u16),
) -> Result<TerminalSession, SessionError> {
    let pods: Api<Pod> = Api::namespaced(permit.client().clone(), &target.namespace);
    for command in commands {
        let process = pods
            .exec(&target.pod, command.clone(), &params(target))
            .await
            .map_err(|e| refused(&e))?;
        let mut started = Started::new(process, size).await?;
        let mut first = vec![0u8; 4096];
        let sign = tokio::time::timeout(START_SIGN_TIMEOUT, async {
            tokio::select! {
                status = &mut started.status => Err(status),
                n = started.stdout.read(&mut first) => Ok(n.unwrap_or(0)),
            }
        })
        .await;
        let (first_len, ended) = match sign {
            // Silent so far: running (a shell waiting for input).
            Err(_) => (0, None),
            // The output ended at once: the status says why.
            Ok(Ok(0)) => (0, Some((&mut started.status).await)),
            Ok(Ok(n)) => (n, None),
            Ok(Err(status)) => (0, Some(status)),
        };
        first.truncate(first_len);
        // Docker's runtime prints its error, then reports exit code 126 or 127.
        let ended = if String::from_utf8_lossy(&first).contains("OCI runtime exec failed") {
            Some((&mut started.status).await)
        } else {
            ended
        };
        if let Some(status) = ended {
            if SessionEnd::from_status(status.clone()).is_missing_executable() {
                continue;
            }
            // It ran and ended at once: the session is over already.
            started.status = futures::future::ready(status).boxed();
        }
        return Ok(started.into_session(command.clone(), first));
    }
    Err(SessionError::NoShell {
        tried: commands.iter().map(|c| c.join(" ")).collect(),
        where_: match &target.container {
            Some(c) => format!("container {c} of pod {}", target.pod),
            None => format!("pod {}", target.pod),
        },
    })
}

/// Attaches to the container's main process with a TTY (it needs `stdin` and `tty`
/// set in its spec to take input). `size` is the terminal's (columns, rows).
pub async fn attach(
    permit: &Permit,
    target: &ContainerRef,
    size: (u16, u16),
) -> Result<TerminalSession, SessionError> {
    let pods: Api<Pod> = Api::namespaced(permit.client().clone(), &target.namespace);
    let process = pods
        .attach(&target.pod, &params(target))
        .await
        .map_err(|e| refused(&e))?;
    Ok(Started::new(process, size)
        .await?
        .into_session(Vec::new(), Vec::new()))
}

/// The default shells as commands for [`open_shell`].
pub fn default_shells() -> Vec<Vec<String>> {
    DEFAULT_SHELLS
        .iter()
        .map(|s| vec![(*s).to_string()])
        .collect()
}
