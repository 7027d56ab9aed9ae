//! The cluster's one-off requests (checks, discovery, describe, an object, a review, a
//! change through the gate): each runs with the clients of now and, when the server
//! rejects their credentials, once more after they are read again
//! ([`Connection::renewing`](super::Connection::renewing)).

use anyhow::Context as _;

use super::{
    Cluster, CredentialsRejected, Kind, ObjectKey, access_review, describe, discovery, object_yaml,
    ops, registry,
};

impl Cluster {
    /// Checks that the server accepts the credentials: `/version` needs none, so this asks
    /// for the core API's versions (discovery), which needs an authenticated user. A 401
    /// fails with "credentials rejected by the server for context ...". An exec plugin's
    /// credential is asked for again once first, as kubectl does.
    pub async fn check_credentials(&self) -> anyhow::Result<()> {
        self.read_with(|client| async move {
            client.list_core_api_versions().await?;
            anyhow::Ok(())
        })
        .await
        .with_context(|| format!("the API server {}", self.server))
    }

    /// Runs `request` with the reading client of now. When the server rejects the
    /// credentials (401), they are read again (an exec plugin runs again, as kubectl does)
    /// and `request` runs once more with the new client; rejected still, its error says
    /// "credentials rejected by the server for context ...". The one way a one-off read
    /// is sent; streams hold their client until they are opened again.
    pub async fn read_with<T, E, F>(
        &self,
        mut request: impl FnMut(kube::Client) -> F,
    ) -> Result<T, E>
    where
        F: std::future::Future<Output = Result<T, E>>,
        E: CredentialsRejected,
    {
        self.connection
            .renewing(|attempt| request(attempt.reader()))
            .await
    }

    /// The server's version (gitVersion, e.g. `v1.33.1`): also the first check that the server answers.
    pub async fn server_version(&self) -> anyhow::Result<String> {
        let info = self.client().apiserver_version().await.with_context(|| {
            format!(
                "cannot reach the API server {} (context {:?})",
                self.server, self.context
            )
        })?;
        Ok(info.git_version)
    }

    /// What the server serves (API discovery): the ids of its resources in the
    /// registry's table of discovered resources.
    pub async fn discover(&self) -> anyhow::Result<Vec<registry::ResourceId>> {
        self.read_with(|client| async move { discovery::discover(&client).await })
            .await
    }

    /// Sends `operation` through the gate: the one way kdeck changes the cluster. A
    /// closed gate (read-only) sends nothing and answers [`ops::OpError::ReadOnly`].
    pub async fn send(
        &self,
        operation: &ops::Operation,
        on_progress: &mut (dyn FnMut(ops::CanaryProgress) + Send),
    ) -> Result<ops::Outcome, ops::OpError> {
        // Run again only when the server refused the credentials before applying a
        // change (a 401 applies nothing); the progress is reported by either run.
        let on_progress = std::sync::Mutex::new(on_progress);
        let on_progress = &on_progress;
        self.connection
            .renewing(|attempt| async move {
                let permit = self
                    .gate
                    .permit_for(operation.to_string(), &attempt)
                    .map_err(|refused| ops::OpError::ReadOnly(refused.to_string()))?;
                let mut report = |progress| {
                    let mut sink = on_progress
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    (*sink)(progress);
                };
                ops::perform(&permit, operation, &mut report).await
            })
            .await
    }

    /// kubectl-describe-like text of the object, events included.
    pub async fn describe(&self, key: &ObjectKey) -> anyhow::Result<String> {
        let now = jiff::Timestamp::now();
        self.read_with(|client| describe::describe(client, key, now))
            .await
    }

    /// The whole object as JSON, for the YAML view and the editor (managedFields kept).
    pub async fn fetch_object(&self, key: &ObjectKey) -> anyhow::Result<serde_json::Value> {
        self.read_with(|client| object_yaml::fetch_object(client, key))
            .await
    }

    /// Whether the user may `verb` `kind` (optionally its `subresource`, e.g. `scale`) in
    /// `namespace`, by SelfSubjectAccessReview. Allowed through the read-only layer.
    pub async fn can_i(
        &self,
        verb: &str,
        kind: Kind,
        subresource: Option<&str>,
        namespace: Option<&str>,
    ) -> anyhow::Result<bool> {
        self.read_with(|client| async move {
            access_review::can_i(client, verb, kind, subresource, namespace).await
        })
        .await
    }
}
