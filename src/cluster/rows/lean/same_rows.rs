//! The lean types give the rows the full k8s-openapi types gave. The row code of pods and
//! events is compiled a second time here over the full types (`full_pod` and `full_event`
//! are the same files, their `super::lean` being k8s-openapi's types), and both decodings
//! of the same objects must give the same rows: a real v1.20 kube-apiserver's pod, and
//! pods and events as the embedded cluster serves them, with their managedFields, in the
//! states the row code tells apart. Compiled this way, the printPod cases of
//! `pod/tests.rs` run over both types too.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

// What the files compiled again below import from their parent.
use super::super::{ToRow, namespaced_api};
use crate::cluster::Row;

/// The full types, under the names the row code imports.
mod lean {
    pub mod pod {
        pub use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, PodCondition};
    }
    pub mod event {
        pub use k8s_openapi::api::core::v1::Event;
    }
}

#[expect(
    clippy::duplicate_mod,
    reason = "the same row code over the full types"
)]
#[path = "../event.rs"]
mod full_event;
#[expect(
    clippy::duplicate_mod,
    reason = "the same row code over the full types"
)]
#[path = "../pod.rs"]
mod full_pod;

/// A real kube-apiserver v1.20.2's pod of a Deployment (managedFields, token volume).
const REAL_POD: &str = include_str!("../../../../tests/fixtures/real-apiserver-v1.20/pod.json");
/// Pods and events as `kdeck sim` served them (`kubectl get --show-managed-fields -o json`).
const SIM_OBJECTS: &str = include_str!("../../../../tests/fixtures/sim-served/objects.json");

fn sim_objects(key: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(SIM_OBJECTS).unwrap();
    all[key].as_array().unwrap().clone()
}

/// The row of `object` decoded as `T`.
fn row_as<T: ToRow>(object: &Value) -> Row {
    fn decode<T: DeserializeOwned>(object: &Value) -> T {
        serde_json::from_value(object.clone()).unwrap()
    }
    decode::<T>(object).into_row()
}

#[test]
fn pods_give_the_rows_the_full_types_gave() {
    let mut pods = sim_objects("pods");
    pods.push(serde_json::from_str(REAL_POD).unwrap());
    let mut statuses = BTreeSet::new();
    for pod in &pods {
        let lean = row_as::<super::pod::Pod>(pod);
        let full = row_as::<k8s_openapi::api::core::v1::Pod>(pod);
        assert_eq!(lean, full, "{}", pod["metadata"]["name"]);
        let lean_pod: super::pod::Pod = serde_json::from_value(pod.clone()).unwrap();
        let full_pod: k8s_openapi::api::core::v1::Pod =
            serde_json::from_value(pod.clone()).unwrap();
        let status = crate::cluster::rows::pod_status(&lean_pod);
        assert_eq!(status, full_pod::pod_status(&full_pod));
        statuses.insert(status);
    }
    // The fixture still holds the states that take different paths through printPod.
    for expected in [
        "Running",
        "Completed",
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "Terminating",
    ] {
        assert!(
            statuses.contains(expected),
            "no {expected} pod in {statuses:?}"
        );
    }
}

#[test]
fn events_give_the_rows_the_full_types_gave() {
    let events = sim_objects("events");
    assert!(events.len() > 10);
    for event in &events {
        let lean = row_as::<super::event::Event>(event);
        let full = row_as::<k8s_openapi::api::core::v1::Event>(event);
        assert_eq!(lean, full, "{}", event["metadata"]["name"]);
    }
}
