//! Jobs and CronJobs, as `kubectl get jobs,cronjobs` prints them; DURATION and LAST
//! SCHEDULE are live, not the server's text of when it listed.

use std::borrow::Cow;

use jiff::Timestamp;

use super::{AGE, CellContext, Column, NAME, Width, by_name, col, fill, list, num, text};
use crate::cluster::model::{CronJobRow, Detail, JobRow, Row};
use crate::human_duration::age;

fn job(r: &Row) -> Option<&JobRow> {
    match &r.detail {
        Detail::Job(j) => Some(j),
        _ => None,
    }
}

fn cron(r: &Row) -> Option<&CronJobRow> {
    match &r.detail {
        Detail::CronJob(c) => Some(c),
        _ => None,
    }
}

fn job_status<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    job(r).map_or(text(""), |j| text(&j.status))
}

/// kubectl's COMPLETIONS: `1/3`, or `0/1 of 3` for a Job without completions run by
/// several pods at once.
fn job_completions(r: &Row, _: &CellContext) -> Cow<'static, str> {
    job(r).map_or(num(""), |j| match j.completions {
        Some(wanted) => Cow::Owned(format!("{}/{wanted}", j.succeeded)),
        None if j.parallelism > 1 => Cow::Owned(format!("{}/1 of {}", j.succeeded, j.parallelism)),
        None => Cow::Owned(format!("{}/1", j.succeeded)),
    })
}

/// From start to completion, or to now while it runs.
fn job_duration(r: &Row, c: &CellContext) -> Cow<'static, str> {
    job(r).map_or(num(""), |j| match (j.started, j.completed) {
        (Some(start), Some(end)) => Cow::Owned(age(Some(start), end)),
        (Some(start), None) => Cow::Owned(age(Some(start), c.now)),
        (None, _) => num(""),
    })
}

fn duration_of(r: &Row) -> i64 {
    job(r).map_or(0, |j| {
        let end = j.completed.unwrap_or(Timestamp::MAX);
        j.started
            .map_or(0, |s| end.as_second().saturating_sub(s.as_second()))
    })
}

fn job_images<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    job(r).map_or(text(""), |j| list(&j.images))
}

pub(in crate::cluster) static JOB: [Column; 6] = [
    NAME,
    col("STATUS", Width::Fixed(10), 240, job_status, |a, b| {
        job_status(a, &super::EPOCH)
            .cmp(&job_status(b, &super::EPOCH))
            .then_with(|| by_name(a, b))
    }),
    col(
        "COMPLETIONS",
        Width::Fixed(11),
        235,
        job_completions,
        |a, b| {
            let done = |r: &Row| job(r).map_or(0, |j| j.succeeded);
            done(a).cmp(&done(b)).then_with(|| by_name(a, b))
        },
    ),
    col("DURATION", Width::Fixed(8), 220, job_duration, |a, b| {
        duration_of(a)
            .cmp(&duration_of(b))
            .then_with(|| by_name(a, b))
    }),
    AGE,
    col("IMAGES", fill(12, 2), 100, job_images, |a, b| {
        job_images(a, &super::EPOCH)
            .cmp(&job_images(b, &super::EPOCH))
            .then_with(|| by_name(a, b))
    }),
];

fn cron_schedule<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    cron(r).map_or(text(""), |c| text(&c.schedule))
}

fn cron_zone<'a>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    cron(r).map_or(text(""), |c| {
        text(c.time_zone.as_deref().unwrap_or("<none>"))
    })
}

fn cron_suspend(r: &Row, _: &CellContext) -> Cow<'static, str> {
    cron(r).map_or(num(""), |c| num(if c.suspend { "True" } else { "False" }))
}

fn cron_active(r: &Row, _: &CellContext) -> Cow<'static, str> {
    cron(r).map_or(num(""), |c| num(c.active))
}

fn cron_last(r: &Row, ctx: &CellContext) -> Cow<'static, str> {
    cron(r).map_or(num(""), |c| match c.last_schedule {
        Some(t) => Cow::Owned(age(Some(t), ctx.now)),
        None => num("<none>"),
    })
}

pub(in crate::cluster) static CRON_JOB: [Column; 7] = [
    NAME,
    col("SCHEDULE", fill(9, 1), 240, cron_schedule, |a, b| {
        cron_schedule(a, &super::EPOCH)
            .cmp(&cron_schedule(b, &super::EPOCH))
            .then_with(|| by_name(a, b))
    }),
    col("TIMEZONE", Width::Fixed(8), 100, cron_zone, |a, b| {
        cron_zone(a, &super::EPOCH)
            .cmp(&cron_zone(b, &super::EPOCH))
            .then_with(|| by_name(a, b))
    }),
    col("SUSPEND", Width::Fixed(7), 230, cron_suspend, |a, b| {
        let s = |r: &Row| cron(r).is_some_and(|c| c.suspend);
        s(a).cmp(&s(b)).then_with(|| by_name(a, b))
    }),
    col("ACTIVE", Width::Fixed(6), 220, cron_active, |a, b| {
        let n = |r: &Row| cron(r).map_or(0, |c| c.active);
        n(a).cmp(&n(b)).then_with(|| by_name(a, b))
    }),
    col("LAST SCHEDULE", Width::Fixed(13), 210, cron_last, |a, b| {
        // Most recently scheduled first, as AGE sorts youngest first.
        let t = |r: &Row| cron(r).and_then(|c| c.last_schedule);
        t(b).cmp(&t(a)).then_with(|| by_name(a, b))
    }),
    AGE,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Health;
    use crate::cluster::model::Meta;

    fn job_row(j: JobRow) -> Row {
        Row {
            meta: Meta::default(),
            detail: Detail::Job(Box::new(j)),
            health: Health::Neutral,
        }
    }

    #[test]
    fn completions_and_duration_as_kubectl_prints_them() {
        let start: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        let ctx = CellContext::at("2027-01-01T00:01:30Z".parse().unwrap());
        let running = job_row(JobRow {
            succeeded: 1,
            completions: Some(3),
            parallelism: 2,
            started: Some(start),
            ..JobRow::default()
        });
        assert_eq!(job_completions(&running, &ctx), "1/3");
        assert_eq!(job_duration(&running, &ctx), "90s");
        let done = job_row(JobRow {
            completions: None,
            parallelism: 3,
            started: Some(start),
            completed: Some("2027-01-01T00:00:12Z".parse().unwrap()),
            ..JobRow::default()
        });
        assert_eq!(job_completions(&done, &ctx), "0/1 of 3");
        assert_eq!(job_duration(&done, &ctx), "12s");
    }
}
