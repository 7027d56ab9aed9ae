//! Revisions: the new ReplicaSet found (and re-numbered, as a rollback to an
//! older template does) or created, its annotations copied from the Deployment,
//! and the cleanup of old ReplicaSets beyond `revisionHistoryLimit`.

use serde_json::{Value, json};

use super::fenceposts::replicas;
use super::status::{Condition, set_condition};
use super::{
    DESIRED_REPLICAS, DeploymentSync, MAX_REPLICAS, SOURCE, max_surge, rs_replicas, rs_status,
};
use crate::sim::api_error::ApiError;
use crate::sim::controllers::events::{normal, record};
use crate::sim::controllers::meta::{
    annotation, controller_ref, is_terminating, kind, name, namespace, set_annotation,
};
use crate::sim::controllers::pod_template_hash::{self, LABEL};
use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;

/// `deployment.kubernetes.io/revision`.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";

/// Deployment annotations that are not copied to its ReplicaSets (upstream's `annotationsToSkip`).
const NOT_COPIED: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// The revision number of a ReplicaSet or Deployment (0 when unset).
pub fn revision(o: &Value) -> i64 {
    annotation(o, REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// Copies the Deployment's annotations onto a ReplicaSet; whether anything changed.
fn copy_annotations(d: &Value, rs: &mut Value) -> bool {
    let mut changed = false;
    for (k, v) in d["metadata"]["annotations"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if NOT_COPIED.contains(&k.as_str()) {
            continue;
        }
        if rs["metadata"]["annotations"][k] != *v {
            set_annotation(rs, k, v.as_str().unwrap_or_default());
            changed = true;
        }
    }
    changed
}

/// Gives `rs` the revision `new_revision` if it has an older one, keeping the
/// older number in the revision history; whether anything changed.
fn bump_revision(rs: &mut Value, new_revision: i64) -> bool {
    let old = annotation(rs, REVISION).map(str::to_string);
    let old_number = old
        .as_deref()
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0);
    if old_number >= new_revision {
        return false;
    }
    set_annotation(rs, REVISION, new_revision.to_string());
    if let Some(old) = old {
        let history = match annotation(rs, REVISION_HISTORY) {
            Some(h) if !h.is_empty() => format!("{h},{old}"),
            _ => old,
        };
        set_annotation(rs, REVISION_HISTORY, history);
    }
    true
}

impl DeploymentSync<'_, '_> {
    fn next_revision(&self) -> i64 {
        self.old.iter().map(revision).max().unwrap_or(0) + 1
    }

    /// Upstream's `getNewReplicaSet` for an existing new ReplicaSet: sync its
    /// annotations, revision and minReadySeconds, and the Deployment's revision.
    pub(super) fn sync_new_rs_revision(&mut self) {
        let next = self.next_revision();
        let Some(rs) = self.new_rs.as_mut() else {
            return;
        };
        let mut copy = rs.clone();
        let mut changed = copy_annotations(&self.d, &mut copy);
        changed |= bump_revision(&mut copy, next);
        let min_ready = self.d["spec"]["minReadySeconds"].clone();
        if copy["spec"]["minReadySeconds"] != min_ready
            && !(min_ready.is_null() && copy["spec"]["minReadySeconds"] == 0)
        {
            copy["spec"]["minReadySeconds"] = if min_ready.is_null() {
                json!(0)
            } else {
                min_ready
            };
            changed = true;
        }
        if changed {
            let written = self.pass.modify(
                &KUBE_CONTROLLER_MANAGER,
                kind("apps", "ReplicaSet"),
                namespace(rs),
                name(rs),
                |v| {
                    v["metadata"]["annotations"] = copy["metadata"]["annotations"].clone();
                    v["spec"]["minReadySeconds"] = copy["spec"]["minReadySeconds"].clone();
                },
            );
            if let Some(w) = written {
                *rs = (*w).clone();
            }
        }
        let rs_revision = annotation(rs, REVISION).unwrap_or("").to_string();
        let rs_name = name(rs).to_string();
        let mut d = self.d.clone();
        let mut d_changed = false;
        if !rs_revision.is_empty() && annotation(&d, REVISION) != Some(rs_revision.as_str()) {
            set_annotation(&mut d, REVISION, rs_revision);
            d_changed = true;
        }
        if self.has_progress_deadline() && super::status::condition(&d, "Progressing").is_none() {
            let c = Condition::new(
                "Progressing",
                "True",
                "FoundNewReplicaSet",
                format!("Found new replica set \"{rs_name}\""),
                self.pass.now,
            );
            set_condition(&mut d, c);
            d_changed = true;
        }
        if d_changed {
            self.write_deployment(&d);
        }
    }

    /// Writes the Deployment's revision annotation and status as they are in `d`
    /// (only those: a client may have changed the rest since this pass read it).
    pub(super) fn write_deployment(&mut self, d: &Value) {
        let written = self.pass.modify(
            &KUBE_CONTROLLER_MANAGER,
            kind("apps", "Deployment"),
            namespace(d),
            name(d),
            |v| {
                if let Some(r) = annotation(d, REVISION) {
                    set_annotation(v, REVISION, r);
                }
                v["status"] = d["status"].clone();
            },
        );
        if let Some(w) = written {
            self.d = (*w).clone();
        }
    }

    /// Upstream's `getNewReplicaSet` with `createIfNotExisted`: finds or creates the new ReplicaSet.
    pub(super) fn ensure_new_rs(&mut self) {
        if self.new_rs.is_some() {
            self.sync_new_rs_revision();
            return;
        }
        let collisions = self.d["status"]["collisionCount"].as_i64();
        let hash = pod_template_hash::compute(&self.d["spec"]["template"], collisions);
        let mut template = self.d["spec"]["template"].clone();
        template["metadata"]["labels"][LABEL] = json!(hash);
        let mut selector = self.d["spec"]["selector"].clone();
        selector["matchLabels"][LABEL] = json!(hash);
        let rs_name = format!("{}-{hash}", name(&self.d));
        let want = replicas(&self.d);
        let mut rs = json!({
            "metadata": {
                "name": rs_name,
                "namespace": namespace(&self.d),
                "labels": template["metadata"]["labels"].clone(),
                "ownerReferences": [controller_ref(&self.d)],
            },
            "spec": {
                "replicas": 0,
                "minReadySeconds": self.d["spec"]["minReadySeconds"].as_i64().unwrap_or(0),
                "selector": selector,
                "template": template,
            },
        });
        copy_annotations(&self.d, &mut rs);
        set_annotation(&mut rs, REVISION, self.next_revision().to_string());
        set_annotation(&mut rs, DESIRED_REPLICAS, want.to_string());
        set_annotation(
            &mut rs,
            MAX_REPLICAS,
            (want + max_surge(&self.d)).to_string(),
        );
        let initial = self.new_rs_replicas_with(0);
        rs["spec"]["replicas"] = json!(initial);
        let rs_type = kind("apps", "ReplicaSet");
        match self.pass.try_create(&KUBE_CONTROLLER_MANAGER, rs_type, rs) {
            Ok(created) => {
                let created = (*created).clone();
                if initial > 0 {
                    record(
                        self.pass,
                        &self.d,
                        SOURCE,
                        normal(
                            "ScalingReplicaSet",
                            format!(
                                "Scaled up replica set {} to {initial} from 0",
                                name(&created)
                            ),
                        ),
                    );
                }
                let mut d = self.d.clone();
                set_annotation(&mut d, REVISION, revision(&created).to_string());
                if self.has_progress_deadline() {
                    let c = Condition::new(
                        "Progressing",
                        "True",
                        "NewReplicaSetCreated",
                        format!("Created new replica set \"{}\"", name(&created)),
                        self.pass.now,
                    );
                    set_condition(&mut d, c);
                }
                self.new_rs = Some(created);
                self.write_deployment(&d);
            }
            Err(ApiError { code: 409, .. }) => self.bump_collision_count(),
            Err(e) => tracing::debug!(%e, "creating the new ReplicaSet failed"),
        }
    }

    /// A ReplicaSet with our name but another template exists: hash again with a higher collision count.
    fn bump_collision_count(&mut self) {
        let mut d = self.d.clone();
        let count = d["status"]["collisionCount"].as_i64().unwrap_or(0) + 1;
        d["status"]["collisionCount"] = json!(count);
        self.write_deployment(&d);
    }

    /// Deletes the oldest zero-sized old ReplicaSets beyond `revisionHistoryLimit` (default 10).
    pub(super) fn cleanup(&mut self) {
        let limit = self.d["spec"]["revisionHistoryLimit"]
            .as_i64()
            .unwrap_or(10)
            .max(0) as usize;
        let mut cleanable: Vec<&Value> = self
            .old
            .iter()
            .filter(|rs| {
                rs_replicas(rs) == 0 && rs_status(rs, "replicas") == 0 && !is_terminating(rs)
            })
            .collect();
        if cleanable.len() <= limit {
            return;
        }
        cleanable.sort_by_key(|rs| revision(rs));
        let doomed: Vec<(String, String)> = cleanable[..cleanable.len() - limit]
            .iter()
            .map(|rs| (namespace(rs).to_string(), name(rs).to_string()))
            .collect();
        for (ns, n) in &doomed {
            self.pass.remove(kind("apps", "ReplicaSet"), ns, n);
        }
        self.old
            .retain(|rs| !doomed.iter().any(|(_, n)| n == name(rs)));
    }
}
