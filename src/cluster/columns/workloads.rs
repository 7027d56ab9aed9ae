//! Columns of the workload panes: pods, ReplicaSets, Deployments, StatefulSets, DaemonSets.

use std::borrow::Cow;
use std::cmp::Ordering;

use jiff::Timestamp;

use super::{
    AGE, CellContext, Column, NAME, Width, by_name, col, fill, fixed, list, name, num, text,
};
use crate::cluster::{Detail, Row};
use crate::human_duration::{human_duration, seconds_between};

fn pod_restarts(r: &Row, c: &CellContext) -> Cow<'static, str> {
    field!(
        Pod,
        r,
        match (r.restarts, r.last_restart) {
            (0, _) | (_, None) => num(r.restarts),
            (n, Some(t)) => Cow::Owned(format!(
                "{n} ({} ago)",
                human_duration(seconds_between(t, c.now))
            )),
        },
        Cow::Borrowed("")
    )
}

fn pod_owner<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    match &r.meta.owner {
        Some(o) => Cow::Borrowed(&o.name),
        None => Cow::Borrowed("<none>"),
    }
}

fn pod_ready(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(
        Pod,
        r,
        Cow::Owned(format!("{}/{}", r.ready, r.total)),
        Cow::Borrowed("")
    )
}
fn pod_status<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Pod, r, text(&r.status), text(""))
}
fn pod_ip<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Pod, r, text(r.ip.as_deref().unwrap_or("<none>")), text(""))
}
fn pod_node<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(
        Pod,
        r,
        text(r.node.as_deref().unwrap_or("<none>")),
        text("")
    )
}

pub(in crate::cluster) static POD: [Column; 8] = [
    fixed(col("NAME", fill(30, 3), 255, name, by_name)),
    col(
        "READY",
        Width::Fixed(5),
        240,
        pod_ready,
        cmp_num!(Pod, ready),
    ),
    col(
        "STATUS",
        Width::Fixed(17),
        250,
        pod_status,
        cmp_text!(pod_status),
    ),
    col(
        "RESTARTS",
        Width::Fixed(12),
        180,
        pod_restarts,
        cmp_num!(Pod, restarts),
    ),
    AGE,
    col("IP", Width::Fixed(15), 100, pod_ip, cmp_text!(pod_ip)),
    col("NODE", Width::Fixed(13), 90, pod_node, cmp_text!(pod_node)),
    col(
        "REPLICASET",
        fill(12, 2),
        80,
        pod_owner,
        cmp_text!(pod_owner),
    ),
];

fn rs_desired(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(ReplicaSet, r, num(r.desired), num(""))
}
fn rs_current(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(ReplicaSet, r, num(r.current), num(""))
}
fn rs_ready(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(ReplicaSet, r, num(r.ready), num(""))
}
fn rs_revision(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(ReplicaSet, r, r.revision.map_or(num("-"), num), num(""))
}
fn rs_images<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(ReplicaSet, r, list(&r.images), text(""))
}
fn rs_revision_cmp(a: &Row, b: &Row) -> Ordering {
    let rev = |r: &Row| field!(ReplicaSet, r, r.revision.unwrap_or(0), 0);
    rev(a).cmp(&rev(b)).then_with(|| by_name(a, b))
}

pub(in crate::cluster) static REPLICA_SET: [Column; 7] = [
    NAME,
    col(
        "DESIRED",
        Width::Fixed(7),
        240,
        rs_desired,
        cmp_num!(ReplicaSet, desired),
    ),
    col(
        "CURRENT",
        Width::Fixed(7),
        230,
        rs_current,
        cmp_num!(ReplicaSet, current),
    ),
    col(
        "READY",
        Width::Fixed(5),
        235,
        rs_ready,
        cmp_num!(ReplicaSet, ready),
    ),
    col(
        "REVISION",
        Width::Fixed(8),
        200,
        rs_revision,
        rs_revision_cmp,
    ),
    col("IMAGES", fill(12, 2), 120, rs_images, cmp_text!(rs_images)),
    AGE,
];

fn dp_ready(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(
        Deployment,
        r,
        Cow::Owned(format!("{}/{}", r.ready, r.desired)),
        num("")
    )
}
fn dp_updated(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(Deployment, r, num(r.updated), num(""))
}
fn dp_available(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(Deployment, r, num(r.available), num(""))
}
fn dp_paused(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(
        Deployment,
        r,
        num(if r.paused { "true" } else { "false" }),
        num("")
    )
}
fn dp_strategy<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Deployment, r, text(&r.strategy), text(""))
}
fn dp_images<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Deployment, r, list(&r.images), text(""))
}

pub(in crate::cluster) static DEPLOYMENT: [Column; 8] = [
    NAME,
    col(
        "READY",
        Width::Fixed(7),
        250,
        dp_ready,
        cmp_num!(Deployment, ready),
    ),
    col(
        "UP-TO-DATE",
        Width::Fixed(10),
        220,
        dp_updated,
        cmp_num!(Deployment, updated),
    ),
    col(
        "AVAILABLE",
        Width::Fixed(9),
        210,
        dp_available,
        cmp_num!(Deployment, available),
    ),
    col(
        "PAUSED",
        Width::Fixed(6),
        160,
        dp_paused,
        cmp_text!(dp_paused),
    ),
    col(
        "STRATEGY",
        Width::Fixed(13),
        100,
        dp_strategy,
        cmp_text!(dp_strategy),
    ),
    col("IMAGES", fill(12, 2), 120, dp_images, cmp_text!(dp_images)),
    AGE,
];

fn sts_ready(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(
        StatefulSet,
        r,
        Cow::Owned(format!("{}/{}", r.ready, r.desired)),
        num("")
    )
}
fn sts_images<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(StatefulSet, r, list(&r.images), text(""))
}

pub(in crate::cluster) static STATEFUL_SET: [Column; 4] = [
    NAME,
    col(
        "READY",
        Width::Fixed(7),
        250,
        sts_ready,
        cmp_num!(StatefulSet, ready),
    ),
    col(
        "IMAGES",
        fill(12, 2),
        120,
        sts_images,
        cmp_text!(sts_images),
    ),
    AGE,
];

fn ds_desired(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(DaemonSet, r, num(r.desired), num(""))
}
fn ds_current(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(DaemonSet, r, num(r.current), num(""))
}
fn ds_ready(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(DaemonSet, r, num(r.ready), num(""))
}
fn ds_available(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(DaemonSet, r, num(r.available), num(""))
}
fn ds_images<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(DaemonSet, r, list(&r.images), text(""))
}

pub(in crate::cluster) static DAEMON_SET: [Column; 7] = [
    NAME,
    col(
        "DESIRED",
        Width::Fixed(7),
        240,
        ds_desired,
        cmp_num!(DaemonSet, desired),
    ),
    col(
        "CURRENT",
        Width::Fixed(7),
        230,
        ds_current,
        cmp_num!(DaemonSet, current),
    ),
    col(
        "READY",
        Width::Fixed(5),
        235,
        ds_ready,
        cmp_num!(DaemonSet, ready),
    ),
    col(
        "AVAILABLE",
        Width::Fixed(9),
        200,
        ds_available,
        cmp_num!(DaemonSet, available),
    ),
    col("IMAGES", fill(12, 2), 120, ds_images, cmp_text!(ds_images)),
    AGE,
];
