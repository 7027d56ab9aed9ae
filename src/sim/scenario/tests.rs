use std::sync::Arc;

use serde_json::Value;

use super::*;
use crate::sim::clock::Clock;
use crate::sim::controllers;

fn kind(group: &str, k: &str) -> &'static crate::sim::resources::ResourceType {
    by_kind(group, k).unwrap()
}

fn names(store: &Store, group: &str, k: &str, ns: &str) -> Vec<String> {
    store
        .list(kind(group, k), Some(ns))
        .0
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn seed_is_settled_running_and_days_old() {
    let store = Arc::new(Store::new(Clock::manual()));
    load(&store, &SimArgs::default()).unwrap();
    let now = store.clock().now();
    let passes = controllers::settle(&store);
    assert_eq!(passes, 1, "the controllers find nothing to do");
    for d in store.list(kind("apps", "Deployment"), None).0 {
        let want = d["spec"]["replicas"].as_i64().unwrap();
        assert_eq!(
            d["status"]["availableReplicas"].as_i64(),
            Some(want),
            "{}",
            d["metadata"]["name"]
        );
        assert_eq!(d["status"]["updatedReplicas"].as_i64(), Some(want));
    }
    let myapp = store
        .get(kind("apps", "Deployment"), "default", "myapp-deploy")
        .unwrap();
    assert_eq!(myapp["spec"]["minReadySeconds"], 5);
    assert_eq!(
        myapp["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
    let pods = store.list(kind("", "Pod"), None).0;
    let (job_pods, others): (Vec<&Arc<Value>>, Vec<&Arc<Value>>) = pods
        .iter()
        .partition(|p| p["metadata"]["labels"]["job-name"].is_string());
    assert!(others.iter().all(|p| p["status"]["phase"] == "Running"));
    // hello-cron's newest run may have started in the last seconds.
    assert!(job_pods.iter().all(|p| matches!(
        p["status"]["phase"].as_str(),
        Some("Succeeded" | "Pending" | "Running")
    )));
    assert!(job_pods.iter().any(|p| p["status"]["phase"] == "Succeeded"));
    let myapp_pods: Vec<&Arc<Value>> = pods
        .iter()
        .filter(|p| p["metadata"]["labels"]["app"] == "myapp")
        .collect();
    assert_eq!(myapp_pods.len(), 3);
    assert_eq!(
        pods.iter()
            .filter(|p| p["metadata"]["labels"]["app"] == "hello")
            .count(),
        10
    );
    assert_eq!(
        pods.iter()
            .filter(|p| p["metadata"]["labels"]["k8s-app"] == "kube-proxy")
            .count(),
        3
    );
    assert!(
        names(&store, "", "Pod", "kube-system").contains(&"etcd-kdeck-control-plane".to_string())
    );
    assert_eq!(
        names(&store, "", "Node", ""),
        ["kdeck-control-plane", "kdeck-worker", "kdeck-worker2"]
    );
    assert!(names(&store, "apps", "ReplicaSet", "default").contains(&"dnsutil-rs".to_string()));
    let lb = store
        .get(kind("", "Service"), "default", "allen-loadbalancer")
        .unwrap();
    assert_eq!(lb["spec"]["type"], "LoadBalancer");
    let ep = store
        .get(kind("", "Endpoints"), "default", "myapp-svc")
        .unwrap();
    assert_eq!(ep["subsets"][0]["addresses"].as_array().unwrap().len(), 3);
    // Times are in the past, consistent, and the events recent.
    let node = store.get(kind("", "Node"), "", "kdeck-worker").unwrap();
    let node_age = now.duration_since(
        node["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
    );
    assert!(node_age.as_hours() >= 71, "{node_age:?}");
    let pod_age = now.duration_since(
        myapp_pods[0]["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
    );
    assert!((40..=50).contains(&pod_age.as_mins()), "{pod_age:?}");
    let events = store.list(kind("", "Event"), Some("default")).0;
    assert!(events.iter().any(|e| e["reason"] == "ScalingReplicaSet"
        && e["message"].as_str().unwrap().ends_with("to 10 from 8")));
    for e in &events {
        // The scheduler's events (events.k8s.io/v1) have an eventTime instead.
        let last = e["lastTimestamp"].as_str().or(e["eventTime"].as_str());
        let last: jiff::Timestamp = last.unwrap().parse().unwrap();
        assert!(
            last <= now && now.duration_since(last).as_mins() < 60,
            "{e}"
        );
    }
}

#[tokio::test]
async fn scale_builds_running_pods_the_controllers_accept() {
    let store = Arc::new(Store::new(Clock::manual()));
    let args = SimArgs {
        scenario: ScenarioName::Scale,
        namespaces: 3,
        deployments: 7,
        pods: 600,
        churn: 0,
        ..SimArgs::default()
    };
    assert!(load(&store, &args).unwrap().is_none());
    assert_eq!(store.count(kind("", "Pod")), 600);
    let pods_before = store.list(kind("", "Pod"), None).0;
    controllers::settle(&store);
    let pods_after = store.list(kind("", "Pod"), None).0;
    assert_eq!(pods_before, pods_after, "no pod was touched");
    for d in store.list(kind("apps", "Deployment"), None).0 {
        assert_eq!(
            d["status"]["availableReplicas"], d["spec"]["replicas"],
            "{}",
            d["metadata"]["name"]
        );
    }
    let ips: std::collections::HashSet<&str> = pods_after
        .iter()
        .map(|p| p["status"]["podIP"].as_str().unwrap())
        .collect();
    assert_eq!(ips.len(), 600, "pod IPs are unique");
}

#[test]
fn scale_pods_are_as_real_ones_and_the_scale_up_leaves_an_hour_of_events() {
    let store = Arc::new(Store::new(Clock::manual()));
    let args = SimArgs {
        scenario: ScenarioName::Scale,
        namespaces: 1,
        deployments: 2,
        pods: 60,
        churn: 0,
        ..SimArgs::default()
    };
    load(&store, &args).unwrap();
    let pods = store.list(kind("", "Pod"), None).0;
    for pod in &pods {
        assert!(
            pod["spec"]["volumes"][0]["name"]
                .as_str()
                .unwrap()
                .starts_with("kube-api-access-")
        );
        let entries = pod["metadata"]["managedFields"].as_array().unwrap();
        let managers: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap_or_default();
                (s("manager"), s("subresource"))
            })
            .collect();
        assert_eq!(
            managers,
            [("kube-controller-manager", ""), ("kubelet", "status")]
        );
        // The kubelet's field set names this pod's own IP.
        let ip = pod["status"]["podIP"].as_str().unwrap();
        assert!(
            entries[1]["fieldsV1"]
                .as_str()
                .unwrap()
                .contains(&format!("\\\"{ip}\\\""))
        );
    }
    let events = store.list(kind("", "Event"), None).0;
    let count = |reason: &str| events.iter().filter(|e| e["reason"] == reason).count();
    for reason in ["Scheduled", "Pulled", "Created", "Started"] {
        assert_eq!(count(reason), 60, "{reason}");
    }
    assert!(
        (1..=6).contains(&count("Pulling")),
        "a node pulls an image once"
    );
    // 30 pods a ReplicaSet: nine events, then one combined (25 in all, the budget).
    assert_eq!(count("SuccessfulCreate"), 2 * 10);
    assert!(events.iter().any(|e| {
        e["count"] == 16
            && e["message"]
                .as_str()
                .unwrap()
                .starts_with("(combined from similar events)")
    }));
    assert_eq!(count("ScalingReplicaSet"), 2);
    assert!(
        events
            .iter()
            .all(|e| e["metadata"]["managedFields"].is_array())
    );
    // Still there 40 minutes on; gone once their hour is up (they are 15 to 20 minutes old).
    store
        .clock()
        .advance(std::time::Duration::from_secs(40 * 60));
    assert_eq!(store.expire(store.clock().now()), 0);
    store
        .clock()
        .advance(std::time::Duration::from_secs(10 * 60));
    assert_eq!(store.expire(store.clock().now()), events.len());
    assert_eq!(store.count(kind("", "Event")), 0);
}

#[test]
fn empty_has_namespaces_and_nodes_only() {
    let store = Arc::new(Store::new(Clock::manual()));
    let args = SimArgs {
        scenario: ScenarioName::Empty,
        ..SimArgs::default()
    };
    load(&store, &args).unwrap();
    assert_eq!(store.count(kind("", "Namespace")), 4);
    assert_eq!(store.count(kind("", "Node")), 3);
    assert_eq!(store.count(kind("", "Pod")), 0);
}

/// `cargo test --release --lib scale_handles_fifty_thousand_pods -- --ignored --nocapture`
#[tokio::test]
#[ignore = "a benchmark: 50,000 pods"]
async fn scale_handles_fifty_thousand_pods() {
    let store = Arc::new(Store::new(Clock::manual()));
    let args = SimArgs {
        scenario: ScenarioName::Scale,
        churn: 0,
        ..SimArgs::default()
    };
    let t = std::time::Instant::now();
    load(&store, &args).unwrap();
    eprintln!("built 50,000 pods in {:?}", t.elapsed());
    assert_eq!(store.count(kind("", "Pod")), args.pods);
    let t = std::time::Instant::now();
    controllers::settle(&store);
    eprintln!("first settle in {:?}", t.elapsed());
    let t = std::time::Instant::now();
    controllers::reconcile_once(&store);
    eprintln!("an idle pass in {:?}", t.elapsed());
    let pass = controllers::pass::Pass::new(&store);
    let t = std::time::Instant::now();
    controllers::garbage_collector::reconcile(&pass);
    eprintln!("gc {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let pods = pass.all("", "Pod");
    eprintln!("list {:?}", t.elapsed());
    let t = std::time::Instant::now();
    controllers::scheduler::reconcile(&pass, &pods);
    eprintln!("scheduler {:?}", t.elapsed());
    let t = std::time::Instant::now();
    controllers::kubelet::reconcile(&pass, &pods);
    eprintln!("kubelet {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let by = controllers::ByOwner::new(&pods);
    let rss = controllers::ByOwner::new(&pass.all("apps", "ReplicaSet"));
    eprintln!("by owner {:?}", t.elapsed());
    let t = std::time::Instant::now();
    controllers::deployment::reconcile(&pass, &rss, &by);
    eprintln!("deployment {:?}", t.elapsed());
    let t = std::time::Instant::now();
    controllers::replicaset::reconcile(&pass, &by);
    eprintln!("replicaset {:?}", t.elapsed());
    let t = std::time::Instant::now();
    controllers::endpoints::reconcile(&pass, &pods);
    controllers::events::expire(&pass);
    eprintln!("endpoints+events {:?}", t.elapsed());
}

#[tokio::test]
async fn churn_restarts_pods_at_the_asked_rate() {
    let store = Arc::new(Store::new(Clock::manual()));
    let args = SimArgs {
        scenario: ScenarioName::Scale,
        namespaces: 1,
        deployments: 2,
        pods: 40,
        churn: 100,
        ..SimArgs::default()
    };
    let task = load(&store, &args).unwrap().expect("a churn task");
    let restarted = || {
        store
            .list(kind("", "Pod"), None)
            .0
            .iter()
            .filter(|p| p["status"]["containerStatuses"][0]["restartCount"].as_i64() > Some(0))
            .count()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while restarted() < 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "churn restarted too few pods"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    task.abort();
}

#[test]
fn seed_has_a_cronjob_with_its_history_a_finished_job_and_widgets() {
    let store = Arc::new(Store::new(Clock::manual()));
    load(&store, &SimArgs::default()).unwrap();
    let jobs = store.list(kind("batch", "Job"), Some("batch")).0;
    let complete = |j: &Value| {
        j["status"]["conditions"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["type"] == "Complete"))
    };
    let pi = jobs.iter().find(|j| j["metadata"]["name"] == "pi").unwrap();
    assert!(complete(pi));
    let runs: Vec<&Arc<Value>> = jobs
        .iter()
        .filter(|j| j["metadata"]["ownerReferences"][0]["name"] == "hello-cron")
        .collect();
    let done = runs.iter().filter(|j| complete(j)).count();
    assert_eq!(done, 3, "the successful history limit");
    assert!(
        runs.len() <= 4,
        "and the newest run, when it has just started"
    );
    for run in runs {
        let minute: i64 = run["metadata"]["name"].as_str().unwrap()["hello-cron-".len()..]
            .parse()
            .unwrap();
        let at: jiff::Timestamp =
            run["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
        assert_eq!(
            at.as_second().div_euclid(60),
            minute,
            "named after its minute"
        );
    }
    let cj = store
        .get(kind("batch", "CronJob"), "batch", "hello-cron")
        .unwrap();
    assert!(cj["status"]["lastSuccessfulTime"].is_string());
    let widgets = store
        .registry()
        .by_plural("demo.kdeck.dev", "widgets")
        .unwrap();
    assert_eq!(store.list(widgets, Some("default")).0.len(), 3);
    let crd = store
        .get(
            kind("apiextensions.k8s.io", "CustomResourceDefinition"),
            "",
            "widgets.demo.kdeck.dev",
        )
        .unwrap();
    assert_eq!(crd["status"]["conditions"][1]["type"], "Established");
}

#[test]
fn a_seed_ending_just_after_a_cronjob_run_is_settled_too() {
    // Three seconds after a minute: hello-cron's newest Job has just run, and the previous
    // one is being deleted by the history limit (its pods too, with their deletion times).
    for secs in [1, 3, 4] {
        let at = jiff::Timestamp::from_second(1_798_761_600 + secs).unwrap();
        let store = Arc::new(Store::new(Clock::manual_at(at)));
        load(&store, &SimArgs::default()).unwrap();
        assert_eq!(controllers::settle(&store), 1, "{secs} s after the minute");
    }
}
