//! Events (core/v1), with kubectl's fallbacks for count and timestamps.

use kube::{Api, Client};

use super::lean::event::Event;
use super::{ToRow, namespaced_api};
use crate::cluster::model::{Detail, EventRow, Health, Kind};
use crate::cluster::watch::About;

impl ToRow for Event {
    const KIND: Kind = Kind::Event;

    fn about(&self) -> Option<About<'_>> {
        let object = &self.involved_object;
        Some(About {
            kind: object.kind.as_deref().unwrap_or_default(),
            // An involved object's namespace is the event's own for namespaced objects.
            namespace: object
                .namespace
                .as_deref()
                .or(self.metadata.namespace.as_deref())
                .unwrap_or_default(),
            name: object.name.as_deref().unwrap_or_default(),
        })
    }

    fn detail(&self) -> (Detail, Health) {
        let event_time = self.event_time.as_ref().map(|t| t.0);
        let first_seen = self.first_timestamp.as_ref().map(|t| t.0).or(event_time);
        let mut last_seen = self.last_timestamp.as_ref().map(|t| t.0).or(first_seen);
        let mut count = self.count.unwrap_or(0);
        if let Some(series) = &self.series {
            last_seen = series
                .last_observed_time
                .as_ref()
                .map(|t| t.0)
                .or(last_seen);
            count = series.count.unwrap_or(count);
        } else if count == 0 {
            count = 1;
        }
        let object = &self.involved_object;
        let row = EventRow {
            type_: self.type_.clone().unwrap_or_default(),
            reason: self.reason.clone().unwrap_or_default(),
            object_kind: object.kind.clone().unwrap_or_default(),
            object_name: object.name.clone().unwrap_or_default(),
            object_namespace: object.namespace.clone().unwrap_or_default(),
            message: self.message.as_deref().unwrap_or("").trim().to_owned(),
            count,
            first_seen,
            last_seen,
        };
        let health = if row.type_ == "Warning" {
            Health::Err
        } else {
            Health::Neutral
        };
        (Detail::Event(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singleton_event_counts_one_and_falls_back_to_event_time() {
        let ev: Event = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web.1", "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "default"},
            "type": "Warning", "reason": "BackOff", "message": " Back-off restarting \n",
            "eventTime": "2026-01-01T00:00:00.000000Z"
        }))
        .unwrap();
        let row = ev.to_row();
        let Detail::Event(r) = &row.detail else {
            panic!("{row:?}")
        };
        assert_eq!(r.count, 1);
        assert_eq!(r.message, "Back-off restarting");
        assert_eq!(r.last_seen, r.first_seen);
        assert!(r.first_seen.is_some());
        assert_eq!(row.health, Health::Err);
    }
}
