//! Field numbers of the Kubernetes protobuf messages kubectl's typed clients send
//! (from `k8s.io/api/*/generated.proto` and `apimachinery/pkg/apis/meta/v1`).

mod batch;
mod rbac_autoscaling;

use super::Field;
use super::Ty::{
    self, Bool, Int, IntOrString, IntPtr, MapBytes, MapQuantity, MapStr, Msg, Str, Time,
};

const fn one(no: u64, name: &'static str, ty: Ty) -> Field {
    Field {
        no,
        name,
        ty,
        repeated: false,
    }
}

const fn many(no: u64, name: &'static str, ty: Ty) -> Field {
    Field {
        no,
        name,
        ty,
        repeated: true,
    }
}

static OWNER_REFERENCE: &[Field] = &[
    one(1, "kind", Str),
    one(3, "name", Str),
    one(4, "uid", Str),
    one(5, "apiVersion", Str),
    one(6, "controller", Bool),
    one(7, "blockOwnerDeletion", Bool),
];

static OBJECT_META: &[Field] = &[
    one(1, "name", Str),
    one(2, "generateName", Str),
    one(3, "namespace", Str),
    one(5, "uid", Str),
    one(6, "resourceVersion", Str),
    one(7, "generation", Int),
    one(8, "creationTimestamp", Time),
    one(9, "deletionTimestamp", Time),
    one(10, "deletionGracePeriodSeconds", IntPtr),
    one(11, "labels", MapStr),
    one(12, "annotations", MapStr),
    many(13, "ownerReferences", Msg(OWNER_REFERENCE)),
    many(14, "finalizers", Str),
];

static SELECTOR_REQUIREMENT: &[Field] = &[
    one(1, "key", Str),
    one(2, "operator", Str),
    many(3, "values", Str),
];

static LABEL_SELECTOR: &[Field] = &[
    one(1, "matchLabels", MapStr),
    many(2, "matchExpressions", Msg(SELECTOR_REQUIREMENT)),
];

static CONTAINER_PORT: &[Field] = &[
    one(1, "name", Str),
    one(2, "hostPort", Int),
    one(3, "containerPort", Int),
    one(4, "protocol", Str),
    one(5, "hostIP", Str),
];

static ENV_VAR: &[Field] = &[one(1, "name", Str), one(2, "value", Str)];

static RESOURCES: &[Field] = &[
    one(1, "limits", MapQuantity),
    one(2, "requests", MapQuantity),
];

static VOLUME_MOUNT: &[Field] = &[
    one(1, "name", Str),
    one(2, "readOnly", Bool),
    one(3, "mountPath", Str),
    one(4, "subPath", Str),
];

static EMPTY: &[Field] = &[];

static CONTAINER: &[Field] = &[
    one(1, "name", Str),
    one(2, "image", Str),
    many(3, "command", Str),
    many(4, "args", Str),
    one(5, "workingDir", Str),
    many(6, "ports", Msg(CONTAINER_PORT)),
    many(7, "env", Msg(ENV_VAR)),
    one(8, "resources", Msg(RESOURCES)),
    many(9, "volumeMounts", Msg(VOLUME_MOUNT)),
    one(13, "terminationMessagePath", Str),
    one(14, "imagePullPolicy", Str),
    one(16, "stdin", Bool),
    one(17, "stdinOnce", Bool),
    one(18, "tty", Bool),
    one(20, "terminationMessagePolicy", Str),
    one(24, "restartPolicy", Str),
];

static LOCAL_OBJECT_REFERENCE: &[Field] = &[one(1, "name", Str)];

static POD_SPEC: &[Field] = &[
    many(2, "containers", Msg(CONTAINER)),
    one(3, "restartPolicy", Str),
    one(4, "terminationGracePeriodSeconds", IntPtr),
    one(5, "activeDeadlineSeconds", IntPtr),
    one(6, "dnsPolicy", Str),
    one(7, "nodeSelector", MapStr),
    one(8, "serviceAccountName", Str),
    one(9, "serviceAccount", Str),
    one(10, "nodeName", Str),
    one(11, "hostNetwork", Bool),
    one(14, "securityContext", Msg(EMPTY)),
    many(15, "imagePullSecrets", Msg(LOCAL_OBJECT_REFERENCE)),
    one(16, "hostname", Str),
    one(17, "subdomain", Str),
    one(19, "schedulerName", Str),
    many(20, "initContainers", Msg(CONTAINER)),
    one(24, "priorityClassName", Str),
];

static POD_TEMPLATE: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(POD_SPEC)),
];

static ROLLING_UPDATE: &[Field] = &[
    one(1, "maxUnavailable", IntOrString),
    one(2, "maxSurge", IntOrString),
];

static DEPLOYMENT_STRATEGY: &[Field] = &[
    one(1, "type", Str),
    one(2, "rollingUpdate", Msg(ROLLING_UPDATE)),
];

static DEPLOYMENT_SPEC: &[Field] = &[
    one(1, "replicas", IntPtr),
    one(2, "selector", Msg(LABEL_SELECTOR)),
    one(3, "template", Msg(POD_TEMPLATE)),
    one(4, "strategy", Msg(DEPLOYMENT_STRATEGY)),
    one(5, "minReadySeconds", Int),
    one(6, "revisionHistoryLimit", IntPtr),
    one(7, "paused", Bool),
    one(9, "progressDeadlineSeconds", IntPtr),
];

static REPLICA_SET_SPEC: &[Field] = &[
    one(1, "replicas", IntPtr),
    one(2, "selector", Msg(LABEL_SELECTOR)),
    one(3, "template", Msg(POD_TEMPLATE)),
    one(4, "minReadySeconds", Int),
];

static SERVICE_PORT: &[Field] = &[
    one(1, "name", Str),
    one(2, "protocol", Str),
    one(3, "port", Int),
    one(4, "targetPort", IntOrString),
    one(5, "nodePort", Int),
    one(6, "appProtocol", Str),
];

static SERVICE_SPEC: &[Field] = &[
    many(1, "ports", Msg(SERVICE_PORT)),
    one(2, "selector", MapStr),
    one(3, "clusterIP", Str),
    one(4, "type", Str),
    many(5, "externalIPs", Str),
    one(7, "sessionAffinity", Str),
    one(8, "loadBalancerIP", Str),
    one(10, "externalName", Str),
    one(11, "externalTrafficPolicy", Str),
];

static NAMESPACE_SPEC: &[Field] = &[many(1, "finalizers", Str)];

static PRECONDITIONS: &[Field] = &[one(1, "uid", Str), one(2, "resourceVersion", Str)];

static DELETE_OPTIONS: &[Field] = &[
    one(1, "gracePeriodSeconds", IntPtr),
    one(2, "preconditions", Msg(PRECONDITIONS)),
    one(3, "orphanDependents", Bool),
    one(4, "propagationPolicy", Str),
    many(5, "dryRun", Str),
];

static CONFIG_MAP: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "data", MapStr),
    one(3, "binaryData", MapBytes),
    one(4, "immutable", Bool),
];

static SECRET: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "data", MapBytes),
    one(3, "type", Str),
    one(4, "stringData", MapStr),
    one(5, "immutable", Bool),
];

static NAMESPACE: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(NAMESPACE_SPEC)),
];

static SERVICE_ACCOUNT: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    many(3, "imagePullSecrets", Msg(LOCAL_OBJECT_REFERENCE)),
    one(4, "automountServiceAccountToken", Bool),
];

static DEPLOYMENT: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(DEPLOYMENT_SPEC)),
];

static REPLICA_SET: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(REPLICA_SET_SPEC)),
];

static SERVICE: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(SERVICE_SPEC)),
];

static POD: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(POD_SPEC)),
];

static EVICTION: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "deleteOptions", Msg(DELETE_OPTIONS)),
];

static RESOURCE_ATTRIBUTES: &[Field] = &[
    one(1, "namespace", Str),
    one(2, "verb", Str),
    one(3, "group", Str),
    one(4, "version", Str),
    one(5, "resource", Str),
    one(6, "subresource", Str),
    one(7, "name", Str),
];

static NON_RESOURCE_ATTRIBUTES: &[Field] = &[one(1, "path", Str), one(2, "verb", Str)];

static ACCESS_REVIEW_SPEC: &[Field] = &[
    one(1, "resourceAttributes", Msg(RESOURCE_ATTRIBUTES)),
    one(2, "nonResourceAttributes", Msg(NON_RESOURCE_ATTRIBUTES)),
];

static SELF_SUBJECT_ACCESS_REVIEW: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(ACCESS_REVIEW_SPEC)),
];

static RULES_REVIEW_SPEC: &[Field] = &[one(1, "namespace", Str)];

static SELF_SUBJECT_RULES_REVIEW: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(RULES_REVIEW_SPEC)),
];

static SELF_SUBJECT_REVIEW: &[Field] = &[one(1, "metadata", Msg(OBJECT_META))];

/// The schema of a top-level kind of `api_version`, if the server decodes it from protobuf.
pub fn for_kind(api_version: &str, kind: &str) -> Option<&'static [Field]> {
    Some(match kind {
        "HorizontalPodAutoscaler" if api_version == "autoscaling/v1" => rbac_autoscaling::HPA_V1,
        "HorizontalPodAutoscaler" => rbac_autoscaling::HPA_V2,
        "Role" | "ClusterRole" => rbac_autoscaling::ROLE,
        "RoleBinding" | "ClusterRoleBinding" => rbac_autoscaling::ROLE_BINDING,
        "ConfigMap" => CONFIG_MAP,
        "Secret" => SECRET,
        "Namespace" => NAMESPACE,
        "ServiceAccount" => SERVICE_ACCOUNT,
        "Deployment" => DEPLOYMENT,
        "ReplicaSet" => REPLICA_SET,
        "Service" => SERVICE,
        "Pod" => POD,
        "Job" => batch::JOB,
        "CronJob" => batch::CRON_JOB,
        "Eviction" => EVICTION,
        "DeleteOptions" => DELETE_OPTIONS,
        "SelfSubjectAccessReview" => SELF_SUBJECT_ACCESS_REVIEW,
        "SelfSubjectRulesReview" => SELF_SUBJECT_RULES_REVIEW,
        "SelfSubjectReview" => SELF_SUBJECT_REVIEW,
        _ => return None,
    })
}
