//! `kdeck sim --speed` above 1 with the REAL kubectl: the controllers wait simulated
//! seconds, but no timestamp a client sees is in its future, so no age reads `<invalid>`.

mod support;

use jiff::Timestamp;
use kdeck::cli::{ScenarioName, SimArgs};
use kdeck::sim::SimOptions;
use support::{TestSim, test_timeout, wait_until};

const SPEED: f64 = 60.0;

const DEPLOYMENT: &str = r"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  minReadySeconds: 5
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27.0
";

/// Every RFC 3339 timestamp in `text` (whole or fractional seconds).
fn timestamps(text: &str) -> Vec<Timestamp> {
    let re = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z").expect("a valid regex");
    re.find_iter(text)
        .filter_map(|m| m.as_str().parse().ok())
        .collect()
}

fn assert_not_in_the_future(what: &str, text: &str) {
    let now = Timestamp::now();
    let found = timestamps(text);
    assert!(!found.is_empty(), "{what} has no timestamps:\n{text}");
    for t in found {
        assert!(
            t <= now,
            "{what}: {t} is after the wall clock's {now}:\n{text}"
        );
    }
}

fn a_fast_cluster_never_dates_objects_in_the_future() {
    require_kubectl!();
    let sim = TestSim::with_options(SimOptions {
        args: SimArgs {
            scenario: ScenarioName::Empty,
            speed: SPEED,
            ..SimArgs::default()
        },
        manual_clock: false,
    });
    let manifest = sim.write_file("web.yaml", DEPLOYMENT);
    sim.kubectl_ok(&["apply", "-f", manifest.to_str().unwrap_or_default()]);
    let timeout = format!("--timeout={}s", test_timeout().as_secs());
    let done = sim.kubectl_ok(&["rollout", "status", "deployment/web", &timeout]);
    assert!(done.contains("successfully rolled out"), "{done}");
    // The simulated clock is well ahead of the wall clock by now...
    wait_until(
        test_timeout(),
        "the simulated clock to run 10 s ahead",
        || sim.clock().now().duration_since(Timestamp::now()).as_secs() > 10,
    );
    // ...yet what kubectl reads is not.
    sim.kubectl_ok(&["create", "configmap", "fresh", "--from-literal=k=v"]);
    let yaml = sim.kubectl_ok(&["get", "deploy,rs,pods,configmaps,events", "-o", "yaml"]);
    assert_not_in_the_future("get -o yaml", &yaml);
    let described = sim.kubectl_ok(&["describe", "deployment", "web"]);
    assert!(!described.contains("<invalid>"), "{described}");
    let events = sim.kubectl_ok(&["get", "events"]);
    assert!(!events.contains("<invalid>"), "{events}");
    let pods = sim.kubectl_ok(&["get", "pods", "-o", "name"]);
    let pod = pods.lines().next().unwrap_or_default().trim();
    let logs = sim.kubectl_ok(&["logs", pod, "--timestamps", "--tail=3"]);
    assert_not_in_the_future("logs --timestamps", &logs);
    // What a client sends back lands in simulated time again: the rollout is not disturbed.
    sim.kubectl_ok(&["annotate", "deployment", "web", "note=seen"]);
    let again = sim.kubectl_ok(&["rollout", "status", "deployment/web", &timeout]);
    assert!(again.contains("successfully rolled out"), "{again}");
}

support::conformance_tests![a_fast_cluster_never_dates_objects_in_the_future,];
