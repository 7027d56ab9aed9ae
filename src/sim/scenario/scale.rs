//! The `scale` scenario, for benchmarks: `--namespaces`, `--deployments` and
//! `--pods` (tens of thousands), built directly in the store already Running,
//! as the controllers would have left them; and a churn task restarting random
//! pods' containers at `--churn` updates per second.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use jiff::SignedDuration;
use serde_json::{Value, json};

use super::cluster_objects::{container, deployment, host_ip, namespace, node, pod_cidr, template};
use crate::cli::SimArgs;
use crate::sim::clock::format_time;
use crate::sim::controllers::deployment::{DESIRED_REPLICAS, MAX_REPLICAS, REVISION};
use crate::sim::controllers::kubelet::container_state::{image_id, qualified_image};
use crate::sim::controllers::meta::controller_ref;
use crate::sim::controllers::pod_template_hash::{self, LABEL};
use crate::sim::controllers::replicaset::pod_from_template;
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

fn rt(group: &str, kind: &str) -> anyhow::Result<&'static ResourceType> {
    by_kind(group, kind).with_context(|| format!("{kind} is not a served kind"))
}

/// Builds the scenario and starts the churn task (if `--churn` > 0).
pub fn load(
    store: &Arc<Store>,
    args: &SimArgs,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let namespaces = args.namespaces.max(1);
    let deployments = args.deployments.max(1);
    let node_count = args.pods.div_ceil(PODS_PER_NODE).max(3);
    let created = format_time(store.clock().now() - SignedDuration::from_hours(26));
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
    let mut node_names = Vec::with_capacity(node_count);
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
        node_names.push(name);
    }
    let mut next_node = 1 % node_count;
    let mut next_ip = vec![2_usize; node_count];
    for d in 0..deployments {
        let replicas = args.pods / deployments + usize::from(d < args.pods % deployments);
        let ns = format!("scale-{}", d % namespaces);
        let name = format!("app-{d:04}");
        let image = IMAGES[d % IMAGES.len()];
        build_deployment(store, &ns, &name, image, replicas, &created, |pod| {
            // Workers only (the control plane is tainted), round-robin, 250 pods each.
            let mut tries = 0;
            while next_ip[next_node] > PODS_PER_NODE + 1 && tries < node_count {
                next_node = 1 + next_node % (node_count - 1).max(1);
                tries += 1;
            }
            let n = next_node;
            let ip = format!("{}{}", pod_cidr(n).trim_end_matches("0/24"), next_ip[n]);
            next_ip[n] += 1;
            place(pod, &node_names[n], &host_ip(n), &ip, image, &created);
            next_node = if node_count > 1 {
                1 + next_node % (node_count - 1)
            } else {
                0
            };
        })?;
    }
    if args.churn == 0 {
        return Ok(None);
    }
    let handle =
        tokio::runtime::Handle::try_current().context("the churn task needs a tokio runtime")?;
    Ok(Some(handle.spawn(churn(store.clone(), args.churn))))
}

fn build_deployment(
    store: &Store,
    ns: &str,
    name: &str,
    image: &str,
    replicas: usize,
    created: &str,
    mut place_pod: impl FnMut(&mut Value),
) -> anyhow::Result<()> {
    let labels = json!({"app": name});
    let tpl = template(
        &labels,
        vec![container("main", image, json!([{"containerPort": 80}]))],
    );
    let mut d = deployment(
        ns,
        name,
        replicas as i64,
        &labels,
        tpl.clone(),
        (json!("25%"), json!("25%")),
    );
    d["metadata"]["creationTimestamp"] = json!(created);
    d["metadata"]["annotations"] = json!({REVISION: "1"});
    let d = store
        .restore(rt("apps", "Deployment")?, d)
        .with_context(|| format!("cannot create deployment {name}"))?;
    let hash = pod_template_hash::compute(&tpl, None);
    let mut rs_template = tpl;
    rs_template["metadata"]["labels"][LABEL] = json!(hash);
    let rs_labels = rs_template["metadata"]["labels"].clone();
    let rs = json!({
        "metadata": {
            "name": format!("{name}-{hash}"),
            "namespace": ns,
            "labels": rs_labels,
            "creationTimestamp": created,
            "annotations": {REVISION: "1", DESIRED_REPLICAS: replicas.to_string(), MAX_REPLICAS: (replicas + replicas.div_ceil(4)).to_string()},
            "ownerReferences": [controller_ref(&d)],
        },
        "spec": {"replicas": replicas, "minReadySeconds": 0, "selector": {"matchLabels": rs_labels}, "template": rs_template},
    });
    let rs = store
        .restore(rt("apps", "ReplicaSet")?, rs)
        .with_context(|| format!("cannot create the ReplicaSet of {name}"))?;
    let pod_type = rt("", "Pod")?;
    for _ in 0..replicas {
        // Named by the store from generateName, which retries a name that is taken: 100
        // pods of one ReplicaSet collide in five random characters once in 3,000 sets.
        let mut pod = pod_from_template(&rs);
        pod["metadata"]["creationTimestamp"] = json!(created);
        place_pod(&mut pod);
        store
            .restore(pod_type, pod)
            .context("cannot create a pod")?;
    }
    Ok(())
}

/// Makes `pod` a Running, ready pod on `node`.
fn place(pod: &mut Value, node: &str, host_ip: &str, ip: &str, image: &str, since: &str) {
    pod["spec"]["nodeName"] = json!(node);
    let condition = |kind: &str| json!({"type": kind, "status": "True", "lastProbeTime": null, "lastTransitionTime": since});
    let container_id: String = (0..64)
        .map(|_| char::from_digit(fastrand::u32(..16), 16).unwrap_or('0'))
        .collect();
    let conditions = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    .map(condition);
    pod["status"] = json!({
        "phase": "Running",
        "qosClass": "BestEffort",
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": since,
        "conditions": conditions,
        "containerStatuses": [{
            "name": "main",
            "state": {"running": {"startedAt": since}},
            "lastState": {},
            "ready": true,
            "restartCount": 0,
            "image": qualified_image(image),
            "imageID": image_id(image),
            "containerID": format!("containerd://{container_id}"),
            "started": true,
        }],
    });
}

/// Restarts random pods' containers, `rate` per second, in batches every 100 ms.
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
            let _ = store.modify(pods, ns, name, |p| {
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
