//! Controller history, kept as upstream's `pkg/controller/history` (StatefulSets) and
//! the DaemonSet controller keep it: one ControllerRevision per distinct pod template,
//! named `<owner>-<hash>`, owned by its StatefulSet or DaemonSet (controller reference),
//! labelled with the template's labels plus the hash, carrying the owner's annotations
//! (so `kubectl rollout history` shows the change-cause), and holding in `data` the
//! strategic merge patch that brings the template back:
//! `{"spec":{"template":{..., "$patch":"replace"}}}`. `kubectl rollout undo` sends that
//! patch to the owner as it is.
//!
//! Numbering: a new template gets the highest `revision` plus one. A template equal to
//! an older revision's (a rollback) takes that revision, renumbered to the highest plus
//! one; equal to the newest, it keeps it. History beyond `spec.revisionHistoryLimit`
//! (default 10) is deleted oldest first, sparing the revisions still live (the owner's
//! current and update revisions and any a pod runs).

use serde_json::{Map, Value, json};

use super::meta::{controller_ref, int_at, kind, name, namespace};
use super::pass::Pass;
use super::pod_template_hash;
use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use crate::sim::store::Obj;

/// Which controller keeps the history: they hash and label their revisions differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryOf {
    /// The hash is of the revision's `data` (`history.HashControllerRevision`), in the
    /// label `controller.kubernetes.io/hash`; pods carry the revision's name.
    StatefulSet,
    /// The hash is the template's (`controller.ComputeHash`), in the label
    /// `controller-revision-hash`; pods carry the hash.
    DaemonSet,
}

impl HistoryOf {
    /// The label holding the hash on a revision.
    pub fn hash_label(self) -> &'static str {
        match self {
            Self::StatefulSet => "controller.kubernetes.io/hash",
            Self::DaemonSet => "controller-revision-hash",
        }
    }

    fn hash(self, owner: &Value, data: &Value) -> String {
        match self {
            Self::StatefulSet => pod_template_hash::hash_json(data, None),
            Self::DaemonSet => pod_template_hash::compute(&owner["spec"]["template"], None),
        }
    }
}

/// The patch that restores `owner`'s pod template (what a revision's `data` holds).
/// Null fields are dropped, but for `metadata.creationTimestamp`, which Go writes as null.
pub fn restoring_patch(owner: &Value) -> Value {
    let mut template = owner["spec"]["template"].clone();
    pod_template_hash::strip_nulls(&mut template);
    // As the typed template serializes upstream (kubectl compares the bytes to skip a
    // rollback to the template already running).
    template["metadata"]["creationTimestamp"] = Value::Null;
    if let Some(t) = template.as_object_mut() {
        t.insert("$patch".into(), json!("replace"));
    }
    json!({"spec": {"template": template}})
}

/// A revision's number.
pub fn number(revision: &Value) -> i64 {
    revision["revision"].as_i64().unwrap_or(0)
}

/// The history of one owner after [`sync`].
pub struct History {
    /// The revision of the owner's template now (upstream's update revision).
    pub update: Obj,
    /// Every revision the owner controls, oldest number first (`update` among them).
    pub revisions: Vec<Obj>,
}

impl History {
    /// The hash label of the update revision (what a DaemonSet's pods carry).
    pub fn update_hash(&self, of: HistoryOf) -> &str {
        self.update["metadata"]["labels"][of.hash_label()]
            .as_str()
            .unwrap_or("")
    }

    /// The revision named `name`, if the owner still has it.
    pub fn named(&self, revision_name: &str) -> Option<&Obj> {
        self.revisions.iter().find(|r| name(r) == revision_name)
    }
}

/// Finds or makes the revision of `owner`'s template among `owned` (the revisions it
/// controls), renumbering an older equal one; `None` if the store refused a write
/// (the next pass retries).
pub fn sync(pass: &Pass<'_>, of: HistoryOf, owner: &Value, owned: &[Obj]) -> Option<History> {
    let rt = kind("apps", "ControllerRevision");
    let mut revisions = owned.to_vec();
    revisions.sort_by_key(|r| number(r));
    let data = restoring_patch(owner);
    let next = revisions.last().map_or(1, |r| number(r) + 1);
    let update = match revisions.iter().rposition(|r| r["data"] == data) {
        Some(i) if i + 1 == revisions.len() => revisions[i].clone(),
        Some(i) => {
            let renumbered = pass.modify(
                &KUBE_CONTROLLER_MANAGER,
                rt,
                namespace(owner),
                name(&revisions[i]),
                |v| {
                    v["revision"] = json!(next);
                },
            )?;
            revisions.remove(i);
            revisions.push(renumbered.clone());
            renumbered
        }
        None => {
            let created = pass.create(
                &KUBE_CONTROLLER_MANAGER,
                rt,
                new_revision(of, owner, &data, next),
            )?;
            revisions.push(created.clone());
            created
        }
    };
    Some(History { update, revisions })
}

fn new_revision(of: HistoryOf, owner: &Value, data: &Value, number: i64) -> Value {
    let hash = of.hash(owner, data);
    let mut labels = owner["spec"]["template"]["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_else(Map::new);
    labels.insert(of.hash_label().into(), json!(hash));
    let mut metadata = json!({
        "name": format!("{}-{hash}", name(owner)),
        "namespace": namespace(owner),
        "labels": labels,
        "ownerReferences": [controller_ref(owner)],
    });
    if owner["metadata"]["annotations"].is_object() {
        metadata["annotations"] = owner["metadata"]["annotations"].clone();
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": metadata,
        "data": data,
        "revision": number,
    })
}

/// Deletes the oldest revisions beyond the owner's `spec.revisionHistoryLimit` (default
/// 10), never one named in `live`.
pub fn trim(pass: &Pass<'_>, owner: &Value, history: &History, live: &[&str]) {
    let limit = usize::try_from(int_at(owner, "/spec/revisionHistoryLimit", 10)).unwrap_or(0);
    let old: Vec<&Obj> = history
        .revisions
        .iter()
        .filter(|r| !live.contains(&name(r)))
        .collect();
    let excess = old.len().saturating_sub(limit);
    for r in old.into_iter().take(excess) {
        pass.remove(kind("apps", "ControllerRevision"), namespace(r), name(r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_replaces_the_template_without_nulls() {
        let owner = json!({"spec": {"template": {"metadata": {"creationTimestamp": null, "labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
        let patch = restoring_patch(&owner);
        assert_eq!(
            patch,
            json!({"spec": {"template": {"$patch": "replace", "metadata": {"creationTimestamp": null, "labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}})
        );
    }

    #[test]
    fn the_two_kinds_hash_differently_and_stably() {
        let owner = json!({"metadata": {"name": "web"}, "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
        let data = restoring_patch(&owner);
        let sts = new_revision(HistoryOf::StatefulSet, &owner, &data, 1);
        let ds = new_revision(HistoryOf::DaemonSet, &owner, &data, 1);
        let sts_hash = sts["metadata"]["labels"]["controller.kubernetes.io/hash"].clone();
        let ds_hash = ds["metadata"]["labels"]["controller-revision-hash"].clone();
        assert_ne!(sts_hash, ds_hash);
        assert_eq!(
            ds_hash,
            json!(pod_template_hash::compute(&owner["spec"]["template"], None))
        );
        assert_eq!(
            sts["metadata"]["name"],
            json!(format!("web-{}", sts_hash.as_str().unwrap()))
        );
        assert_eq!(sts["metadata"]["labels"]["app"], "web");
        assert_eq!(
            new_revision(HistoryOf::StatefulSet, &owner, &data, 2)["metadata"]["name"],
            sts["metadata"]["name"]
        );
    }
}
