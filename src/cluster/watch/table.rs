//! The list and watch of a kind kdeck has no typed view of, through the server's Table
//! (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, `includeObject=Metadata`):
//! the columns the server prints (a CRD's printer columns included) and, per object,
//! its cells and metadata. kdeck keeps rows only, never whole objects.
//!
//! The stream speaks the watcher's events (Init, InitApply, InitDone, Apply, Delete),
//! so the typed watches' batching, states and retries apply unchanged; it ends after its
//! first error, and the caller starts a new one.

use futures::stream::{self, BoxStream, StreamExt as _};
use futures::{AsyncBufReadExt as _, TryStreamExt as _};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::runtime::watcher::{self, Event};
use serde_json::Value;
use tokio::sync::mpsc;

use super::super::model::{ClusterUpdate, Detail, Health, Kind, Row, ServerColumn, TableRow};
use super::super::rows::meta;
use super::{PAGE_SIZE, Watched};

/// The media types asked for: a Table, else plain JSON (an old aggregated server).
const ACCEPT_TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

/// One Table row as a watched object.
pub struct TableObject(Row);

impl Watched for TableObject {
    fn into_row(self) -> Row {
        self.0
    }

    fn key(&self) -> (String, String) {
        (self.0.meta.namespace.to_string(), self.0.meta.name.clone())
    }
}

type Item = watcher::Result<Event<TableObject>>;

enum Step {
    /// Listing: the continue token of the next page, if not the first.
    List(Option<String>),
    /// Watching from a resourceVersion.
    Watch(String),
    /// Reading a watch's lines.
    Reading(BoxStream<'static, std::io::Result<String>>),
    /// The stream ended (after an error).
    Done,
}

/// Lists then watches `kind` in `namespace` with `client`; the columns go to `columns`
/// (the channel of the watch's updates) before the first rows.
pub fn stream(
    client: kube::Client,
    kind: Kind,
    namespace: Option<&str>,
    columns: mpsc::UnboundedSender<ClusterUpdate>,
) -> BoxStream<'static, Item> {
    let base = collection_path(kind, namespace);
    let state = (Step::List(None), String::new(), false);
    stream::unfold(state, move |(step, mut rv, sent_columns)| {
        let client = client.clone();
        let base = base.clone();
        let columns = columns.clone();
        async move {
            match step {
                Step::Done => None,
                Step::List(token) => {
                    let first = token.is_none();
                    match list_page(&client, &base, token.as_deref()).await {
                        Err(e) => Some((
                            vec![Err(watcher::Error::InitialListFailed(e))],
                            (Step::Done, rv, sent_columns),
                        )),
                        Ok(page) => {
                            let mut events = Vec::with_capacity(page.rows.len() + 2);
                            if first {
                                events.push(Ok(Event::Init));
                            }
                            let mut sent = sent_columns;
                            if !sent && !page.columns.is_empty() {
                                let _ = columns.send(ClusterUpdate::Columns {
                                    kind,
                                    columns: page.columns,
                                });
                                sent = true;
                            }
                            events.extend(
                                page.rows
                                    .into_iter()
                                    .map(|r| Ok(Event::InitApply(TableObject(r)))),
                            );
                            rv = page.resource_version;
                            let next = if let Some(token) = page.next {
                                Step::List(Some(token))
                            } else {
                                events.push(Ok(Event::InitDone));
                                Step::Watch(rv.clone())
                            };
                            Some((events, (next, rv, sent)))
                        }
                    }
                }
                Step::Watch(from) => match open_watch(&client, &base, &from).await {
                    Err(e) => Some((
                        vec![Err(watcher::Error::WatchStartFailed(e))],
                        (Step::Done, rv, sent_columns),
                    )),
                    Ok(lines) => Some((Vec::new(), (Step::Reading(lines), from, sent_columns))),
                },
                Step::Reading(mut lines) => match lines.next().await {
                    // The server ended the watch (its timeout): watch again from where it was.
                    None => Some((Vec::new(), (Step::Watch(rv.clone()), rv, sent_columns))),
                    Some(Err(e)) => Some((
                        vec![Err(watcher::Error::WatchFailed(kube::Error::ReadEvents(e)))],
                        (Step::Done, rv, sent_columns),
                    )),
                    Some(Ok(line)) => match event_of(&line) {
                        Ok((events, at)) => {
                            if let Some(at) = at {
                                rv = at;
                            }
                            Some((events, (Step::Reading(lines), rv, sent_columns)))
                        }
                        Err(error) => Some((vec![Err(error)], (Step::Done, rv, sent_columns))),
                    },
                },
            }
        }
    })
    .flat_map(stream::iter)
    .boxed()
}

/// `/api/v1/namespaces/NS/pods`, `/apis/G/V/widgets`...
fn collection_path(kind: Kind, namespace: Option<&str>) -> String {
    let resource = kind.api_resource();
    let root = if resource.group.is_empty() {
        format!("/api/{}", resource.version)
    } else {
        format!("/apis/{}/{}", resource.group, resource.version)
    };
    match namespace.filter(|_| kind.namespaced()) {
        Some(ns) => format!("{root}/namespaces/{ns}/{}", resource.plural),
        None => format!("{root}/{}", resource.plural),
    }
}

/// One page of the list.
struct Page {
    columns: Vec<ServerColumn>,
    rows: Vec<Row>,
    resource_version: String,
    next: Option<String>,
}

async fn list_page(
    client: &kube::Client,
    base: &str,
    token: Option<&str>,
) -> Result<Page, kube::Error> {
    let mut url = format!("{base}?includeObject=Metadata&limit={PAGE_SIZE}");
    if let Some(token) = token {
        url.push_str("&continue=");
        url.push_str(&percent(token));
    }
    let request = http::Request::get(url)
        .header(http::header::ACCEPT, ACCEPT_TABLE)
        .body(Vec::new())
        .map_err(kube::Error::HttpError)?;
    let table: Value = client.request(request).await?;
    Ok(Page {
        columns: columns_of(&table),
        rows: rows_of(&table),
        resource_version: table["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        next: table["metadata"]["continue"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
    })
}

async fn open_watch(
    client: &kube::Client,
    base: &str,
    from: &str,
) -> Result<BoxStream<'static, std::io::Result<String>>, kube::Error> {
    let url = format!(
        "{base}?watch=1&includeObject=Metadata&resourceVersion={}&timeoutSeconds=290",
        percent(from)
    );
    let request = http::Request::get(url)
        .header(http::header::ACCEPT, ACCEPT_TABLE)
        .body(Vec::new())
        .map_err(kube::Error::HttpError)?;
    let body = client.request_stream(request).await?;
    Ok(body
        .lines()
        .into_stream()
        .map_err(std::io::Error::other)
        .boxed())
}

/// The events of one watch line, and the resourceVersion it brings.
fn event_of(line: &str) -> Result<(Vec<Item>, Option<String>), watcher::Error> {
    let event: Value = serde_json::from_str(line)
        .map_err(|e| watcher::Error::WatchFailed(kube::Error::SerdeError(e)))?;
    let object = &event["object"];
    match event["type"].as_str().unwrap_or_default() {
        "ERROR" => {
            let status: kube::core::Status = serde_json::from_value(object.clone())
                .map_err(|e| watcher::Error::WatchFailed(kube::Error::SerdeError(e)))?;
            Err(watcher::Error::WatchError(Box::new(status)))
        }
        "BOOKMARK" => Ok((Vec::new(), version_of(object))),
        kind => {
            let rows = rows_of(object);
            let at = rows
                .last()
                .map(|r| r.meta.resource_version.clone())
                .or_else(|| version_of(object));
            let events = rows
                .into_iter()
                .map(|row| {
                    Ok(if kind == "DELETED" {
                        Event::Delete(TableObject(row))
                    } else {
                        Event::Apply(TableObject(row))
                    })
                })
                .collect();
            Ok((events, at))
        }
    }
}

fn version_of(object: &Value) -> Option<String> {
    object["metadata"]["resourceVersion"]
        .as_str()
        .map(str::to_owned)
}

/// The Table's column definitions.
fn columns_of(table: &Value) -> Vec<ServerColumn> {
    table["columnDefinitions"]
        .as_array()
        .map(|columns| {
            columns
                .iter()
                .map(|c| ServerColumn {
                    name: c["name"].as_str().unwrap_or_default().to_owned(),
                    type_: c["type"].as_str().unwrap_or_default().to_owned(),
                    format: c["format"].as_str().unwrap_or_default().to_owned(),
                    priority: c["priority"]
                        .as_i64()
                        .and_then(|p| i32::try_from(p).ok())
                        .unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The Table's rows, each its cells as text and its object's metadata (public for the
/// generic pane's benchmark, `benches/generic_rows.rs`).
pub fn rows_of(table: &Value) -> Vec<Row> {
    let Some(rows) = table["rows"].as_array() else {
        return Vec::new();
    };
    rows.iter()
        .map(|row| {
            let cells = row["cells"]
                .as_array()
                .map(|cells| cells.iter().map(cell_text).collect())
                .unwrap_or_default();
            let object_meta: ObjectMeta =
                serde_json::from_value(row["object"]["metadata"].clone()).unwrap_or_default();
            Row {
                meta: meta(object_meta),
                detail: Detail::Table(TableRow { cells }),
                health: Health::Neutral,
            }
        })
        .collect()
}

/// A cell as kubectl prints it: text as is, numbers and booleans written out, `<none>`
/// for nothing.
fn cell_text(cell: &Value) -> Box<str> {
    match cell {
        Value::String(s) => s.as_str().into(),
        Value::Null => "<none>".into(),
        Value::Array(items) if items.is_empty() => "<none>".into(),
        other => other.to_string().into(),
    }
}

/// Percent-encodes a query value (tokens and resourceVersions are base64 or digits).
fn percent(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            _ => {
                use std::fmt::Write as _;
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_carry_cells_and_metadata_and_deletions_are_deletions() {
        let line = serde_json::json!({
            "type": "DELETED",
            "object": {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "rows": [{
                "cells": ["w1", "red", 3, null],
                "object": {"kind": "PartialObjectMetadata", "metadata": {
                    "name": "w1", "namespace": "default", "resourceVersion": "42",
                    "labels": {"app": "demo"}}}
            }]}
        })
        .to_string();
        let (events, at) = event_of(&line).expect("an event");
        assert_eq!(at.as_deref(), Some("42"));
        let Ok(Event::Delete(TableObject(row))) = &events[0] else {
            panic!("a deletion")
        };
        assert_eq!(row.meta.name, "w1");
        let Detail::Table(t) = &row.detail else {
            panic!()
        };
        let cells: Vec<&str> = t.cells.iter().map(|c| &**c).collect();
        assert_eq!(cells, ["w1", "red", "3", "<none>"]);
        let gone = serde_json::json!({"type": "ERROR", "object": {"kind": "Status", "code": 410,
            "status": "Failure", "message": "too old", "reason": "Expired"}})
        .to_string();
        assert!(matches!(event_of(&gone), Err(watcher::Error::WatchError(s)) if s.code == 410));
    }

    #[test]
    fn paths_and_tokens() {
        assert_eq!(percent("a+b/c="), "a%2Bb%2Fc%3D");
        assert_eq!(
            collection_path(Kind::Deployment, Some("web")),
            "/apis/apps/v1/namespaces/web/deployments"
        );
        assert_eq!(collection_path(Kind::Node, Some("web")), "/api/v1/nodes");
    }
}
