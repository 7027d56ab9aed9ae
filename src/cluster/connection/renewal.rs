//! One-off requests (a describe, a YAML get, a change sent through the gate) that survive
//! rejected credentials as the watches do: on a 401 the credentials are read again
//! ([`Connection::renew`], once for every caller of the same generation) and the request
//! runs once more with the new clients. Open streams (logs followed, shells,
//! port-forwards) keep the client they were opened with until they are opened again.
//!
//! Credentials just read again and rejected before the server ever took them are not
//! read again for [`RENEWAL_GAP`], unless a kubeconfig file changes: a request asked in a
//! loop does not run an exec plugin each time round.
//!
//! Whether the server answered 401 is noted where the responses come back, by a client
//! made for each attempt around the connection's own ([`Attempt`]): any error type the
//! request returns (a `String`, an `anyhow::Error`, an [`OpError`]) is judged the same.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use http::{Method, Request, Response};
use kube::client::Body;

use super::Connection;
use crate::cluster::credentials_rejected;
use crate::cluster::ops::{ApiFailure, OpError};

/// How soon after the credentials were read again a one-off request rejected with them,
/// which were never accepted, may read them again, unless a kubeconfig file changed: a
/// request asked in a loop (a forward looking for another pod, a log followed again)
/// then does not run an exec plugin each time round.
pub const RENEWAL_GAP: std::time::Duration = std::time::Duration::from_secs(10);

/// What the server answered to one attempt's requests.
#[derive(Debug, Default)]
struct Tally {
    /// The server's words on the last 401: it rejected the credentials.
    rejected: Option<String>,
    /// The server accepted a change (a 2xx to a request other than a GET): it was
    /// applied, so the attempt is not run again.
    applied: bool,
    /// The server answered a request other than with 401: it took the credentials.
    accepted: bool,
}

/// The connection's clients of one generation, as one attempt sends with them.
#[derive(Clone)]
pub struct Attempt {
    reader: kube::Client,
    writer: Option<kube::Client>,
}

impl Attempt {
    /// The client to read with (behind the read-only layer).
    pub fn reader(&self) -> kube::Client {
        self.reader.clone()
    }

    /// The client to send changes with; `None` in a read-only session. Only the gate
    /// hands it out, inside a [`Permit`](crate::cluster::Permit).
    pub(in crate::cluster) fn writer(&self) -> Option<kube::Client> {
        self.writer.clone()
    }
}

/// An error that can say, in place of its own words, that the server rejected the
/// credentials even after they were read again.
pub trait CredentialsRejected {
    /// The error standing for `shown` (what [`credentials_rejected`] says).
    #[must_use]
    fn credentials_rejected(self, shown: String) -> Self;
}

impl CredentialsRejected for String {
    fn credentials_rejected(self, shown: String) -> Self {
        shown
    }
}

impl CredentialsRejected for anyhow::Error {
    fn credentials_rejected(self, shown: String) -> Self {
        anyhow::Error::msg(shown)
    }
}

impl CredentialsRejected for kube::Error {
    fn credentials_rejected(self, shown: String) -> Self {
        let status = kube::core::Status::failure(&shown, "Unauthorized").with_code(401);
        kube::Error::Api(Box::new(status))
    }
}

impl CredentialsRejected for OpError {
    fn credentials_rejected(self, shown: String) -> Self {
        OpError::Api(ApiFailure {
            code: 401,
            reason: "Unauthorized".to_owned(),
            message: shown,
            causes: Vec::new(),
        })
    }
}

impl Connection {
    /// Runs `request` with the clients of now. When the server rejected their
    /// credentials (401) and applied no change meanwhile, reads the credentials again
    /// and runs it once more; when they are rejected still, the error says so in the
    /// words of [`credentials_rejected`].
    pub async fn renewing<T, E, F>(&self, mut request: impl FnMut(Attempt) -> F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
        E: CredentialsRejected,
    {
        let mut renewed = false;
        loop {
            let (clients, generation) = self.clients_of_now();
            let tally = Arc::new(Mutex::new(Tally::default()));
            let attempt = Attempt {
                reader: tallied(clients.reader, &tally),
                writer: clients.writer.map(|w| tallied(w, &tally)),
            };
            let result = request(attempt).await;
            let Tally {
                rejected,
                applied,
                accepted,
            } = std::mem::take(&mut *lock(&tally));
            if accepted {
                self.note_accepted(generation);
            }
            let error = match result {
                Ok(done) => return Ok(done),
                Err(error) => error,
            };
            let Some(message) = rejected else {
                return Err(error);
            };
            // Clients another caller built since are tried at once. Ours are built again
            // unless they were built moments ago and never accepted, and no file changed
            // since: the same credentials would be read.
            let stale = self.clients_of_now().1 != generation;
            let too_soon = self.renewed_within(RENEWAL_GAP)
                && !self.ever_accepted(generation)
                && !self.kubeconfig_changed();
            if !renewed && !applied && (stale || !too_soon) {
                renewed = true;
                match self.renew(generation).await {
                    Ok(()) => continue,
                    Err(e) => tracing::warn!("cannot read the credentials again: {e:#}"),
                }
            }
            return Err(error.credentials_rejected(credentials_rejected(self.context(), &message)));
        }
    }
}

/// A client that sends through `client` and notes in `tally` what came back.
fn tallied(client: kube::Client, tally: &Arc<Mutex<Tally>>) -> kube::Client {
    let namespace = client.default_namespace().to_owned();
    kube::Client::new(
        Tallying {
            client,
            tally: Arc::clone(tally),
        },
        namespace,
    )
}

/// The service of a [`tallied`] client.
#[derive(Clone)]
struct Tallying {
    client: kube::Client,
    tally: Arc<Mutex<Tally>>,
}

impl tower::Service<Request<Body>> for Tallying {
    type Response = Response<Body>;
    type Error = kube::Error;
    type Future = BoxFuture<'static, Result<Response<Body>, kube::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), kube::Error>> {
        // The connection's client has its own buffer, and waits for it in `send`.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let client = self.client.clone();
        let tally = Arc::clone(&self.tally);
        let change = request.method() != Method::GET;
        Box::pin(async move {
            let response = client.send(request).await?;
            let status = response.status();
            if status.is_success() && change {
                lock(&tally).applied = true;
            }
            if status != http::StatusCode::UNAUTHORIZED {
                lock(&tally).accepted = true;
                return Ok(response);
            }
            // A 401's body is a small Status: its message is read, and the body given
            // back whole for the caller to read as it would have.
            let (parts, body) = response.into_parts();
            let bytes = body.collect_bytes().await?.to_vec();
            let message = serde_json::from_slice::<kube::core::Status>(&bytes)
                .ok()
                .map(|s| s.message)
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "Unauthorized".to_owned());
            lock(&tally).rejected = Some(message);
            Ok(Response::from_parts(parts, Body::from(bytes)))
        })
    }
}

fn lock(tally: &Mutex<Tally>) -> std::sync::MutexGuard<'_, Tally> {
    tally.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;

    use super::*;
    use crate::cluster::connection::Clients;

    /// A server that accepts every change and rejects the credentials of every read.
    fn accepts_changes_rejects_reads() -> kube::Client {
        let service = tower::service_fn(|request: Request<Body>| async move {
            let (status, body) = if request.method() == Method::GET {
                let status = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                    "message": "token revoked", "reason": "Unauthorized", "code": 401});
                (401, status.to_string())
            } else {
                (
                    201,
                    json!({"kind": "ConfigMap", "apiVersion": "v1"}).to_string(),
                )
            };
            Response::builder()
                .status(status)
                .body(Body::from(body.into_bytes()))
                .map_err(tower::BoxError::from)
        });
        kube::Client::new(service, "default")
    }

    /// A connection made from a kubeconfig (so that it can be renewed: to a server at
    /// port 9, where nothing answers) whose clients of now are `client`.
    async fn renewable(dir: &std::path::Path) -> Connection {
        let path = dir.join("kubeconfig");
        let kubeconfig = json!({"apiVersion": "v1", "kind": "Config", "current-context": "c",
            "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:9"}}],
            "users": [{"name": "u", "user": {"token": "t"}}],
            "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]});
        std::fs::write(&path, kubeconfig.to_string()).unwrap();
        let opened = Connection::open(Some(path), None, false).await.unwrap();
        rejecting_from(&opened.connection, 0);
        opened.connection
    }

    /// Makes the clients of `connection` those of [`accepts_changes_rejects_reads`], as
    /// its `generation`.
    fn rejecting_from(connection: &Connection, generation: u64) {
        let client = accepts_changes_rejects_reads();
        *connection.clients.write().unwrap() = Clients {
            reader: client.clone(),
            writer: Some(client),
            generation,
        };
    }

    async fn send(client: &kube::Client, request: http::request::Builder) -> Result<(), String> {
        let request = request.body(b"{}".to_vec()).map_err(|e| e.to_string())?;
        client
            .request_text(request)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    const CONFIGMAPS: &str = "/api/v1/namespaces/default/configmaps";

    /// Runs `request` through [`Connection::renewing`] on a renewable connection whose
    /// server accepts changes and rejects reads: how many times it ran, its result, and
    /// the generation of the connection's clients afterwards.
    async fn counted<F>(request: impl Fn(Attempt) -> F) -> (usize, Result<(), String>, u64)
    where
        F: Future<Output = Result<(), String>>,
    {
        let dir = tempfile::tempdir().unwrap();
        counted_on(&renewable(dir.path()).await, request).await
    }

    /// As [`counted`], on `connection`.
    async fn counted_on<F>(
        connection: &Connection,
        request: impl Fn(Attempt) -> F,
    ) -> (usize, Result<(), String>, u64)
    where
        F: Future<Output = Result<(), String>>,
    {
        let runs = AtomicUsize::new(0);
        let result = connection
            .renewing(|attempt| {
                runs.fetch_add(1, Ordering::SeqCst);
                request(attempt)
            })
            .await;
        (runs.into_inner(), result, connection.reader().1)
    }

    async fn read(attempt: Attempt) -> Result<(), String> {
        send(&attempt.reader(), Request::get(CONFIGMAPS)).await
    }

    #[tokio::test]
    async fn soon_after_a_renewal_only_a_changed_kubeconfig_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let connection = renewable(dir.path()).await;
        assert_eq!(counted_on(&connection, read).await.2, 1, "renewed");
        // The new clients are rejected too (a revoked token in the file, say).
        rejecting_from(&connection, 1);
        let (runs, result, generation) = counted_on(&connection, read).await;
        assert_eq!((runs, generation), (1, 1), "not read again so soon");
        assert_eq!(
            result,
            Err("credentials rejected by the server for context c: token revoked".into())
        );
        let file = std::fs::File::options()
            .write(true)
            .open(dir.path().join("kubeconfig"))
            .unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        file.set_modified(later).unwrap();
        let (runs, _, generation) = counted_on(&connection, read).await;
        assert_eq!(
            (runs, generation),
            (2, 2),
            "a changed kubeconfig is read at once"
        );
    }

    #[tokio::test]
    async fn a_rejected_read_runs_again_once_with_new_clients() {
        let (runs, result, generation) = counted(read).await;
        assert_eq!(runs, 2, "{result:?}");
        assert_eq!(generation, 1, "renewed");
    }

    #[tokio::test]
    async fn a_change_applied_before_a_401_is_not_sent_again() {
        let (runs, result, _) = counted(|attempt| async move {
            let writer = attempt.writer().expect("a writer");
            send(&writer, Request::post(CONFIGMAPS)).await?;
            send(&writer, Request::get(format!("{CONFIGMAPS}/x"))).await
        })
        .await;
        assert_eq!(runs, 1, "not run again");
        assert_eq!(
            result,
            Err("credentials rejected by the server for context c: token revoked".into())
        );
    }
}
