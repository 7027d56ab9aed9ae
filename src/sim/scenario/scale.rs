//! The `scale` scenario, for benchmarks: `--namespaces`, `--deployments` and `--pods`
//! (tens of thousands), built directly in the store as a recent scale-up would have left
//! them (pods as real ones are, with their token volume, kubelet status and
//! managedFields, and the Events the scale-up left, an hour's worth; see [`pods`] and
//! [`events`]); and a churn task restarting random pods' containers at `--churn`
//! updates per second, as the kubelet reports them.

mod events;
mod pods;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use self::events::EventMaker;
use self::pods::{Placement, PodMaker, Steps};
use super::cluster_objects::{container, deployment, host_ip, namespace, node, pod_cidr, template};
use crate::cli::SimArgs;
use crate::sim::clock::format_time;
use crate::sim::controllers::deployment::{DESIRED_REPLICAS, MAX_REPLICAS, REVISION};
use crate::sim::controllers::meta::controller_ref;
use crate::sim::controllers::pod_template_hash::{self, LABEL};
use crate::sim::managed_fields::{
    KUBE_CONTROLLER_MANAGER, KUBELET, Manager, record_create, record_update,
};
use crate::sim::resources::{ResourceType, by_kind};
use crate::sim::store::Store;

/// Pods per node (a /24 pod range holds 253).
const PODS_PER_NODE: usize = 250;
const IMAGES: [&str; 4] = [
    "nginx:1.27.3",
    "nginx:1.26.2",
    "gcr.io/google-samples/hello-app:1.0",
    "redis:7.4.1",
];
/// When the scale-up began, and over how long its Deployments were applied: recent
/// enough that its Events are still kept (an hour).
const SCALE_UP_AGO: SignedDuration = SignedDuration::from_mins(15);
const SCALE_UP_SPREAD_SECS: i64 = 300;

fn rt(group: &str, kind: &str) -> anyhow::Result<&'static ResourceType> {
    by_kind(group, kind).with_context(|| format!("{kind} is not a served kind"))
}

/// The nodes: a tainted control plane, then workers, and where the next pod goes.
struct Nodes {
    names: Vec<String>,
    next: usize,
    next_ip: Vec<usize>,
    /// The images each node has pulled.
    pulled: HashSet<(usize, &'static str)>,
}

impl Nodes {
    /// The next worker with room (round-robin, 250 pods each), the pod's IP, and whether
    /// the node pulls `image` for it.
    fn place(&mut self, image: &'static str) -> (usize, String, bool) {
        let count = self.names.len();
        let mut tries = 0;
        while self.next_ip[self.next] > PODS_PER_NODE + 1 && tries < count {
            self.next = 1 + self.next % (count - 1).max(1);
            tries += 1;
        }
        let n = self.next;
        let ip = format!(
            "{}{}",
            pod_cidr(n).trim_end_matches("0/24"),
            self.next_ip[n]
        );
        self.next_ip[n] += 1;
        self.next = if count > 1 {
            1 + self.next % (count - 1)
        } else {
            0
        };
        (n, ip, self.pulled.insert((n, image)))
    }
}

/// Builds the scenario and starts the churn task (if `--churn` > 0).
pub fn load(
    store: &Arc<Store>,
    args: &SimArgs,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let namespaces = args.namespaces.max(1);
    let deployments = args.deployments.max(1);
    let node_count = args.pods.div_ceil(PODS_PER_NODE).max(3);
    let now = store.clock().now();
    let created = format_time(now - SignedDuration::from_hours(26));
    let ns_type = rt("", "Namespace")?;
    for ns in (0..namespaces)
        .map(|i| format!("scale-{i}"))
        .chain(["default".to_string(), "kube-system".to_string()])
    {
        let mut obj = namespace(&ns);
        obj["metadata"]["creationTimestamp"] = json!(created);
        if let Err(e) = store.restore(ns_type, obj) {
            anyhow::ensure!(e.code == 409, "cannot create namespace {ns}: {e}");
        }
    }
    let node_type = rt("", "Node")?;
    let mut names = Vec::with_capacity(node_count);
    for i in 0..node_count {
        let name = if i == 0 {
            "kdeck-control-plane".to_string()
        } else {
            format!(
                "kdeck-worker{}",
                if i == 1 { String::new() } else { i.to_string() }
            )
        };
        let mut obj = node(&name, i, i == 0);
        obj["metadata"]["creationTimestamp"] = json!(created);
        store
            .restore(node_type, obj)
            .with_context(|| format!("cannot create node {name}"))?;
        names.push(name);
    }
    let mut nodes = Nodes {
        names,
        next: 1 % node_count,
        next_ip: vec![2_usize; node_count],
        pulled: HashSet::new(),
    };
    let began = now - SCALE_UP_AGO;
    for d in 0..deployments {
        let replicas = args.pods / deployments + usize::from(d < args.pods % deployments);
        let spread = SCALE_UP_SPREAD_SECS * d as i64 / deployments as i64;
        let app = App {
            namespace: format!("scale-{}", d % namespaces),
            name: format!("app-{d:04}"),
            image: IMAGES[d % IMAGES.len()],
            replicas,
        };
        app.scale_up(store, &mut nodes, began + SignedDuration::from_secs(spread))?;
    }
    if args.churn == 0 {
        return Ok(None);
    }
    let handle =
        tokio::runtime::Handle::try_current().context("the churn task needs a tokio runtime")?;
    Ok(Some(handle.spawn(churn(store.clone(), args.churn))))
}

/// One Deployment of the scenario.
struct App {
    namespace: String,
    name: String,
    image: &'static str,
    replicas: usize,
}

impl App {
    /// The Deployment applied with kubectl at `at`, its ReplicaSet, its pods running and
    /// the Events of it all.
    fn scale_up(&self, store: &Store, nodes: &mut Nodes, at: Timestamp) -> anyhow::Result<()> {
        let steps = Steps::from(at);
        let d = store
            .restore(rt("apps", "Deployment")?, self.deployment(at)?)
            .with_context(|| format!("cannot create deployment {}", self.name))?;
        let rs = store
            .restore(rt("apps", "ReplicaSet")?, self.replica_set(&d, at)?)
            .with_context(|| format!("cannot create the ReplicaSet of {}", self.name))?;
        let pod_type = rt("", "Pod")?;
        let mut pods = PodMaker::new(pod_type, &rs, self.image, steps);
        let mut events = EventMaker::new(rt("", "Event")?, steps);
        let mut names = Vec::with_capacity(self.replicas);
        for _ in 0..self.replicas {
            let (n, ip, pulled) = nodes.place(self.image);
            let node = nodes.names[n].clone();
            let host = host_ip(n);
            let pod = pods.pod(&Placement {
                node: &node,
                host_ip: &host,
                ip: &ip,
            });
            // Named by the store from generateName, which retries a name that is taken:
            // 100 pods of one ReplicaSet collide in five random characters once in 3,000 sets.
            let pod = store
                .restore(pod_type, pod)
                .context("cannot create a pod")?;
            events.pod(&pod, &node, self.image, pulled);
            names.push(
                pod["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        events.replica_set(&rs, &names);
        events.deployment(&d, &rs, self.replicas);
        let event_type = rt("", "Event")?;
        for e in events.take() {
            store
                .restore(event_type, e)
                .context("cannot create an event")?;
        }
        Ok(())
    }

    fn template(&self) -> Value {
        let labels = json!({"app": self.name});
        template(
            &labels,
            vec![container(
                "main",
                self.image,
                json!([{"containerPort": 80}]),
            )],
        )
    }

    /// The Deployment as `kubectl apply` created it.
    fn deployment(&self, at: Timestamp) -> anyhow::Result<Value> {
        let labels = json!({"app": self.name});
        let applied = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"annotations": {}, "labels": labels, "name": self.name, "namespace": self.namespace},
            "spec": {"replicas": self.replicas, "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                    {"image": self.image, "name": "main", "ports": [{"containerPort": 80}]}]}}},
        });
        let mut d = deployment(
            &self.namespace,
            &self.name,
            self.replicas as i64,
            &labels,
            self.template(),
            (json!("25%"), json!("25%")),
        );
        d["metadata"]["annotations"] = json!({
            "kubectl.kubernetes.io/last-applied-configuration": format!("{applied}\n"),
        });
        let deployments = rt("apps", "Deployment")?;
        let applier = Manager::update("kubectl-client-side-apply");
        record_create(deployments, &mut d, &applier, at);
        // The Deployment controller's revision (its status comes on its first pass).
        let applied = d.clone();
        d["metadata"]["annotations"][REVISION] = json!("1");
        record_update(
            deployments,
            &applied,
            &mut d,
            Some(&KUBE_CONTROLLER_MANAGER),
            at,
        );
        d["metadata"]["creationTimestamp"] = json!(format_time(at));
        Ok(d)
    }

    /// The ReplicaSet the Deployment controller created for it.
    fn replica_set(&self, d: &Value, at: Timestamp) -> anyhow::Result<Value> {
        let replicas = self.replicas;
        let tpl = self.template();
        let hash = pod_template_hash::compute(&tpl, None);
        let mut rs_template = tpl;
        rs_template["metadata"]["labels"][LABEL] = json!(hash);
        let rs_labels = rs_template["metadata"]["labels"].clone();
        let mut rs = json!({
            "metadata": {
                "name": format!("{}-{hash}", self.name),
                "namespace": self.namespace,
                "labels": rs_labels,
                "annotations": {REVISION: "1", DESIRED_REPLICAS: replicas.to_string(), MAX_REPLICAS: (replicas + replicas.div_ceil(4)).to_string()},
                "ownerReferences": [controller_ref(d)],
            },
            "spec": {"replicas": replicas, "minReadySeconds": 0, "selector": {"matchLabels": rs_labels}, "template": rs_template},
        });
        record_create(
            rt("apps", "ReplicaSet")?,
            &mut rs,
            &KUBE_CONTROLLER_MANAGER,
            at,
        );
        rs["metadata"]["creationTimestamp"] = json!(format_time(at));
        Ok(rs)
    }
}

/// Restarts random pods' containers, `rate` per second, in batches every 100 ms, as the
/// kubelet reports it.
async fn churn(store: Arc<Store>, rate: u32) {
    let Ok(pods) = rt("", "Pod") else {
        return;
    };
    let mut interval = tokio::time::interval(Duration::from_millis(100));
    let mut owed = 0.0_f64;
    loop {
        interval.tick().await;
        owed += f64::from(rate) / 10.0;
        let (all, _) = store.list(pods, None);
        if all.is_empty() {
            continue;
        }
        while owed >= 1.0 {
            owed -= 1.0;
            let pod = &all[fastrand::usize(..all.len())];
            let now = format_time(store.clock().now());
            let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
            let name = pod["metadata"]["name"].as_str().unwrap_or("");
            // A gone pod is fine: churn goes on with the next one.
            let _ = store.modify_by(pods, ns, name, Some(&KUBELET), |p| {
                if let Some(s) = p["status"]["containerStatuses"].get_mut(0) {
                    let started = s["state"]["running"]["startedAt"].clone();
                    s["lastState"] = json!({"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": started, "finishedAt": now}});
                    s["restartCount"] = json!(s["restartCount"].as_i64().unwrap_or(0) + 1);
                    s["state"] = json!({"running": {"startedAt": now}});
                    s["ready"] = json!(false);
                }
                Ok(())
            });
        }
    }
}
