//! What the user may change, as the API server answers SelfSubjectAccessReviews: asked
//! once per question when a pane shows a kind (normal mode only; a read-only session
//! asks nothing), cached for the connection, so a key the user may not use explains
//! why without sending anything, and help shows it as not permitted.

use std::collections::HashMap;

use super::msg::Effect;
use super::state::{Screen, State};
use crate::action::{Action, PodCommand};
use crate::cluster::Kind;

/// One "may I?": a verb on a kind (and subresource) in a namespace (`None`: all).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Question {
    /// `patch`, `delete`, `update`.
    pub verb: &'static str,
    /// The kind.
    pub kind: Kind,
    /// `scale` for scaling; else none.
    pub subresource: Option<&'static str>,
    /// The namespace; `None` for all namespaces or cluster-scoped kinds.
    pub namespace: Option<String>,
}

/// What the server said (or is saying).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Asked; no answer yet.
    Asked,
    /// Allowed.
    Allowed,
    /// Denied.
    Denied,
    /// The review failed (old server, network): the key is tried and the server decides.
    Unknown(String),
}

/// The answers of this connection.
#[derive(Debug, Clone, Default)]
pub struct Permissions {
    answers: HashMap<Question, Answer>,
}

impl Permissions {
    /// The answer to `question`, if it was asked.
    pub fn answer(&self, question: &Question) -> Option<&Answer> {
        self.answers.get(question)
    }

    /// Records an answer.
    pub fn record(&mut self, question: Question, answer: Answer) {
        self.answers.insert(question, answer);
    }

    /// Forgets every answer (another context, another user).
    pub fn clear(&mut self) {
        self.answers.clear();
    }

    /// How many questions were asked.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// Whether nothing was asked.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// The question a mutating `action` on `kind` in `namespace` needs answered; `None`
/// for actions that change nothing or do not apply to the kind.
pub fn question(action: &Action, kind: Kind, namespace: Option<&str>) -> Option<Question> {
    let (verb, kind, subresource) = match action {
        // A shell, attach and port-forward are `create` on a subresource of the pod.
        Action::PodKey(command) => match kind {
            Kind::Pod => ("create", Kind::Pod, Some(command.subresource())),
            _ => return None,
        },
        Action::PortForward => {
            if !super::port_forwards::FORWARDABLE.contains(&kind) {
                return None;
            }
            ("create", Kind::Pod, Some("portforward"))
        }
        Action::Scale => match kind {
            Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet => {
                ("patch", kind, Some("scale"))
            }
            _ => return None,
        },
        Action::Delete => ("delete", kind, None),
        Action::Trigger => match kind {
            Kind::CronJob => ("create", Kind::Job, None),
            _ => return None,
        },
        Action::Pause | Action::Resume if kind == Kind::CronJob => ("patch", kind, None),
        Action::Edit | Action::EditExternal => ("update", kind, None),
        Action::Restart | Action::Undo => match kind {
            Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet => ("patch", kind, None),
            _ => return None,
        },
        a if a.is_mutation() => match kind {
            Kind::Deployment => ("patch", kind, None),
            _ => return None,
        },
        _ => return None,
    };
    // A verb discovery says the resource lacks is not offered at all (nor hinted).
    if subresource.is_none() && kind.facts().is_some_and(|facts| !facts.can(verb)) {
        return None;
    }
    let namespace = kind
        .namespaced()
        .then(|| namespace.map(str::to_owned))
        .flatten();
    Some(Question {
        verb,
        kind,
        subresource,
        namespace,
    })
}

/// The kind the mutating keys act on in the shown screen.
pub fn target_kind(state: &State) -> Option<Kind> {
    match state.screen() {
        Screen::Table(t) => Some(t.kind),
        Screen::Rollout(_) | Screen::History(_) => Some(Kind::Deployment),
        Screen::Containers(_) => Some(Kind::Pod),
        _ => None,
    }
}

/// Why `action` is not permitted on the shown screen, if the server said so.
pub fn denial(state: &State, action: &Action) -> Option<String> {
    let kind = target_kind(state)?;
    let q = question(action, kind, state.namespace.as_deref())?;
    (state.permissions.answer(&q) == Some(&Answer::Denied)).then(|| {
        let place = q
            .namespace
            .as_deref()
            .map_or_else(|| "in all namespaces".to_owned(), |ns| format!("in {ns}"));
        let what = match action {
            Action::Scale => "scale",
            Action::Delete => "delete",
            Action::Trigger => "create jobs from",
            Action::Edit | Action::EditExternal => "edit",
            other => other.description(),
        };
        match q.subresource {
            Some(sub @ ("exec" | "attach" | "portforward")) => {
                format!("you may not create pods/{sub} {place} (nothing was opened)")
            }
            _ => format!(
                "you may not {what} {} {place} (nothing was sent)",
                kind.plural()
            ),
        }
    })
}

/// Why a key that needs the gate does nothing in a read-only session.
pub fn readonly_refusal(action: &Action) -> String {
    let stream = match action {
        Action::PodKey(PodCommand::Shell) => "a shell (exec)",
        Action::PodKey(PodCommand::Attach) => "attach",
        Action::PortForward => "port-forward",
        other => return format!("read-only session: {} was not sent", other.description()),
    };
    format!(
        "read-only session: {stream} was not opened (exec, attach and port-forward reach into the cluster; read-only refuses them with every change)"
    )
}

/// Questions the shown screen needs that were not asked yet (none when read-only).
pub fn ask_missing(state: &mut State) -> Vec<Effect> {
    if state.readonly || state.connection.switching_to.is_some() {
        return Vec::new();
    }
    let Some(kind) = target_kind(state) else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    let pod_keys = crate::action::PodCommand::ALL.map(Action::PodKey);
    for action in Action::bindable()
        .iter()
        .chain(&pod_keys)
        .filter(|a| a.is_mutation())
    {
        let Some(q) = question(action, kind, state.namespace.as_deref()) else {
            continue;
        };
        if state.permissions.answer(&q).is_none() {
            state.permissions.record(q.clone(), Answer::Asked);
            effects.push(Effect::AskPermission(q));
        }
    }
    effects
}
