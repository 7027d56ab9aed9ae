//! The Events section of describe: the object's events (by uid, name and
//! namespace), oldest first, as kubectl's `DescribeEvents` prints them.

use std::fmt::Write as _;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;
use kube::api::ListParams;
use kube::{Api, Client};

use super::prefix_writer::PrefixWriter;
use crate::human_duration::age;

/// Which object's events.
#[derive(Debug, Clone)]
pub struct InvolvedObject<'a> {
    /// Kind, e.g. `Pod`.
    pub kind: &'a str,
    /// Namespace ("" when cluster-scoped).
    pub namespace: &'a str,
    /// Name.
    pub name: &'a str,
    /// uid.
    pub uid: &'a str,
}

/// Lists the events of `object`. The field selector narrows on the server; the
/// filter here keeps the result right on servers that ignore it.
pub async fn fetch(client: Client, object: &InvolvedObject<'_>) -> anyhow::Result<Vec<Event>> {
    let api: Api<Event> = if object.namespace.is_empty() {
        Api::all(client)
    } else {
        Api::namespaced(client, object.namespace)
    };
    let mut selector = format!(
        "involvedObject.name={},involvedObject.kind={}",
        object.name, object.kind
    );
    if !object.namespace.is_empty() {
        let _ = write!(selector, ",involvedObject.namespace={}", object.namespace);
    }
    if !object.uid.is_empty() {
        let _ = write!(selector, ",involvedObject.uid={}", object.uid);
    }
    let list = api.list(&ListParams::default().fields(&selector)).await?;
    let mut events: Vec<Event> = list
        .items
        .into_iter()
        .filter(|e| {
            let o = &e.involved_object;
            o.name.as_deref() == Some(object.name)
                && o.kind.as_deref() == Some(object.kind)
                && (object.uid.is_empty() || o.uid.as_deref().is_none_or(|u| u == object.uid))
        })
        .collect();
    events.sort_by_key(last_seen);
    Ok(events)
}

fn last_seen(e: &Event) -> Option<Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
}

/// Writes the Events section.
pub fn write(w: &mut PrefixWriter, events: &[Event], now: Timestamp) {
    if events.is_empty() {
        w.field(0, "Events", "<none>");
        return;
    }
    w.line(0, "Events:");
    w.line(1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    for e in events {
        let first = e.first_timestamp.as_ref().map(|t| t.0);
        let count = e.count.unwrap_or(0);
        let interval = if count > 1 {
            format!(
                "{} (x{count} over {})",
                age(e.last_timestamp.as_ref().map(|t| t.0), now),
                age(first, now)
            )
        } else {
            age(first.or_else(|| e.event_time.as_ref().map(|t| t.0)), now)
        };
        let from = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| e.reporting_component.clone().filter(|c| !c.is_empty()))
            .unwrap_or_else(|| "<unknown>".to_owned());
        w.line(
            1,
            &format!(
                "{}\t{}\t{interval}\t{from}\t{}",
                e.type_.as_deref().unwrap_or(""),
                e.reason.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("").trim()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_with_repeat_counts() {
        let now: Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
        let events: Vec<Event> = serde_json::from_value(serde_json::json!([
            {"metadata": {"name": "a"}, "involvedObject": {"kind": "Pod", "name": "web"},
             "type": "Normal", "reason": "Scheduled", "message": "Successfully assigned default/web to node-1",
             "source": {"component": "default-scheduler"},
             "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z", "count": 1},
            {"metadata": {"name": "b"}, "involvedObject": {"kind": "Pod", "name": "web"},
             "type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container",
             "source": {"component": "kubelet"},
             "firstTimestamp": "2026-01-01T00:01:00Z", "lastTimestamp": "2026-01-01T00:09:00Z", "count": 5}
        ]))
        .unwrap();
        let mut w = PrefixWriter::default();
        write(&mut w, &events, now);
        assert_eq!(
            w.finish(),
            "Events:\n  Type     Reason     Age               From               Message\n  ----     ------     ----              ----               -------\n  Normal   Scheduled  10m               default-scheduler  Successfully assigned default/web to node-1\n  Warning  BackOff    60s (x5 over 9m)  kubelet            Back-off restarting failed container\n"
        );
        let mut w = PrefixWriter::default();
        write(&mut w, &[], now);
        assert_eq!(w.finish(), "Events:  <none>\n");
    }
}
