//! Columns of the network panes: Services, Endpoints, EndpointSlices.

use std::borrow::Cow;

use jiff::Timestamp;

use super::{
    AGE, CellContext, Column, NAME, Width, by_name, col, fill, list, num, selector_text, text,
};
use crate::cluster::{Detail, Row};

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

pub(in crate::cluster) static SERVICE: [Column; 7] = [
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

pub(in crate::cluster) static ENDPOINTS: [Column; 4] = [
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

pub(in crate::cluster) static ENDPOINT_SLICE: [Column; 6] = [
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
