//! What the API server fills into a new Job (defaulting and `generateSelector`): the spec's
//! defaults, the selector on the Job's own uid, and the labels its pods carry.

use serde_json::{Map, Value, json};

use crate::sim::controllers::meta::name;
use crate::sim::store::random_suffix;

fn set_default(v: &mut Value, key: &str, default: Value) {
    if v[key].is_null() {
        v[key] = default;
    }
}

/// Defaults a Job about to be created by release 1.`minor`, giving it its uid and name now:
/// its selector and its pods' labels carry them.
pub fn default_job(job: &mut Value, minor: u16) {
    if !job["metadata"].is_object() {
        job["metadata"] = json!({});
    }
    if name(job).is_empty() {
        let prefix = job["metadata"]["generateName"].as_str().unwrap_or_default();
        job["metadata"]["name"] = json!(format!("{prefix}{}", random_suffix(5)));
    }
    if job["metadata"]["uid"].as_str().is_none_or(str::is_empty) {
        job["metadata"]["uid"] = json!(uuid::Uuid::new_v4().to_string());
    }
    if !job["spec"].is_object() {
        job["spec"] = json!({});
    }
    let spec = &mut job["spec"];
    if spec["completions"].is_null() && spec["parallelism"].is_null() {
        spec["completions"] = json!(1);
    }
    set_default(spec, "parallelism", json!(1));
    set_default(spec, "backoffLimit", json!(6));
    set_default(spec, "completionMode", json!("NonIndexed"));
    set_default(spec, "suspend", json!(false));
    if minor >= 29 {
        set_default(spec, "podReplacementPolicy", json!("TerminatingOrFailed"));
    }
    if job["spec"]["manualSelector"] != true {
        generate_selector(job, minor);
    }
    let empty = job["metadata"]["labels"]
        .as_object()
        .is_none_or(Map::is_empty);
    if empty && job["spec"]["template"]["metadata"]["labels"].is_object() {
        job["metadata"]["labels"] = job["spec"]["template"]["metadata"]["labels"].clone();
    }
}

/// The selector on the Job's uid, and the labels that make its pods match it.
fn generate_selector(job: &mut Value, minor: u16) {
    let uid = job["metadata"]["uid"].clone();
    let job_name = json!(name(job));
    let template = &mut job["spec"]["template"];
    if !template["metadata"].is_object() {
        template["metadata"] = json!({});
    }
    if !template["metadata"]["labels"].is_object() {
        template["metadata"]["labels"] = json!({});
    }
    let labels = &mut template["metadata"]["labels"];
    // The batch.kubernetes.io/ prefixed labels came in 1.27; the bare ones stay.
    let selector_key = if minor >= 27 {
        labels["batch.kubernetes.io/controller-uid"] = uid.clone();
        labels["batch.kubernetes.io/job-name"] = job_name.clone();
        "batch.kubernetes.io/controller-uid"
    } else {
        "controller-uid"
    };
    labels["controller-uid"] = uid.clone();
    labels["job-name"] = job_name;
    job["spec"]["selector"] = json!({"matchLabels": {selector_key: uid}});
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_job_selects_its_pods_by_its_uid() {
        let mut job = json!({"metadata": {"name": "pi"}, "spec": {"template": {"spec": {"restartPolicy": "Never"}}}});
        default_job(&mut job, 33);
        let uid = job["metadata"]["uid"].as_str().unwrap().to_string();
        assert_eq!(
            job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"],
            uid
        );
        let labels = &job["spec"]["template"]["metadata"]["labels"];
        assert_eq!(labels["batch.kubernetes.io/job-name"], "pi");
        assert_eq!(labels["job-name"], "pi");
        assert_eq!(job["metadata"]["labels"], *labels);
        assert_eq!(
            (
                job["spec"]["completions"].as_i64(),
                job["spec"]["backoffLimit"].as_i64()
            ),
            (Some(1), Some(6))
        );
        let mut old = json!({"metadata": {"name": "pi"}, "spec": {"parallelism": 2}});
        default_job(&mut old, 20);
        assert!(old["spec"]["completions"].is_null(), "a work queue");
        assert!(old["spec"]["selector"]["matchLabels"]["controller-uid"].is_string());
        assert!(old["spec"].get("podReplacementPolicy").is_none());
    }
}
