//! Deployments: READY, UP-TO-DATE, AVAILABLE, strategy, conditions.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::{Api, Client};

use super::{ToRow, match_labels, namespaced_api, revision, template_images};
use crate::cluster::model::{ConditionRow, DeploymentRow, Detail, Health, Kind};
use crate::cluster::ops::canary::ORIGINAL_ANNOTATION;
use crate::cluster::ops::canary::plan_annotation::PLAN_ANNOTATION;

fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

impl ToRow for Deployment {
    const KIND: Kind = Kind::Deployment;

    fn detail(&self) -> (Detail, Health) {
        let spec = self.spec.as_ref();
        let status = self.status.as_ref();
        let strategy = spec.and_then(|s| s.strategy.as_ref());
        let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
        let strategy_type = strategy
            .and_then(|s| s.type_.clone())
            .unwrap_or_else(|| "RollingUpdate".to_owned());
        let row = DeploymentRow {
            desired: spec.and_then(|s| s.replicas).unwrap_or(1),
            current: status.and_then(|s| s.replicas).unwrap_or(0),
            updated: status.and_then(|s| s.updated_replicas).unwrap_or(0),
            ready: status.and_then(|s| s.ready_replicas).unwrap_or(0),
            available: status.and_then(|s| s.available_replicas).unwrap_or(0),
            unavailable: status.and_then(|s| s.unavailable_replicas).unwrap_or(0),
            paused: spec.and_then(|s| s.paused).unwrap_or(false),
            canary: self
                .metadata
                .annotations
                .as_ref()
                .is_some_and(|a| a.contains_key(ORIGINAL_ANNOTATION)),
            canary_plan: self
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(PLAN_ANNOTATION).cloned()),
            max_surge: rolling
                .and_then(|r| r.max_surge.as_ref())
                .map(int_or_string),
            max_unavailable: rolling
                .and_then(|r| r.max_unavailable.as_ref())
                .map(int_or_string),
            strategy: strategy_type,
            min_ready_seconds: spec.and_then(|s| s.min_ready_seconds).unwrap_or(0),
            revision: revision(&self.metadata),
            images: spec
                .map(|s| template_images(&s.template))
                .unwrap_or_default(),
            selector: spec.map(|s| match_labels(&s.selector)).unwrap_or_default(),
            generation: self.metadata.generation.unwrap_or(0),
            observed_generation: status.and_then(|s| s.observed_generation).unwrap_or(0),
            conditions: status
                .and_then(|s| s.conditions.as_ref())
                .map(|cs| {
                    cs.iter()
                        .map(|c| ConditionRow {
                            type_: c.type_.clone(),
                            status: c.status.clone(),
                            reason: c.reason.clone().unwrap_or_default(),
                            message: c.message.clone().unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        let health = health(&row, self.metadata.deletion_timestamp.is_some());
        (Detail::Deployment(Box::new(row)), health)
    }

    fn api(client: Client, namespace: Option<&str>) -> Api<Self> {
        namespaced_api(client, namespace)
    }
}

fn health(row: &DeploymentRow, deleting: bool) -> Health {
    let failed = row.conditions.iter().any(|c| {
        (c.type_ == "Progressing" && c.reason == "ProgressDeadlineExceeded")
            || (c.type_ == "ReplicaFailure" && c.status == "True")
    });
    if deleting {
        Health::Dim
    } else if failed {
        Health::Err
    } else if row.available >= row.desired
        && row.updated == row.desired
        && row.current == row.desired
    {
        Health::Ok
    } else {
        Health::Warn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollout_fields_and_health() {
        let d: Deployment = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default", "generation": 4,
                "annotations": {"deployment.kubernetes.io/revision": "2"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}},
                "template": {"spec": {"containers": [{"name": "c", "image": "nginx:2"}]}}},
            "status": {"replicas": 4, "updatedReplicas": 1, "readyReplicas": 3, "availableReplicas": 3,
                "unavailableReplicas": 1, "observedGeneration": 4,
                "conditions": [{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]}
        }))
        .unwrap();
        let row = d.to_row();
        let Detail::Deployment(r) = &row.detail else {
            panic!("{row:?}")
        };
        assert_eq!((r.desired, r.current, r.updated, r.available), (3, 4, 1, 3));
        assert_eq!(r.max_surge.as_deref(), Some("1"));
        assert_eq!(r.max_unavailable.as_deref(), Some("25%"));
        assert_eq!(
            (r.revision, r.generation, r.observed_generation),
            (Some(2), 4, 4)
        );
        assert_eq!(r.conditions[0].reason, "ReplicaSetUpdated");
        assert_eq!(row.health, Health::Warn);
    }
}
