//! Field numbers of the batch/v1 Job and CronJob messages (`k8s.io/api/batch/v1/generated.proto`).

use super::super::Field;
use super::super::Ty::{BoolPtr, IntPtr, Msg, Str};
use super::{LABEL_SELECTOR, OBJECT_META, POD_TEMPLATE, one};

static JOB_SPEC: &[Field] = &[
    one(1, "parallelism", IntPtr),
    one(2, "completions", IntPtr),
    one(3, "activeDeadlineSeconds", IntPtr),
    one(4, "selector", Msg(LABEL_SELECTOR)),
    one(5, "manualSelector", BoolPtr),
    one(6, "template", Msg(POD_TEMPLATE)),
    one(7, "backoffLimit", IntPtr),
    one(8, "ttlSecondsAfterFinished", IntPtr),
    one(9, "completionMode", Str),
    one(10, "suspend", BoolPtr),
    one(12, "backoffLimitPerIndex", IntPtr),
    one(13, "maxFailedIndexes", IntPtr),
    one(14, "podReplacementPolicy", Str),
    one(16, "managedBy", Str),
];

/// batch/v1 Job.
pub static JOB: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(JOB_SPEC)),
];

static JOB_TEMPLATE: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(JOB_SPEC)),
];

static CRON_JOB_SPEC: &[Field] = &[
    one(1, "schedule", Str),
    one(2, "startingDeadlineSeconds", IntPtr),
    one(3, "concurrencyPolicy", Str),
    one(4, "suspend", BoolPtr),
    one(5, "jobTemplate", Msg(JOB_TEMPLATE)),
    one(6, "successfulJobsHistoryLimit", IntPtr),
    one(7, "failedJobsHistoryLimit", IntPtr),
    one(8, "timeZone", Str),
];

/// batch/v1 CronJob.
pub static CRON_JOB: &[Field] = &[
    one(1, "metadata", Msg(OBJECT_META)),
    one(2, "spec", Msg(CRON_JOB_SPEC)),
];
