//! Events as the real components record them. kube-controller-manager and the kubelet use
//! client-go's core/v1 recorder (`source`, `firstTimestamp`/`lastTimestamp`, `count`,
//! `eventTime: null`), whose correlator (`correlator`) counts repeats, combines similar
//! events and throttles a chatty source. The scheduler uses the events.k8s.io/v1 recorder
//! ([`emit`]): `eventTime` in microseconds, an `action`, an empty `source`, no first or
//! last timestamp, repeats as a `series`. The API server deletes Events an hour after
//! their last write (`--event-ttl`, see [`crate::sim::store::ttl`]).

mod correlator;

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use serde_json::{Value, json};

use self::correlator::{Correlation, correlate};
use super::meta::{kind, name, namespace, uid};
use super::pass::Pass;
use crate::sim::clock::{format_micro_time, format_time};
use crate::sim::managed_fields::{KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER, KUBELET};
use crate::sim::store::Obj;
pub use crate::sim::store::ttl::EVENT_TTL;

/// `Normal` or `Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// An expected step.
    Normal,
    /// Something went wrong.
    Warning,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Warning => "Warning",
        }
    }
}

/// Who reports an event: `source.component` and, for the kubelet, `source.host`.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// e.g. `deployment-controller`, `kubelet`.
    pub component: &'a str,
    /// The node, for kubelet events.
    pub host: Option<&'a str>,
}

impl Source<'static> {
    /// A controller of kube-controller-manager.
    pub const fn controller(component: &'static str) -> Self {
        Self {
            component,
            host: None,
        }
    }
}

/// One event to record about `object`.
pub struct Note<'a> {
    /// `Normal` or `Warning`.
    pub kind: EventType,
    /// CamelCase reason, e.g. `ScalingReplicaSet`.
    pub reason: &'a str,
    /// The message.
    pub message: String,
    /// `involvedObject.fieldPath`, e.g. `spec.containers{web}`.
    pub field_path: Option<String>,
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// `<object>.<hex>`: the recorders name an Event after its object and the nanoseconds of
/// the moment (a sequence number keeps events of the same simulated instant apart).
pub fn event_name(object: &Value, at: Timestamp) -> String {
    let seq = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let nanos = at.as_nanosecond() as u64;
    format!("{}.{:x}", name(object), nanos.wrapping_add(seq))
}

/// The namespace an Event about `object` lives in (`default` for cluster-scoped objects).
pub fn event_namespace(object: &Value) -> &str {
    match namespace(object) {
        "" => "default",
        ns => ns,
    }
}

/// The `involvedObject` reference to `object`.
fn involved(object: &Value, field_path: Option<&str>) -> Value {
    let mut r = json!({
        "kind": object["kind"],
        "namespace": namespace(object),
        "name": name(object),
        "uid": uid(object),
        "apiVersion": object["apiVersion"],
        "resourceVersion": object["metadata"]["resourceVersion"],
    });
    if let Some(path) = field_path {
        r["fieldPath"] = json!(path);
    }
    if namespace(object).is_empty()
        && let Some(m) = r.as_object_mut()
    {
        m.remove("namespace");
    }
    r
}

/// The Events already recorded about `object` (found by name prefix, not by a scan).
fn events_about(pass: &Pass<'_>, object: &Value) -> Vec<Obj> {
    let prefix = format!("{}.", name(object));
    pass.store
        .list_name_prefix(kind("", "Event"), event_namespace(object), &prefix)
        .into_iter()
        .filter(|e| e["involvedObject"]["uid"].as_str() == Some(uid(object)))
        .collect()
}

/// Records an event about `object` as client-go's core/v1 recorder does: a repeat counts
/// up the existing Event, the tenth different message of the same reason within ten
/// minutes goes into one "(combined from similar events)" Event, and a source gets 25
/// Events about one object, then one every five minutes.
#[expect(
    clippy::needless_pass_by_value,
    reason = "notes are built for one recording"
)]
pub fn record(pass: &Pass<'_>, object: &Value, source: Source<'_>, note: Note<'_>) {
    let events = kind("", "Event");
    let ns = event_namespace(object);
    let stamp = format_time(pass.now);
    let known = events_about(pass, object);
    // The recorder writes with its process's User-Agent.
    let by = if source.component == "kubelet" {
        &KUBELET
    } else {
        &KUBE_CONTROLLER_MANAGER
    };
    match correlate(&known, source, &note, pass.now) {
        Correlation::Skip => {}
        Correlation::Count { name, message } => {
            pass.modify(by, events, ns, &name, |e| {
                e["count"] = json!(e["count"].as_i64().unwrap_or(1) + 1);
                e["lastTimestamp"] = json!(stamp);
                e["message"] = json!(message);
            });
        }
        Correlation::Create { message, combined } => {
            let mut event = core_event(object, source, &note, pass.now);
            event["message"] = json!(message);
            if combined {
                // The aggregator makes the combined event afresh, without reporting fields.
                event["reportingComponent"] = json!("");
                event["reportingInstance"] = json!("");
            }
            pass.create(by, events, event);
        }
    }
}

/// A new Event about `object` as client-go's core/v1 recorder writes it at `at`.
pub fn core_event(object: &Value, source: Source<'_>, note: &Note<'_>, at: Timestamp) -> Value {
    let stamp = format_time(at);
    let mut src = json!({"component": source.component});
    if let Some(host) = source.host {
        src["host"] = json!(host);
    }
    json!({
        "metadata": {"name": event_name(object, at), "namespace": event_namespace(object)},
        "involvedObject": involved(object, note.field_path.as_deref()),
        "reason": note.reason,
        "message": note.message,
        "source": src,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
        "type": note.kind.as_str(),
        "eventTime": null,
        "reportingComponent": source.component,
        "reportingInstance": source.host.unwrap_or(""),
    })
}

/// A new Event about `object` as the events.k8s.io/v1 recorder writes it at `at`, read
/// through core/v1.
pub fn v1_event(
    object: &Value,
    reporter: Reporter<'_>,
    action: &str,
    note: &Note<'_>,
    at: Timestamp,
) -> Value {
    json!({
        "metadata": {"name": event_name(object, at), "namespace": event_namespace(object)},
        "involvedObject": involved(object, note.field_path.as_deref()),
        "reason": note.reason,
        "message": note.message,
        "source": {},
        "firstTimestamp": null,
        "lastTimestamp": null,
        "type": note.kind.as_str(),
        "eventTime": format_micro_time(at),
        "action": action,
        "reportingComponent": reporter.controller,
        "reportingInstance": reporter.instance,
    })
}

/// Who reports through the events.k8s.io/v1 recorder: `reportingController` and
/// `reportingInstance` (`default-scheduler`, `default-scheduler-<host>`).
#[derive(Clone, Copy, Debug)]
pub struct Reporter<'a> {
    /// The component, e.g. `default-scheduler`.
    pub controller: &'a str,
    /// Which one of it, e.g. `default-scheduler-kdeck-control-plane`.
    pub instance: &'a str,
}

/// Records an event as the events.k8s.io/v1 recorder does (the scheduler's): as read
/// through core/v1 it has an `eventTime` in microseconds, an `action`, an empty `source`
/// and null first and last timestamps; a repeat becomes a `series` with a count.
#[expect(
    clippy::needless_pass_by_value,
    reason = "notes are built for one recording"
)]
pub fn emit(pass: &Pass<'_>, object: &Value, reporter: Reporter<'_>, action: &str, note: Note<'_>) {
    let events = kind("", "Event");
    let ns = event_namespace(object);
    let now = format_micro_time(pass.now);
    let repeat = events_about(pass, object).into_iter().find(|e| {
        e["reason"] == note.reason
            && e["message"] == note.message.as_str()
            && e["action"] == action
            && e["reportingComponent"] == reporter.controller
    });
    if let Some(e) = repeat {
        pass.modify(&KUBE_SCHEDULER, events, ns, name(&e), |e| {
            let count = e["series"]["count"].as_i64().unwrap_or(1) + 1;
            e["series"] = json!({"count": count, "lastObservedTime": now});
        });
        return;
    }
    let event = v1_event(object, reporter, action, &note, pass.now);
    pass.create(&KUBE_SCHEDULER, events, event);
}

/// Deletes the Events whose hour has run out (the store keeps them by deadline).
pub fn expire(pass: &Pass<'_>) {
    pass.store.expire(pass.now);
}

/// Shorthand for a `Normal` event without a field path.
pub fn normal(reason: &str, message: String) -> Note<'_> {
    Note {
        kind: EventType::Normal,
        reason,
        message,
        field_path: None,
    }
}

/// Shorthand for a `Warning` event without a field path.
pub fn warning(reason: &str, message: String) -> Note<'_> {
    Note {
        kind: EventType::Warning,
        reason,
        message,
        field_path: None,
    }
}
