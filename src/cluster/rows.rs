//! Kubernetes objects turned into the compact rows the dashboard keeps: one
//! file per kind. Only what panes show survives; managedFields, annotations,
//! pod specs and Secret values are dropped with the object.

mod configmap;
mod daemonset;
mod deployment;
mod endpoints;
mod endpointslice;
mod event;
mod job;
pub mod lean;
mod namespace;
mod node;
mod pod;
mod replicaset;
pub mod row_bytes;
mod secret;
mod service;
mod statefulset;

use std::collections::BTreeMap;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use kube::{Api, Client, Resource};
use serde::de::DeserializeOwned;

use super::model::{Detail, Health, Kind, Meta, OwnerRef, Row};

pub use pod::pod_status;

/// A typed Kubernetes object the dashboard shows as a [`Row`].
pub trait ToRow:
    Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static
{
    /// The kind this type is shown as.
    const KIND: Kind;
    /// The kind-specific part of the row and its health.
    fn detail(&self) -> (Detail, Health);
    /// The API for this kind in `namespace` (`None`: all namespaces; ignored for cluster-scoped kinds).
    fn api(client: Client, namespace: Option<&str>) -> Api<Self>;

    /// For an event, the object it is about (what a watch's scope judges it by).
    fn about(&self) -> Option<crate::cluster::watch::About<'_>> {
        None
    }

    /// The compact row of a copy of the object (tests; the watch path uses `into_row`).
    fn to_row(&self) -> Row {
        self.clone().into_row()
    }

    /// The compact row, consuming the object: its metadata strings and labels move
    /// into the row instead of being copied (the watch path, once per event).
    fn into_row(mut self) -> Row {
        let (detail, health) = self.detail();
        Row {
            meta: meta(std::mem::take(self.meta_mut())),
            detail,
            health,
        }
    }
}

/// The API of a namespaced kind in one namespace or all.
pub(crate) fn namespaced_api<K>(client: Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>,
{
    match namespace {
        Some(ns) => Api::namespaced(client, ns),
        None => Api::all(client),
    }
}

/// The metadata every row carries, moved out of an object's metadata.
pub(crate) fn meta(m: ObjectMeta) -> Meta {
    Meta {
        namespace: m.namespace.unwrap_or_default().into(),
        name: m.name.unwrap_or_default(),
        resource_version: m.resource_version.unwrap_or_default(),
        created: m.creation_timestamp.map(|t| t.0),
        deleting: m.deletion_timestamp.is_some(),
        labels: m
            .labels
            .map(crate::cluster::Labels::from)
            .unwrap_or_default(),
        owner: m.owner_references.and_then(|refs| {
            refs.into_iter()
                .find(|r| r.controller == Some(true))
                .map(|r| {
                    OwnerRef {
                        kind: r.kind.into(),
                        name: r.name.into(),
                        uid: r.uid.into(),
                    }
                    .shared()
                })
        }),
    }
}

/// An annotation parsed as a revision number (`deployment.kubernetes.io/revision`).
pub(crate) fn revision(m: &ObjectMeta) -> Option<i64> {
    m.annotations
        .as_ref()?
        .get("deployment.kubernetes.io/revision")?
        .parse()
        .ok()
}

/// The images of a pod template's containers.
pub(crate) fn template_images(template: &PodTemplateSpec) -> Vec<String> {
    template
        .spec
        .as_ref()
        .map(|spec| {
            spec.containers
                .iter()
                .filter_map(|c| c.image.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// A selector's matchLabels.
pub(crate) fn match_labels(selector: &LabelSelector) -> BTreeMap<String, String> {
    selector.match_labels.clone().unwrap_or_default()
}
