//! A simple StatefulSet controller: pods `<name>-0..N-1` created in order, each
//! only once the previous ones are Running and Ready (OrderedReady), removed from
//! the highest ordinal down, and the status counts. A template change rolls out as
//! the RollingUpdate strategy does: once every pod is Running and Ready, the pod with
//! the highest ordinal (at or above `partition`) still on the old revision is deleted
//! and comes back on the new one; `OnDelete` leaves that to the user. Each template
//! is a ControllerRevision (see [`history`]); pods carry its name in
//! `controller-revision-hash`, and `status.currentRevision` moves to the update
//! revision once every pod runs it and is ready. A pod below the partition that is
//! deleted comes back on the current revision.

use serde_json::{Value, json};

use super::ByOwner;
use super::events::{Source, normal, record};
use super::history::{self, HistoryOf};
use super::meta::{int_at, is_terminating, kind, name, namespace, uid};
use super::pass::Pass;
use super::pod_state::{is_active, is_available, is_ready, phase};
use super::replicaset::pod_from_template;
use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use crate::sim::store::Obj;

const SOURCE: Source<'static> = Source::controller("statefulset-controller");

fn ordinal(set: &Value, pod: &Value) -> Option<usize> {
    name(pod)
        .strip_prefix(name(set))?
        .strip_prefix('-')?
        .parse()
        .ok()
}

/// Reconciles every StatefulSet; `pods_by_owner` and `revisions_by_owner` map a
/// controller uid to its pods and its ControllerRevisions.
pub fn reconcile(pass: &Pass<'_>, pods_by_owner: &ByOwner, revisions_by_owner: &ByOwner) {
    for set in pass.all("apps", "StatefulSet") {
        if is_terminating(&set) {
            continue;
        }
        let owned: Vec<&Obj> = pods_by_owner.of(uid(&set)).iter().collect();
        let Some(history) = history::sync(
            pass,
            HistoryOf::StatefulSet,
            &set,
            revisions_by_owner.of(uid(&set)),
        ) else {
            continue;
        };
        let update = name(&history.update).to_owned();
        // The revision the set ran before this update, kept until the rollout completes.
        let current = set["status"]["currentRevision"]
            .as_str()
            .filter(|c| history.named(c).is_some())
            .unwrap_or(&update)
            .to_owned();
        let want = int_at(&set, "/spec/replicas", 1).max(0) as usize;
        let revisions = Revisions {
            current: history.named(&current).unwrap_or(&history.update),
            update: &update,
        };
        let created = manage(pass, &set, &owned, want, &revisions);
        let status = status(pass, &set, &owned, created.as_deref(), [&current, &update]);
        let mut live: Vec<&str> = owned.iter().filter_map(|p| revision_of(p)).collect();
        live.push(&current);
        live.push(&update);
        history::trim(pass, &set, &history, &live);
        if set["status"] != status {
            pass.modify(
                &KUBE_CONTROLLER_MANAGER,
                kind("apps", "StatefulSet"),
                namespace(&set),
                name(&set),
                |v| {
                    v["status"] = status;
                },
            );
        }
    }
}

/// The status upstream's `computeReplicaStatus` gives, then `completeRollingUpdate`:
/// the update revision becomes the current one only once a RollingUpdate is over
/// (every pod updated and ready). `created` is the revision of the pod made this pass.
fn status(
    pass: &Pass<'_>,
    set: &Value,
    owned: &[&Obj],
    created: Option<&str>,
    [current, update]: [&str; 2],
) -> Value {
    let made_on = |revision: &str| usize::from(created == Some(revision));
    let min_ready = int_at(set, "/spec/minReadySeconds", 0);
    let counted: Vec<&&Obj> = owned
        .iter()
        .filter(|p| !matches!(phase(p), "Succeeded" | "Failed"))
        .collect();
    let replicas = counted.len() + usize::from(created.is_some());
    let ready = counted.iter().filter(|p| is_ready(p)).count();
    let live_on = |revision: &str| {
        counted
            .iter()
            .filter(|p| !is_terminating(p) && revision_of(p) == Some(revision))
            .count()
    };
    let (mut current, mut current_count, updated) = (
        current,
        live_on(current) + made_on(current),
        live_on(update) + made_on(update),
    );
    let rolling = set["spec"]["updateStrategy"]["type"].as_str() != Some("OnDelete");
    if rolling && updated == replicas && ready == replicas {
        current = update;
        current_count = updated;
    }
    let mut status = json!({
        "observedGeneration": int_at(set, "/metadata/generation", 1),
        "replicas": replicas,
        "readyReplicas": ready,
        "availableReplicas": counted.iter().filter(|p| is_available(p, min_ready, pass.now)).count(),
        "currentReplicas": current_count,
        "updatedReplicas": updated,
        "currentRevision": current,
        "updateRevision": update,
        "collisionCount": 0,
    });
    if let Some(m) = status.as_object_mut() {
        m.retain(|k, v| k == "replicas" || k == "collisionCount" || v.as_u64() != Some(0));
    }
    status
}

fn revision_of(pod: &Value) -> Option<&str> {
    pod["metadata"]["labels"]["controller-revision-hash"].as_str()
}

/// The set's current revision (what it ran before its template changed) and update revision.
struct Revisions<'a> {
    current: &'a Obj,
    update: &'a str,
}

impl Revisions<'_> {
    /// The set as of the revision a new pod with `ordinal` gets, and that revision's name:
    /// under a RollingUpdate `partition`, lower ordinals come back on the current revision,
    /// as upstream's `newVersionedStatefulSetPod` makes them.
    fn for_ordinal(&self, set: &Value, ordinal: usize) -> (Value, String) {
        let partition = int_at(set, "/spec/updateStrategy/rollingUpdate/partition", 0);
        let rolling = set["spec"]["updateStrategy"]["type"].as_str() != Some("OnDelete");
        let current = name(self.current);
        if rolling && i64::try_from(ordinal).is_ok_and(|o| o < partition) && current != self.update
        {
            let mut old = set.clone();
            let mut template = self.current["data"]["spec"]["template"].clone();
            if let Some(t) = template.as_object_mut() {
                t.remove("$patch");
            }
            old["spec"]["template"] = template;
            return (old, current.to_owned());
        }
        (set.clone(), self.update.to_owned())
    }
}

/// Creates or deletes at most one pod, or rolls one; returns the revision of the pod it
/// created, if any.
fn manage(
    pass: &Pass<'_>,
    set: &Value,
    owned: &[&Obj],
    want: usize,
    revisions: &Revisions<'_>,
) -> Option<String> {
    let pods = kind("", "Pod");
    // Scale down from the highest ordinal, one at a time.
    if let Some(extra) = owned
        .iter()
        .filter(|p| ordinal(set, p).is_some_and(|o| o >= want))
        .max_by_key(|p| ordinal(set, p))
    {
        if !is_terminating(extra) {
            delete_pod(pass, set, extra);
        }
        return None;
    }
    for i in 0..want {
        let pod_name = format!("{}-{i}", name(set));
        match owned.iter().find(|p| name(p) == pod_name) {
            Some(p) if is_active(p) && is_ready(p) => continue,
            Some(_) => return None,
            None => {}
        }
        let (versioned, revision) = revisions.for_ordinal(set, i);
        let mut pod = pod_from_template(&versioned);
        if let Some(m) = pod["metadata"].as_object_mut() {
            m.remove("generateName");
        }
        pod["metadata"]["name"] = json!(pod_name);
        for (k, v) in [
            ("statefulset.kubernetes.io/pod-name", pod_name.clone()),
            ("apps.kubernetes.io/pod-index", i.to_string()),
            ("controller-revision-hash", revision.clone()),
        ] {
            pod["metadata"]["labels"][k] = json!(v);
        }
        pod["spec"]["hostname"] = json!(pod_name);
        if let Some(service) = set["spec"]["serviceName"].as_str() {
            pod["spec"]["subdomain"] = json!(service);
        }
        pass.create(&KUBE_CONTROLLER_MANAGER, pods, pod)?;
        record(
            pass,
            set,
            SOURCE,
            normal(
                "SuccessfulCreate",
                format!(
                    "create Pod {pod_name} in StatefulSet {} successful",
                    name(set)
                ),
            ),
        );
        return Some(revision);
    }
    roll(pass, set, owned, revisions.update);
    None
}

/// Every pod is Running and Ready: replaces the highest ordinal still on an old revision.
fn roll(pass: &Pass<'_>, set: &Value, owned: &[&Obj], revision: &str) {
    let strategy = &set["spec"]["updateStrategy"];
    if strategy["type"].as_str() == Some("OnDelete") {
        return;
    }
    let partition = usize::try_from(int_at(
        set,
        "/spec/updateStrategy/rollingUpdate/partition",
        0,
    ))
    .unwrap_or(0);
    let Some(old) = owned
        .iter()
        .filter(|p| revision_of(p) != Some(revision))
        .filter(|p| ordinal(set, p).is_some_and(|o| o >= partition))
        .max_by_key(|p| ordinal(set, p))
    else {
        return;
    };
    delete_pod(pass, set, old);
}

/// Deletes `pod` gracefully and says so in an event, as the StatefulSet controller does.
fn delete_pod(pass: &Pass<'_>, set: &Value, pod: &Value) {
    pass.delete_gracefully(kind("", "Pod"), pod);
    record(
        pass,
        set,
        SOURCE,
        normal(
            "SuccessfulDelete",
            format!(
                "delete Pod {} in StatefulSet {} successful",
                name(pod),
                name(set)
            ),
        ),
    );
}
