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
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::sync::mpsc;

use super::super::model::{ClusterUpdate, Detail, Health, Kind, Row, ServerColumn, TableRow};
use super::super::rows::lean::lean_meta;
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
    let text = client.request_text(request).await?;
    let table: TableDoc = serde_json::from_str(&text).map_err(kube::Error::SerdeError)?;
    let resource_version = table.metadata.resource_version.clone();
    let next = Some(table.metadata.next.clone()).filter(|t| !t.is_empty());
    Ok(Page {
        columns: table.columns(),
        rows: table.into_rows(),
        resource_version,
        next,
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
    #[derive(Deserialize)]
    struct WatchLine<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        #[serde(borrow)]
        object: &'a RawValue,
    }
    let failed = |e| watcher::Error::WatchFailed(kube::Error::SerdeError(e));
    let event: WatchLine<'_> = serde_json::from_str(line).map_err(failed)?;
    match event.kind {
        "ERROR" => {
            let status: kube::core::Status =
                serde_json::from_str(event.object.get()).map_err(failed)?;
            Err(watcher::Error::WatchError(Box::new(status)))
        }
        kind => {
            let table: TableDoc = serde_json::from_str(event.object.get()).map_err(failed)?;
            let version = Some(table.metadata.resource_version.clone()).filter(|v| !v.is_empty());
            if kind == "BOOKMARK" {
                return Ok((Vec::new(), version));
            }
            let rows = table.into_rows();
            let at = rows
                .last()
                .map(|r| r.meta.resource_version.clone())
                .or(version);
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

/// A Table (or, in a bookmark, an object with only metadata) read only as far as rows
/// are built from it: each object's metadata through the lean reader, so its
/// managedFields, annotations and the rest are skipped as they are read instead of
/// being held as a tree for a whole page.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct TableDoc {
    column_definitions: Vec<ColumnDoc>,
    rows: Vec<RowDoc>,
    metadata: ListMetaDoc,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ColumnDoc {
    name: String,
    #[serde(rename = "type")]
    type_: String,
    format: String,
    priority: i32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RowDoc {
    cells: Vec<Value>,
    object: ObjectDoc,
}

#[derive(Deserialize, Default)]
struct ObjectDoc {
    #[serde(default, deserialize_with = "lean_meta")]
    metadata: ObjectMeta,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ListMetaDoc {
    resource_version: String,
    #[serde(rename = "continue")]
    next: String,
}

impl TableDoc {
    /// The Table's column definitions.
    fn columns(&self) -> Vec<ServerColumn> {
        self.column_definitions
            .iter()
            .map(|c| ServerColumn {
                name: c.name.clone(),
                type_: c.type_.clone(),
                format: c.format.clone(),
                priority: c.priority,
            })
            .collect()
    }

    /// The Table's rows, each its cells as text and its object's metadata.
    fn into_rows(self) -> Vec<Row> {
        self.rows
            .into_iter()
            .map(|row| Row {
                meta: meta(row.object.metadata),
                detail: Detail::Table(TableRow {
                    cells: row.cells.iter().map(cell_text).collect(),
                }),
                health: Health::Neutral,
            })
            .collect()
    }
}

/// The rows of a Table's JSON text (public for the generic pane's benchmark,
/// `benches/generic_rows.rs`); none if it is not a Table.
pub fn rows_of(table: &str) -> Vec<Row> {
    serde_json::from_str::<TableDoc>(table)
        .map(TableDoc::into_rows)
        .unwrap_or_default()
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
    fn a_page_reads_its_columns_rows_and_continue_token_skipping_managed_fields() {
        let page = serde_json::json!({
            "kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": "77", "continue": "next-page"},
            "columnDefinitions": [{"name": "Name", "type": "string", "format": "name",
                "description": "the name", "priority": 0},
                {"name": "Size", "type": "integer", "format": "", "priority": 1}],
            "rows": [{"cells": ["gear", 3], "object": {"kind": "PartialObjectMetadata",
                "metadata": {"name": "gear", "namespace": "default", "resourceVersion": "70",
                    "annotations": {"big": "x"},
                    "managedFields": [{"manager": "kubectl", "operation": "Apply",
                        "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:size": {}}}}]}}}]
        })
        .to_string();
        let table: TableDoc = serde_json::from_str(&page).expect("a Table");
        assert_eq!(table.metadata.resource_version, "77");
        assert_eq!(table.metadata.next, "next-page");
        let columns = table.columns();
        assert_eq!(columns[1].name, "Size");
        assert_eq!(columns[1].type_, "integer");
        assert_eq!(columns[1].priority, 1);
        let rows = rows_of(&page);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].meta.name, "gear");
        assert_eq!(rows[0].meta.resource_version, "70");
        assert!(rows_of("not json").is_empty());
        let bookmark = serde_json::json!({"type": "BOOKMARK", "object": {"kind": "Table",
            "metadata": {"resourceVersion": "90"}}})
        .to_string();
        let (events, at) = event_of(&bookmark).expect("a bookmark");
        assert!(events.is_empty());
        assert_eq!(at.as_deref(), Some("90"));
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
