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

use super::convert;
use super::list::Filter;
use super::routes::ApiRequest;
use super::table::{self, IncludeObject};
use super::{shown_time, wire};
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::resources::ResourceType;
use crate::sim::store::{Change, EventType, Store};

/// What a watch stream sends for each change.
struct WatchSpec {
    rt: &'static ResourceType,
    version: String,
    namespace: Option<String>,
    filter: Filter,
    table: Option<IncludeObject>,
    bookmarks: bool,
}

impl WatchSpec {
    fn in_scope(&self, change: &Change) -> bool {
        change.is_of(self.rt)
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
        version: req.path.version.clone(),
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
    let cancel = req.streams_cancel.clone();
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
                    let _ = send(&tx, "ERROR", &e.to_status()).await;
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

/// One event line, `{"type":KIND,"object":OBJECT}` and a newline, written
/// straight from the object: no copy of it (a watch sends every change).
fn event_line(kind: &str, object: &Value) -> Bytes {
    let mut line = Vec::with_capacity(1024);
    line.extend_from_slice(b"{\"type\":");
    // Writing JSON to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut line, kind);
    line.extend_from_slice(b",\"object\":");
    wire::write_into(&mut line, object);
    line.extend_from_slice(b"}\n");
    Bytes::from(line)
}

async fn send(tx: &mpsc::Sender<Bytes>, kind: &str, object: &Value) -> Result<(), ()> {
    tx.send(event_line(kind, object)).await.map_err(|_| ())
}

/// Sends one change as an event of type `kind`: the object itself, or its Table row.
async fn send_change(
    tx: &mpsc::Sender<Bytes>,
    store: &Store,
    spec: &WatchSpec,
    kind: &str,
    change: &Change,
    first: &mut bool,
) -> Result<(), ()> {
    let Some(include) = spec.table else {
        let served = convert::to_served(spec.rt, &spec.version, &change.object);
        let object = shown_time::shown(store.clock(), &served);
        return send(tx, kind, &object).await;
    };
    let object = change.object.clone();
    let of = table::TableOf {
        rt: spec.rt,
        version: &spec.version,
        release: store.registry().release(),
    };
    let mut t = table::shown_table(of, std::slice::from_ref(&object), store.clock(), include);
    // Like the real server: column definitions only in the first event.
    if !*first && let Some(m) = t.as_object_mut() {
        m.insert("columnDefinitions".into(), json!([]));
    }
    *first = false;
    send(tx, kind, &t).await
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
            send_change(tx, store, spec, kind, change, &mut first).await?;
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
                        send_change(tx, store, spec, kind, &change, &mut first).await?;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // The client fell too far behind: tell it to relist, as the real server does.
                    let e = ApiError::gone(format!("too old resource version: {last_rv} ({})", store.resource_version()));
                    return send(tx, "ERROR", &e.to_status()).await;
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
            _ = ticker.tick(), if spec.bookmarks => {
                let bookmark = json!({
                    "kind": spec.rt.kind,
                    "apiVersion": spec.rt.api_version_of(&spec.version),
                    "metadata": {"resourceVersion": last_rv.to_string()},
                });
                send(tx, "BOOKMARK", &bookmark).await?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_lines_are_one_json_event_each() {
        let object = json!({"metadata": {"name": "a \"quoted\"\nname"}, "data": {"k": "v"}});
        let line = event_line("MODIFIED", &object);
        let body = line.strip_suffix(b"\n").expect("an event ends its line");
        assert!(!body.contains(&b'\n'), "one line per event");
        let parsed: Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(parsed, json!({"type": "MODIFIED", "object": object}));
    }
}
