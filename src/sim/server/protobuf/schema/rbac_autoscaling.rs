//! Field numbers of the RBAC and HorizontalPodAutoscaler messages kubectl's `create role`,
//! `create rolebinding` and `autoscale` send (`k8s.io/api/{rbac,autoscaling}/*/generated.proto`).

use super::super::Field;
use super::super::Ty::{Int, IntPtr, Msg, Str};
use super::{OBJECT_META, many, one};

static POLICY_RULE: &[Field] = &[
    many(1, "verbs", Str),
    many(2, "apiGroups", Str),
    many(3, "resources", Str),
    many(4, "resourceNames", Str),
    many(5, "nonResourceURLs", Str),
];

/// rbac/v1 Role and ClusterRole.
pub static ROLE: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    many(2, "rules", Msg(POLICY_RULE)),
];

static SUBJECT: &[Field] = &[
    one(1, "kind", Str),
    one(2, "apiGroup", Str),
    one(3, "name", Str),
    one(4, "namespace", Str),
];

static ROLE_REF: &[Field] = &[
    one(1, "apiGroup", Str),
    one(2, "kind", Str),
    one(3, "name", Str),
];

/// rbac/v1 RoleBinding and ClusterRoleBinding.
pub static ROLE_BINDING: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    many(2, "subjects", Msg(SUBJECT)),
    one(3, "roleRef", Msg(ROLE_REF)),
];

static SCALE_TARGET: &[Field] = &[
    one(1, "kind", Str),
    one(2, "name", Str),
    one(3, "apiVersion", Str),
];

static HPA_V1_SPEC: &[Field] = &[
    one(1, "scaleTargetRef", Msg(SCALE_TARGET)),
    one(2, "minReplicas", IntPtr),
    one(3, "maxReplicas", Int),
    one(4, "targetCPUUtilizationPercentage", IntPtr),
];

/// autoscaling/v1 HorizontalPodAutoscaler.
pub static HPA_V1: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(HPA_V1_SPEC)),
];

static METRIC_TARGET: &[Field] = &[one(1, "type", Str), one(4, "averageUtilization", IntPtr)];

static RESOURCE_METRIC: &[Field] = &[one(1, "name", Str), one(2, "target", Msg(METRIC_TARGET))];

static METRIC_SPEC: &[Field] = &[
    one(1, "type", Str),
    one(4, "resource", Msg(RESOURCE_METRIC)),
];

static HPA_V2_SPEC: &[Field] = &[
    one(1, "scaleTargetRef", Msg(SCALE_TARGET)),
    one(2, "minReplicas", IntPtr),
    one(3, "maxReplicas", Int),
    many(4, "metrics", Msg(METRIC_SPEC)),
];

/// autoscaling/v2 HorizontalPodAutoscaler.
pub static HPA_V2: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(HPA_V2_SPEC)),
];
