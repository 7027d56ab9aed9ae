//! `kubectl set image deployment/NAME CONTAINER=IMAGE --record`: a strategic
//! merge patch of the container's image (containers merge by name), with the
//! `kubernetes.io/change-cause` annotation that `--record` wrote, so the
//! rollout history says what happened.

use k8s_openapi::api::apps::v1::Deployment;
use serde_json::{Value, json};

use super::op_error::{OpError, Refusal};
use super::revisions::{CHANGE_CAUSE_ANNOTATION, get_deployment};
use super::{Outcome, patch_request};
use crate::cluster::Permit;

/// The change-cause kdeck records for a set image, in the shape `--record` used.
pub fn change_cause(deployment: &str, container: &str, image: &str) -> String {
    format!("kdeck set image deployment/{deployment} {container}={image}")
}

/// Which list of the pod spec holds `container`, and its current image.
pub fn find_container<'a>(
    deployment: &'a Deployment,
    container: &str,
) -> Option<(&'static str, Option<&'a str>)> {
    let spec = deployment.spec.as_ref()?.template.spec.as_ref()?;
    if let Some(c) = spec.containers.iter().find(|c| c.name == container) {
        return Some(("containers", c.image.as_deref()));
    }
    spec.init_containers
        .as_ref()?
        .iter()
        .find(|c| c.name == container)
        .map(|c| ("initContainers", c.image.as_deref()))
}

/// The strategic merge patch: the image of `container` in `list` (`containers` or
/// `initContainers`), and the change-cause when given. kubectl also sends a
/// `$setElementOrder/containers` directive; it only orders elements a patch adds,
/// and this one adds none, so the result is the same without it.
pub fn set_image_patch(list: &str, container: &str, image: &str, cause: Option<&str>) -> Value {
    let mut patch = json!({
        "spec": {"template": {"spec": {list: [{"name": container, "image": image}]}}}
    });
    if let Some(cause) = cause {
        patch["metadata"] = json!({"annotations": {CHANGE_CAUSE_ANNOTATION: cause}});
    }
    patch
}

/// Sets the image of `container` in Deployment `deployment`, recording `change_cause`
/// (see [`change_cause`]) when given.
pub(super) async fn set_image(
    permit: &Permit,
    namespace: &str,
    deployment: &str,
    container: &str,
    image: &str,
    change_cause: Option<String>,
) -> Result<Outcome, OpError> {
    let client = permit.client();
    let current = get_deployment(client, namespace, deployment).await?;
    let Some((list, current_image)) = find_container(&current, container) else {
        return Err(OpError::refused(
            Refusal::ContainerNotFound,
            format!("unable to find container named {container:?}"),
        ));
    };
    let current_cause = current
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(CHANGE_CAUSE_ANNOTATION));
    let cause_unchanged = change_cause.is_none() || change_cause.as_ref() == current_cause;
    if current_image == Some(image) && cause_unchanged {
        return Ok(Outcome::nothing_sent(format!(
            "deployment.apps/{deployment} image unchanged ({container} already runs {image})"
        )));
    }
    tracing::info!(what = permit.what(), "sending set image");
    let body = set_image_patch(list, container, image, change_cause.as_deref());
    let (_, sent) = patch_request::send_strategic(permit, namespace, deployment, &body).await?;
    Ok(Outcome::sent(
        format!("deployment.apps/{deployment} image updated"),
        sent,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::revisions::fixtures::deployment;
    use super::*;

    #[test]
    fn patch_sets_image_by_container_name_and_records_the_cause() {
        let cause = change_cause("myapp-deploy", "myapp", "nginx:1.15.7");
        assert_eq!(
            cause,
            "kdeck set image deployment/myapp-deploy myapp=nginx:1.15.7"
        );
        let patch = set_image_patch("containers", "myapp", "nginx:1.15.7", Some(&cause));
        assert_eq!(
            patch,
            json!({
                "metadata": {"annotations": {"kubernetes.io/change-cause": cause}},
                "spec": {"template": {"spec": {"containers": [
                    {"name": "myapp", "image": "nginx:1.15.7"}
                ]}}}
            })
        );
        let bare = set_image_patch("initContainers", "init", "busybox", None);
        assert!(bare.get("metadata").is_none());
        assert_eq!(
            bare["spec"]["template"]["spec"]["initContainers"][0]["name"],
            "init"
        );
    }

    #[test]
    fn finds_containers_and_reports_missing_ones() {
        let d = deployment("nginx:1.14.1", 1, false);
        assert_eq!(
            find_container(&d, "myapp"),
            Some(("containers", Some("nginx:1.14.1")))
        );
        assert_eq!(find_container(&d, "sidecar"), None);
    }
}
