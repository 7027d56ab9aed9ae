//! The stand-in shell that containers of the embedded cluster run when a client
//! execs into them or attaches: enough of `sh` (BusyBox's) or `bash` for a demo and
//! for tests, and it says so in `help`. Nothing runs on the host.
//!
//! - [`session`] drives a process: a command run once, `sh -c SCRIPT`, or an
//!   interactive shell (a prompt and a line editor with a TTY, lines from standard
//!   input without one), over a [`ProcessIo`] whatever protocol carries it.
//! - [`commands`] and [`net_tools`] are the commands; [`words`] splits lines;
//!   [`files`] is the read-only file tree; [`container_env`] the environment;
//!   [`line_editor`] the TTY line discipline.
//! - [`main_process`] keeps the shells that are a container's main process, which
//!   clients attach to; [`container_exit`] is what the kubelet does when one exits.
//!
//! Which shells an image has follows the real images (see [`crate::sim::images`]):
//! exec'ing `/bin/bash` in busybox fails as containerd fails it.

pub mod commands;
pub mod container_env;
pub mod container_exit;
pub mod files;
pub mod line_editor;
pub mod main_process;
pub mod net_tools;
pub mod session;
pub mod words;

use std::sync::Arc;

use bytes::Bytes;
use k8s_openapi::api::core::v1::{Container, Pod};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use self::files::FileTree;
use super::images::Userland;
use super::store::Store;

/// A terminal size as the resize channel carries it (`{"Width":80,"Height":24}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TerminalSize {
    /// Columns.
    pub width: u16,
    /// Rows.
    pub height: u16,
}

/// Output of a process: standard output or standard error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Standard output (with a TTY, everything).
    Stdout(Bytes),
    /// Standard error.
    Stderr(Bytes),
}

/// What a process in a container reads and writes, whatever protocol carries it.
pub struct ProcessIo {
    /// Standard input, when the client sends one; closed at its end.
    pub stdin: Option<mpsc::Receiver<Bytes>>,
    /// Terminal sizes the client sends.
    pub resize: mpsc::Receiver<TerminalSize>,
    /// Where the process writes.
    pub output: mpsc::Sender<Output>,
}

/// How a process ended, as the kubelet reports it on the error channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// It ran and exited with this status.
    Exited(i32),
    /// The runtime could not start it; the message is the runtime's.
    NotStarted(String),
}

impl Ending {
    /// The `Status` the kubelet writes on the error channel for `command`: Success,
    /// Failure with reason NonZeroExitCode and an ExitCode cause, or the runtime's
    /// InternalError (containerd's wording).
    pub fn status(&self, command: &[String]) -> Value {
        match self {
            Self::Exited(0) => json!({"metadata": {}, "status": "Success"}),
            Self::Exited(code) => json!({
                "metadata": {},
                "status": "Failure",
                "message": format!(
                    "command terminated with non-zero exit code: error executing command [{}], exit code {code}",
                    command.join(" ")
                ),
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
            }),
            Self::NotStarted(runtime) => {
                let cause = format!(
                    "error executing command in container: failed to exec in container: failed to start exec \"{}\": \
                     OCI runtime exec failed: exec failed: unable to start container process: {runtime}: unknown",
                    uuid::Uuid::new_v4().simple()
                );
                json!({
                    "metadata": {},
                    "status": "Failure",
                    "message": format!("Internal error occurred: {cause}"),
                    "reason": "InternalError",
                    "details": {"causes": [{"message": cause}]},
                    "code": 500,
                })
            }
        }
    }
}

/// The container a shell runs in, and what it can reach.
pub struct Context {
    /// The cluster (for the network, Services, ConfigMaps).
    pub store: Arc<Store>,
    /// The pod, as it was when the process started.
    pub pod: Pod,
    /// The container's spec.
    pub container: Container,
    /// Its image.
    pub image: String,
    /// What the image has.
    pub userland: Userland,
    /// Its files.
    pub files: FileTree,
}

impl Context {
    /// The context of `container` of `pod`; `None` when the pod has no such container.
    pub fn new(store: Arc<Store>, pod: Pod, container: &str) -> Option<Self> {
        let spec = pod
            .spec
            .as_ref()?
            .containers
            .iter()
            .find(|c| c.name == container)?
            .clone();
        let image = spec.image.clone().unwrap_or_default();
        let name = pod.metadata.name.clone().unwrap_or_default();
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let ip = pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default();
        Some(Self {
            store,
            files: FileTree::new(&name, &namespace, &ip, &image),
            userland: Userland::of(&image),
            image,
            container: spec,
            pod,
        })
    }

    /// The pod's name (the container's host name).
    pub fn pod_name(&self) -> &str {
        self.pod.metadata.name.as_deref().unwrap_or_default()
    }

    /// The pod's namespace.
    pub fn namespace(&self) -> &str {
        self.pod.metadata.namespace.as_deref().unwrap_or_default()
    }

    /// The pod's address.
    pub fn pod_ip(&self) -> String {
        self.pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default()
    }

    /// The container's main process: its `command` and `args`, else the image's default.
    pub fn main_command(&self) -> Vec<String> {
        let mut words: Vec<String> = self.container.command.clone().unwrap_or_default();
        words.extend(self.container.args.clone().unwrap_or_default());
        if words.is_empty() {
            words.push(match crate::sim::images::Server::of(&self.image) {
                crate::sim::images::Server::Nginx { .. } => "nginx".into(),
                crate::sim::images::Server::HelloApp { .. } => "./hello-app".into(),
                crate::sim::images::Server::App => "/app".into(),
                crate::sim::images::Server::Nothing => "sh".into(),
            });
        }
        words
    }

    /// Whether the main process is a shell this image has (`kubectl run -it -- sh`,
    /// or BusyBox's default command).
    pub fn main_is_shell(&self) -> bool {
        let main = self.main_command();
        main.len() == 1
            && self
                .userland
                .resolve(&main[0], &self.image)
                .is_some_and(|c| matches!(c.as_str(), "sh" | "ash" | "bash"))
    }
}

/// Which shell answers: BusyBox's ash, Debian's dash (its `sh`) or bash, each with
/// its prompt and its way of saying a command is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellKind {
    /// BusyBox's `sh`.
    Ash,
    /// Debian's `sh`.
    Dash,
    /// bash.
    Bash,
}

impl ShellKind {
    /// The shell `command` (`sh`, `ash`, `bash`) is in an image with `userland`.
    pub fn of(command: &str, userland: Userland) -> Self {
        match (command, userland) {
            ("bash", _) => Self::Bash,
            (_, Userland::Debian) => Self::Dash,
            _ => Self::Ash,
        }
    }

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bash => "bash",
            Self::Ash | Self::Dash => "sh",
        }
    }

    /// Its message for a command that is not there.
    pub fn not_found(self, command: &str) -> String {
        match self {
            Self::Bash => format!("bash: {command}: command not found\n"),
            Self::Dash => format!("sh: 1: {command}: not found\n"),
            Self::Ash => format!("sh: {command}: not found\n"),
        }
    }

    /// Its prompt as root: bash's `root@HOST:/# `, dash's `# `, BusyBox's `/ # `.
    pub fn prompt(self, host: &str, cwd: &str) -> String {
        match self {
            Self::Bash => format!("root@{host}:{cwd}# "),
            Self::Dash => "# ".into(),
            Self::Ash => format!("{cwd} # "),
        }
    }
}

/// The state of one running shell.
pub struct ShellState {
    /// Where it runs.
    pub ctx: Arc<Context>,
    /// Its environment.
    pub env: Vec<(String, String)>,
    /// Its working directory.
    pub cwd: String,
    /// `$?`.
    pub last_status: i32,
    /// The terminal size the last resize set.
    pub size: Option<TerminalSize>,
    /// Whether it runs with a TTY.
    pub tty: bool,
    /// Which shell it is (messages, prompt).
    pub kind: ShellKind,
    /// Whether commands run inside a shell (builtins like `exit` and `cd` exist).
    pub in_shell: bool,
}

impl ShellState {
    /// A fresh state in `/` of the container.
    pub fn new(ctx: Arc<Context>, tty: bool) -> Self {
        let env = container_env::environment(&ctx.store, &ctx.pod, &ctx.container, tty);
        let kind = ShellKind::of(ctx.userland.login_shell(), ctx.userland);
        Self {
            ctx,
            env,
            cwd: "/".into(),
            last_status: 0,
            size: None,
            tty,
            kind,
            in_shell: false,
        }
    }

    /// A variable's value (`?` is the last status); empty when unset.
    pub fn var(&self, name: &str) -> String {
        if name == "?" {
            return self.last_status.to_string();
        }
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Sets a variable (`export NAME=value`).
    pub fn set_var(&mut self, name: &str, value: &str) {
        match self.env.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value.to_string(),
            None => self.env.push((name.to_string(), value.to_string())),
        }
    }

    /// The shell's name in messages (`sh` or `bash`).
    pub fn shell(&self) -> &'static str {
        self.kind.name()
    }

    /// The prompt.
    pub fn prompt(&self) -> String {
        self.kind.prompt(self.ctx.pod_name(), &self.cwd)
    }
}

/// The runtime's message when `path` cannot be executed (runc's, as containerd reports it).
pub fn not_found_message(path: &str) -> String {
    if path.contains('/') {
        format!("exec: \"{path}\": stat {path}: no such file or directory")
    } else {
        format!("exec: \"{path}\": executable file not found in $PATH")
    }
}
