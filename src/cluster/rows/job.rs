//! Jobs and CronJobs.

use k8s_openapi::api::batch::v1::{CronJob, Job};
use kube::{Api, Client};

use super::{ToRow, namespaced_api, template_images};
use crate::cluster::model::{CronJobRow, Detail, Health, JobRow, Kind};

impl ToRow for Job {
    const KIND: Kind = Kind::Job;

    fn detail(&self) -> (Detail, Health) {
        let spec = self.spec.as_ref();
        let status = self.status.as_ref();
        let holds = |type_: &str| {
            status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == type_ && c.status == "True"))
        };
        // kubectl's order (printJob): the condition that ended it first.
        let status_word = if holds("Failed") {
            "Failed"
        } else if holds("Complete") {
            "Complete"
        } else if holds("Suspended") {
            "Suspended"
        } else if holds("FailureTarget") {
            "FailureTarget"
        } else if holds("SuccessCriteriaMet") {
            "SuccessCriteriaMet"
        } else if self.metadata.deletion_timestamp.is_some() {
            "Terminating"
        } else {
            "Running"
        };
        let row = JobRow {
            status: status_word.to_owned(),
            succeeded: status.and_then(|s| s.succeeded).unwrap_or(0),
            completions: spec.and_then(|s| s.completions),
            parallelism: spec.and_then(|s| s.parallelism).unwrap_or(1),
            active: status.and_then(|s| s.active).unwrap_or(0),
            failed: status.and_then(|s| s.failed).unwrap_or(0),
            started: status.and_then(|s| s.start_time.as_ref()).map(|t| t.0),
            completed: status.and_then(|s| s.completion_time.as_ref()).map(|t| t.0),
            images: spec
                .map(|s| template_images(&s.template))
                .unwrap_or_default(),
        };
        let health = match status_word {
            "Complete" | "SuccessCriteriaMet" => Health::Ok,
            "Failed" | "FailureTarget" => Health::Err,
            "Suspended" | "Terminating" => Health::Dim,
            _ if row.failed > 0 => Health::Warn,
            _ => Health::Neutral,
        };
        (Detail::Job(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

impl ToRow for CronJob {
    const KIND: Kind = Kind::CronJob;

    fn detail(&self) -> (Detail, Health) {
        let spec = self.spec.as_ref();
        let status = self.status.as_ref();
        let row = CronJobRow {
            schedule: spec.map(|s| s.schedule.clone()).unwrap_or_default(),
            time_zone: spec.and_then(|s| s.time_zone.clone()),
            suspend: spec.and_then(|s| s.suspend).unwrap_or(false),
            active: status.and_then(|s| s.active.as_ref()).map_or(0, Vec::len),
            last_schedule: status
                .and_then(|s| s.last_schedule_time.as_ref())
                .map(|t| t.0),
            last_successful: status
                .and_then(|s| s.last_successful_time.as_ref())
                .map(|t| t.0),
            images: spec
                .and_then(|s| s.job_template.spec.as_ref())
                .map(|j| template_images(&j.template))
                .unwrap_or_default(),
        };
        let health = if self.metadata.deletion_timestamp.is_some() || row.suspend {
            Health::Dim
        } else {
            Health::Neutral
        };
        (Detail::CronJob(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn job(conditions: &serde_json::Value, failed: i32) -> Job {
        serde_json::from_value(json!({
            "metadata": {"name": "pi", "namespace": "default"},
            "spec": {"completions": 1, "template": {"spec": {"containers": []}}},
            "status": {"conditions": conditions, "failed": failed, "active": 1}
        }))
        .unwrap()
    }

    fn status_and_health(job: &Job) -> (String, Health) {
        let (Detail::Job(row), health) = job.detail() else {
            panic!("a Job's detail")
        };
        (row.status, health)
    }

    /// STATUS in kubectl's words and its colour: green done, red failed, yellow while
    /// pods fail and it retries.
    #[test]
    fn a_jobs_status_word_and_colour_follow_its_conditions() {
        let holds = |t: &str| json!([{"type": t, "status": "True"}]);
        for (conditions, failed, want) in [
            (holds("Complete"), 0, ("Complete", Health::Ok)),
            (
                json!([{"type": "SuccessCriteriaMet", "status": "True"},
                       {"type": "Complete", "status": "True"}]),
                0,
                ("Complete", Health::Ok),
            ),
            (holds("Failed"), 3, ("Failed", Health::Err)),
            (holds("FailureTarget"), 3, ("FailureTarget", Health::Err)),
            (holds("Suspended"), 0, ("Suspended", Health::Dim)),
            (json!([]), 2, ("Running", Health::Warn)),
            (json!([]), 0, ("Running", Health::Neutral)),
            (
                json!([{"type": "Complete", "status": "False"}]),
                0,
                ("Running", Health::Neutral),
            ),
        ] {
            let got = status_and_health(&job(&conditions, failed));
            assert_eq!(
                (got.0.as_str(), got.1),
                want,
                "{conditions} with {failed} failed"
            );
        }
    }
}
