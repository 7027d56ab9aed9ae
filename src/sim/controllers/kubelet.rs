//! The kubelet stand-in: starts pods bound to a node (startTime, hostIP, podIP
//! from the node's pod CIDR, container statuses, conditions), moves their
//! containers on as simulated time passes (see [`container_state`]), and stops
//! deleted pods (`Killing`), removing them once their containers have exited: within
//! seconds, or at the end of the grace period for those that ignore SIGTERM (see
//! [`termination`]).

pub mod container_state;
pub mod image_behaviour;
pub mod oom;
pub mod run_to_completion;
pub mod termination;

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde_json::{Value, json};

use self::container_state::ContainerContext;
use super::events::{Note, Source, normal, record};
use super::meta::{is_terminating, kind, name, namespace, time_at, uid};
use super::pass::Pass;
use super::pod_defaults::qos_class;
use super::pod_state::phase;
use super::scheduler::set_pod_condition;
use crate::sim::clock::format_time;
use crate::sim::managed_fields::KUBELET;
use crate::sim::store::Obj;

/// The nodes as the kubelets see them: addresses and pod IP ranges.
struct NodeNet {
    host_ip: String,
    /// `10.244.N.` for a node with pod CIDR `10.244.N.0/24`.
    pod_prefix: String,
}

fn node_nets(pass: &Pass<'_>) -> HashMap<String, NodeNet> {
    pass.all("", "Node")
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let host_ip = n["status"]["addresses"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|a| a["type"] == "InternalIP")
                .and_then(|a| a["address"].as_str())
                .map_or_else(|| format!("172.18.0.{}", i + 2), str::to_string);
            let pod_prefix = n["spec"]["podCIDR"]
                .as_str()
                .and_then(|c| c.strip_suffix(".0/24"))
                .map_or_else(|| format!("10.244.{i}."), |p| format!("{p}."));
            (
                name(n).to_string(),
                NodeNet {
                    host_ip,
                    pod_prefix,
                },
            )
        })
        .collect()
}

/// Simulated seconds between two node status heartbeats.
const HEARTBEAT_SECS: i64 = 60;

/// Each node's kubelet posts its status now and then: the conditions' `lastHeartbeatTime`.
fn heartbeat(pass: &Pass<'_>) {
    let stamp = format_time(pass.now);
    for node in pass.all("", "Node") {
        let stale = node["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| {
                time_at(c, "/lastHeartbeatTime")
                    .is_none_or(|t| pass.now.duration_since(t).as_secs() >= HEARTBEAT_SECS)
            });
        if !stale {
            continue;
        }
        pass.modify(&KUBELET, kind("", "Node"), "", name(&node), |v| {
            for c in v["status"]["conditions"]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                c["lastHeartbeatTime"] = json!(stamp);
                if c["lastTransitionTime"].is_null() {
                    c["lastTransitionTime"] = json!(stamp);
                }
            }
        });
    }
}

/// Runs every node's kubelet over `pods` (every pod in the store).
pub fn reconcile(pass: &Pass<'_>, pods: &[Obj]) {
    heartbeat(pass);
    let mut work: Vec<&Obj> = Vec::new();
    for pod in pods {
        let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
        if is_terminating(pod) {
            stop(pass, pod, node);
        } else if !(node.is_empty()
            || matches!(phase(pod), "Succeeded" | "Failed")
            || is_settled(pod))
        {
            work.push(pod);
        }
    }
    if work.is_empty() {
        return;
    }
    let nets = node_nets(pass);
    // Pod IPs in use, per node: only the nodes that start pods need them.
    let mut used: HashMap<&str, HashSet<String>> = HashMap::new();
    for pod in &work {
        used.entry(pod["spec"]["nodeName"].as_str().unwrap_or(""))
            .or_default();
    }
    let mut images: HashMap<&str, NodeImages> = HashMap::new();
    let no_images = NodeImages::new();
    for p in pods {
        let node = p["spec"]["nodeName"].as_str().unwrap_or("");
        let Some(ips) = used.get_mut(node) else {
            continue;
        };
        if let Some(ip) = p["status"]["podIP"].as_str() {
            ips.insert(ip.to_string());
        }
        // An image is on the node once a container of it has started there.
        let Some(started) = time_at(p, "/status/startTime") else {
            continue;
        };
        let specs = p["spec"]["containers"].as_array().into_iter().flatten();
        let statuses = p["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten();
        for (spec, status) in specs.zip(statuses) {
            if (status["started"] == true || status["restartCount"].as_i64().unwrap_or(0) > 0)
                && let Some(image) = spec["image"].as_str()
            {
                let first = images
                    .entry(node)
                    .or_default()
                    .entry(image.to_string())
                    .or_insert(started);
                *first = (*first).min(started);
            }
        }
    }
    for pod in work {
        let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
        let (Some(net), Some(node_used)) = (nets.get(node), used.get_mut(node)) else {
            continue;
        };
        let images = images.get(node).map_or(&no_images, |m| m);
        sync_pod(pass, pod, node, net, node_used, images);
    }
}

/// A running pod whose containers are all ready and healthy: nothing will change
/// until someone else changes it (the common case, skipped cheaply at scale).
fn is_settled(pod: &Value) -> bool {
    if run_to_completion::runs_to_completion(pod) {
        return false;
    }
    let statuses = pod["status"]["containerStatuses"].as_array();
    let specs = pod["spec"]["containers"].as_array();
    matches!((statuses, specs), (Some(st), Some(sp)) if st.len() == sp.len())
        && pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|s| {
                s["ready"] == true
                    && s["state"]["running"].is_object()
                    && container_state::behaviour(s["image"].as_str().unwrap_or(""))
                        .settles_when_ready()
            })
}

fn kubelet(node: &str) -> Source<'_> {
    Source {
        component: "kubelet",
        host: Some(node),
    }
}

/// The images each node has pulled, with the start of the first pod that used them.
type NodeImages = HashMap<String, Timestamp>;

fn sync_pod(
    pass: &Pass<'_>,
    pod: &Obj,
    node: &str,
    net: &NodeNet,
    used: &mut HashSet<String>,
    images: &NodeImages,
) {
    let now = pass.now;
    let Some(started) = time_at(pod, "/status/startTime") else {
        accept(pass, pod, node, net, images);
        return;
    };
    let pod_ref = format!("{}_{}({})", name(pod), namespace(pod), uid(pod));
    let mut status = pod["status"].clone();
    let mut events: Vec<Note<'static>> = Vec::new();
    let specs = pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut statuses = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let ctx = ContainerContext {
            spec,
            pod_ref: pod_ref.clone(),
            pod_started: started,
            now,
            image_present: image_present(spec, images, started),
            run_secs: run_to_completion::run_secs(pod, spec),
            restart_on_failure: pod["spec"]["restartPolicy"] == "OnFailure",
        };
        let current = status["containerStatuses"]
            .get(i)
            .cloned()
            .unwrap_or_else(|| ctx.creating());
        let (next, notes) = ctx.advance(&current);
        events.extend(notes);
        statuses.push(next);
    }
    let any_started = statuses
        .iter()
        .any(|s| s["state"]["running"].is_object() || s["restartCount"].as_i64().unwrap_or(0) > 0);
    if any_started && status["podIP"].is_null() && pod["spec"]["hostNetwork"] == true {
        status["podIP"] = json!(net.host_ip);
        status["podIPs"] = json!([{"ip": net.host_ip}]);
    }
    if any_started && status["podIP"].is_null() {
        let Some(ip) = (2..=254)
            .map(|n| format!("{}{n}", net.pod_prefix))
            .find(|ip| !used.contains(ip))
        else {
            return;
        };
        used.insert(ip.clone());
        status["podIP"] = json!(ip);
        status["podIPs"] = json!([{"ip": ip}]);
    }
    if any_started {
        status["phase"] = json!("Running");
    }
    let finished = run_to_completion::finished_phase(pod, &statuses);
    if let Some(phase) = finished {
        status["phase"] = json!(phase);
    }
    let all_ready = !statuses.is_empty() && statuses.iter().all(|s| s["ready"] == true);
    status["containerStatuses"] = Value::Array(statuses);
    let statuses = status["containerStatuses"].clone();
    let mut wrapper = json!({"status": status});
    set_readiness(
        &mut wrapper,
        all_ready,
        now,
        &pod["spec"]["containers"],
        &statuses,
    );
    if finished.is_some() {
        run_to_completion::mark_completed(&mut wrapper);
    }
    let status = wrapper["status"].take();
    if status == pod["status"] {
        return;
    }
    let written = pass.modify(&KUBELET, kind("", "Pod"), namespace(pod), name(pod), |v| {
        v["status"] = status;
    });
    if let Some(written) = written {
        for note in events {
            record(pass, &written, kubelet(node), note);
        }
    }
}

/// Sets `Ready` and `ContainersReady`, moving their transition time only when they flip.
fn set_readiness(pod: &mut Value, ready: bool, now: Timestamp, specs: &Value, statuses: &Value) {
    let unready: Vec<&str> = specs
        .as_array()
        .into_iter()
        .flatten()
        .zip(statuses.as_array().into_iter().flatten())
        .filter(|(_, s)| s["ready"] != true)
        .filter_map(|(c, _)| c["name"].as_str())
        .collect();
    for kind in ["Ready", "ContainersReady"] {
        let want = if ready { "True" } else { "False" };
        let current = pod["status"]["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == kind))
            .cloned();
        if current.as_ref().is_some_and(|c| c["status"] == want) {
            continue;
        }
        let mut c = json!({"type": kind, "status": want, "lastProbeTime": null, "lastTransitionTime": format_time(now)});
        if !ready {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            ));
        }
        set_pod_condition(pod, c);
    }
}

/// The kubelet accepts a pod bound to its node: containers creating, images pulling.
/// Whether `spec`'s image was on the node before a pod started at `started`.
fn image_present(spec: &Value, images: &NodeImages, started: Timestamp) -> bool {
    spec["imagePullPolicy"] != "Always"
        && spec["image"]
            .as_str()
            .and_then(|i| images.get(i))
            .is_some_and(|first| *first < started)
}

fn accept(pass: &Pass<'_>, pod: &Obj, node: &str, net: &NodeNet, images: &NodeImages) {
    let now = format_time(pass.now);
    let specs = pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let statuses: Vec<Value> = specs
        .iter()
        .map(|spec| {
            ContainerContext {
                spec,
                pod_ref: String::new(),
                pod_started: pass.now,
                now: pass.now,
                image_present: false,
                run_secs: None,
                restart_on_failure: false,
            }
            .creating()
        })
        .collect();
    let mut v = (**pod).clone();
    v["status"]["phase"] = json!("Pending");
    v["status"]["hostIP"] = json!(net.host_ip);
    v["status"]["hostIPs"] = json!([{"ip": net.host_ip}]);
    v["status"]["startTime"] = json!(now);
    if v["status"]["qosClass"].is_null() {
        v["status"]["qosClass"] = json!(qos_class(&pod["spec"]));
    }
    v["status"]["containerStatuses"] = Value::Array(statuses.clone());
    set_pod_condition(
        &mut v,
        json!({"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
    );
    set_pod_condition(
        &mut v,
        json!({"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
    );
    set_readiness(
        &mut v,
        false,
        pass.now,
        &pod["spec"]["containers"],
        &Value::Array(statuses),
    );
    set_pod_condition(
        &mut v,
        json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}),
    );
    if let Some(cs) = v["status"]["conditions"].as_array_mut() {
        let order = [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled",
        ];
        cs.sort_by_key(|c| {
            order
                .iter()
                .position(|o| c["type"] == *o)
                .unwrap_or(order.len())
        });
        // Keep the scheduler's transition time for PodScheduled.
        if let Some(old) = pod["status"]["conditions"]
            .as_array()
            .and_then(|o| o.iter().find(|c| c["type"] == "PodScheduled"))
            && let Some(c) = cs.iter_mut().find(|c| c["type"] == "PodScheduled")
        {
            *c = old.clone();
        }
    }
    let status = v["status"].take();
    let written = pass.modify(&KUBELET, kind("", "Pod"), namespace(pod), name(pod), |p| {
        p["status"] = status;
    });
    if let Some(written) = written {
        for spec in specs.iter().filter(|s| !image_present(s, images, pass.now)) {
            let image = spec["image"].as_str().unwrap_or("");
            let mut note = normal("Pulling", format!("Pulling image \"{image}\""));
            note.field_path = Some(format!(
                "spec.containers{{{}}}",
                spec["name"].as_str().unwrap_or("")
            ));
            record(pass, &written, kubelet(node), note);
        }
    }
}

/// A deleted pod: its containers get SIGTERM (ready no more, a `Killing` event each),
/// stop when [`termination`] says, and the pod is removed once none runs.
fn stop(pass: &Pass<'_>, pod: &Obj, node: &str) {
    let pods = kind("", "Pod");
    let deadline = termination::deadline(pod).unwrap_or(pass.now);
    if node.is_empty() || pass.now >= deadline {
        pass.remove(pods, namespace(pod), name(pod));
        return;
    }
    let specs = pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let statuses = pod["status"]["containerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let running = |s: &Value| s["state"]["running"].is_object();
    let exit_of = |s: &Value| {
        specs
            .iter()
            .find(|c| c["name"] == s["name"])
            .map_or(deadline, |c| termination::exit_time(pod, c, deadline))
    };
    let exits: Vec<Timestamp> = statuses.iter().map(exit_of).collect();
    // Every container, started or not, has stopped by then.
    let stopped_at = specs
        .iter()
        .map(|c| termination::exit_time(pod, c, deadline))
        .max()
        .unwrap_or(deadline);
    let signalled: Vec<String> = statuses
        .iter()
        .filter(|s| running(s) && s["started"] == true)
        .filter_map(|s| s["name"].as_str().map(str::to_string))
        .collect();
    let exiting = statuses
        .iter()
        .zip(&exits)
        .any(|(s, at)| running(s) && pass.now >= *at);
    if signalled.is_empty() && !exiting {
        if !statuses.iter().any(running) && pass.now >= stopped_at {
            pass.remove(pods, namespace(pod), name(pod));
        }
        return;
    }
    let now = format_time(pass.now);
    let written = pass.modify(&KUBELET, pods, namespace(pod), name(pod), |v| {
        if let Some(statuses) = v["status"]["containerStatuses"].as_array_mut() {
            for (s, at) in statuses.iter_mut().zip(&exits) {
                if pass.now >= *at
                    && let Some(started) = s["state"]["running"]["startedAt"].as_str().map(str::to_string)
                {
                    // Exited on SIGTERM: one killed at the deadline goes with its pod above.
                    s["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": started, "finishedAt": now, "containerID": s["containerID"].clone()}});
                }
                s["ready"] = json!(false);
                s["started"] = json!(false);
            }
        }
        let statuses = v["status"]["containerStatuses"].clone();
        let specs = v["spec"]["containers"].clone();
        set_readiness(v, false, pass.now, &specs, &statuses);
    });
    if let Some(written) = written {
        for c in signalled {
            let mut note = normal("Killing", format!("Stopping container {c}"));
            note.field_path = Some(format!("spec.containers{{{c}}}"));
            record(pass, &written, kubelet(node), note);
        }
    }
}
