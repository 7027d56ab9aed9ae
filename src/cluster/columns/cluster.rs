//! Columns of the cluster panes: nodes, namespaces, ConfigMaps and Secrets (keys only).

use std::borrow::Cow;

use jiff::Timestamp;

use super::{AGE, CellContext, Column, NAME, Width, by_name, col, fill, list, num, text};
use crate::cluster::{Detail, Row};

fn node_status<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Node, r, text(&r.status), text(""))
}
fn node_roles<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Node, r, text(&r.roles), text(""))
}
fn node_version<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Node, r, text(&r.version), text(""))
}
fn node_ip<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Node, r, text(&r.internal_ip), text(""))
}

pub(in crate::cluster) static NODE: [Column; 6] = [
    NAME,
    col(
        "STATUS",
        Width::Fixed(10),
        240,
        node_status,
        cmp_text!(node_status),
    ),
    col(
        "ROLES",
        Width::Fixed(14),
        200,
        node_roles,
        cmp_text!(node_roles),
    ),
    AGE,
    col(
        "VERSION",
        Width::Fixed(10),
        120,
        node_version,
        cmp_text!(node_version),
    ),
    col(
        "INTERNAL-IP",
        Width::Fixed(15),
        110,
        node_ip,
        cmp_text!(node_ip),
    ),
];

fn ns_status<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Namespace, r, text(&r.status), text(""))
}

pub(in crate::cluster) static NAMESPACE_PANE: [Column; 3] = [
    NAME,
    col(
        "STATUS",
        Width::Fixed(12),
        240,
        ns_status,
        cmp_text!(ns_status),
    ),
    AGE,
];

fn keys_row(r: &Row) -> Option<&crate::cluster::KeysRow> {
    match &r.detail {
        Detail::ConfigMap(k) | Detail::Secret(k) => Some(k),
        _ => None,
    }
}
fn keys_type<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    text(keys_row(r).map_or("", |k| k.type_.as_str()))
}
fn keys_count(r: &Row, _: &CellContext) -> Cow<'static, str> {
    num(keys_row(r).map_or(0, |k| k.keys.len()))
}
fn keys_names<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    keys_row(r).map_or(text(""), |k| list(&k.keys))
}

pub(in crate::cluster) static KEYS: [Column; 5] = [
    NAME,
    col(
        "TYPE",
        Width::Fixed(12),
        150,
        keys_type,
        cmp_text!(keys_type),
    ),
    col(
        "DATA",
        Width::Fixed(4),
        200,
        keys_count,
        cmp_text!(keys_count),
    ),
    col("KEYS", fill(12, 3), 180, keys_names, cmp_text!(keys_names)),
    AGE,
];
