//! Jobs and CronJobs through the real kubectl: `create job`, `wait --for=condition=complete`,
//! failing and parallel Jobs, `create cronjob`, a CronJob firing on the simulated clock,
//! `create job --from=cronjob/x`, concurrency policies, history limits and bad schedules.

#![expect(
    clippy::unwrap_used,
    reason = "tests: a missing field is a test failure"
)]

mod support;

use serde_json::Value;
use support::{TestSim, test_timeout, wait_until};

fn get_json(sim: &TestSim, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    serde_json::from_str(&sim.kubectl_ok(&all)).unwrap()
}

fn condition_types(job: &Value) -> Vec<String> {
    job["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            format!(
                "{}={}",
                c["type"].as_str().unwrap(),
                c["reason"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn items(list: &Value) -> Vec<Value> {
    list["items"].as_array().cloned().unwrap_or_default()
}

fn a_job_runs_to_completion_and_kubectl_wait_sees_it() {
    require_kubectl!();
    let sim = TestSim::empty();
    sim.kubectl_ok(&["create", "job", "pi", "--image=busybox", "--", "echo", "hi"]);
    let timeout = format!("--timeout={}s", test_timeout().as_secs());
    let out = sim.kubectl_ok(&["wait", "--for=condition=complete", "job/pi", &timeout]);
    assert_eq!(out.trim(), "job.batch/pi condition met");
    let job = get_json(&sim, &["get", "job", "pi"]);
    let uid = job["metadata"]["uid"].as_str().unwrap();
    assert_eq!(
        job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"],
        uid
    );
    assert_eq!(
        job["metadata"]["labels"]["batch.kubernetes.io/job-name"],
        "pi"
    );
    assert_eq!(job["metadata"]["labels"]["job-name"], "pi");
    assert_eq!(job["status"]["succeeded"], 1);
    assert!(job["status"]["completionTime"].is_string() && job["status"]["startTime"].is_string());
    assert_eq!(
        condition_types(&job),
        [
            "SuccessCriteriaMet=CompletionsReached",
            "Complete=CompletionsReached"
        ]
    );
    let pods = get_json(&sim, &["get", "pods", "-l", "job-name=pi"]);
    let pods = items(&pods);
    assert_eq!(pods.len(), 1);
    let pod = &pods[0];
    assert_eq!(pod["status"]["phase"], "Succeeded");
    assert_eq!(pod["metadata"]["ownerReferences"][0]["kind"], "Job");
    assert_eq!(pod["metadata"]["ownerReferences"][0]["uid"], uid);
    assert!(
        pod["metadata"].get("finalizers").is_none(),
        "counted, so no longer tracked"
    );
    assert_eq!(
        pod["status"]["containerStatuses"][0]["state"]["terminated"]["reason"],
        "Completed"
    );
    let table = sim.kubectl_ok(&["get", "jobs"]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]);
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(&row[..3], ["pi", "Complete", "1/1"]);
    let pods_table = sim.kubectl_ok(&["get", "pods", "-l", "job-name=pi", "--no-headers"]);
    assert!(
        pods_table.contains("0/1") && pods_table.contains("Completed"),
        "{pods_table}"
    );
}

const FAILING: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: doomed
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:fail
";

fn a_job_whose_pods_fail_stops_at_its_backoff_limit() {
    require_kubectl!();
    let sim = TestSim::empty();
    let file = sim.write_file("doomed.yaml", FAILING);
    sim.kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
    let timeout = format!("--timeout={}s", test_timeout().as_secs());
    sim.kubectl_ok(&["wait", "--for=condition=failed", "job/doomed", &timeout]);
    let job = get_json(&sim, &["get", "job", "doomed"]);
    assert_eq!(job["status"]["failed"], 2, "the first pod and one retry");
    assert_eq!(
        condition_types(&job),
        [
            "FailureTarget=BackoffLimitExceeded",
            "Failed=BackoffLimitExceeded"
        ]
    );
    let failed = job["status"]["conditions"][1]["message"].as_str().unwrap();
    assert_eq!(failed, "Job has reached the specified backoff limit");
    let pods = items(&get_json(&sim, &["get", "pods", "-l", "job-name=doomed"]));
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| p["status"]["phase"] == "Failed"));
    let events = sim.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=doomed",
    ]);
    assert!(events.contains("BackoffLimitExceeded"), "{events}");
}

fn a_parallel_job_runs_its_completions_at_most_parallelism_at_a_time() {
    require_kubectl!();
    let sim = TestSim::empty();
    let manifest = FAILING
        .replace("doomed", "fanout")
        .replace("backoffLimit: 1", "completions: 3\n  parallelism: 2")
        .replace("busybox:fail", "busybox");
    let file = sim.write_file("fanout.yaml", &manifest);
    sim.kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
    let mut most_active = 0;
    wait_until(test_timeout(), "fanout to complete", || {
        let job = get_json(&sim, &["get", "job", "fanout"]);
        most_active = most_active.max(job["status"]["active"].as_i64().unwrap_or(0));
        job["status"]["succeeded"] == 3
            && condition_types(&job)
                .iter()
                .any(|c| c.starts_with("Complete="))
    });
    assert!(
        most_active <= 2,
        "at most parallelism pods at once, saw {most_active}"
    );
    let pods = items(&get_json(&sim, &["get", "pods", "-l", "job-name=fanout"]));
    assert_eq!(pods.len(), 3);
}

fn jobs_of(sim: &TestSim, cronjob: &str) -> Vec<Value> {
    items(&get_json(sim, &["get", "jobs"]))
        .into_iter()
        .filter(|j| j["metadata"]["ownerReferences"][0]["name"] == cronjob)
        .collect()
}

fn a_cronjob_fires_on_the_simulated_clock_and_keeps_its_history() {
    require_kubectl!();
    let sim = TestSim::empty();
    sim.kubectl_ok(&[
        "create",
        "cronjob",
        "hello",
        "--image=busybox",
        "--schedule=*/1 * * * *",
        "--",
        "echo",
        "hello",
    ]);
    let cj = get_json(&sim, &["get", "cronjob", "hello"]);
    assert_eq!(cj["spec"]["concurrencyPolicy"], "Allow");
    assert_eq!(cj["spec"]["successfulJobsHistoryLimit"], 3);
    // Every simulated minute a Job named after the minute; finished ones beyond 3 are deleted.
    wait_until(
        test_timeout() * 3,
        "four runs of hello, the oldest cleaned up",
        || {
            let cj = get_json(&sim, &["get", "cronjob", "hello"]);
            let events = sim.kubectl_ok(&[
                "get",
                "events",
                "--field-selector",
                "involvedObject.name=hello",
            ]);
            cj["status"]["lastSuccessfulTime"].is_string() && events.contains("SuccessfulDelete")
        },
    );
    let jobs = jobs_of(&sim, "hello");
    assert!(
        jobs.len() <= 4,
        "history limit 3 (+1 running): {}",
        jobs.len()
    );
    let cj = get_json(&sim, &["get", "cronjob", "hello"]);
    assert!(cj["status"]["lastScheduleTime"].is_string());
    for job in &jobs {
        let name = job["metadata"]["name"].as_str().unwrap();
        let minutes: i64 = name.strip_prefix("hello-").unwrap().parse().unwrap();
        let scheduled =
            job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
                .as_str()
                .unwrap();
        let at: jiff::Timestamp = scheduled.parse().unwrap();
        assert_eq!(
            at.as_second() / 60,
            minutes,
            "{name} is named after its minute"
        );
        let owner = &job["metadata"]["ownerReferences"][0];
        assert_eq!(
            (owner["kind"].as_str(), owner["controller"].as_bool()),
            (Some("CronJob"), Some(true))
        );
        assert_eq!(owner["uid"], cj["metadata"]["uid"]);
    }
    let table = sim.kubectl_ok(&["get", "cronjobs"]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"
        ]
    );
    assert!(table.contains("*/1 * * * *"), "{table}");
}

fn create_job_from_a_cronjob_leaves_what_kubectl_makes() {
    require_kubectl!();
    let sim = TestSim::empty();
    sim.kubectl_ok(&[
        "create",
        "cronjob",
        "nightly",
        "--image=busybox",
        "--schedule=0 3 * * *",
        "--",
        "echo",
        "hi",
    ]);
    sim.kubectl_ok(&["create", "job", "nightly-manual", "--from=cronjob/nightly"]);
    let job = get_json(&sim, &["get", "job", "nightly-manual"]);
    assert_eq!(
        job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"],
        "manual"
    );
    let cj = get_json(&sim, &["get", "cronjob", "nightly"]);
    let owner = &job["metadata"]["ownerReferences"][0];
    assert_eq!(owner["uid"], cj["metadata"]["uid"]);
    assert_eq!(owner["kind"], "CronJob");
    assert_eq!(owner["apiVersion"], "batch/v1");
    assert_eq!(
        job["spec"]["template"]["spec"]["containers"][0]["command"][1],
        "hi"
    );
    let timeout = format!("--timeout={}s", test_timeout().as_secs());
    sim.kubectl_ok(&[
        "wait",
        "--for=condition=complete",
        "job/nightly-manual",
        &timeout,
    ]);
}

fn bad_schedules_and_restart_policies_are_refused() {
    require_kubectl!();
    let sim = TestSim::empty();
    let err = sim.kubectl_err(&[
        "create",
        "cronjob",
        "bad",
        "--image=busybox",
        "--schedule=61 * * * *",
    ]);
    assert!(
        err.contains("spec.schedule: Invalid value: \"61 * * * *\""),
        "{err}"
    );
    let always = FAILING.replace("restartPolicy: Never", "restartPolicy: Always");
    let file = sim.write_file("always.yaml", &always);
    let err = sim.kubectl_err(&["apply", "-f", file.to_str().unwrap()]);
    assert!(
        err.contains("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""),
        "{err}"
    );
}

const LONG_RUNNER: &str = "apiVersion: batch/v1
kind: CronJob
metadata:
  name: slow
spec:
  schedule: \"* * * * *\"
  startingDeadlineSeconds: 10
  concurrencyPolicy: POLICY
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: main
            image: busybox
            command: [\"sleep\", \"90\"]
";

/// The minutes of the Jobs `slow` has made so far, oldest first.
fn minutes(sim: &TestSim) -> Vec<i64> {
    let mut m: Vec<i64> = jobs_of(sim, "slow")
        .iter()
        .filter_map(|j| {
            j["metadata"]["name"]
                .as_str()?
                .strip_prefix("slow-")?
                .parse()
                .ok()
        })
        .collect();
    m.sort_unstable();
    m
}

fn forbid_skips_a_run_while_one_runs_and_replace_deletes_it() {
    require_kubectl!();
    for (policy, want_gap) in [("Forbid", 2), ("Replace", 1)] {
        let sim = TestSim::empty();
        let file = sim.write_file("slow.yaml", &LONG_RUNNER.replace("POLICY", policy));
        sim.kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
        // Each run takes 90 s: under Forbid the next minute is skipped (and not started late:
        // its 10 s starting deadline has passed when the first run ends), under Replace the
        // running Job gives way to the next minute's.
        wait_until(test_timeout(), "a first run of slow", || {
            !minutes(&sim).is_empty()
        });
        let first = minutes(&sim)[0];
        let mut next = None;
        wait_until(test_timeout() * 3, "a second run of slow", || {
            next = minutes(&sim).into_iter().find(|m| *m > first);
            next.is_some()
        });
        assert_eq!(
            next.unwrap() - first,
            want_gap,
            "{policy}: runs at minutes {first} and {next:?}"
        );
        if policy == "Replace" {
            assert!(
                !minutes(&sim).contains(&first),
                "the replaced run is deleted"
            );
            let events = sim.kubectl_ok(&[
                "get",
                "events",
                "--field-selector",
                "involvedObject.name=slow",
            ]);
            assert!(
                events.contains(&format!("Deleted job slow-{first}")),
                "{events}"
            );
        }
    }
}

const ZONED: &str = "apiVersion: batch/v1
kind: CronJob
metadata:
  name: NAME
spec:
  schedule: \"* * * * *\"
  timeZone: Asia/Tokyo
  suspend: SUSPEND
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: main
            image: busybox
";

fn a_suspended_cronjob_waits_and_a_time_zone_shows_in_its_jobs() {
    require_kubectl!();
    let sim = TestSim::empty();
    for (name, suspend) in [("ticking", "false"), ("paused", "true")] {
        let manifest = ZONED.replace("NAME", name).replace("SUSPEND", suspend);
        let file = sim.write_file(&format!("{name}.yaml"), &manifest);
        sim.kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
    }
    // Two runs of the other prove that two start times of the suspended one have passed.
    wait_until(test_timeout() * 2, "two runs of ticking", || {
        jobs_of(&sim, "ticking").len() >= 2
    });
    assert!(jobs_of(&sim, "paused").is_empty());
    let paused = get_json(&sim, &["get", "cronjob", "paused"]);
    assert!(paused["status"]["lastScheduleTime"].is_null());
    let job = &jobs_of(&sim, "ticking")[0];
    let stamp = job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
        .as_str()
        .unwrap();
    assert!(
        stamp.ends_with("+09:00"),
        "in the CronJob's time zone: {stamp}"
    );
    sim.kubectl_ok(&[
        "patch",
        "cronjob",
        "paused",
        "--type=merge",
        "-p",
        r#"{"spec":{"suspend":false}}"#,
    ]);
    wait_until(test_timeout(), "a run of paused once resumed", || {
        !jobs_of(&sim, "paused").is_empty()
    });
}

support::conformance_tests![
    a_job_runs_to_completion_and_kubectl_wait_sees_it,
    a_job_whose_pods_fail_stops_at_its_backoff_limit,
    a_parallel_job_runs_its_completions_at_most_parallelism_at_a_time,
    a_cronjob_fires_on_the_simulated_clock_and_keeps_its_history,
    create_job_from_a_cronjob_leaves_what_kubectl_makes,
    bad_schedules_and_restart_policies_are_refused,
    forbid_skips_a_run_while_one_runs_and_replace_deletes_it,
    a_suspended_cronjob_waits_and_a_time_zone_shows_in_its_jobs,
];
