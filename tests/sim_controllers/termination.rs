//! Pod termination: containers exit within seconds of SIGTERM, those that ignore it are
//! killed at the end of the grace period.

use super::*;

fn bare_pod(name: &str, command: Value, annotations: Value) -> Value {
    json!({"metadata": {"name": name, "namespace": "default", "annotations": annotations},
        "spec": {"nodeName": "kdeck-worker", "containers": [{"name": "main", "image": "busybox:1.36", "command": command}]}})
}

fn pod_names(store: &Store) -> Vec<String> {
    pods(store)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

/// Advances the manual clock in steps of `step_ms`, settling after each, until `done`
/// holds; returns the simulated milliseconds that took (panics after `limit_ms`).
fn millis_until(
    store: &Store,
    step_ms: u64,
    limit_ms: u64,
    mut done: impl FnMut(&Store) -> bool,
) -> u64 {
    let mut elapsed = 0;
    settle(store);
    while !done(store) {
        assert!(elapsed < limit_ms, "not done after {limit_ms} ms");
        store.clock().advance(Duration::from_millis(step_ms));
        elapsed += step_ms;
        settle(store);
    }
    elapsed
}

#[test]
fn a_deleted_pod_is_terminating_for_seconds_unless_it_ignores_sigterm() {
    let store = cluster();
    for (name, command, annotations) in [
        ("web", json!(["nginx", "-g", "daemon off;"]), Value::Null),
        ("sleeper", json!(["sleep", "infinity"]), Value::Null),
        (
            "stubborn",
            Value::Null,
            json!({"sim.kdeck.dev/ignore-sigterm": "true"}),
        ),
    ] {
        store
            .create(rt("", "Pod"), bare_pod(name, command, annotations))
            .unwrap();
    }
    run_for(&store, 10, |_| {});
    assert_eq!(pod_names(&store), ["sleeper", "stubborn", "web"]);
    let pass = Pass::new(&store);
    for p in pods(&store) {
        pass.delete_gracefully(rt("", "Pod"), &p);
    }
    settle(&store);
    // Terminating, no longer ready, and each running container got a Killing event.
    for p in pods(&store) {
        assert!(p["metadata"]["deletionTimestamp"].is_string(), "{p:#}");
        assert_eq!(p["status"]["containerStatuses"][0]["ready"], false, "{p:#}");
        let name = p["metadata"]["name"].as_str().unwrap();
        assert!(
            has_event(&store, name, "Killing", "Stopping container main"),
            "{name}"
        );
    }
    let web_gone = millis_until(&store, 100, 5_000, |s| {
        s.get(rt("", "Pod"), "default", "web").is_none()
    });
    assert!(
        (500..=3_000).contains(&web_gone),
        "web went after {web_gone} ms"
    );
    assert_eq!(
        pod_names(&store),
        ["sleeper", "stubborn"],
        "they ignore SIGTERM"
    );
    let rest_gone = millis_until(&store, 500, 40_000, |s| pods(s).is_empty());
    assert!(
        (27_000..=31_000).contains(&(web_gone + rest_gone)),
        "the others went at the end of their 30-second grace period: {web_gone} + {rest_gone} ms"
    );
}
