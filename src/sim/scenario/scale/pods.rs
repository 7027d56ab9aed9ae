//! The scale-up's pods as the controllers, the admission chain and the kubelet leave
//! them: created by the ReplicaSet controller, given their token volume, bound, started
//! and ready, with the managedFields of the controller manager's create and the
//! kubelet's status. The field sets are recorded once per ReplicaSet and copied to its
//! other pods (they differ only by the pod IP), so 50,000 pods load in seconds.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::sim::admission;
use crate::sim::clock::format_time;
use crate::sim::controllers::kubelet::container_state::{
    image_id, qualified_image, volume_mount_statuses,
};
use crate::sim::controllers::replicaset::pod_from_template;
use crate::sim::managed_fields::{KUBE_CONTROLLER_MANAGER, KUBELET, record_create, record_update};
use crate::sim::resources::ResourceType;

/// When the steps of a scale-up happened, for every pod of one ReplicaSet.
#[derive(Clone, Copy)]
pub struct Steps {
    /// The pods were created.
    pub created: Timestamp,
    /// Bound to their nodes.
    pub scheduled: Timestamp,
    /// The kubelet accepted them and started the containers.
    pub started: Timestamp,
    /// Ready.
    pub ready: Timestamp,
}

impl Steps {
    /// A scale-up begun at `at`: bound a second later, started two, ready four.
    pub fn from(at: Timestamp) -> Self {
        let later = |s| {
            at.saturating_add(SignedDuration::from_secs(s))
                .unwrap_or(at)
        };
        Self {
            created: at,
            scheduled: later(1),
            started: later(2),
            ready: later(4),
        }
    }
}

/// Where one pod runs.
pub struct Placement<'a> {
    /// The node.
    pub node: &'a str,
    /// The node's InternalIP.
    pub host_ip: &'a str,
    /// The pod's IP.
    pub ip: &'a str,
}

/// Makes the pods of one ReplicaSet.
pub struct PodMaker<'a> {
    pods: &'static ResourceType,
    rs: &'a Value,
    image: &'a str,
    steps: Steps,
    /// The first pod's managedFields and IP, copied to the others.
    recorded: Option<(Value, String)>,
}

impl<'a> PodMaker<'a> {
    /// A maker for the pods of `rs` running `image`.
    pub fn new(pods: &'static ResourceType, rs: &'a Value, image: &'a str, steps: Steps) -> Self {
        Self {
            pods,
            rs,
            image,
            steps,
            recorded: None,
        }
    }

    /// One pod, Running and ready where `at` says.
    pub fn pod(&mut self, at: &Placement<'_>) -> Value {
        let mut pod = pod_from_template(self.rs);
        pod["metadata"]["creationTimestamp"] = json!(format_time(self.steps.created));
        if self.recorded.is_none() {
            record_create(
                self.pods,
                &mut pod,
                &KUBE_CONTROLLER_MANAGER,
                self.steps.created,
            );
        }
        admission::mutate_on_create(self.pods, &mut pod);
        pod["spec"]["nodeName"] = json!(at.node);
        let scheduled = condition("PodScheduled", self.steps.scheduled);
        pod["status"]["conditions"] = json!([scheduled]);
        if let Some((fields, ip)) = &self.recorded {
            self.run(&mut pod, at);
            pod["metadata"]["managedFields"] = with_ip(fields, ip, at.ip);
            return pod;
        }
        let mut running = pod.clone();
        self.run(&mut running, at);
        record_update(
            self.pods,
            &pod,
            &mut running,
            Some(&KUBELET),
            self.steps.ready,
        );
        let fields = running["metadata"]["managedFields"].clone();
        self.recorded = Some((fields, at.ip.to_string()));
        running
    }

    /// The kubelet's status of a running, ready pod.
    fn run(&self, pod: &mut Value, at: &Placement<'_>) {
        let (started, ready) = (self.steps.started, self.steps.ready);
        let container_id: String = (0..64)
            .map(|_| char::from_digit(fastrand::u32(..16), 16).unwrap_or('0'))
            .collect();
        let container = &pod["spec"]["containers"][0];
        let mut status = json!({
            "name": container["name"],
            "state": {"running": {"startedAt": format_time(started)}},
            "lastState": {},
            "ready": true,
            "restartCount": 0,
            "image": qualified_image(self.image),
            "imageID": image_id(self.image),
            "containerID": format!("containerd://{container_id}"),
            "started": true,
        });
        if let Some(mounts) = volume_mount_statuses(container) {
            status["volumeMounts"] = mounts;
        }
        let qos = pod["status"]["qosClass"].clone();
        pod["status"] = json!({
            "phase": "Running",
            "qosClass": qos,
            "hostIP": at.host_ip,
            "hostIPs": [{"ip": at.host_ip}],
            "podIP": at.ip,
            "podIPs": [{"ip": at.ip}],
            "startTime": format_time(started),
            "conditions": [
                condition("PodReadyToStartContainers", started),
                condition("Initialized", started),
                condition("Ready", ready),
                condition("ContainersReady", ready),
                condition("PodScheduled", self.steps.scheduled),
            ],
            "containerStatuses": [status],
        });
    }
}

fn condition(kind: &str, since: Timestamp) -> Value {
    json!({"type": kind, "status": "True", "lastProbeTime": null, "lastTransitionTime": format_time(since)})
}

/// The managedFields of a pod with `old_ip`, for a pod with `new_ip`: the kubelet's
/// field set names the pod IP (`k:{"ip":"10.244.1.7"}`).
fn with_ip(fields: &Value, old_ip: &str, new_ip: &str) -> Value {
    let (from, to) = (format!("\\\"{old_ip}\\\""), format!("\\\"{new_ip}\\\""));
    let mut fields = fields.clone();
    for entry in fields.as_array_mut().into_iter().flatten() {
        if let Some(text) = entry["fieldsV1"].as_str()
            && text.contains(&from)
        {
            entry["fieldsV1"] = json!(text.replace(&from, &to));
        }
    }
    fields
}
