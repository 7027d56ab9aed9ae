//! The `seed` scenario: what the Kubernetes tutorials walk through, on a kind-like
//! three-node cluster that has been up for three days. It is built on a private
//! store with a manual clock, fast-forwarded through the controllers (so every
//! ReplicaSet, pod, endpoint and event is what they would have made), then copied
//! into the real store with every timestamp moved so that "now" is now.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use jiff::SignedDuration;
use serde_json::{Value, json};

mod batch_and_widgets;
mod system_objects;
mod tutorial_apps;

use super::cluster_objects::{namespace, node};
use super::time_shift::shift_times;
use crate::sim::clock::Clock;
use crate::sim::controllers;
use crate::sim::resources::{ResourceType, by_kind};
use crate::sim::store::Store;

/// The seed's nodes: the control plane first.
pub const NODES: [&str; 3] = ["kdeck-control-plane", "kdeck-worker", "kdeck-worker2"];
const NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];
const UPTIME: SignedDuration = SignedDuration::from_hours(72);

fn rt(group: &str, kind: &str) -> anyhow::Result<&'static ResourceType> {
    by_kind(group, kind).with_context(|| format!("{kind} is not a served kind"))
}

fn create(store: &Store, group: &str, kind: &str, obj: Value) -> anyhow::Result<Value> {
    let rt = store
        .registry()
        .by_kind(group, kind)
        .with_context(|| format!("{kind} is not a served kind"))?;
    let created = store
        .create(rt, obj)
        .with_context(|| format!("cannot create the seed's {kind}"))?;
    Ok((*created).clone())
}

/// Runs the controllers over `seconds` simulated seconds, one second at a time.
fn run(store: &Store, seconds: u64) {
    for _ in 0..seconds {
        controllers::settle(store);
        store.clock().advance(Duration::from_secs(1));
    }
    controllers::settle(store);
}

/// Builds the seed and loads it into `target`.
pub fn load(target: &Arc<Store>) -> anyhow::Result<()> {
    // Built as it would have happened during the last three days of the target's clock, so
    // the CronJob's Jobs are named after the minutes their (hardly shifted) times say.
    let began = target
        .clock()
        .now()
        .checked_sub(UPTIME)
        .context("the clock is too early for the seed")?;
    let past = Store::new(Clock::manual_at(began)).for_release(target.registry().release());
    build(&past)?;
    copy_shifted(&past, target)
}

fn build(store: &Store) -> anyhow::Result<()> {
    let start = store.clock().now();
    for ns in NAMESPACES {
        create(store, "", "Namespace", namespace(ns))?;
        create(
            store,
            "",
            "ServiceAccount",
            json!({"metadata": {"name": "default", "namespace": ns}}),
        )?;
        create(
            store,
            "",
            "ConfigMap",
            json!({"metadata": {"name": "kube-root-ca.crt", "namespace": ns}, "data": {"ca.crt": FAKE_CA}}),
        )?;
    }
    let mut nodes = Vec::new();
    for (i, name) in NODES.into_iter().enumerate() {
        nodes.push(create(store, "", "Node", node(name, i, i == 0))?);
    }
    system_objects::create_all(store, &nodes[0])?;
    run(store, 40);
    let apps_at = UPTIME - SignedDuration::from_mins(47);
    advance_to(store, start, apps_at);
    tutorial_apps::create_all(store)?;
    run(store, 90);
    advance_to(store, start, UPTIME - SignedDuration::from_mins(12));
    store
        .modify(rt("apps", "Deployment")?, "default", "hello-deploy", |d| {
            d["spec"]["replicas"] = json!(10);
            Ok(())
        })
        .context("cannot scale hello-deploy")?;
    run(store, 30);
    // Made after the rest, so that the names and addresses drawn before stay the same. The
    // last minutes run second by second: pi finishes, hello-cron's history fills up.
    advance_to(store, start, UPTIME - SignedDuration::from_secs(250));
    batch_and_widgets::create_batch(store)?;
    batch_and_widgets::create_widgets(store)?;
    run(store, 250);
    advance_to(store, start, UPTIME);
    controllers::settle(store);
    Ok(())
}

fn advance_to(store: &Store, start: jiff::Timestamp, at: SignedDuration) {
    let elapsed = store.clock().now().duration_since(start);
    if let Ok(d) = Duration::try_from(at - elapsed) {
        store.clock().advance(d);
    }
}

fn copy_shifted(from: &Store, to: &Store) -> anyhow::Result<()> {
    // Whole minutes, so that a CronJob's Jobs keep the names of the minutes they say.
    let by = to.clock().now().duration_since(from.clock().now());
    let by = SignedDuration::from_secs(by.as_secs().div_euclid(60) * 60);
    // Namespaces first, then CRDs, then the rest (custom kinds exist once their CRD does).
    let mut types: Vec<&'static ResourceType> = from.registry().all();
    types.sort_by_key(|t| match t.kind {
        "Namespace" => 0,
        "CustomResourceDefinition" => 1,
        _ if t.custom => 3,
        _ => 2,
    });
    for t in types {
        for obj in from.list(t, None).0 {
            let mut obj = (*obj).clone();
            shift_times(&mut obj, by);
            if let Some(m) = obj["metadata"].as_object_mut() {
                m.remove("resourceVersion");
            }
            match to.restore(t, obj) {
                Ok(_) => {}
                // The caller may have made some namespaces already.
                Err(e) if e.code == 409 && t.kind == "Namespace" => {}
                Err(e) => return Err(anyhow::anyhow!("cannot load the seed's {}: {e}", t.kind)),
            }
        }
    }
    Ok(())
}

const FAKE_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKdeckSimCA0wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yNjExMjcwODAwMDBaFw0zNjExMjUwODA1MDBaMBUx\n-----END CERTIFICATE-----\n";
