//! `kdeck sim --server-version`: each release from 1.20 to the newest serves its own
//! `/version` and API versions, and kubectl finds the EndpointSlices and CronJobs through
//! discovery on every one (v1beta1 on 1.20, v1 from 1.21).

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod support;

use kdeck::sim::resources::ServerVersion;
use serde_json::Value;
use support::TestSim;

fn names(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

fn every_release_serves_its_endpoint_slices_and_cronjobs_to_kubectl() {
    require_kubectl!();
    for release in ServerVersion::all() {
        let sim = TestSim::release(&release.to_string());
        let version: Value =
            serde_json::from_str(&sim.kubectl_ok(&["version", "-o", "json"])).unwrap();
        let git = version["serverVersion"]["gitVersion"].as_str().unwrap();
        assert!(git.starts_with(&format!("v{release}.")), "{release}: {git}");
        let slices = sim.kubectl_ok(&["get", "endpointslices", "--no-headers"]);
        assert!(
            names(&slices).iter().any(|n| n.starts_with("myapp-svc-")),
            "{release}: {slices}"
        );
        let cronjobs = sim.kubectl_ok(&["get", "cronjobs", "-n", "batch", "--no-headers"]);
        assert_eq!(names(&cronjobs), ["hello-cron"], "{release}");
        let minor = release.minor();
        let (slice_version, cronjob_version) = if minor < 21 {
            ("discovery.k8s.io/v1beta1", "batch/v1beta1")
        } else {
            ("discovery.k8s.io/v1", "batch/v1")
        };
        let slice: Value =
            serde_json::from_str(&sim.kubectl_ok(&["get", "endpointslices", "-o", "json"]))
                .unwrap();
        assert_eq!(slice["items"][0]["apiVersion"], slice_version, "{release}");
        if minor < 21 {
            let endpoint = &slice["items"][0]["endpoints"][0];
            assert!(
                endpoint["topology"]["kubernetes.io/hostname"].is_string(),
                "{release}: v1beta1 topology"
            );
            assert!(endpoint.get("nodeName").is_none());
        }
        let cj: Value = serde_json::from_str(&sim.kubectl_ok(&[
            "get",
            "cronjob",
            "hello-cron",
            "-n",
            "batch",
            "-o",
            "json",
        ]))
        .unwrap();
        assert_eq!(cj["apiVersion"], cronjob_version, "{release}");
        let jobs = sim.kubectl_ok(&["get", "jobs", "-n", "batch", "--no-headers"]);
        assert!(jobs.contains("hello-cron-"), "{release}: {jobs}");
    }
}

fn old_releases_lack_what_came_later() {
    require_kubectl!();
    let old = TestSim::release("1.22");
    let hpa = old.kubectl_ok(&["api-resources", "--api-group=autoscaling", "-o", "wide"]);
    assert!(hpa.contains("autoscaling/v1"), "{hpa}");
    let err = old.kubectl_err(&["get", "horizontalpodautoscalers.v2.autoscaling"]);
    assert!(
        err.contains("the server doesn't have a resource type"),
        "{err}"
    );
    let hpa_v1 = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: hello\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: hello-deploy\n  minReplicas: 1\n  maxReplicas: 12\n  targetCPUUtilizationPercentage: 50\n";
    let file = old.write_file("hpa.yaml", hpa_v1);
    old.kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
    let row = old.kubectl_ok(&["get", "hpa", "hello", "--no-headers"]);
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        &cells[..5],
        [
            "hello",
            "Deployment/hello-deploy",
            "<unknown>/50%",
            "1",
            "12"
        ],
        "{row}"
    );
    let table = old.kubectl_ok(&["get", "jobs", "-n", "batch"]);
    assert!(
        !table.lines().next().unwrap().contains("STATUS"),
        "the STATUS column came in 1.30: {table}"
    );
    let job: Value =
        serde_json::from_str(&old.kubectl_ok(&["get", "job", "pi", "-n", "batch", "-o", "json"]))
            .unwrap();
    let types: Vec<&str> = job["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["Complete"], "SuccessCriteriaMet came in 1.31");
}

fn before_1_24_service_accounts_get_token_secrets() {
    require_kubectl!();
    for (release, secrets) in [("1.23", "1"), ("1.24", "0")] {
        let sim = TestSim::release(release);
        let row = sim.kubectl_ok(&["get", "sa", "default", "--no-headers"]);
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(&cells[..2], ["default", secrets], "{release}");
        let tokens = sim.kubectl_ok(&[
            "get",
            "secrets",
            "--field-selector",
            "type=kubernetes.io/service-account-token",
            "-o",
            "name",
        ]);
        assert_eq!(
            tokens
                .lines()
                .any(|l| l.starts_with("secret/default-token-")),
            secrets == "1",
            "{release}: {tokens}"
        );
    }
}

support::conformance_tests![
    every_release_serves_its_endpoint_slices_and_cronjobs_to_kubectl,
    old_releases_lack_what_came_later,
    before_1_24_service_accounts_get_token_secrets,
];
