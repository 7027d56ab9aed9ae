//! The read-only lock where requests leave the process: a tower layer around the
//! kube client's service that refuses every method but GET (and the POSTs of
//! self-subject access and rules reviews, which ask and change nothing).
//! Independent of the [`MutationGate`](super::MutationGate): two locks.

use std::fmt;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FutureExt as _};
use http::{Method, Request};
use tower::{BoxError, Layer, Service};

/// Wraps a service so that it refuses mutating requests.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadonlyLayer;

/// The service [`ReadonlyLayer`] produces.
#[derive(Debug, Clone)]
pub struct ReadonlyService<S> {
    inner: S,
}

/// A request the read-only layer refused; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadonlyRefusal {
    /// The HTTP method.
    pub method: String,
    /// The request path.
    pub path: String,
}

impl fmt::Display for ReadonlyRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "read-only session: {} {} was refused before leaving kdeck (start without --readonly to change the cluster)",
            self.method, self.path
        )
    }
}

impl std::error::Error for ReadonlyRefusal {}

impl<S> Layer<S> for ReadonlyLayer {
    type Service = ReadonlyService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ReadonlyService { inner }
    }
}

/// Whether a read-only session may send `method` to `path`.
pub fn allowed(method: &Method, path: &str) -> bool {
    if method == Method::GET {
        return true;
    }
    // `ends_with`: the cluster URL may carry a path prefix; a review is POSTed to the collection.
    method == Method::POST
        && (path.ends_with("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
            || path.ends_with("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"))
}

impl<S, B> Service<Request<B>> for ReadonlyService<S>
where
    S: Service<Request<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<S::Response, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let path = req.uri().path();
        if allowed(req.method(), path) {
            let fut = self.inner.call(req);
            return async move { fut.await.map_err(Into::into) }.boxed();
        }
        let refusal = ReadonlyRefusal {
            method: req.method().to_string(),
            path: path.to_owned(),
        };
        tracing::warn!("{refusal}");
        futures::future::ready(Err(BoxError::from(refusal))).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_and_reviews_pass() {
        assert!(allowed(&Method::GET, "/api/v1/pods"));
        assert!(allowed(
            &Method::POST,
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
        ));
        assert!(allowed(
            &Method::POST,
            "/kdeck-auth/t/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"
        ));
        assert!(!allowed(
            &Method::POST,
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/x/y"
        ));
        assert!(!allowed(&Method::POST, "/api/v1/namespaces/default/pods"));
        assert!(!allowed(
            &Method::PATCH,
            "/apis/apps/v1/namespaces/default/deployments/web/scale"
        ));
        assert!(!allowed(
            &Method::DELETE,
            "/api/v1/namespaces/default/pods/x"
        ));
        assert!(!allowed(&Method::PUT, "/api/v1/namespaces/default/pods/x"));
    }

    #[tokio::test]
    async fn refused_request_never_reaches_the_inner_service() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let inner = tower::service_fn(move |_req: Request<()>| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, BoxError>(http::Response::new(())) }
        });
        let mut svc = ReadonlyLayer.layer(inner);
        let del = Request::delete("/api/v1/namespaces/default/pods/x")
            .body(())
            .unwrap();
        let err = svc.call(del).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("DELETE /api/v1/namespaces/default/pods/x")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        let get = Request::get("/api/v1/pods").body(()).unwrap();
        svc.call(get).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
