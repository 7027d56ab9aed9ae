//! A core/v1 Event as its row reads it.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use serde::Deserialize;

use super::{lean_meta, lean_resource};

/// A core/v1 Event: who it is about, what happened, how often, when.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Name, namespace, resourceVersion...
    #[serde(default, deserialize_with = "lean_meta")]
    pub metadata: ObjectMeta,
    /// The object it is about.
    #[serde(default)]
    pub involved_object: InvolvedObject,
    /// Normal or Warning.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Why (BackOff, Scheduled...).
    pub reason: Option<String>,
    /// What happened.
    pub message: Option<String>,
    /// How many times (core/v1's correlator).
    pub count: Option<i32>,
    /// When it first happened.
    pub first_timestamp: Option<Time>,
    /// When it last happened.
    pub last_timestamp: Option<Time>,
    /// When it happened (events.k8s.io/v1 recorders).
    pub event_time: Option<MicroTime>,
    /// Its series (events.k8s.io/v1 recorders).
    pub series: Option<EventSeries>,
}

/// The object an event is about.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct InvolvedObject {
    /// Its kind.
    pub kind: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its namespace.
    pub namespace: Option<String>,
}

/// How often an event recurred.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSeries {
    /// How many times.
    pub count: Option<i32>,
    /// When last.
    pub last_observed_time: Option<MicroTime>,
}

lean_resource!(Event, k8s_openapi::api::core::v1::Event);
