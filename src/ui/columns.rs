//! The column spec of every pane: title, width, priority (which columns go first on a
//! narrow terminal), how a cell reads, and how rows compare when sorted by it.

use std::borrow::Cow;
use std::cmp::Ordering;

use jiff::Timestamp;

use crate::cluster::{Detail, Kind, Row};
use crate::human_duration::{age, human_duration, seconds_between};

/// What a cell needs besides its row.
#[derive(Debug, Clone, Copy)]
pub struct CellContext {
    /// "Now", for AGE and LAST SEEN.
    pub now: Timestamp,
}

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
}

/// The columns of `kind`, with NAMESPACE first when showing all namespaces of a namespaced kind.
pub fn columns_for(kind: Kind, all_namespaces: bool) -> Vec<&'static Column> {
    let mut cols = Vec::with_capacity(10);
    if all_namespaces && is_namespaced(kind) {
        cols.push(&NAMESPACE);
    }
    cols.extend(kind_columns(kind).iter());
    cols
}

/// The column a pane sorts by at first, and whether reversed.
pub fn default_sort(kind: Kind, all_namespaces: bool) -> (usize, bool) {
    match kind {
        // Most recent first, as a person reading events wants.
        Kind::Event => (usize::from(all_namespaces && is_namespaced(kind)), true),
        _ => (0, false),
    }
}

/// Whether objects of `kind` live in a namespace.
pub fn is_namespaced(kind: Kind) -> bool {
    !matches!(kind, Kind::Node | Kind::Namespace)
}

fn kind_columns(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Pod => &POD,
        Kind::ReplicaSet => &REPLICA_SET,
        Kind::Deployment => &DEPLOYMENT,
        Kind::StatefulSet => &STATEFUL_SET,
        Kind::DaemonSet => &DAEMON_SET,
        Kind::Service => &SERVICE,
        Kind::Endpoints => &ENDPOINTS,
        Kind::EndpointSlice => &ENDPOINT_SLICE,
        Kind::Event => &EVENT,
        Kind::Node => &NODE,
        Kind::Namespace => &NAMESPACE_PANE,
        Kind::ConfigMap | Kind::Secret => &KEYS,
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

static NAMESPACE: Column = col(
    "NAMESPACE",
    Width::Fixed(14),
    200,
    |r, _| Cow::Borrowed(&r.meta.namespace),
    by_name,
);
const NAME: Column = col("NAME", fill(16, 3), 255, name, by_name);
const AGE: Column = col("AGE", Width::Fixed(7), 150, age_cell, by_age);

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

static POD: [Column; 8] = [
    col("NAME", fill(30, 3), 255, name, by_name),
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

static REPLICA_SET: [Column; 7] = [
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

static DEPLOYMENT: [Column; 8] = [
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

static STATEFUL_SET: [Column; 4] = [
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

static DAEMON_SET: [Column; 7] = [
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

fn svc_type<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Service, r, text(&r.type_), text(""))
}
fn svc_cluster_ip<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Service, r, text(&r.cluster_ip), text(""))
}
fn svc_external_ip<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Service, r, text(&r.external_ip), text(""))
}
fn svc_ports<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Service, r, text(&r.ports), text(""))
}
fn svc_selector(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(Service, r, Cow::Owned(selector_text(&r.selector)), num(""))
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

static SERVICE: [Column; 7] = [
    NAME,
    col("TYPE", Width::Fixed(12), 240, svc_type, cmp_text!(svc_type)),
    col(
        "CLUSTER-IP",
        Width::Fixed(15),
        230,
        svc_cluster_ip,
        cmp_text!(svc_cluster_ip),
    ),
    col(
        "EXTERNAL-IP",
        Width::Fixed(12),
        150,
        svc_external_ip,
        cmp_text!(svc_external_ip),
    ),
    col("PORT(S)", fill(10, 1), 220, svc_ports, cmp_text!(svc_ports)),
    col(
        "SELECTOR",
        fill(10, 1),
        100,
        svc_selector,
        cmp_text!(svc_selector),
    ),
    AGE,
];

/// `10.0.0.1:80 (pod-a)` style summaries, ready first, then `not ready:` ones.
fn addresses(addrs: &[crate::cluster::AddressRow]) -> String {
    if addrs.is_empty() {
        return "<none>".to_owned();
    }
    let show = |ready: bool| {
        addrs
            .iter()
            .filter(|a| a.ready == ready)
            .map(|a| match &a.pod {
                Some(p) => format!("{}({p})", a.ip),
                None => a.ip.clone(),
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let (ready, not_ready) = (show(true), show(false));
    match (ready.is_empty(), not_ready.is_empty()) {
        (_, true) => ready,
        (true, false) => format!("not ready: {not_ready}"),
        (false, false) => format!("{ready} not ready: {not_ready}"),
    }
}

fn ep_ports<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(Endpoints, r, list(&r.ports), text(""))
}
fn ep_addresses(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(Endpoints, r, Cow::Owned(addresses(&r.addresses)), num(""))
}

static ENDPOINTS: [Column; 4] = [
    NAME,
    col(
        "PORTS",
        Width::Fixed(12),
        200,
        ep_ports,
        cmp_text!(ep_ports),
    ),
    col(
        "ENDPOINTS",
        fill(20, 4),
        220,
        ep_addresses,
        cmp_text!(ep_addresses),
    ),
    AGE,
];

fn eps_type<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(EndpointSlice, r, text(&r.address_type), text(""))
}
fn eps_service<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(
        EndpointSlice,
        r,
        text(r.service.as_deref().unwrap_or("<none>")),
        text("")
    )
}
fn eps_ports<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    field!(EndpointSlice, r, list(&r.ports), text(""))
}
fn eps_endpoints(r: &Row, _: &CellContext) -> Cow<'static, str> {
    field!(
        EndpointSlice,
        r,
        Cow::Owned(addresses(&r.endpoints)),
        num("")
    )
}

static ENDPOINT_SLICE: [Column; 6] = [
    NAME,
    col(
        "SERVICE",
        Width::Fixed(16),
        210,
        eps_service,
        cmp_text!(eps_service),
    ),
    col(
        "ADDRESSTYPE",
        Width::Fixed(11),
        150,
        eps_type,
        cmp_text!(eps_type),
    ),
    col(
        "PORTS",
        Width::Fixed(10),
        200,
        eps_ports,
        cmp_text!(eps_ports),
    ),
    col(
        "ENDPOINTS",
        fill(20, 4),
        220,
        eps_endpoints,
        cmp_text!(eps_endpoints),
    ),
    AGE,
];

fn ev_last_seen(r: &Row, c: &CellContext) -> Cow<'static, str> {
    field!(
        Event,
        r,
        Cow::Owned(age(r.last_seen.or(r.first_seen), c.now)),
        num("")
    )
}
fn ev_last_seen_cmp(a: &Row, b: &Row) -> Ordering {
    let t = |r: &Row| field!(Event, r, r.last_seen.or(r.first_seen), None);
    t(a).cmp(&t(b)).then_with(|| by_name(a, b))
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

static EVENT: [Column; 6] = [
    col(
        "LAST SEEN",
        Width::Fixed(9),
        250,
        ev_last_seen,
        ev_last_seen_cmp,
    ),
    col("TYPE", Width::Fixed(7), 240, ev_type, cmp_text!(ev_type)),
    col(
        "REASON",
        Width::Fixed(18),
        230,
        ev_reason,
        cmp_text!(ev_reason),
    ),
    col("OBJECT", fill(16, 2), 220, ev_object, cmp_text!(ev_object)),
    col(
        "MESSAGE",
        fill(16, 4),
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

static NODE: [Column; 6] = [
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

static NAMESPACE_PANE: [Column; 3] = [
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

static KEYS: [Column; 5] = [
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
