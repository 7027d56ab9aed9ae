//! Server-side `meta.k8s.io/v1` Table output: the columns and cell formats of the
//! real server's printers, so `kubectl get` (and `-o wide`) prints the familiar columns.

mod batch;
mod cells;
mod custom;
mod other_kinds;

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::routes::ApiRequest;
use super::shown_time;
use crate::sim::clock::Clock;
use crate::sim::resources::{ResourceType, ServerVersion};
use crate::sim::store::Obj;

pub use cells::human_duration;

/// What each Table row carries besides its cells (`includeObject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncludeObject {
    /// No object.
    None,
    /// A `PartialObjectMetadata` (the default; kubectl reads namespaces and labels from it).
    Metadata,
    /// The whole object.
    Object,
}

impl IncludeObject {
    /// Reads `includeObject` from the request.
    pub fn from_request(req: &ApiRequest) -> Self {
        match req.param("includeObject") {
            Some("None") => Self::None,
            Some("Object") => Self::Object,
            _ => Self::Metadata,
        }
    }
}

/// What a table is of: the kind, the version it is served in, the release serving it.
#[derive(Clone, Copy, Debug)]
pub struct TableOf<'a> {
    /// The kind.
    pub rt: &'a ResourceType,
    /// The served version (a CRD's columns are per version).
    pub version: &'a str,
    /// The release (some printers gained columns over time).
    pub release: ServerVersion,
}

/// One column: name, type, format, priority (1 = only with `-o wide`), description.
type Column = (&'static str, &'static str, &'static str, u8, &'static str);

const NAME: Column = (
    "Name",
    "string",
    "name",
    0,
    "Name must be unique within a namespace.",
);
const AGE: Column = (
    "Age",
    "string",
    "",
    0,
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
);

fn s(name: &'static str, priority: u8) -> Column {
    (name, "string", "", priority, "")
}

fn i(name: &'static str, priority: u8) -> Column {
    (name, "integer", "", priority, "")
}

/// The columns of a type, as the real server's printers define them.
fn columns(of: TableOf<'_>) -> Vec<Column> {
    let rt = of.rt;
    if let Some(c) = batch::columns(of).or_else(|| other_kinds::columns(of)) {
        return c;
    }
    match rt.plural {
        "pods" => vec![
            NAME,
            s("Ready", 0),
            s("Status", 0),
            s("Restarts", 0),
            AGE,
            s("IP", 1),
            s("Node", 1),
            s("Nominated Node", 1),
            s("Readiness Gates", 1),
        ],
        "deployments" => vec![
            NAME,
            s("Ready", 0),
            i("Up-to-date", 0),
            i("Available", 0),
            AGE,
            s("Containers", 1),
            s("Images", 1),
            s("Selector", 1),
        ],
        "replicasets" => vec![
            NAME,
            i("Desired", 0),
            i("Current", 0),
            i("Ready", 0),
            AGE,
            s("Containers", 1),
            s("Images", 1),
            s("Selector", 1),
        ],
        "statefulsets" => vec![NAME, s("Ready", 0), AGE, s("Containers", 1), s("Images", 1)],
        "daemonsets" => vec![
            NAME,
            i("Desired", 0),
            i("Current", 0),
            i("Ready", 0),
            i("Up-to-date", 0),
            i("Available", 0),
            s("Node Selector", 0),
            AGE,
            s("Containers", 1),
            s("Images", 1),
            s("Selector", 1),
        ],
        "services" => vec![
            NAME,
            s("Type", 0),
            s("Cluster-IP", 0),
            s("External-IP", 0),
            s("Port(s)", 0),
            AGE,
            s("Selector", 1),
        ],
        "endpoints" => vec![NAME, s("Endpoints", 0), AGE],
        "controllerrevisions" => vec![
            NAME,
            s("Controller", 0),
            ("Revision", "number", "", 0, ""),
            AGE,
        ],
        "endpointslices" => vec![
            NAME,
            s("AddressType", 0),
            s("Ports", 0),
            s("Endpoints", 0),
            AGE,
        ],
        "nodes" => vec![
            NAME,
            s("Status", 0),
            s("Roles", 0),
            AGE,
            s("Version", 0),
            s("Internal-IP", 1),
            s("External-IP", 1),
            s("OS-Image", 1),
            s("Kernel-Version", 1),
            s("Container-Runtime", 1),
        ],
        "namespaces" => vec![NAME, s("Status", 0), AGE],
        "events" if rt.group.is_empty() => vec![
            s("Last Seen", 0),
            s("Type", 0),
            s("Reason", 0),
            s("Object", 0),
            s("Subobject", 1),
            s("Source", 1),
            s("Message", 0),
            s("First Seen", 1),
            s("Count", 1),
            (
                "Name",
                "string",
                "name",
                1,
                "Name must be unique within a namespace.",
            ),
        ],
        "configmaps" => vec![NAME, i("Data", 0), AGE],
        "secrets" => vec![NAME, s("Type", 0), i("Data", 0), AGE],
        "serviceaccounts" => vec![NAME, i("Secrets", 0), AGE],
        _ => vec![NAME, AGE],
    }
}

fn partial_metadata(obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj["metadata"].clone(),
    })
}

/// [`table`] as clients are shown it: timestamps and ages through [`Clock::shown`].
pub fn shown_table(of: TableOf<'_>, objs: &[Obj], clock: &Clock, include: IncludeObject) -> Value {
    let now = clock.shown(clock.now());
    if !clock.compresses() {
        return table(of, objs, now, include);
    }
    let shown: Vec<Obj> = objs
        .iter()
        .map(|o| Arc::new(shown_time::shown(clock, o).into_owned()))
        .collect();
    table(of, &shown, now, include)
}

/// A Table of `objs` (stored forms: the printers read the fields every version shares,
/// as the real printers read the internal version) as of `now`.
pub fn table(of: TableOf<'_>, objs: &[Obj], now: Timestamp, include: IncludeObject) -> Value {
    let columns: Vec<Value> = if of.rt.custom {
        custom::columns(of)
    } else {
        columns(of)
            .into_iter()
            .map(|(name, kind, format, priority, description)| {
                json!({"name": name, "type": kind, "format": format, "description": description, "priority": priority})
            })
            .collect()
    };
    let rows: Vec<Value> = objs
        .iter()
        .map(|o| {
            let cells = if of.rt.custom {
                custom::cells(of, o, now)
            } else {
                batch::cells(of, o, now)
                    .or_else(|| other_kinds::cells(of, o, now))
                    .unwrap_or_else(|| cells::cells(of.rt, o, now))
            };
            let mut row = json!({"cells": cells});
            match include {
                IncludeObject::None => {}
                IncludeObject::Metadata => row["object"] = partial_metadata(o),
                IncludeObject::Object => {
                    row["object"] = super::convert::to_served(of.rt, of.version, o).into_owned();
                }
            }
            row
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {},
        "columnDefinitions": columns,
        "rows": rows,
    })
}

#[cfg(test)]
mod tests;
