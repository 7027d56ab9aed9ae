//! The column spec of every built-in kind's pane (the [registry](super::registry) says
//! which kind has which): title, width, priority (which columns go first on a
//! narrow terminal), how a cell reads, and how rows compare when sorted by it.

use std::borrow::Cow;
use std::cmp::Ordering;

use jiff::Timestamp;

use crate::cluster::model::ServerColumn;
use crate::cluster::{Kind, Row};
use crate::human_duration::age;

/// What a cell needs besides its row.
#[derive(Debug, Clone, Copy)]
pub struct CellContext {
    /// "Now", for AGE and LAST SEEN.
    pub now: Timestamp,
}

/// A context for comparing cells that do not depend on the time.
const EPOCH: CellContext = CellContext {
    now: Timestamp::UNIX_EPOCH,
};

/// How wide a column wants to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Exactly this many cells.
    Fixed(u16),
    /// At least `min`, sharing what is left by `weight`.
    Fill {
        /// Minimum width.
        min: u16,
        /// Share of the remaining width.
        weight: u16,
    },
}

/// One column of a pane.
#[derive(Clone, Copy)]
pub struct Column {
    /// Header text.
    pub title: &'static str,
    /// Width.
    pub width: Width,
    /// Higher stays longer when the terminal is narrow.
    pub priority: u8,
    /// The cell's text.
    pub cell: for<'a> fn(&'a Row, &CellContext) -> Cow<'a, str>,
    /// Order of two rows by this column.
    pub cmp: fn(&Row, &Row) -> Ordering,
    /// The order never changes while objects live (name, namespace, creation): a table
    /// sorted by it need not re-sort when rows only change their contents.
    pub fixed_order: bool,
}

/// The columns of `kind`, with NAMESPACE first when showing all namespaces of a
/// namespaced kind; a kind without a typed view has the columns of the server's Table,
/// `server` (none until its watch has sent them).
pub fn columns_for(
    kind: Kind,
    all_namespaces: bool,
    server: &[ServerColumn],
) -> Vec<&'static Column> {
    let mut cols = Vec::with_capacity(10);
    if all_namespaces && kind.namespaced() {
        cols.push(&NAMESPACE);
    }
    match kind.info() {
        Some(info) => cols.extend(info.columns.iter()),
        None if server.is_empty() => cols.extend([&NAME, &AGE]),
        None => cols.extend(server::server_columns(server)),
    }
    cols
}

/// The column a pane sorts by at first, and whether reversed.
pub fn default_sort(kind: Kind, all_namespaces: bool) -> (usize, bool) {
    match kind.info().and_then(|info| info.sort) {
        None => (0, false),
        Some((column, reversed)) => (
            column + usize::from(all_namespaces && kind.namespaced()),
            reversed,
        ),
    }
}

const fn col(
    title: &'static str,
    width: Width,
    priority: u8,
    cell: for<'a> fn(&'a Row, &CellContext) -> Cow<'a, str>,
    cmp: fn(&Row, &Row) -> Ordering,
) -> Column {
    Column {
        title,
        width,
        priority,
        cell,
        cmp,
        fixed_order: false,
    }
}

/// `c`, marked as ordering rows by what never changes about an object.
const fn fixed(c: Column) -> Column {
    Column {
        fixed_order: true,
        ..c
    }
}

const fn fill(min: u16, weight: u16) -> Width {
    Width::Fill { min, weight }
}

fn by_name(a: &Row, b: &Row) -> Ordering {
    (&a.meta.namespace, &a.meta.name).cmp(&(&b.meta.namespace, &b.meta.name))
}

fn name<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    Cow::Borrowed(&r.meta.name)
}

fn age_cell(r: &Row, c: &CellContext) -> Cow<'static, str> {
    Cow::Owned(age(r.meta.created, c.now))
}

/// Younger objects first when sorted by AGE.
fn by_age(a: &Row, b: &Row) -> Ordering {
    b.meta
        .created
        .cmp(&a.meta.created)
        .then_with(|| by_name(a, b))
}

static NAMESPACE: Column = fixed(col(
    "NAMESPACE",
    Width::Fixed(14),
    200,
    |r, _| Cow::Borrowed(&r.meta.namespace),
    by_name,
));
const NAME: Column = fixed(col("NAME", fill(16, 3), 255, name, by_name));
const AGE: Column = fixed(col("AGE", Width::Fixed(7), 150, age_cell, by_age));

macro_rules! field {
    ($variant:ident, $r:ident, $body:expr, $default:expr) => {
        match &$r.detail {
            Detail::$variant($r) => $body,
            _ => $default,
        }
    };
}

fn text(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

fn num(n: impl std::fmt::Display) -> Cow<'static, str> {
    Cow::Owned(n.to_string())
}

fn list(items: &[String]) -> Cow<'_, str> {
    match items {
        [] => Cow::Borrowed("<none>"),
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join(",")),
    }
}

macro_rules! cmp_num {
    ($variant:ident, $field:ident) => {
        |a: &Row, b: &Row| {
            fn get(r: &Row) -> i64 {
                match &r.detail {
                    Detail::$variant(d) => i64::from(d.$field),
                    _ => 0,
                }
            }
            get(a).cmp(&get(b)).then_with(|| by_name(a, b))
        }
    };
}

macro_rules! cmp_text {
    ($cell:expr) => {
        |a: &Row, b: &Row| {
            let ctx = CellContext {
                now: Timestamp::UNIX_EPOCH,
            };
            let f: for<'a> fn(&'a Row, &CellContext) -> Cow<'a, str> = $cell;
            f(a, &ctx).cmp(&f(b, &ctx)).then_with(|| by_name(a, b))
        }
    };
}

/// `app=myapp,tier=web`, or `<none>`.
pub fn selector_text(selector: &std::collections::BTreeMap<String, String>) -> String {
    if selector.is_empty() {
        return "<none>".to_owned();
    }
    selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

mod batch;
mod cluster;
mod events;
mod network;
pub mod server;
mod workloads;

pub(in crate::cluster) use batch::{CRON_JOB, JOB};
pub(in crate::cluster) use cluster::{KEYS, NAMESPACE_PANE, NODE};
pub(in crate::cluster) use events::EVENT;
pub(in crate::cluster) use network::{ENDPOINT_SLICE, ENDPOINTS, SERVICE};
pub(in crate::cluster) use workloads::{DAEMON_SET, DEPLOYMENT, POD, REPLICA_SET, STATEFUL_SET};
