//! `kubectl rollout history|undo statefulset|daemonset/NAME`: the revisions of a
//! StatefulSet or DaemonSet are the ControllerRevisions it controls (the controllers'
//! `history` package), each holding its pod template as the strategic merge patch
//! `{"spec":{"template":{…,"$patch":"replace"}}}`. An undo sends that patch, as
//! kubectl's `StatefulSetRollbacker` and `DaemonSetRollbacker` do, after the same
//! checks: a revision that is not there, no previous one, or a template that already
//! matches (skipped, nothing sent).

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, StatefulSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use kube::Api;
use kube::api::ListParams;
use serde_json::Value;

use super::op_error::{OpError, Refusal};
use super::revisions::CHANGE_CAUSE_ANNOTATION;
use super::rollout_history::{Revision, images_of};
use super::{Outcome, patch_request};
use crate::cluster::{Kind, Permit};

/// The parts of a StatefulSet or DaemonSet its history is read against.
#[derive(Debug, Clone, Default)]
pub struct Owner {
    /// Its uid (the revisions' controller ownerReference).
    pub uid: String,
    /// Its pod template now.
    pub template: PodTemplateSpec,
}

fn unsupported(kind: Kind) -> OpError {
    OpError::refused(
        Refusal::Unsupported,
        format!(
            "rollout history and undo work on Deployments, StatefulSets and DaemonSets, not {kind:?}s"
        ),
    )
}

async fn owner(
    client: &kube::Client,
    kind: Kind,
    namespace: &str,
    name: &str,
) -> Result<Owner, OpError> {
    let (uid, template) = match kind {
        Kind::StatefulSet => {
            let set = Api::<StatefulSet>::namespaced(client.clone(), namespace)
                .get(name)
                .await?;
            (set.metadata.uid, set.spec.map(|s| s.template))
        }
        Kind::DaemonSet => {
            let set = Api::<DaemonSet>::namespaced(client.clone(), namespace)
                .get(name)
                .await?;
            (set.metadata.uid, set.spec.map(|s| s.template))
        }
        other => return Err(unsupported(other)),
    };
    Ok(Owner {
        uid: uid.unwrap_or_default(),
        template: template.unwrap_or_default(),
    })
}

/// The ControllerRevisions in `namespace` whose controller is `owner`.
async fn controlled_history(
    client: &kube::Client,
    namespace: &str,
    owner: &Owner,
) -> Result<Vec<ControllerRevision>, OpError> {
    let api: Api<ControllerRevision> = Api::namespaced(client.clone(), namespace);
    Ok(api
        .list(&ListParams::default())
        .await?
        .items
        .into_iter()
        .filter(|cr| {
            cr.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.controller == Some(true) && !owner.uid.is_empty() && o.uid == owner.uid)
        })
        .collect())
}

/// The pod template a revision holds (its patch, without the `$patch` directive).
pub fn template_of(revision: &ControllerRevision) -> Option<PodTemplateSpec> {
    let mut template = revision
        .data
        .as_ref()?
        .0
        .get("spec")?
        .get("template")?
        .clone();
    if let Value::Object(fields) = &mut template {
        fields.remove("$patch");
    }
    serde_json::from_value(template).ok()
}

/// The history of a workload from its revisions, oldest first; the current one is the
/// newest revision whose template is the workload's template now.
pub fn history_of(owner: &Owner, revisions: &[ControllerRevision]) -> Vec<Revision> {
    let mut history: Vec<Revision> = revisions
        .iter()
        .map(|cr| {
            let template = template_of(cr).unwrap_or_default();
            Revision {
                revision: cr.revision,
                change_cause: cr
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(CHANGE_CAUSE_ANNOTATION).cloned()),
                images: images_of(&template),
                holder: cr.metadata.name.clone().unwrap_or_default(),
                current: false,
                template,
            }
        })
        .collect();
    history.sort_by_key(|r| r.revision);
    if let Some(now) = history
        .iter_mut()
        .rev()
        .find(|r| r.template == owner.template)
    {
        now.current = true;
    }
    history
}

/// The revision an undo to `to_revision` goes back to (0: the one before the newest), as
/// kubectl's `findHistory` picks it, with kubectl's messages when there is none.
pub fn revision_for<'a>(
    kind: Kind,
    name: &str,
    revisions: &'a [ControllerRevision],
    to_revision: i64,
) -> Result<&'a ControllerRevision, OpError> {
    if revisions.is_empty() {
        return Err(OpError::refused(
            Refusal::NoHistory,
            format!("no rollout history found for {} {name:?}", kind.word()),
        ));
    }
    let found = if to_revision == 0 {
        let mut sorted: Vec<&ControllerRevision> = revisions.iter().collect();
        sorted.sort_by_key(|cr| cr.revision);
        sorted.len().checked_sub(2).map(|i| sorted[i])
    } else {
        revisions.iter().find(|cr| cr.revision == to_revision)
    };
    found.ok_or_else(|| {
        OpError::refused(
            if to_revision == 0 {
                Refusal::NoHistory
            } else {
                Refusal::RevisionNotFound
            },
            format!("unable to find specified revision {to_revision} in history"),
        )
    })
}

/// Reads the rollout history of StatefulSet or DaemonSet `name`.
pub async fn rollout_history(
    client: &kube::Client,
    kind: Kind,
    namespace: &str,
    name: &str,
) -> Result<Vec<Revision>, OpError> {
    let owner = owner(client, kind, namespace, name).await?;
    let revisions = controlled_history(client, namespace, &owner).await?;
    Ok(history_of(&owner, &revisions))
}

/// `kubectl rollout undo statefulset|daemonset/NAME [--to-revision=N]` (`None` or 0: the
/// previous revision): the revision's own patch, sent as a strategic merge patch.
pub(super) async fn undo(
    permit: &Permit,
    kind: Kind,
    namespace: &str,
    name: &str,
    to_revision: Option<i64>,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    let owner = owner(client, kind, namespace, name).await?;
    let revisions = controlled_history(client, namespace, &owner).await?;
    let to = revision_for(kind, name, &revisions, to_revision.unwrap_or(0))?;
    // As restart words it: `statefulset.apps/web`.
    let resource = format!("{}/{name}", kind.qualified());
    if template_of(to).as_ref() == Some(&owner.template) {
        return Ok(Outcome::nothing_sent(format!(
            "{resource} skipped rollback (current template already matches revision {})",
            to.revision
        )));
    }
    let patch = to.data.as_ref().map(|d| d.0.clone()).unwrap_or_default();
    tracing::info!(what = permit.what(), "sending undo");
    let sent = match kind {
        Kind::StatefulSet => {
            patch_request::send_strategic_to::<StatefulSet>(permit, namespace, name, &patch)
                .await?
                .1
        }
        Kind::DaemonSet => {
            patch_request::send_strategic_to::<DaemonSet>(permit, namespace, name, &patch)
                .await?
                .1
        }
        other => return Err(unsupported(other)),
    };
    Ok(Outcome::sent(format!("{resource} rolled back"), sent))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template(image: &str) -> Value {
        json!({"metadata": {"labels": {"app": "web"}},
               "spec": {"containers": [{"name": "web", "image": image}]}})
    }

    fn revision(n: i64, image: &str, cause: Option<&str>) -> ControllerRevision {
        let mut data = json!({"spec": {"template": template(image)}});
        data["spec"]["template"]["$patch"] = json!("replace");
        // The controllers write creationTimestamp: null into the template.
        data["spec"]["template"]["metadata"]["creationTimestamp"] = Value::Null;
        serde_json::from_value(json!({
            "metadata": {"name": format!("web-{n}abc"),
                         "annotations": cause.map(|c| json!({CHANGE_CAUSE_ANNOTATION: c}))},
            "revision": n,
            "data": data,
        }))
        .expect("a ControllerRevision")
    }

    fn owner(image: &str) -> Owner {
        Owner {
            uid: "u1".into(),
            template: serde_json::from_value(template(image)).expect("a template"),
        }
    }

    #[test]
    fn history_is_by_revision_with_causes_images_and_the_current_one() {
        let revisions = [
            revision(
                3,
                "nginx:1.16",
                Some("kubectl set image sts/web web=nginx:1.16"),
            ),
            revision(1, "nginx:1.14", None),
            revision(2, "nginx:1.15", None),
        ];
        let h = history_of(&owner("nginx:1.15"), &revisions);
        let numbers: Vec<i64> = h.iter().map(|r| r.revision).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(h[2].images, ["nginx:1.16"]);
        assert_eq!(
            h[2].change_cause.as_deref(),
            Some("kubectl set image sts/web web=nginx:1.16")
        );
        let current: Vec<i64> = h.iter().filter(|r| r.current).map(|r| r.revision).collect();
        assert_eq!(
            current,
            [2],
            "the template in force, not the newest revision"
        );
        assert_eq!(h[0].holder, "web-1abc");
    }

    #[test]
    fn undo_picks_the_revision_before_the_newest_or_the_asked_one_with_kubectls_errors() {
        let revisions = [
            revision(2, "b", None),
            revision(5, "c", None),
            revision(1, "a", None),
        ];
        let pick =
            |to| revision_for(Kind::StatefulSet, "web", &revisions, to).map(|cr| cr.revision);
        assert_eq!(pick(0).ok(), Some(2));
        assert_eq!(pick(1).ok(), Some(1));
        let missing = pick(4).unwrap_err();
        assert_eq!(missing.refusal(), Some(Refusal::RevisionNotFound));
        assert!(
            missing
                .to_string()
                .contains("unable to find specified revision 4 in history")
        );
        let one = [revision(1, "a", None)];
        let none = revision_for(Kind::DaemonSet, "web", &one, 0).unwrap_err();
        assert_eq!(none.refusal(), Some(Refusal::NoHistory));
        let empty = revision_for(Kind::DaemonSet, "agent", &[], 0).unwrap_err();
        assert!(
            empty
                .to_string()
                .contains("no rollout history found for daemonset \"agent\"")
        );
    }
}
