//! A kubectl-describe-like text of one object, built from the rows kdeck holds and the
//! events about it.

use std::fmt::Write as _;

use super::state::State;
use crate::cluster::columns::selector_text;
use crate::cluster::{Detail, Kind, ObjectKey};
use crate::human_duration::age;

/// The describe text of `key`, or `None` when kdeck holds no such row.
pub fn describe_text(state: &State, key: &ObjectKey) -> Option<String> {
    let row = state.stores.of(key.kind).find(&key.namespace, &key.name)?;
    let mut out = String::new();
    let mut line = |k: &str, v: &str| {
        let _ = writeln!(out, "{:<18}{v}", format!("{k}:"));
    };
    line("Name", &row.meta.name);
    if !row.meta.namespace.is_empty() {
        line("Namespace", &row.meta.namespace);
    }
    let created = row.meta.created.map_or_else(
        || "<unknown>".to_owned(),
        |t| format!("{t} ({} ago)", age(Some(t), state.now)),
    );
    line("CreationTimestamp", &created);
    line("Labels", &selector_text(&row.meta.labels.to_map()));
    if let Some(o) = &row.meta.owner {
        line("Controlled By", &format!("{}/{}", o.kind, o.name));
    }
    if row.meta.deleting {
        line("Status", "Terminating");
    }
    match &row.detail {
        Detail::Pod(p) => {
            line("Node", p.node.as_deref().unwrap_or("<none>"));
            line("Status", &p.status);
            line("IP", p.ip.as_deref().unwrap_or("<none>"));
            for (init, heading) in [(true, "Init Containers"), (false, "Containers")] {
                if init && !p.containers.iter().any(|c| c.init) {
                    continue;
                }
                line(heading, "");
                for c in p.containers.iter().filter(|c| c.init == init) {
                    line(&format!("  {}", c.name), "");
                    line("    Image", &c.image);
                    line("    State", &c.state);
                    line("    Ready", if c.ready { "True" } else { "False" });
                    line("    Restart Count", &c.restarts.to_string());
                }
            }
        }
        Detail::Deployment(d) => {
            line("Selector", &selector_text(&d.selector));
            line(
                "Replicas",
                &format!(
                    "{} desired | {} updated | {} total | {} available | {} unavailable",
                    d.desired, d.updated, d.current, d.available, d.unavailable
                ),
            );
            line("StrategyType", &d.strategy);
            line("MinReadySeconds", &d.min_ready_seconds.to_string());
            if let (Some(s), Some(u)) = (&d.max_surge, &d.max_unavailable) {
                line(
                    "RollingUpdateStrategy",
                    &format!("{u} max unavailable, {s} max surge"),
                );
            }
            line("Paused", if d.paused { "true" } else { "false" });
            line("Images", &d.images.join(", "));
            line("Conditions", "");
            for c in &d.conditions {
                line(
                    &format!("  {}", c.type_),
                    &format!("{} {}", c.status, c.reason),
                );
            }
        }
        Detail::ReplicaSet(r) => {
            line("Selector", &selector_text(&r.selector));
            line(
                "Replicas",
                &format!("{} current / {} desired", r.current, r.desired),
            );
            line(
                "Pods Status",
                &format!("{} Ready / {} Available", r.ready, r.available),
            );
            line(
                "Revision",
                &r.revision.map_or("-".to_owned(), |r| r.to_string()),
            );
            line("Images", &r.images.join(", "));
            if let Some(cause) = &r.change_cause {
                line("Change-Cause", cause);
            }
        }
        Detail::Service(s) => {
            line("Selector", &selector_text(&s.selector));
            line("Type", &s.type_);
            line("IP", &s.cluster_ip);
            line("Port(s)", &s.ports);
        }
        Detail::ConfigMap(k) | Detail::Secret(k) => {
            if !k.type_.is_empty() {
                line("Type", &k.type_);
            }
            line("Data (keys)", &k.keys.join(", "));
        }
        Detail::Event(e) => {
            line("Type", &e.type_);
            line("Reason", &e.reason);
            line("Object", &format!("{}/{}", e.object_kind, e.object_name));
            line("Message", &e.message);
            line("Count", &e.count.to_string());
        }
        Detail::Node(n) => {
            line("Status", &n.status);
            line("Roles", &n.roles);
            line("Version", &n.version);
            line("InternalIP", &n.internal_ip);
        }
        _ => {}
    }
    let _ = writeln!(out, "Events:");
    let kind = key.kind.word();
    let mut events: Vec<_> = state
        .stores
        .of(Kind::Event)
        .iter()
        .filter_map(|(_, r)| match &r.detail {
            Detail::Event(e)
                if e.object_name == key.name
                    && e.object_kind.eq_ignore_ascii_case(kind)
                    && r.meta.namespace == key.namespace =>
            {
                Some(e)
            }
            _ => None,
        })
        .collect();
    if events.is_empty() {
        let _ = writeln!(out, "  <none>");
    }
    events.sort_by_key(|e| e.last_seen.or(e.first_seen));
    for e in events {
        let _ = writeln!(
            out,
            "  {:<8} {:<20} {:>8}  {}",
            e.type_,
            e.reason,
            age(e.last_seen.or(e.first_seen), state.now),
            e.message
        );
    }
    Some(out)
}
