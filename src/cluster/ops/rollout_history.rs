//! `kubectl rollout history deployment/NAME`: one entry per ReplicaSet the
//! Deployment controls, by revision, with its change-cause and images.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;

use super::op_error::OpError;
use super::revisions::{
    CHANGE_CAUSE_ANNOTATION, get_deployment, new_replica_set, owned_replica_sets, revision_of,
    template_without_hash,
};

/// One revision of a Deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// The revision number (`deployment.kubernetes.io/revision`).
    pub revision: i64,
    /// `kubernetes.io/change-cause`, shown as CHANGE-CAUSE (`<none>` when absent).
    pub change_cause: Option<String>,
    /// The images of the template's containers, in order.
    pub images: Vec<String>,
    /// What holds the revision: a ReplicaSet (Deployments) or a ControllerRevision.
    pub holder: String,
    /// This is the revision the Deployment's template is at.
    pub current: bool,
    /// The revision's pod template, without `pod-template-hash` (for the diff preview).
    pub template: PodTemplateSpec,
}

/// The images of a template's containers, in order.
pub fn images_of(template: &PodTemplateSpec) -> Vec<String> {
    template
        .spec
        .as_ref()
        .map(|s| {
            s.containers
                .iter()
                .filter_map(|c| c.image.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The history of `deployment` from the ReplicaSets it controls, oldest revision first.
pub fn history_of(deployment: &Deployment, replica_sets: &[ReplicaSet]) -> Vec<Revision> {
    let current = new_replica_set(deployment, replica_sets).and_then(|rs| rs.metadata.uid.clone());
    let mut revisions: Vec<Revision> = replica_sets
        .iter()
        .filter_map(|rs| {
            let revision = revision_of(rs)?;
            let template = rs
                .spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .map(template_without_hash)
                .unwrap_or_default();
            let images = images_of(&template);
            Some(Revision {
                revision,
                change_cause: rs
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(CHANGE_CAUSE_ANNOTATION).cloned()),
                images,
                holder: rs.metadata.name.clone().unwrap_or_default(),
                current: current.is_some() && rs.metadata.uid == current,
                template,
            })
        })
        .collect();
    revisions.sort_by_key(|r| r.revision);
    revisions
}

/// Reads the rollout history of Deployment `deployment`.
pub async fn rollout_history(
    client: &kube::Client,
    namespace: &str,
    deployment: &str,
) -> Result<Vec<Revision>, OpError> {
    let current = get_deployment(client, namespace, deployment).await?;
    let replica_sets = owned_replica_sets(client, &current).await?;
    Ok(history_of(&current, &replica_sets))
}

#[cfg(test)]
mod tests {
    use super::super::revisions::fixtures::{deployment, history};
    use super::*;

    #[test]
    fn history_is_by_revision_with_causes_images_and_the_current_one() {
        let mut rss = history();
        rss.swap(0, 2);
        let d = deployment("nginx:1.15.5", 2, false);
        let h = history_of(&d, &rss);
        let numbers: Vec<i64> = h.iter().map(|r| r.revision).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(h[0].images, ["nginx:1.14.1"]);
        assert_eq!(
            h[0].change_cause.as_deref(),
            Some("kdeck set image deployment/myapp-deploy myapp=nginx:1.14.1")
        );
        let current: Vec<i64> = h.iter().filter(|r| r.current).map(|r| r.revision).collect();
        assert_eq!(current, [2]);
        assert_eq!(h[1].holder, "myapp-deploy-b58578665");
        let labels = h[1]
            .template
            .metadata
            .as_ref()
            .unwrap()
            .labels
            .as_ref()
            .unwrap();
        assert!(!labels.contains_key("pod-template-hash"));
    }
}
