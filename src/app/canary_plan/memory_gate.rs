//! The memory gate: during a hold, no new pod may use more than `ratio` times the old
//! pods' average memory ("is the new version using twice the memory?"), read from the
//! last sample of the metrics API the dashboard polls. Where the cluster serves no
//! metrics API (or may not read it) the gate is off and says so rather than failing; a
//! sample that does not hold the new pods yet (the hold just began, metrics-server
//! reports a container only after two scrapes) leaves it waiting, never failed.

use super::gates::{Gate, GateFailure, GateState, PlanRows};
use crate::app::metrics::summary::group_usage;
use crate::app::metrics::{MetricsApi, MetricsState};
use crate::app::rows::Stores;
use crate::cluster::metrics::PodSample;
use crate::cluster::ops::canary::plan_annotation::MemoryGateSettings;

const MIB: f64 = 1024.0 * 1024.0;

/// Memory as the gate's lines say it: MiB with one decimal (nginx uses a few MiB).
fn mib(bytes: u64) -> String {
    format!("{:.1}Mi", bytes as f64 / MIB)
}

/// Why the gate cannot be checked on this cluster, if it cannot.
pub fn unavailable(metrics: &MetricsState) -> Option<String> {
    match &metrics.api {
        MetricsApi::Unavailable(_) => Some("off: metrics not served".to_owned()),
        MetricsApi::Forbidden(_) => Some("off: metrics forbidden".to_owned()),
        MetricsApi::Unknown | MetricsApi::Available => None,
    }
}

/// The memory gate's verdict with `settings` (`None`: off), checked only while `holding`.
pub fn memory_gate(
    settings: Option<&MemoryGateSettings>,
    holding: bool,
    metrics: &MetricsState,
    stores: &Stores,
    rows: &PlanRows<'_>,
) -> GateState {
    let Some(settings) = settings else {
        return GateState::Off;
    };
    if let Some(why) = unavailable(metrics) {
        return GateState::Unavailable(why);
    }
    if !holding {
        return GateState::Off;
    }
    let Some(sample) = metrics.samples.pods.as_ref() else {
        return GateState::Waiting("no sample yet".to_owned());
    };
    verdict(settings.ratio, sample, stores, rows)
}

/// The verdict on `sample`: the new pod using the most memory against `ratio` times the
/// old pods' average.
fn verdict(ratio: f64, sample: &PodSample, stores: &Stores, rows: &PlanRows<'_>) -> GateState {
    let Some(new) = group_usage(stores, sample, &rows.new_pod_slots) else {
        return GateState::Waiting("new pods not sampled yet".to_owned());
    };
    let Some(old) = group_usage(stores, sample, &rows.old_pod_slots) else {
        return GateState::Waiting("old pods not sampled yet".to_owned());
    };
    let old_average = old.average.memory_bytes;
    let limit = ratio * old_average as f64;
    let compared = format!(
        "{ratio}× the old pods' average {} ({} pod(s))",
        mib(old_average),
        old.pods
    );
    if (new.max.memory_bytes as f64) <= limit {
        return GateState::Passing(format!(
            "{} ≤ {ratio}×{}",
            mib(new.max.memory_bytes),
            mib(old_average)
        ));
    }
    let mut used: Vec<(&str, u64)> = rows
        .new_pods
        .iter()
        .filter_map(|row| {
            let usage = sample.pods.get(&row.meta.namespace, &row.meta.name)?;
            Some((row.meta.name.as_str(), usage.total().memory_bytes))
        })
        .collect();
    // The most first: the rollout view shows the first lines of the evidence.
    used.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    let (pod, bytes) = used.first().copied().unwrap_or(("?", new.max.memory_bytes));
    let mut evidence = vec![format!(
        "old pods: average {}, max {} over {} pod(s)",
        mib(old_average),
        mib(old.max.memory_bytes),
        old.pods
    )];
    evidence.extend(
        used.iter()
            .map(|(pod, bytes)| format!("new pod {pod}: {} of memory", mib(*bytes))),
    );
    if let Some(taken) = sample.taken {
        evidence.push(format!("sample taken at {}", taken.strftime("%H:%M:%S")));
    }
    GateState::Failed(GateFailure {
        gate: Gate::Memory,
        summary: format!("pod {pod} uses {} of memory, over {compared}", mib(bytes)),
        evidence,
    })
}

#[cfg(test)]
mod tests;
