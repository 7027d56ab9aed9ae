//! The generic pane's rows: what one custom resource's row costs, against a pod's row.
//!
//! `cargo bench --bench generic_rows` (plain harness). Decodes 50,000 rows of a server-side
//! Table (`as=Table;g=meta.k8s.io;v=v1`, `includeObject=Metadata`: the cells of a CRD's
//! printer columns and the object's metadata, managedFields included, as kube-apiserver
//! sends them), then prints the time a row and the bytes a kept row holds, beside a pod row.

use std::hint::black_box;
use std::time::Instant;

use kdeck::cluster::rows::ToRow as _;
use kdeck::cluster::rows::lean::pod::Pod;
use kdeck::cluster::rows::row_bytes::{row_bytes, sample_pod_json};
use kdeck::cluster::watch::table::rows_of;
use serde_json::{Value, json};

const ROWS: usize = 50_000;

/// One row of a Table of Widgets (columns NAME, COLOR, SIZE, AGE), as the server sends it.
fn table_row(i: usize) -> Value {
    let name = format!("widget-{i:05}");
    let color = ["red", "green", "blue"][i % 3];
    json!({
        "cells": [name, color, i % 100, "2026-12-01T10:00:00Z"],
        "object": {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {
                "name": name,
                "namespace": format!("team-{}", i % 10),
                "uid": format!("5f0c2a4e-0000-4000-8000-{i:012}"),
                "resourceVersion": (100_000 + i).to_string(),
                "generation": 1,
                "creationTimestamp": "2026-12-01T10:00:00Z",
                "labels": {"app": "widgets", "color": color},
                "managedFields": [{
                    "manager": "kubectl-client-side-apply",
                    "operation": "Update",
                    "apiVersion": "demo.kdeck.dev/v1",
                    "time": "2026-12-01T10:00:00Z",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}},
                        "f:labels": {".": {}, "f:app": {}, "f:color": {}}},
                        "f:spec": {".": {}, "f:color": {}, "f:size": {}}}
                }]
            }
        }
    })
}

fn main() {
    let table = json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "columnDefinitions": [
            {"name": "Name", "type": "string", "format": "name"},
            {"name": "Color", "type": "string"},
            {"name": "Size", "type": "integer"},
            {"name": "Age", "type": "date"}
        ],
        "rows": (0..ROWS).map(table_row).collect::<Vec<_>>(),
    })
    .to_string();
    let mut best = f64::MAX;
    let mut rows = Vec::new();
    for _ in 0..4 {
        let start = Instant::now();
        rows = black_box(rows_of(&table));
        best = best.min(start.elapsed().as_nanos() as f64 / ROWS as f64);
    }
    assert_eq!(rows.len(), ROWS);
    let generic: usize = rows.iter().map(row_bytes).sum::<usize>() / ROWS;
    let pod: usize = (0..1_000)
        .map(|i| {
            let pod: Pod = serde_json::from_value(sample_pod_json(i)).expect("sample pod parses");
            row_bytes(&pod.into_row())
        })
        .sum::<usize>()
        / 1_000;
    println!("table row -> row: {best:.0} ns per row (best of 4 rounds over {ROWS} rows)");
    println!(
        "generic row: {generic} bytes on average ({:.1} MiB for {ROWS} custom resources); a pod row: {pod} bytes",
        (generic * ROWS) as f64 / (1024.0 * 1024.0)
    );
    assert!(
        generic <= pod,
        "a generic row ({generic} B) must stay within a pod row's budget ({pod} B)"
    );
}
