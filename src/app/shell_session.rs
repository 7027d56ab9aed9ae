//! Shells and attach sessions, the dashboard's side: `s` (a shell) and `a` (attach) on
//! a pod or a container, `:shell` on a workload (its first ready pod). kdeck first asks
//! which containers can take the session (running, not init; for attach with `stdin` and
//! `tty`), offers a picker when there are several, then asks the runtime to open it. The
//! loop hands the terminal to the session and gives it back when it ends; the dashboard
//! comes back where it was, the exit status on the status line.

use super::dialog::Dialog;
use super::dialog::container_picker::ContainerPicker;
use super::msg::Effect;
use super::navigation::selected_key;
use super::operations::{Load, OpRequest};
pub use super::session_purpose::Purpose;
use super::state::{Screen, State};
use super::stream_msg::{SessionKind, StreamMsg, StreamRequest};
use crate::action::{Action, PodCommand};
use crate::cluster::exec::{ContainerRef, SessionEnd};
use crate::cluster::session_target::SessionTarget;
use crate::cluster::{Detail, Kind, ObjectKey};

/// A target being looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolving {
    /// The load's answer id.
    pub id: u64,
    /// What for.
    pub purpose: Purpose,
    /// The container asked for (a row of the containers view), if any.
    pub container: Option<String>,
}

/// A session opening, or in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its id.
    pub id: u64,
    /// What for.
    pub purpose: Purpose,
    /// Where.
    pub target: ContainerRef,
    /// Open: the terminal is the session's.
    pub in_front: bool,
    /// The session of a `:run` debug pod (deleted when it ends).
    pub debug_pod: bool,
}

impl Session {
    /// `shell in pod/web-1 (container web)`.
    pub fn title(&self) -> String {
        // A debug pod's container is named as the pod: said once.
        let container = match self.target.container.as_deref() {
            Some(c) if c != self.target.pod => format!(" (container {c})"),
            _ => String::new(),
        };
        let word = match self.purpose {
            Purpose::Shell => "shell in",
            Purpose::Attach => "attach to",
        };
        format!("{word} pod/{}{container}", self.target.pod)
    }
}

/// The sessions' part of the state.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    /// A target being looked up.
    pub resolving: Option<Resolving>,
    /// The session opening or in front.
    pub current: Option<Session>,
    next_id: u64,
}

/// `s` or `a` on a pod or container (the `[pods]` keys).
pub fn key(state: &mut State, command: PodCommand, effects: &mut Vec<Effect>) {
    let purpose = Purpose::from(command);
    let (key, container) = match state.screen() {
        Screen::Containers(c) => {
            let container = match state.stores.of(Kind::Pod).find(&c.namespace, &c.name) {
                Some(row) => match &row.detail {
                    Detail::Pod(p) => p
                        .containers
                        .get(c.selected)
                        .map(|c| (c.name.to_string(), c.init)),
                    _ => None,
                },
                None => None,
            };
            let key = ObjectKey {
                kind: Kind::Pod,
                namespace: c.namespace.clone(),
                name: c.name.clone(),
            };
            match container {
                Some((name, true)) => {
                    state.status = Some(format!(
                        "{name} is an init container: a {} goes into the pod's own containers",
                        purpose.word()
                    ));
                    return;
                }
                Some((name, false)) => (key, Some(name)),
                None => (key, None),
            }
        }
        _ => match selected_key(state) {
            Some(key) if key.kind == Kind::Pod => (key, None),
            _ => {
                state.status = Some(format!(
                    "{}: select a pod or a container (:shell opens a workload's first ready pod)",
                    purpose.word()
                ));
                return;
            }
        },
    };
    resolve(state, key, container, purpose, effects);
}

/// `:shell`: a shell in the selected pod, container, or workload's first ready pod.
pub fn shell_command(state: &mut State, effects: &mut Vec<Effect>) {
    let shell = Action::PodKey(PodCommand::Shell);
    if state.readonly {
        state.status = Some(super::permissions::readonly_refusal(&shell));
        return;
    }
    if let Some(why) = super::permissions::denial(state, &shell) {
        state.status = Some(why);
        return;
    }
    if matches!(state.screen(), Screen::Containers(_)) {
        key(state, PodCommand::Shell, effects);
        return;
    }
    match selected_key(state) {
        Some(key)
            if matches!(
                key.kind,
                Kind::Pod
                    | Kind::Deployment
                    | Kind::ReplicaSet
                    | Kind::StatefulSet
                    | Kind::DaemonSet
            ) =>
        {
            resolve(state, key, None, Purpose::Shell, effects);
        }
        _ => {
            state.status = Some(
                ":shell works on a pod, container, Deployment, ReplicaSet, StatefulSet or DaemonSet"
                    .to_owned(),
            );
        }
    }
}

fn resolve(
    state: &mut State,
    key: ObjectKey,
    container: Option<String>,
    purpose: Purpose,
    effects: &mut Vec<Effect>,
) {
    if state.sessions.current.is_some() {
        state.status = Some("a session is opening already".to_owned());
        return;
    }
    let id = state.dialogs.next_id();
    state.status = Some(format!(
        "{}: finding the container in {}/{}…",
        purpose.word(),
        key.kind.word(),
        key.name
    ));
    state.status_ok = true;
    state.sessions.resolving = Some(Resolving {
        id,
        purpose,
        container,
    });
    let attach = purpose == Purpose::Attach;
    effects.push(Effect::Ops(OpRequest::Load {
        id,
        load: Load::SessionTarget { key, attach },
    }));
}

/// The containers of a target came back: open the session, offer the picker, or say
/// why there is no container to go into.
pub fn target_found(
    state: &mut State,
    id: u64,
    found: Result<SessionTarget, String>,
    effects: &mut Vec<Effect>,
) {
    let Some(resolving) = state.sessions.resolving.take_if(|r| r.id == id) else {
        return;
    };
    let purpose = resolving.purpose;
    let target = match found {
        Ok(target) => target,
        Err(message) => {
            fail(state, format!("{}: {message}", purpose.word()));
            return;
        }
    };
    let container_ref = |name: &str| ContainerRef {
        namespace: target.namespace.clone(),
        pod: target.pod.clone(),
        container: Some(name.to_owned()),
    };
    if let Some(asked) = &resolving.container {
        if target.containers.contains(asked) {
            open(state, container_ref(asked), purpose, false, effects);
        } else {
            let why = target
                .left_out
                .iter()
                .find(|l| l.starts_with(&format!("{asked} (")))
                .map_or_else(|| format!("{asked} (gone)"), Clone::clone);
            fail(
                state,
                format!("{}: not into container {why}", purpose.word()),
            );
        }
        return;
    }
    match target.containers.as_slice() {
        [] => fail(state, no_container(&target, purpose)),
        [only] => {
            open(state, container_ref(only), purpose, false, effects);
        }
        _ => {
            state.status = None;
            let picker = ContainerPicker::new(target, purpose);
            state.dialogs.show(Dialog::Container(picker));
        }
    }
}

fn no_container(target: &SessionTarget, purpose: Purpose) -> String {
    let why = if target.left_out.is_empty() {
        String::new()
    } else {
        format!(": {}", target.left_out.join(", "))
    };
    match purpose {
        // Attach needs a main process that reads a terminal (kubectl run -it sets both).
        Purpose::Attach => format!(
            "attach: nothing to type to in pod {}{why}; s opens a shell",
            target.pod
        ),
        Purpose::Shell => format!("shell: no container of pod {} runs{why}", target.pod),
    }
}

fn fail(state: &mut State, message: String) {
    state.status = Some(message);
    state.status_ok = false;
}

/// Asks the runtime to open a session in `target` (`debug_pod`: the `:run` pod's).
pub fn open(
    state: &mut State,
    target: ContainerRef,
    purpose: Purpose,
    debug_pod: bool,
    effects: &mut Vec<Effect>,
) -> u64 {
    state.sessions.next_id += 1;
    let id = state.sessions.next_id;
    let kind = match purpose {
        Purpose::Shell => SessionKind::Shell(state.shell_commands.clone()),
        Purpose::Attach => SessionKind::Attach,
    };
    let session = Session {
        id,
        purpose,
        target: target.clone(),
        in_front: false,
        debug_pod,
    };
    state.status = Some(format!("{}…", session.title()));
    state.status_ok = true;
    state.sessions.current = Some(session);
    effects.push(Effect::Stream(StreamRequest::OpenSession {
        id,
        target,
        kind,
        size: state.size,
    }));
    id
}

/// A session opened, failed or ended. Returns the session that is over, if one is.
pub fn stream(state: &mut State, msg: &StreamMsg) -> Option<(Session, Result<SessionEnd, String>)> {
    let current = state.sessions.current.as_mut()?;
    match msg {
        StreamMsg::SessionOpened { id, .. } if *id == current.id => {
            current.in_front = true;
            None
        }
        StreamMsg::SessionFailed { id, message } if *id == current.id => {
            let session = state.sessions.current.take()?;
            state.status = Some(format!("{}: {message}", session.title()));
            state.status_ok = false;
            Some((session, Err(message.clone())))
        }
        StreamMsg::SessionEnded { id, end } if *id == current.id => {
            let session = state.sessions.current.take()?;
            // An attach stream's success says only that it ended, not how the process did.
            let how = match (session.purpose, end) {
                (Purpose::Attach, SessionEnd::Exited(0)) => "ended".to_owned(),
                _ => end.describe(),
            };
            state.status = Some(format!("{} {how}", session.title()));
            state.status_ok = *end == SessionEnd::Exited(0);
            Some((session, Ok(end.clone())))
        }
        _ => None,
    }
}

/// Whether the shown screen is a pods table or a pod's containers (the `[pods]` keys).
pub fn pod_view(state: &State) -> bool {
    match state.screen() {
        Screen::Table(t) => t.kind == Kind::Pod,
        Screen::Containers(_) => true,
        _ => false,
    }
}
