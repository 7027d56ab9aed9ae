//! Admission of Jobs and CronJobs: their defaults (a Job's selector on its uid), their pod
//! templates, the restart policies a Job allows, and a CronJob's schedule and time zone.

use serde_json::{Value, json};

use super::{invalid, pod_spec, required};
use crate::sim::api_error::Cause;
use crate::sim::controllers::cronjob::schedule::Schedule;
use crate::sim::controllers::job::job_defaults::default_job;
use crate::sim::resources::ServerVersion;

/// A Job's pods must end: `restartPolicy` `OnFailure` or `Never`.
fn restart_policy(template_spec: &Value, path: &str, causes: &mut Vec<Cause>) {
    let at = format!("{path}.restartPolicy");
    match template_spec["restartPolicy"].as_str() {
        Some("OnFailure" | "Never") => {}
        None => causes.push(Cause {
            reason: "FieldValueRequired",
            field: at,
            message: "Required value: valid values: \"OnFailure\", \"Never\"".into(),
        }),
        Some(other) => causes.push(Cause {
            reason: "FieldValueNotSupported",
            field: at,
            message: format!(
                "Unsupported value: {other:?}: supported values: \"OnFailure\", \"Never\""
            ),
        }),
    }
}

/// The pod template of a Job spec at `path` (`spec` or `spec.jobTemplate.spec`).
fn job_spec(spec: &mut Value, path: &str, causes: &mut Vec<Cause>) {
    let template_path = format!("{path}.template.spec");
    if spec["template"]["spec"].is_null() {
        causes.push(required(format!("{template_path}.containers")));
        return;
    }
    restart_policy(&spec["template"]["spec"], &template_path, causes);
    pod_spec(&mut spec["template"]["spec"], &template_path, false, causes);
    for field in ["parallelism", "completions", "backoffLimit"] {
        if let Some(n) = spec[field].as_i64()
            && n < 0
        {
            causes.push(invalid(
                format!("{path}.{field}"),
                &json!(n),
                "must be greater than or equal to 0",
            ));
        }
    }
}

/// Defaults and validates a Job (`old` = None on create).
pub fn job(release: ServerVersion, obj: &mut Value, old: Option<&Value>, causes: &mut Vec<Cause>) {
    if obj["spec"].is_null() {
        obj["spec"] = json!({});
    }
    // Checked before defaulting: an unset restart policy is an error, not `Always`.
    job_spec(&mut obj["spec"], "spec", causes);
    match old {
        None => {
            default_job(obj, release.minor());
            if let Some(m) = obj.as_object_mut() {
                m.remove("status");
            }
        }
        Some(old) => {
            // The selector and the generated labels stay what they were.
            if obj["spec"]["selector"].is_null() {
                obj["spec"]["selector"] = old["spec"]["selector"].clone();
            }
        }
    }
}

/// Defaults and validates a CronJob.
pub fn cron_job(obj: &mut Value, old: Option<&Value>, causes: &mut Vec<Cause>) {
    if obj["spec"].is_null() {
        obj["spec"] = json!({});
    }
    let spec = &mut obj["spec"];
    for (field, default) in [
        ("concurrencyPolicy", json!("Allow")),
        ("suspend", json!(false)),
        ("successfulJobsHistoryLimit", json!(3)),
        ("failedJobsHistoryLimit", json!(1)),
    ] {
        if spec[field].is_null() {
            spec[field] = default;
        }
    }
    match spec["schedule"].as_str() {
        None | Some("") => causes.push(required("spec.schedule")),
        Some(s) => {
            if let Err(e) = Schedule::parse(s) {
                causes.push(invalid("spec.schedule", &spec["schedule"], &e));
            }
            if s.contains("TZ=") {
                causes.push(invalid(
                    "spec.schedule",
                    &spec["schedule"],
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                ));
            }
        }
    }
    if let Some(tz) = spec["timeZone"].as_str()
        && jiff::tz::TimeZone::get(tz).is_err()
    {
        causes.push(invalid(
            "spec.timeZone",
            &spec["timeZone"],
            &format!("unknown time zone {tz}"),
        ));
    }
    let policy = spec["concurrencyPolicy"].as_str().unwrap_or_default();
    if !matches!(policy, "Allow" | "Forbid" | "Replace") {
        causes.push(Cause {
            reason: "FieldValueNotSupported",
            field: "spec.concurrencyPolicy".into(),
            message: format!("Unsupported value: {policy:?}: supported values: \"Allow\", \"Forbid\", \"Replace\""),
        });
    }
    if spec["jobTemplate"]["spec"].is_null() {
        causes.push(required("spec.jobTemplate.spec.template.spec.containers"));
    } else {
        job_spec(
            &mut spec["jobTemplate"]["spec"],
            "spec.jobTemplate.spec",
            causes,
        );
    }
    if old.is_none()
        && let Some(m) = obj.as_object_mut()
    {
        m.remove("status");
    }
}
