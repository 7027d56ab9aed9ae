//! core/v1 Events as kube-controller-manager and the kubelet record them:
//! repeats of the same object, reason and message are aggregated into one Event
//! with a growing `count`, and Events older than an hour are deleted (the
//! API server's default event TTL).

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::SignedDuration;
use serde_json::{Value, json};

use super::meta::{kind, name, namespace, time_at, uid};
use super::pass::Pass;
use crate::sim::clock::format_time;

/// How long an Event is kept after it last happened (the API server's `--event-ttl`).
pub const EVENT_TTL: SignedDuration = SignedDuration::from_hours(1);

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
    /// e.g. `deployment-controller`, `kubelet`, `default-scheduler`.
    pub component: &'a str,
    /// The node, for kubelet events.
    pub host: Option<&'a str>,
}

impl Source<'static> {
    /// A controller of kube-controller-manager or the scheduler.
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

/// Records an event about `object`, aggregating it into an existing identical one.
#[expect(
    clippy::needless_pass_by_value,
    reason = "notes are built for one recording"
)]
pub fn record(pass: &Pass<'_>, object: &Value, source: Source<'_>, note: Note<'_>) {
    let events = kind("", "Event");
    let ns = match namespace(object) {
        "" => "default",
        ns => ns,
    };
    let stamp = format_time(pass.now);
    let same = |e: &Value| {
        e["involvedObject"]["uid"].as_str() == Some(uid(object))
            && e["reason"].as_str() == Some(note.reason)
            && e["message"].as_str() == Some(note.message.as_str())
            && e["type"].as_str() == Some(note.kind.as_str())
            && e["source"]["component"].as_str() == Some(source.component)
            && e["involvedObject"]["fieldPath"].as_str() == note.field_path.as_deref()
    };
    if let Some(existing) = pass
        .store
        .list(events, Some(ns))
        .0
        .into_iter()
        .find(|e| same(e))
    {
        pass.modify(events, ns, name(&existing), |e| {
            e["count"] = json!(e["count"].as_i64().unwrap_or(1) + 1);
            e["lastTimestamp"] = json!(stamp);
        });
        return;
    }
    let seq = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let nanos = pass.now.as_nanosecond() as u64;
    let mut involved = json!({
        "kind": object["kind"],
        "namespace": namespace(object),
        "name": name(object),
        "uid": uid(object),
        "apiVersion": object["apiVersion"],
        "resourceVersion": object["metadata"]["resourceVersion"],
    });
    if let Some(path) = &note.field_path {
        involved["fieldPath"] = json!(path);
    }
    if namespace(object).is_empty()
        && let Some(m) = involved.as_object_mut()
    {
        m.remove("namespace");
    }
    let mut src = json!({"component": source.component});
    if let Some(host) = source.host {
        src["host"] = json!(host);
    }
    let event = json!({
        "metadata": {
            "name": format!("{}.{:x}", name(object), nanos.wrapping_add(seq)),
            "namespace": ns,
        },
        "involvedObject": involved,
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
    });
    pass.create(events, event);
}

/// Deletes events that last happened more than [`EVENT_TTL`] ago.
pub fn expire(pass: &Pass<'_>) {
    let events = kind("", "Event");
    let Some(cutoff) = pass.now.checked_sub(EVENT_TTL).ok() else {
        return;
    };
    for e in pass.store.list(events, None).0 {
        let last =
            time_at(&e, "/lastTimestamp").or_else(|| time_at(&e, "/metadata/creationTimestamp"));
        if last.is_some_and(|t| t < cutoff) {
            pass.remove(events, namespace(&e), name(&e));
        }
    }
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
