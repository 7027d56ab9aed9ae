use jiff::Timestamp;

use super::*;
use crate::cluster::metrics::{PodUsage, Usage};
use crate::cluster::{ClusterUpdate, Detail, Kind, Meta, PodRow, Row};

const SETTINGS: MemoryGateSettings = MemoryGateSettings { ratio: 2.0 };

fn pod(name: &str) -> Row {
    Row {
        meta: Meta {
            namespace: "default".into(),
            name: name.to_owned(),
            ..Meta::default()
        },
        detail: Detail::Pod(PodRow::default()),
        health: crate::cluster::Health::default(),
    }
}

/// Three old pods and two new ones in the pods' store.
fn stores() -> Stores {
    let mut stores = Stores::default();
    stores.apply(ClusterUpdate::Reset {
        kind: Kind::Pod,
        rows: ["old-a", "old-b", "old-c", "new-a", "new-b"]
            .into_iter()
            .map(pod)
            .collect(),
    });
    stores
}

fn rows(stores: &Stores) -> PlanRows<'_> {
    let pods = stores.of(Kind::Pod);
    let slots = |names: &[&str]| -> Vec<usize> {
        names
            .iter()
            .filter_map(|n| pods.slot_of("default", n))
            .collect()
    };
    let (new_pod_slots, old_pod_slots) = (
        slots(&["new-a", "new-b"]),
        slots(&["old-a", "old-b", "old-c"]),
    );
    PlanRows {
        new_pods: new_pod_slots.iter().filter_map(|s| pods.get(*s)).collect(),
        old_pods: old_pod_slots.iter().filter_map(|s| pods.get(*s)).collect(),
        new_pod_slots,
        old_pod_slots,
        ..PlanRows::default()
    }
}

/// Metrics that answered with these pods' memory, in MiB.
fn metrics(memory_mib: &[(&str, u64)]) -> MetricsState {
    let pods = memory_mib
        .iter()
        .map(|(name, mib)| {
            let usage = Usage {
                cpu_nanos: 1_000_000,
                memory_bytes: mib * 1024 * 1024,
            };
            (
                ("default".to_owned(), (*name).to_owned()),
                PodUsage {
                    containers: vec![("app".to_owned(), usage)],
                },
            )
        })
        .collect();
    let mut m = MetricsState {
        api: MetricsApi::Available,
        ..MetricsState::default()
    };
    m.samples.pods = Some(PodSample {
        namespace: Some("default".to_owned()),
        taken: Some(Timestamp::UNIX_EPOCH),
        pods,
    });
    m
}

const OLD: [(&str, u64); 3] = [("old-a", 10), ("old-b", 12), ("old-c", 14)];

#[test]
fn off_unless_the_plan_asks_for_it_and_off_with_a_reason_where_metrics_are_not_served() {
    let stores = stores();
    let rows = rows(&stores);
    let leaking = metrics(&[("new-a", 500), ("old-a", 10)]);
    assert_eq!(
        memory_gate(None, true, &leaking, &stores, &rows),
        GateState::Off
    );
    for api in [
        MetricsApi::Unavailable("404".into()),
        MetricsApi::Forbidden("403".into()),
    ] {
        let m = MetricsState {
            api,
            ..MetricsState::default()
        };
        for holding in [true, false] {
            let GateState::Unavailable(why) =
                memory_gate(Some(&SETTINGS), holding, &m, &stores, &rows)
            else {
                panic!("off with a reason");
            };
            assert!(why.starts_with("off: metrics "), "{why}");
        }
    }
}

#[test]
fn it_waits_for_a_sample_of_the_new_pods_rather_than_failing() {
    let stores = stores();
    let rows = rows(&stores);
    let unknown = MetricsState::default();
    assert!(matches!(
        memory_gate(Some(&SETTINGS), true, &unknown, &stores, &rows),
        GateState::Waiting(_)
    ));
    // The hold's start: metrics-server has not reported the new pods yet.
    assert_eq!(
        memory_gate(Some(&SETTINGS), true, &metrics(&OLD), &stores, &rows),
        GateState::Waiting("new pods not sampled yet".into())
    );
    assert_eq!(
        memory_gate(
            Some(&SETTINGS),
            true,
            &metrics(&[("new-a", 100)]),
            &stores,
            &rows
        ),
        GateState::Waiting("old pods not sampled yet".into())
    );
    // Scaling: not checked.
    let mut all = OLD.to_vec();
    all.push(("new-a", 100));
    assert_eq!(
        memory_gate(Some(&SETTINGS), false, &metrics(&all), &stores, &rows),
        GateState::Off
    );
}

#[test]
fn each_new_pod_may_use_up_to_ratio_times_the_old_pods_average() {
    let stores = stores();
    let rows = rows(&stores);
    // Old average 12 MiB: 24 MiB is the most a new pod may use.
    let mut at_limit = OLD.to_vec();
    at_limit.extend([("new-a", 24), ("new-b", 20)]);
    assert_eq!(
        memory_gate(Some(&SETTINGS), true, &metrics(&at_limit), &stores, &rows),
        GateState::Passing("24.0Mi ≤ 2×12.0Mi".into())
    );
    let mut over = OLD.to_vec();
    over.extend([("new-a", 20), ("new-b", 25)]);
    let GateState::Failed(failure) =
        memory_gate(Some(&SETTINGS), true, &metrics(&over), &stores, &rows)
    else {
        panic!("one new pod over twice the old average");
    };
    assert_eq!(failure.gate, Gate::Memory);
    assert_eq!(
        failure.summary,
        "pod new-b uses 25.0Mi of memory, over 2× the old pods' average 12.0Mi (3 pod(s))"
    );
    assert!(
        failure
            .evidence
            .contains(&"new pod new-a: 20.0Mi of memory".to_owned()),
        "{failure:?}"
    );
    assert!(
        failure
            .evidence
            .contains(&"old pods: average 12.0Mi, max 14.0Mi over 3 pod(s)".to_owned()),
        "{failure:?}"
    );
    // A looser ratio lets the same sample pass.
    let loose = MemoryGateSettings { ratio: 2.5 };
    assert!(matches!(
        memory_gate(Some(&loose), true, &metrics(&over), &stores, &rows),
        GateState::Passing(_)
    ));
}
