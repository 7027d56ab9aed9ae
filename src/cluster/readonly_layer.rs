//! The read-only lock where requests leave the process: a tower layer around the
//! kube client's service that refuses every method but GET (and the POSTs of
//! self-subject access and rules reviews, which ask and change nothing), and the GETs
//! that open a stream into the cluster: exec, attach and port-forward are WebSocket
//! upgrades of GET, and the proxy subresources reach a pod's or node's own endpoints.
//! Independent of the [`MutationGate`](super::MutationGate): two locks.
//!
//! Paths are matched exactly, relative to the cluster URL's base path (a kubeconfig's
//! server may carry one, e.g. `https://host/k8s/clusters/c-1`): a POST to a proxy path
//! that merely ends in `selfsubjectaccessreviews` is refused.

use std::fmt;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FutureExt as _};
use http::{Method, Request};
use tower::{BoxError, Layer, Service};

/// Wraps a service so that it refuses mutating requests.
#[derive(Debug, Clone, Default)]
pub struct ReadonlyLayer {
    /// The cluster URL's path ("" or e.g. `/k8s/clusters/c-1`), without a trailing `/`.
    base_path: String,
}

impl ReadonlyLayer {
    /// A layer for a cluster whose URL has the path `base_path` (`/` or "" for none).
    pub fn new(base_path: &str) -> Self {
        Self {
            base_path: base_path.trim_end_matches('/').to_owned(),
        }
    }
}

/// The service [`ReadonlyLayer`] produces.
#[derive(Debug, Clone)]
pub struct ReadonlyService<S> {
    inner: S,
    base_path: String,
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
        ReadonlyService {
            inner,
            base_path: self.base_path.clone(),
        }
    }
}

/// The reviews a read-only session may POST: they ask, and change nothing.
const REVIEWS: [&str; 2] = [
    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
];

/// Core subresources that open a stream into the cluster, though asked for with GET.
const STREAMS: [&str; 4] = ["exec", "attach", "portforward", "proxy"];

/// Whether a read-only session may send `method` to `path`, a path relative to the
/// cluster URL's base path.
pub fn allowed(method: &Method, path: &str) -> bool {
    if method == Method::GET {
        return !opens_a_stream(path);
    }
    method == Method::POST && REVIEWS.contains(&path)
}

/// Whether `path` names exec, attach, port-forward or a proxy (pods, services, nodes;
/// also the long-removed `/api/v1/proxy/...` form).
fn opens_a_stream(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    if (segments.next(), segments.next()) != (Some("api"), Some("v1")) {
        return false;
    }
    let rest: Vec<&str> = segments.collect();
    let rest = match rest.as_slice() {
        // `namespaces/NS/<resource>/...`; `namespaces/NAME[/status|finalize]` stays a namespace.
        ["namespaces", _, resource, tail @ ..] if !tail.is_empty() || *resource == "proxy" => {
            &rest[2..]
        }
        _ => &rest[..],
    };
    match rest {
        ["proxy", ..] => true,
        [_resource, _name, sub, ..] => STREAMS.contains(sub),
        _ => false,
    }
}

/// `path` relative to `base` (the cluster URL's path); `None` when it is outside it.
fn relative<'p>(base: &str, path: &'p str) -> Option<&'p str> {
    if base.is_empty() {
        return Some(path);
    }
    path.strip_prefix(base)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
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
        // kube-rs adds the base path inside the stack this layer wraps, so a request
        // normally arrives without it; strip it when it is there.
        let within = relative(&self.base_path, path).unwrap_or(path);
        if allowed(req.method(), within) {
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
            "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"
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

    #[test]
    fn a_post_to_a_proxy_path_ending_like_a_review_is_refused() {
        for path in [
            "/api/v1/namespaces/default/services/web/proxy/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            "/api/v1/namespaces/default/pods/web-1:8080/proxy/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            "/api/v1/nodes/node-1/proxy/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            "/x/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        ] {
            assert!(!allowed(&Method::POST, path), "{path}");
            assert!(
                path.starts_with("/x/") || !allowed(&Method::GET, path),
                "a proxy: {path}"
            );
        }
    }

    #[test]
    fn gets_that_open_a_stream_are_refused() {
        for path in [
            "/api/v1/namespaces/default/pods/web-1/exec",
            "/api/v1/namespaces/default/pods/web-1/exec?command=sh&tty=true",
            "/api/v1/namespaces/default/pods/web-1/attach",
            "/api/v1/namespaces/default/pods/web-1/portforward",
            "/api/v1/namespaces/default/pods/web-1/proxy",
            "/api/v1/namespaces/default/pods/web-1:80/proxy/index.html",
            "/api/v1/namespaces/default/services/web/proxy/",
            "/api/v1/namespaces/default/services/http:web:80/proxy/x",
            "/api/v1/nodes/node-1/proxy/metrics",
            "/api/v1/proxy/namespaces/default/pods/web-1",
            "/api/v1/namespaces/default/proxy/x",
        ] {
            let path = path.split('?').next().unwrap_or(path);
            assert!(!allowed(&Method::GET, path), "{path}");
        }
        for path in [
            "/api/v1/namespaces/default/pods/web-1",
            "/api/v1/namespaces/default/pods/web-1/log",
            "/api/v1/namespaces/default/pods",
            "/api/v1/namespaces/default",
            "/api/v1/namespaces/exec",
            "/api/v1/namespaces/exec/status",
            "/api/v1/namespaces/proxy/pods",
            "/api/v1/pods",
            "/apis/apps/v1/namespaces/default/deployments/web/scale",
            "/version",
        ] {
            assert!(allowed(&Method::GET, path), "{path}");
        }
    }

    #[test]
    fn paths_are_matched_under_the_base_path() {
        assert_eq!(
            relative("/k8s/c-1", "/k8s/c-1/api/v1/pods"),
            Some("/api/v1/pods")
        );
        assert_eq!(relative("/k8s/c-1", "/k8s/c-10/api"), None);
        assert_eq!(relative("", "/api"), Some("/api"));
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
        let mut svc = ReadonlyLayer::new("/base").layer(inner);
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
        let review = Request::post("/base/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
            .body(())
            .unwrap();
        svc.call(review).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        let exec = Request::get("/base/api/v1/namespaces/default/pods/x/exec?command=sh")
            .body(())
            .unwrap();
        svc.call(exec).await.unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
