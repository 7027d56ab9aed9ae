//! Columns of the events pane.

use std::borrow::Cow;
use std::cmp::Ordering;

use jiff::Timestamp;

use super::{CellContext, Column, Width, by_name, col, fill, num, text};
use crate::cluster::{Detail, Row};
use crate::human_duration::age;

fn ev_last_seen(r: &Row, c: &CellContext) -> Cow<'static, str> {
    field!(
        Event,
        r,
        Cow::Owned(age(r.last_seen.or(r.first_seen), c.now)),
        num("")
    )
}
/// By time; events of the same second (times have one-second resolution) in the order they
/// were written: resourceVersions are opaque, but API servers in the field hand them out as
/// increasing integers.
fn ev_last_seen_cmp(a: &Row, b: &Row) -> Ordering {
    let t = |r: &Row| field!(Event, r, r.last_seen.or(r.first_seen), None);
    let written = |r: &Row| r.meta.resource_version.parse::<u64>().unwrap_or(0);
    t(a).cmp(&t(b))
        .then_with(|| written(a).cmp(&written(b)))
        .then_with(|| by_name(a, b))
}
fn ev_type<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Event, r, text(&r.type_), text(""))
}
fn ev_reason<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Event, r, text(&r.reason), text(""))
}
fn ev_object(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(
        Event,
        r,
        Cow::Owned(format!(
            "{}/{}",
            r.object_kind.to_lowercase(),
            r.object_name
        )),
        num("")
    )
}
fn ev_message<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Event, r, text(&r.message), text(""))
}
fn ev_count(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(Event, r, num(r.count), num(""))
}

pub(in crate::cluster) static EVENT: [Column; 6] = [
    col(
        "LAST SEEN",
        // Ten: the header with its sort arrow.
        Width::Fixed(10),
        250,
        ev_last_seen,
        ev_last_seen_cmp,
    ),
    col("TYPE", Width::Fixed(7), 240, ev_type, cmp_text!(ev_type)),
    col(
        "REASON",
        // ScalingReplicaSet, the longest common reason.
        Width::Fixed(17),
        230,
        ev_reason,
        cmp_text!(ev_reason),
    ),
    col("OBJECT", fill(12, 2), 220, ev_object, cmp_text!(ev_object)),
    col(
        "MESSAGE",
        // The message is what an event is read for: it gets most of the room.
        fill(16, 5),
        210,
        ev_message,
        cmp_text!(ev_message),
    ),
    col(
        "COUNT",
        Width::Fixed(5),
        150,
        ev_count,
        cmp_num!(Event, count),
    ),
];
