//! The columns and cells of Jobs and CronJobs, as the real server's printers make them
//! (a Job's STATUS column came in 1.30, a CronJob's TIMEZONE in 1.27).

use jiff::Timestamp;
use serde_json::{Value, json};

use super::cells::human_duration;
use super::{AGE, Column, NAME, TableOf, i, s};
use crate::sim::clock::parse_time;

/// The columns, for Jobs and CronJobs.
pub fn columns(of: TableOf<'_>) -> Option<Vec<Column>> {
    if of.rt.group != "batch" {
        return None;
    }
    let minor = of.release.minor();
    let mut c = vec![NAME];
    match of.rt.plural {
        "jobs" => {
            if minor >= 30 {
                c.push(s("Status", 0));
            }
            c.extend([s("Completions", 0), s("Duration", 0), AGE]);
        }
        "cronjobs" => {
            c.push(s("Schedule", 0));
            if minor >= 27 {
                c.push(s("Timezone", 0));
            }
            c.extend([s("Suspend", 0), i("Active", 0), s("Last Schedule", 0), AGE]);
        }
        _ => return None,
    }
    c.extend([s("Containers", 1), s("Images", 1), s("Selector", 1)]);
    Some(c)
}

fn time(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(parse_time)
}

fn since(v: &Value, now: Timestamp) -> String {
    time(v).map_or_else(
        || "<unknown>".into(),
        |t| human_duration(now.duration_since(t).as_secs()),
    )
}

fn has(o: &Value, kind: &str) -> bool {
    o["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == kind && c["status"] == "True")
}

fn job_status(o: &Value) -> &'static str {
    if has(o, "Complete") {
        "Complete"
    } else if has(o, "Failed") {
        "Failed"
    } else if !o["metadata"]["deletionTimestamp"].is_null() {
        "Terminating"
    } else if has(o, "Suspended") {
        "Suspended"
    } else if has(o, "FailureTarget") {
        "FailureTarget"
    } else if has(o, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

fn containers_images_selector(spec: &Value) -> [Value; 3] {
    let containers = spec["template"]["spec"]["containers"].as_array();
    let join = |field: &str| {
        containers
            .into_iter()
            .flatten()
            .map(|c| c[field].as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(",")
    };
    let selector = super::cells::selector_text(&spec["selector"]);
    [json!(join("name")), json!(join("image")), json!(selector)]
}

/// The cells of one row, for Jobs and CronJobs.
pub fn cells(of: TableOf<'_>, o: &Value, now: Timestamp) -> Option<Vec<Value>> {
    if of.rt.group != "batch" {
        return None;
    }
    let minor = of.release.minor();
    let name = json!(o["metadata"]["name"].as_str().unwrap_or_default());
    let age = json!(since(&o["metadata"]["creationTimestamp"], now));
    let spec = &o["spec"];
    let status = &o["status"];
    let mut row = vec![name];
    match of.rt.plural {
        "jobs" => {
            if minor >= 30 {
                row.push(json!(job_status(o)));
            }
            let succeeded = status["succeeded"].as_i64().unwrap_or(0);
            let completions = match spec["completions"].as_i64() {
                Some(c) => format!("{succeeded}/{c}"),
                None => match spec["parallelism"].as_i64().unwrap_or(0) {
                    p if p > 1 => format!("{succeeded}/1 of {p}"),
                    _ => format!("{succeeded}/1"),
                },
            };
            let duration = match (time(&status["startTime"]), time(&status["completionTime"])) {
                (None, _) => String::new(),
                (Some(start), None) => human_duration(now.duration_since(start).as_secs()),
                (Some(start), Some(end)) => human_duration(end.duration_since(start).as_secs()),
            };
            row.extend([json!(completions), json!(duration), age]);
            row.extend(containers_images_selector(spec));
        }
        "cronjobs" => {
            row.push(json!(spec["schedule"].as_str().unwrap_or_default()));
            if minor >= 27 {
                row.push(json!(spec["timeZone"].as_str().unwrap_or("<none>")));
            }
            let suspend = match spec["suspend"].as_bool() {
                Some(true) => "True",
                Some(false) => "False",
                None => "<unset>",
            };
            let active = status["active"].as_array().map_or(0, Vec::len);
            let last = if status["lastScheduleTime"].is_null() {
                "<none>".to_string()
            } else {
                since(&status["lastScheduleTime"], now)
            };
            row.extend([json!(suspend), json!(active), json!(last), age]);
            row.extend(containers_images_selector(&spec["jobTemplate"]["spec"]));
        }
        _ => return None,
    }
    Some(row)
}
