//! The Events a scale-up leaves, as the real components record them: per pod the
//! scheduler's Scheduled and the kubelet's Pulled (Pulling first, on a node that lacked
//! the image), Created and Started; per ReplicaSet the controller's SuccessfulCreate
//! events, which client-go's correlator combines after nine and throttles after 25
//! (so a 5,000-replica ReplicaSet has ten, not 5,000); per Deployment its
//! ScalingReplicaSet. About four a pod: 20,000 in a namespace of 5,000 pods.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::pods::Steps;
use crate::sim::controllers::events::{Note, Reporter, Source, core_event, normal, v1_event};
use crate::sim::managed_fields::{
    KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER, KUBELET, Manager, record_create,
};
use crate::sim::resources::ResourceType;

/// The scheduler as its events name it (on the control plane node).
const SCHEDULER: Reporter<'static> = Reporter {
    controller: "default-scheduler",
    instance: "default-scheduler-kdeck-control-plane",
};
const SUCCESSFUL_CREATE_SINGLES: usize = 9;
const SUCCESSFUL_CREATE_BUDGET: usize = 25;

/// Builds the Events of one Deployment's scale-up. Events of one kind share their
/// managedFields (same manager, fields and time), recorded once.
pub struct EventMaker {
    events: &'static ResourceType,
    steps: Steps,
    fields: HashMap<&'static str, Value>,
    made: Vec<Value>,
}

impl EventMaker {
    /// A maker for a scale-up that went as `steps` say.
    pub fn new(events: &'static ResourceType, steps: Steps) -> Self {
        Self {
            events,
            steps,
            fields: HashMap::new(),
            made: Vec::new(),
        }
    }

    fn push(&mut self, shape: &'static str, mut event: Value, manager: &Manager, at: Timestamp) {
        let events = self.events;
        let fields = self.fields.entry(shape).or_insert_with(|| {
            let mut sample = event.clone();
            record_create(events, &mut sample, manager, at);
            sample["metadata"]["managedFields"].take()
        });
        event["metadata"]["managedFields"] = fields.clone();
        self.made.push(event);
    }

    /// The events about one pod, on `node`; `pulled` when the node pulled the image for it.
    pub fn pod(&mut self, pod: &Value, node: &str, image: &str, pulled: bool) {
        let steps = self.steps;
        let message = format!(
            "Successfully assigned {}/{} to {node}",
            pod["metadata"]["namespace"].as_str().unwrap_or_default(),
            pod["metadata"]["name"].as_str().unwrap_or_default()
        );
        // The scheduler's eventTime has microseconds.
        let at = steps.scheduled + SignedDuration::from_micros(183_412);
        let scheduled = v1_event(pod, SCHEDULER, "Binding", &normal("Scheduled", message), at);
        self.push("Scheduled", scheduled, &KUBE_SCHEDULER, steps.scheduled);
        let kubelet = Source {
            component: "kubelet",
            host: Some(node),
        };
        let container = pod["spec"]["containers"][0]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let on_container = |reason: &'static str, message: String| Note {
            field_path: Some(format!("spec.containers{{{container}}}")),
            ..normal(reason, message)
        };
        let mut notes = Vec::with_capacity(4);
        if pulled {
            notes.push(on_container(
                "Pulling",
                format!("Pulling image \"{image}\""),
            ));
            notes.push(on_container(
                "Pulled",
                format!(
                    "Successfully pulled image \"{image}\" in 812ms (812ms including waiting). Image size: 72195292 bytes."
                ),
            ));
        } else {
            notes.push(on_container(
                "Pulled",
                format!("Container image \"{image}\" already present on machine"),
            ));
        }
        notes.push(on_container(
            "Created",
            format!("Created container: {container}"),
        ));
        notes.push(on_container(
            "Started",
            format!("Started container {container}"),
        ));
        for note in notes {
            let event = core_event(pod, kubelet, &note, steps.started);
            self.push(note.reason, event, &KUBELET, steps.started);
        }
    }

    /// The ReplicaSet controller's events about creating `pods` (names, in creation order).
    pub fn replica_set(&mut self, rs: &Value, pods: &[String]) {
        let source = Source::controller("replicaset-controller");
        let at = self.steps.created;
        for pod in pods.iter().take(SUCCESSFUL_CREATE_SINGLES) {
            let note = normal("SuccessfulCreate", format!("Created pod: {pod}"));
            let event = core_event(rs, source, &note, at);
            self.push("SuccessfulCreate", event, &KUBE_CONTROLLER_MANAGER, at);
        }
        let combined = pods
            .len()
            .min(SUCCESSFUL_CREATE_BUDGET)
            .saturating_sub(SUCCESSFUL_CREATE_SINGLES);
        if let Some(last) = pods.get(SUCCESSFUL_CREATE_SINGLES - 1 + combined)
            && combined > 0
        {
            let note = normal(
                "SuccessfulCreate",
                format!("(combined from similar events): Created pod: {last}"),
            );
            let mut event = core_event(rs, source, &note, at);
            event["count"] = json!(combined);
            event["reportingComponent"] = json!("");
            event["reportingInstance"] = json!("");
            self.push("combined", event, &KUBE_CONTROLLER_MANAGER, at);
        }
    }

    /// The Deployment controller's event about scaling `rs` up to `replicas`.
    pub fn deployment(&mut self, deployment: &Value, rs: &Value, replicas: usize) {
        let note = normal(
            "ScalingReplicaSet",
            format!(
                "Scaled up replica set {} from 0 to {replicas}",
                rs["metadata"]["name"].as_str().unwrap_or_default()
            ),
        );
        let at = self.steps.created;
        let event = core_event(
            deployment,
            Source::controller("deployment-controller"),
            &note,
            at,
        );
        self.push("ScalingReplicaSet", event, &KUBE_CONTROLLER_MANAGER, at);
    }

    /// The events made, to be loaded.
    pub fn take(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.made)
    }
}
