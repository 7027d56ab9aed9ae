//! Shared by the dialog tests: driving `update` with actions and dialog keys, picking
//! the effects out, and a rollout history of hello-deploy with two containers.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helpers"
)]

use k8s_openapi::api::core::v1::PodTemplateSpec;
use kdeck::app::dialog::DialogKey;
use kdeck::app::operations::{Load, OpRequest};
use kdeck::app::state::State;
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::ops::Operation;
use kdeck::cluster::ops::Revision;
use kdeck::cluster::{Kind, ObjectKey};

pub fn run(state: &mut State, actions: &[Msg]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for a in actions {
        effects.extend(update(state, a.clone()));
    }
    state.refresh_views();
    effects
}

pub fn keys(state: &mut State, keys: &[DialogKey]) -> Vec<Effect> {
    let actions: Vec<Msg> = keys.iter().map(|k| Msg::DialogKey(*k)).collect();
    run(state, &actions)
}

pub fn typed(text: &str) -> Vec<DialogKey> {
    text.chars().map(DialogKey::Char).collect()
}

pub fn key(kind: Kind, name: &str) -> ObjectKey {
    ObjectKey {
        kind,
        namespace: "default".into(),
        name: name.into(),
    }
}

pub fn status(state: &State) -> String {
    state.status.clone().unwrap_or_default()
}

/// The one mutation among `effects`, with its answer id.
pub fn sent(effects: &[Effect]) -> (u64, Operation) {
    let sent: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Ops(OpRequest::Mutate { id, operation }) => Some((*id, operation.clone())),
            _ => None,
        })
        .collect();
    match sent.as_slice() {
        [one] => one.clone(),
        other => panic!("expected one mutation, got {other:?} in {effects:?}"),
    }
}

/// The one load among `effects`, with its answer id.
pub fn loaded(effects: &[Effect]) -> (u64, Load) {
    let loads: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Ops(OpRequest::Load { id, load }) => Some((*id, load.clone())),
            _ => None,
        })
        .collect();
    match loads.as_slice() {
        [one] => one.clone(),
        other => panic!("expected one load, got {other:?} in {effects:?}"),
    }
}

pub fn template(image: &str) -> PodTemplateSpec {
    serde_json::from_value(serde_json::json!({
        "metadata": {"labels": {"app": "hello"}},
        "spec": {"containers": [
            {"name": "hello", "image": image},
            {"name": "sidecar", "image": "busybox:1.36"}
        ]}
    }))
    .expect("a pod template")
}

pub fn revision(n: i64, image: &str, current: bool) -> Revision {
    Revision {
        revision: n,
        change_cause: Some(format!(
            "kdeck set image deployment/hello-deploy hello={image}"
        )),
        images: vec![image.into(), "busybox:1.36".into()],
        holder: format!("hello-deploy-{n}"),
        current,
        template: template(image),
    }
}

pub fn history() -> Vec<Revision> {
    vec![
        revision(1, "hello-app:1.0", false),
        revision(2, "hello-app:2.0", false),
        revision(3, "hello-app:3.0", true),
    ]
}
