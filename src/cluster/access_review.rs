//! "May I?" through SelfSubjectAccessReview, so the UI can grey out keys the
//! user may not use. The review is a POST that changes nothing; the read-only
//! layer lets it through.

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::PostParams;
use kube::{Api, Client};

use super::model::Kind;
use super::object_yaml::short_error;

/// Whether the current user may `verb` (get, list, watch, create, update, patch, delete)
/// objects of `kind` in `namespace` (`None`: all namespaces / cluster-scoped), and
/// optionally a `subresource` such as `scale` or `log`.
pub async fn can_i(
    client: Client,
    verb: &str,
    kind: Kind,
    subresource: Option<&str>,
    namespace: Option<&str>,
) -> anyhow::Result<bool> {
    let resource = kind.api_resource();
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                group: Some(resource.group.clone()),
                resource: Some(resource.plural.clone()),
                subresource: subresource.map(str::to_owned),
                verb: Some(verb.to_owned()),
                namespace: namespace.map(str::to_owned),
                ..ResourceAttributes::default()
            }),
            ..SelfSubjectAccessReviewSpec::default()
        },
        ..SelfSubjectAccessReview::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(client);
    let answer = api
        .create(&PostParams::default(), &review)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot ask the server whether {verb} {} is allowed: {}",
                resource.plural,
                short_error(&e)
            )
        })?;
    Ok(answer.status.is_some_and(|s| s.allowed))
}
