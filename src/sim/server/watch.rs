//! Watch streams: newline-delimited JSON events over a chunked response, resumed
//! from a resourceVersion, filtered by selectors like the real watch cache (an
//! object that stops matching is sent as DELETED), with BOOKMARK events,
//! `timeoutSeconds`, and an ERROR event carrying 410 Expired for a compacted version.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use super::list::Filter;
use super::routes::ApiRequest;
use super::table::{self, IncludeObject};
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::resources::ResourceType;
use crate::sim::store::{Change, EventType, Store};

/// What a watch stream sends for each change.
struct WatchSpec {
    rt: &'static ResourceType,
    namespace: Option<String>,
    filter: Filter,
    table: Option<IncludeObject>,
    bookmarks: bool,
}

impl WatchSpec {
    fn in_scope(&self, change: &Change) -> bool {
        std::ptr::eq(change.resource, self.rt)
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| change.namespace() == ns)
    }

    /// The event type a filtered watch sends for a change, if any.
    fn event_for(&self, change: &Change) -> Option<&'static str> {
        if !self.in_scope(change) {
            return None;
        }
        let now = self.filter.matches(&change.object);
        let before = change
            .previous
            .as_ref()
            .is_some_and(|p| self.filter.matches(p));
        match change.event {
            EventType::Added => now.then_some("ADDED"),
            EventType::Deleted => (now || before).then_some("DELETED"),
            EventType::Modified => match (before, now) {
                (true, true) => Some("MODIFIED"),
                (false, true) => Some("ADDED"),
                (true, false) => Some("DELETED"),
                (false, false) => None,
            },
        }
    }
}

/// `GET ...?watch=1`.
pub fn watch(req: &ApiRequest) -> ApiResult<Response> {
    let rt = req.path.rt;
    let filter = Filter::from_request(req)?;
    let spec = WatchSpec {
        rt,
        namespace: req.namespace().map(str::to_string),
        filter,
        table: req.wants_table().then(|| IncludeObject::from_request(req)),
        bookmarks: req.flag("allowWatchBookmarks"),
    };
    let from_rv = match req.param("resourceVersion").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {v:?}")))?,
        ),
    };
    let timeout = req
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs);
    let store = req.state.store.clone();
    let cancel = req.state.watch_token();
    let bookmark_every = req.state.bookmark_interval;
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let opened = store.watch(rt, from_rv);
    tokio::spawn(async move {
        let run = async {
            match opened {
                Ok(w) => {
                    let _ = stream_events(&store, &spec, w, &tx, bookmark_every).await;
                }
                Err(e) => {
                    let _ = send(&tx, "ERROR", e.to_status()).await;
                }
            }
        };
        let deadline = async {
            match timeout {
                Some(t) => tokio::time::sleep(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = run => {}
            () = deadline => {}
            () = cancel.cancelled() => {}
            () = tx.closed() => {}
        }
    });
    let body = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
    });
    let content_type = if req.wants_table() {
        "application/json;as=Table;v=v1;g=meta.k8s.io"
    } else {
        "application/json"
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache, private"),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

async fn send(tx: &mpsc::Sender<Bytes>, kind: &str, object: Value) -> Result<(), ()> {
    let mut line = serde_json::to_vec(&json!({"type": kind, "object": object})).map_err(|_| ())?;
    line.push(b'\n');
    tx.send(Bytes::from(line)).await.map_err(|_| ())
}

fn object_for(store: &Store, spec: &WatchSpec, change: &Change, first: &mut bool) -> Value {
    match spec.table {
        Some(include) => {
            let now = store.clock().now();
            let mut t = table::table(spec.rt, std::slice::from_ref(&change.object), now, include);
            // Like the real server: column definitions only in the first event.
            if !*first && let Some(m) = t.as_object_mut() {
                m.insert("columnDefinitions".into(), json!([]));
            }
            *first = false;
            t
        }
        None => (*change.object).clone(),
    }
}

async fn stream_events(
    store: &Arc<Store>,
    spec: &WatchSpec,
    w: crate::sim::store::Watch,
    tx: &mpsc::Sender<Bytes>,
    bookmark_every: Duration,
) -> Result<(), ()> {
    let mut first = true;
    let mut last_rv = w.rv;
    for change in &w.initial {
        if let Some(kind) = spec.event_for(change) {
            let obj = object_for(store, spec, change, &mut first);
            send(tx, kind, obj).await?;
        }
    }
    let mut live = w.live;
    let mut ticker = tokio::time::interval(bookmark_every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        tokio::select! {
            received = live.recv() => match received {
                Ok(change) => {
                    if change.rv <= w.rv {
                        continue;
                    }
                    last_rv = change.rv;
                    if let Some(kind) = spec.event_for(&change) {
                        let obj = object_for(store, spec, &change, &mut first);
                        send(tx, kind, obj).await?;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // The client fell too far behind: tell it to relist, as the real server does.
                    let e = ApiError::gone(format!("too old resource version: {last_rv} ({})", store.resource_version()));
                    return send(tx, "ERROR", e.to_status()).await;
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
            _ = ticker.tick(), if spec.bookmarks => {
                let bookmark = json!({
                    "kind": spec.rt.kind,
                    "apiVersion": spec.rt.api_version(),
                    "metadata": {"resourceVersion": last_rv.to_string()},
                });
                send(tx, "BOOKMARK", bookmark).await?;
            }
        }
    }
}
