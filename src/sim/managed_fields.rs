//! `metadata.managedFields` as kube-apiserver's field manager writes them: one entry per
//! manager (and operation and subresource), holding the fields that manager set, with
//! the time of its last change.
//!
//! A manager is named by the request's `fieldManager`, else by its User-Agent's program
//! name (`kubectl/v1.32.0 (linux/amd64) ...` is `kubectl`, kube-controller-manager's is
//! `kube-controller-manager`). An update records what it added or modified (see
//! [`compare`]) in its manager's entry and takes those fields from every other entry;
//! what it removed leaves every entry. A write to the status subresource (or, for the
//! sim's controllers, which write status and spec in one go, the part under `status`)
//! is an entry of its own with `subresource: status`. Server-side apply owns what it
//! applied (operation `Apply`).
//!
//! The store keeps each `fieldsV1` as its compact JSON text (see
//! [`crate::sim::server::wire`]): as `serde_json::Value` maps, a pod's field sets would
//! cost more memory than the rest of the pod.

mod compare;
mod entries;
mod field_set;
mod schema;

use std::borrow::Cow;

use jiff::Timestamp;
use serde_json::{Value, json};

pub use self::compare::{Changes, compare};
pub use self::entries::{normalize, record_create, record_update};
pub use self::field_set::FieldSet;
use crate::sim::clock::format_time;
use crate::sim::resources::ResourceType;

/// `Update` (create, update, patch) or `Apply` (server-side apply).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Any write but server-side apply.
    Update,
    /// Server-side apply.
    Apply,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Self::Update => "Update",
            Self::Apply => "Apply",
        }
    }
}

/// Who writes, as managedFields name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manager {
    /// The manager's name, e.g. `kubectl-client-side-apply`, `kubelet`.
    pub name: Cow<'static, str>,
    /// The operation.
    pub operation: Operation,
    /// The subresource written (`status`, `scale`); `None` for the object itself, in
    /// which case changes under `status` of a type with a status subresource go to the
    /// manager's `status` entry (the controllers write both in one go).
    pub subresource: Option<Cow<'static, str>>,
    /// For `Apply`: the fields of the applied configuration, which the manager owns.
    pub applied: Option<FieldSet>,
}

impl Manager {
    /// A manager making updates to objects, e.g. a controller.
    pub const fn update(name: &'static str) -> Self {
        Self {
            name: Cow::Borrowed(name),
            operation: Operation::Update,
            subresource: None,
            applied: None,
        }
    }

    /// The manager of a request: its `fieldManager`, else the program name of its
    /// User-Agent (what precedes the first `/`, printable characters, at most 128 bytes).
    pub fn of_request(field_manager: Option<&str>, user_agent: &str) -> Self {
        let name = if let Some(m) = field_manager.filter(|m| !m.is_empty()) {
            m.to_string()
        } else {
            let program = user_agent.split('/').next().unwrap_or_default();
            let mut name = String::new();
            for c in program.chars().filter(|c| !c.is_control()) {
                if name.len() + c.len_utf8() > 128 {
                    break;
                }
                name.push(c);
            }
            name
        };
        Self {
            name: Cow::Owned(name),
            operation: Operation::Update,
            subresource: None,
            applied: None,
        }
    }

    /// The same manager writing a subresource (`status`, `scale`).
    #[must_use]
    pub fn on(mut self, subresource: &str) -> Self {
        self.subresource = Some(Cow::Owned(subresource.to_string()));
        self
    }

    /// The same manager applying `config` (server-side apply).
    #[must_use]
    pub fn applying(mut self, kind: &str, config: &Value) -> Self {
        self.operation = Operation::Apply;
        self.applied = Some(compare(kind, None, config).changed.leaves_and_items());
        self
    }
}

/// kube-controller-manager: the Deployment, ReplicaSet, StatefulSet, DaemonSet, endpoints,
/// garbage collector controllers, and their events.
pub const KUBE_CONTROLLER_MANAGER: Manager = Manager::update("kube-controller-manager");
/// The API server itself (a CRD's conditions, written by apiextensions-apiserver).
pub const KUBE_APISERVER: Manager = Manager::update("kube-apiserver");
/// The kubelet: pod status, and its events.
pub const KUBELET: Manager = Manager::update("kubelet");
/// The scheduler: a pod's Unschedulable condition, and its events.
pub const KUBE_SCHEDULER: Manager = Manager::update("kube-scheduler");

/// The apiVersion an entry of `rt` names.
fn api_version(rt: &ResourceType) -> String {
    rt.api_version()
}

/// An entry's `time`.
fn stamp(now: Timestamp) -> Value {
    json!(format_time(now))
}

#[cfg(test)]
mod tests;
