use std::collections::HashMap;

use jiff::Timestamp;

use super::*;
use crate::cluster::metrics::{NodeSample, PodSample, PodUsage, Samples};
use crate::cluster::{ContainerResources, ContainerRow, Health, Meta, NodeRow, PodRow};

const MI: u64 = 1024 * 1024;

fn pod(name: &str, requests: Amounts, limits: Amounts) -> Row {
    Row {
        meta: Meta {
            namespace: "default".into(),
            name: name.into(),
            ..Meta::default()
        },
        detail: Detail::Pod(PodRow {
            containers: vec![ContainerRow {
                name: "app".into(),
                resources: ContainerResources { requests, limits },
                ..ContainerRow::default()
            }]
            .into(),
            ..PodRow::default()
        }),
        health: Health::Ok,
    }
}

fn amounts(cpu: u64, mem_mib: u64) -> Amounts {
    Amounts {
        cpu_millis: Some(cpu),
        memory_bytes: Some(mem_mib * MI),
    }
}

fn samples(pods: &[(&str, u64, u64)]) -> Samples {
    Samples {
        pods: Some(PodSample {
            namespace: Some("default".into()),
            taken: Some(Timestamp::UNIX_EPOCH),
            pods: pods
                .iter()
                .map(|(name, cpu_m, mem_mi)| {
                    let u = Usage {
                        cpu_nanos: cpu_m * 1_000_000,
                        memory_bytes: mem_mi * MI,
                    };
                    (
                        ("default".to_owned(), (*name).to_owned()),
                        PodUsage {
                            containers: vec![("app".into(), u)],
                        },
                    )
                })
                .collect(),
        }),
        ..Samples::default()
    }
}

fn cells(row: &Row, ctx: &CellContext) -> Vec<String> {
    columns(Kind::Pod)
        .map(|c| (c.cell)(row, ctx).into_owned())
        .collect()
}

fn tones(row: &Row, ctx: &CellContext) -> Vec<Tone> {
    columns(Kind::Pod)
        .map(|c| c.tone.map_or(Tone::Normal, |t| t(row, ctx)))
        .collect()
}

#[test]
fn pod_cells_read_the_sample_against_requests_and_limits() {
    let s = samples(&[("web", 90, 120), ("idle", 1, 10)]);
    let ctx = CellContext {
        now: Timestamp::UNIX_EPOCH,
        samples: Some(&s),
    };
    let web = pod("web", amounts(100, 100), amounts(200, 128));
    assert_eq!(cells(&web, &ctx), ["90m", "120Mi", "90", "120", "45", "93"]);
    assert_eq!(
        tones(&web, &ctx),
        [
            Tone::Normal,
            Tone::Normal,
            Tone::Near,
            Tone::Over,
            Tone::Normal,
            Tone::Near
        ]
    );
    let unbounded = pod("idle", Amounts::default(), Amounts::default());
    assert_eq!(cells(&unbounded, &ctx), ["1m", "10Mi", "-", "-", "-", "-"]);
    let pending = pod("pending", amounts(100, 100), Amounts::default());
    assert_eq!(cells(&pending, &ctx), ["-"; 6]);
    let none = Samples {
        unavailable: Some("404".into()),
        ..Samples::default()
    };
    let no_api = CellContext {
        now: Timestamp::UNIX_EPOCH,
        samples: Some(&none),
    };
    assert_eq!(cells(&web, &no_api), ["n/a"; 6]);
}

#[test]
fn use_columns_sort_by_the_sample() {
    let s = samples(&[("a", 5, 300), ("b", 50, 30)]);
    let ctx = CellContext {
        now: Timestamp::UNIX_EPOCH,
        samples: Some(&s),
    };
    let (a, b) = (
        pod("a", Amounts::default(), Amounts::default()),
        pod("b", Amounts::default(), Amounts::default()),
    );
    let missing = pod("c", Amounts::default(), Amounts::default());
    let by = |title: &str| {
        columns(Kind::Pod)
            .find(|c| c.title == title)
            .and_then(|c| c.live_order)
            .unwrap()
    };
    assert_eq!(by("CPU")(&a, &b, &ctx), Ordering::Less);
    assert_eq!(by("MEM")(&a, &b, &ctx), Ordering::Greater);
    assert_eq!(
        by("MEM")(&missing, &b, &ctx),
        Ordering::Less,
        "no sample sorts lowest"
    );
}

#[test]
fn node_cells_show_use_allocatable_and_pods() {
    let node = Row {
        meta: Meta {
            name: "w1".into(),
            ..Meta::default()
        },
        detail: Detail::Node(Box::new(NodeRow {
            allocatable: amounts(8000, 16_000),
            pod_capacity: Some(110),
            ..NodeRow::default()
        })),
        health: Health::Ok,
    };
    let s = Samples {
        nodes: Some(NodeSample {
            taken: Some(Timestamp::UNIX_EPOCH),
            nodes: HashMap::from([(
                "w1".to_owned(),
                Usage {
                    cpu_nanos: 7_000_000_000,
                    memory_bytes: 4_000 * MI,
                },
            )]),
            pods_per_node: Some(HashMap::from([("w1".to_owned(), 12)])),
        }),
        ..Samples::default()
    };
    let ctx = CellContext {
        now: Timestamp::UNIX_EPOCH,
        samples: Some(&s),
    };
    let texts: Vec<String> = columns(Kind::Node)
        .map(|c| (c.cell)(&node, &ctx).into_owned())
        .collect();
    assert_eq!(
        texts,
        ["7000m", "87", "4000Mi", "25", "8000m", "16000Mi", "12/110"]
    );
    let cpu_pct = columns(Kind::Node).nth(1).unwrap();
    assert_eq!(cpu_pct.tone.unwrap()(&node, &ctx), Tone::Near);
    assert_eq!(columns(Kind::Deployment).count(), 0);
}
