//! The CronJob controller, on the simulated clock: at each scheduled time (in the CronJob's
//! `timeZone`, UTC by default) it creates the Job `<cronjob>-<minutes since the epoch>` from
//! the Job template, unless suspended, too late (`startingDeadlineSeconds`) or forbidden by
//! `concurrencyPolicy` (`Forbid` skips while one runs, `Replace` deletes it first). Missed
//! times start one Job, for the most recent. It keeps `status.active`, `lastScheduleTime` and
//! `lastSuccessfulTime`, and deletes finished Jobs beyond the history limits.

pub mod schedule;

use crate::sim::managed_fields::KUBE_CONTROLLER_MANAGER;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use self::schedule::Schedule;
use super::ByOwner;
use super::events::{EventType, Note, Source, normal, record};
use super::job::job_defaults::default_job;
use super::meta::{created, int_at, is_terminating, kind, name, namespace, time_at, uid};
use super::pass::Pass;
use crate::sim::clock::format_time;
use crate::sim::store::Obj;

const SOURCE: Source<'static> = Source::controller("cronjob-controller");
/// More missed start times than this and the controller says so.
const TOO_MANY_MISSED: usize = 100;

/// Runs the controller over every CronJob; `jobs_by_owner` groups the Jobs by owner.
pub fn reconcile(pass: &Pass<'_>, jobs_by_owner: &ByOwner) {
    for cj in pass.all("batch", "CronJob") {
        if !is_terminating(&cj) {
            sync(pass, &cj, jobs_by_owner.of(uid(&cj)));
        }
    }
}

/// `Complete` or `Failed`, when the Job has finished.
fn finished_as(job: &Value) -> Option<&'static str> {
    job["status"]["conditions"]
        .as_array()?
        .iter()
        .filter(|c| c["status"] == "True")
        .find_map(|c| match c["type"].as_str() {
            Some("Complete") => Some("Complete"),
            Some("Failed") => Some("Failed"),
            _ => None,
        })
}

fn warning(reason: &'static str, message: String) -> Note<'static> {
    Note {
        kind: EventType::Warning,
        reason,
        message,
        field_path: None,
    }
}

fn sync(pass: &Pass<'_>, cj: &Obj, jobs: &[Obj]) {
    let jobs_rt = kind("batch", "Job");
    let mut last_success = time_at(cj, "/status/lastSuccessfulTime");
    for r in cj["status"]["active"].as_array().into_iter().flatten() {
        let listed = r["uid"].as_str().unwrap_or_default();
        let Some(job) = jobs.iter().find(|j| uid(j) == listed) else {
            continue;
        };
        if let Some(how) = finished_as(job) {
            let message = format!("Saw completed job: {}, status: {how}", name(job));
            record(pass, cj, SOURCE, normal("SawCompletedJob", message));
            if how == "Complete" {
                last_success = last_success.max(time_at(job, "/status/completionTime"));
            }
        }
    }
    let mut running: Vec<Obj> = jobs
        .iter()
        .filter(|j| finished_as(j).is_none() && !is_terminating(j))
        .cloned()
        .collect();
    clean_history(pass, cj, jobs);
    let mut scheduled = time_at(cj, "/status/lastScheduleTime");
    let due = if cj["spec"]["suspend"] == true {
        None
    } else {
        due(pass, cj)
    };
    let forbidden = cj["spec"]["concurrencyPolicy"] == "Forbid" && !running.is_empty();
    if let Some(at) = due.filter(|_| !forbidden) {
        if cj["spec"]["concurrencyPolicy"] == "Replace" {
            for job in running.drain(..) {
                pass.delete_gracefully(jobs_rt, &job);
                let message = format!("Deleted job {}", name(&job));
                record(pass, cj, SOURCE, normal("SuccessfulDelete", message));
            }
        }
        scheduled = Some(at);
        let job_name = format!("{}-{}", name(cj), at.as_second().div_euclid(60));
        if pass.store.get(jobs_rt, namespace(cj), &job_name).is_none()
            && let Some(job) = pass.create(
                &KUBE_CONTROLLER_MANAGER,
                jobs_rt,
                job_from_template(pass, cj, &job_name, at),
            )
        {
            let message = format!("Created job {job_name}");
            record(pass, cj, SOURCE, normal("SuccessfulCreate", message));
            running.push(job);
        }
    }
    write_status(pass, cj, &running, scheduled, last_success);
}

/// The most recent start time that is due and not started yet, if any (and not too late).
fn due(pass: &Pass<'_>, cj: &Value) -> Option<Timestamp> {
    let spec = cj["spec"]["schedule"].as_str().unwrap_or_default();
    let schedule = match Schedule::parse(spec) {
        Ok(s) => s,
        Err(e) => {
            let message = format!("invalid schedule: {spec} : {e}");
            record(pass, cj, SOURCE, warning("InvalidSchedule", message));
            return None;
        }
    };
    let tz = cj["spec"]["timeZone"]
        .as_str()
        .map_or(Ok(TimeZone::UTC), TimeZone::get)
        .ok()?;
    let mut earliest = time_at(cj, "/status/lastScheduleTime").unwrap_or_else(|| created(cj));
    if let Some(deadline) = cj["spec"]["startingDeadlineSeconds"].as_i64() {
        let window = pass
            .now
            .saturating_sub(SignedDuration::from_secs(deadline))
            .unwrap_or(pass.now);
        earliest = earliest.max(window);
    }
    let mut last = None;
    let mut missed = 0;
    let mut t = earliest;
    while let Some(next) = schedule.next(t, &tz) {
        if next > pass.now {
            break;
        }
        last = Some(next);
        missed += 1;
        t = next;
        if missed > 100_000 {
            break;
        }
    }
    if missed > TOO_MANY_MISSED {
        let message = "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".to_string();
        record(pass, cj, SOURCE, warning("TooManyMissedTimes", message));
    }
    last
}

/// The Job of the start time `at`: the template's labels, annotations and spec, owned by the CronJob.
fn job_from_template(pass: &Pass<'_>, cj: &Value, job_name: &str, at: Timestamp) -> Value {
    let template = &cj["spec"]["jobTemplate"];
    let registry = pass.store.registry();
    let cronjobs = kind("batch", "CronJob");
    let mut owner = super::meta::controller_ref(cj);
    owner["apiVersion"] = json!(registry.preferred_api_version(cronjobs));
    let mut metadata = json!({
        "name": job_name,
        "namespace": namespace(cj),
        "ownerReferences": [owner],
    });
    for field in ["labels", "annotations"] {
        if template["metadata"][field].is_object() {
            metadata[field] = template["metadata"][field].clone();
        }
    }
    let minor = registry.release().minor();
    if minor >= 28 {
        let tz = cj["spec"]["timeZone"]
            .as_str()
            .and_then(|z| TimeZone::get(z).ok())
            .unwrap_or(TimeZone::UTC);
        let stamp = at.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        let stamp = stamp.replace("+00:00", "Z");
        if !metadata["annotations"].is_object() {
            metadata["annotations"] = json!({});
        }
        metadata["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] = json!(stamp);
    }
    let mut job = json!({"metadata": metadata, "spec": template["spec"].clone()});
    default_job(&mut job, minor);
    job
}

/// Deletes the oldest finished Jobs beyond `successfulJobsHistoryLimit` and `failedJobsHistoryLimit`.
fn clean_history(pass: &Pass<'_>, cj: &Value, jobs: &[Obj]) {
    for (how, field, default) in [
        ("Complete", "/spec/successfulJobsHistoryLimit", 3),
        ("Failed", "/spec/failedJobsHistoryLimit", 1),
    ] {
        let limit = usize::try_from(int_at(cj, field, default).max(0)).unwrap_or(0);
        let mut finished: Vec<&Obj> = jobs
            .iter()
            .filter(|j| finished_as(j) == Some(how) && !is_terminating(j))
            .collect();
        if finished.len() <= limit {
            continue;
        }
        finished.sort_by_key(|j| time_at(j, "/status/startTime").unwrap_or_else(|| created(j)));
        let extra = finished.len() - limit;
        for job in finished.into_iter().take(extra) {
            pass.delete_gracefully(kind("batch", "Job"), job);
            let message = format!("Deleted job {}", name(job));
            record(pass, cj, SOURCE, normal("SuccessfulDelete", message));
        }
    }
}

fn write_status(
    pass: &Pass<'_>,
    cj: &Value,
    running: &[Obj],
    scheduled: Option<Timestamp>,
    last_success: Option<Timestamp>,
) {
    let jobs_api_version = pass
        .store
        .registry()
        .preferred_api_version(kind("batch", "Job"));
    // A reference is written once, as the Job was when it was added, as the real controller does.
    let listed = cj["status"]["active"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let active: Vec<Value> = running
        .iter()
        .map(|j| {
            listed.iter().find(|r| r["uid"] == uid(j)).cloned().unwrap_or_else(|| {
                json!({"kind": "Job", "namespace": namespace(j), "name": name(j), "uid": uid(j),
                    "apiVersion": jobs_api_version, "resourceVersion": j["metadata"]["resourceVersion"]})
            })
        })
        .collect();
    pass.modify(
        &KUBE_CONTROLLER_MANAGER,
        kind("batch", "CronJob"),
        namespace(cj),
        name(cj),
        |v| {
            if !v["status"].is_object() {
                v["status"] = json!({});
            }
            let status = &mut v["status"];
            if active.is_empty() {
                if let Some(m) = status.as_object_mut() {
                    m.remove("active");
                }
            } else {
                status["active"] = Value::Array(active);
            }
            if let Some(t) = scheduled {
                status["lastScheduleTime"] = json!(format_time(t));
            }
            if let Some(t) = last_success {
                status["lastSuccessfulTime"] = json!(format_time(t));
            }
        },
    );
}
