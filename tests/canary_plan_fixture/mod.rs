//! A Deployment under a stepped canary, as rows the watches would deliver, at a clock the
//! test moves: myapp-deploy (3 replicas) with its old ReplicaSet (nginx:1.14.1, revision
//! one) and the canary's (nginx:1.15.7, revision two), their pods and events. The test
//! steps the dashboard's `update` with ticks, rows and the answers to what it sent.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the fixture"
)]

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use kdeck::app::canary_plan::user_sent;
use kdeck::app::operations::{OpReport, OpRequest};
use kdeck::app::state::{RolloutView, Screen, State};
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::ops::Operation;
use kdeck::cluster::ops::canary::plan_annotation::PlanRecord;
use kdeck::cluster::ops::canary::plan_ops::{PlanChange, PlanStart, PlanWrite, Precondition};
use kdeck::cluster::ops::canary::plan_steps::parse_plan;
use kdeck::cluster::{
    ClusterUpdate, ContainerRow, DeploymentRow, Detail, EventRow, Health, Kind, Meta, OwnerRef,
    PodRow, ReplicaSetRow, Row, WatchState,
};
use kdeck::config::CanaryConfig;
use kdeck::keymap::Keymap;
use kdeck::theme::Theme;

pub const NS: &str = "default";
pub const DEPLOY: &str = "myapp-deploy";
pub const OLD_RS: &str = "myapp-deploy-559548bc6c";
pub const NEW_RS: &str = "myapp-deploy-67887bf6f4";
pub const ME: &str = "bastion pid 100";

/// The moment the fixture starts.
pub fn t0() -> Timestamp {
    "2026-11-30T09:00:00Z".parse().expect("a timestamp")
}

/// `seconds` after [`t0`].
pub fn at(seconds: i64) -> Timestamp {
    t0().saturating_add(SignedDuration::from_secs(seconds))
        .expect("in range")
}

fn meta(name: &str, rv: u64, created: Timestamp) -> Meta {
    Meta {
        namespace: NS.into(),
        name: name.to_owned(),
        resource_version: rv.to_string(),
        created: Some(created),
        ..Meta::default()
    }
}

fn owned(mut m: Meta, kind: &str, owner: &str) -> Meta {
    m.owner = Some(
        OwnerRef {
            kind: kind.into(),
            name: owner.into(),
            uid: format!("uid-{owner}").into(),
        }
        .shared(),
    );
    m
}

/// One pod: its name, ReplicaSet, readiness, restarts and STATUS.
#[derive(Clone, Debug)]
pub struct PodSpec {
    pub name: String,
    pub rs: &'static str,
    pub ready: bool,
    pub restarts: u32,
    pub status: &'static str,
}

/// What the watches show of the Deployment.
pub struct World {
    pub state: State,
    /// The plan's annotation text on the Deployment (`None`: no plan).
    pub plan: Option<String>,
    pub paused: bool,
    /// Ready pods of the canary's ReplicaSet, and its replicas.
    pub new_ready: i32,
    pub new_desired: i32,
    pub pods: Vec<PodSpec>,
    pub events: Vec<(&'static str, &'static str, String, Timestamp)>,
    /// The Deployment's `ScalingReplicaSet` events: message and time.
    pub scalings: Vec<(String, Timestamp)>,
    /// What the dashboard asked for when rows arrived, handed out by the next [`World::tick`].
    outbox: Vec<Effect>,
    rv: u64,
}

impl World {
    /// The dashboard on the rollout view of myapp-deploy, no plan yet, this kdeck [`ME`].
    pub fn new() -> Self {
        let (theme, _) = Theme::load(None, false).expect("the default theme");
        let mut state = State::new(
            Kind::Deployment,
            Some(NS.to_owned()),
            Keymap::default_keymap(),
            theme,
        );
        ME.clone_into(&mut state.canary.identity);
        state.canary.settings = CanaryConfig {
            lease_seconds: 30,
            ..CanaryConfig::default()
        };
        state.now = t0();
        state.screens.push(Screen::Rollout(RolloutView {
            namespace: NS.to_owned(),
            name: DEPLOY.to_owned(),
            selected: 0,
            cache: kdeck::app::rollout::RolloutCache::default(),
            new_pod_logs: None,
        }));
        for kind in kdeck::app::rollout::ROLLOUT_KINDS {
            state.watch_states.insert(kind, WatchState::Live);
        }
        let old_pods = (0..3).map(|i| PodSpec {
            name: format!("{OLD_RS}-old{i}"),
            rs: OLD_RS,
            ready: true,
            restarts: 0,
            status: "Running",
        });
        let mut world = Self {
            state,
            plan: None,
            paused: false,
            new_ready: 0,
            new_desired: 0,
            pods: old_pods.collect(),
            events: Vec::new(),
            scalings: Vec::new(),
            outbox: Vec::new(),
            rv: 10,
        };
        world.publish();
        world
    }

    /// The record of a plan `steps` started by `holder` at [`t0`].
    pub fn record(steps: &str, holder: &str) -> PlanRecord {
        let settings = CanaryConfig {
            lease_seconds: 30,
            ..CanaryConfig::default()
        };
        kdeck::app::canary_plan::new_record(
            &settings,
            holder,
            t0(),
            "myapp",
            "nginx:1.15.7",
            parse_plan(steps).expect("a plan"),
        )
    }

    /// Sends every row again, as a watch would after a change (new resourceVersions).
    pub fn publish(&mut self) {
        self.rv += 1;
        let rv = self.rv;
        let dep = Row {
            meta: meta(DEPLOY, rv, at(-3600)),
            detail: Detail::Deployment(Box::new(DeploymentRow {
                desired: 3,
                current: 3 + self.new_desired,
                updated: self.new_desired,
                ready: 3 + self.new_ready,
                available: 3,
                paused: self.paused,
                canary: self.plan.is_some(),
                canary_plan: self.plan.clone(),
                strategy: "RollingUpdate".into(),
                revision: Some(if self.plan.is_some() { 2 } else { 1 }),
                images: vec!["nginx:1.15.7".into()],
                generation: 5,
                observed_generation: 5,
                ..DeploymentRow::default()
            })),
            health: Health::Warn,
        };
        let rs = |name: &str, rev: i64, image: &str, desired: i32, ready: i32, created| Row {
            meta: owned(meta(name, rv, created), "Deployment", DEPLOY),
            detail: Detail::ReplicaSet(Box::new(ReplicaSetRow {
                desired,
                current: desired,
                ready,
                available: ready,
                revision: Some(rev),
                images: vec![image.to_owned()],
                ..ReplicaSetRow::default()
            })),
            health: Health::Ok,
        };
        let mut rss = vec![rs(OLD_RS, 1, "nginx:1.14.1", 3, 3, at(-3600))];
        if self.plan.is_some() {
            rss.push(rs(
                NEW_RS,
                2,
                "nginx:1.15.7",
                self.new_desired,
                self.new_ready,
                t0(),
            ));
        }
        let pods: Vec<Row> = self
            .pods
            .iter()
            .map(|p| Row {
                meta: owned(meta(&p.name, rv, t0()), "ReplicaSet", p.rs),
                detail: Detail::Pod(PodRow {
                    ready: u32::from(p.ready),
                    total: 1,
                    status: p.status.into(),
                    restarts: p.restarts,
                    phase: "Running".into(),
                    containers: vec![ContainerRow {
                        name: "myapp".into(),
                        ready: p.ready,
                        restarts: p.restarts,
                        state: if p.status == "Running" {
                            "Running".into()
                        } else {
                            format!("Waiting ({})", p.status).into()
                        },
                        ..ContainerRow::default()
                    }]
                    .into(),
                    ..PodRow::default()
                }),
                health: Health::Ok,
            })
            .collect();
        let events: Vec<Row> = self
            .events
            .iter()
            .enumerate()
            .map(|(i, (type_, reason, object, when))| Row {
                meta: meta(&format!("ev{i}"), rv, *when),
                detail: Detail::Event(Box::new(EventRow {
                    type_: (*type_).to_owned(),
                    reason: (*reason).to_owned(),
                    object_kind: "Pod".into(),
                    object_name: object.clone(),
                    object_namespace: NS.into(),
                    message: format!("{reason} on {object}"),
                    count: 1,
                    first_seen: Some(*when),
                    last_seen: Some(*when),
                })),
                health: Health::Neutral,
            })
            .collect();
        let scalings = self
            .scalings
            .iter()
            .enumerate()
            .map(|(i, (message, when))| Row {
                meta: meta(&format!("{DEPLOY}.scaled{i}"), rv, *when),
                detail: Detail::Event(Box::new(EventRow {
                    type_: "Normal".to_owned(),
                    reason: "ScalingReplicaSet".to_owned(),
                    object_kind: "Deployment".into(),
                    object_name: DEPLOY.into(),
                    object_namespace: NS.into(),
                    message: message.clone(),
                    count: 1,
                    first_seen: Some(*when),
                    last_seen: Some(*when),
                })),
                health: Health::Neutral,
            });
        let events: Vec<Row> = events.into_iter().chain(scalings).collect();
        let reset = |kind, rows| ClusterUpdate::Reset { kind, rows };
        let msg = Msg::Cluster(vec![
            reset(Kind::Deployment, vec![dep]),
            reset(Kind::ReplicaSet, rss),
            reset(Kind::Pod, pods),
            reset(Kind::Event, events),
        ]);
        let effects = update(&mut self.state, msg);
        self.outbox.extend(effects);
    }

    /// The canary's ReplicaSet runs `ready` ready pods of `desired`.
    pub fn new_pods(&mut self, desired: i32, ready: i32) {
        self.new_desired = desired;
        self.new_ready = ready;
        self.pods.retain(|p| p.rs != NEW_RS);
        for i in 0..desired {
            self.pods.push(PodSpec {
                name: format!("{NEW_RS}-new{i}"),
                rs: NEW_RS,
                ready: i < ready,
                restarts: 0,
                status: "Running",
            });
        }
        self.publish();
    }

    /// A tick at `seconds` after [`t0`]: what the dashboard sent then (and on the rows
    /// that arrived since the last tick).
    pub fn tick(&mut self, seconds: i64) -> Vec<Effect> {
        let mut effects = std::mem::take(&mut self.outbox);
        effects.extend(update(&mut self.state, Msg::Tick(at(seconds))));
        effects
    }

    /// Answers request `id` with `report`.
    pub fn answer(&mut self, id: u64, report: OpReport) -> Vec<Effect> {
        update(&mut self.state, Msg::OpReport { id, report })
    }

    /// A write was applied by the server: its record is on the Deployment, and paused
    /// follows it.
    pub fn apply(&mut self, write: &PlanWrite) {
        use kdeck::cluster::ops::canary::plan_ops::PlanChange;
        self.plan = Some(write.record.clone());
        match write.change {
            PlanChange::Hold => self.paused = true,
            PlanChange::NextStep { .. } => self.paused = false,
            _ => {}
        }
        self.publish();
    }

    /// The record on the Deployment now.
    pub fn on_deployment(&self) -> PlanRecord {
        PlanRecord::parse(self.plan.as_deref().expect("a plan")).expect("a record")
    }

    /// The engine's view of the plan.
    pub fn tracked(&self) -> &kdeck::app::canary_plan::TrackedPlan {
        self.state
            .canary
            .plan(NS, DEPLOY)
            .expect("the plan is followed")
    }
}

/// The changes among `effects`, with their ids.
pub fn sent(effects: &[Effect]) -> Vec<(u64, Operation)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Ops(OpRequest::Mutate { id, operation }) => Some((*id, operation.clone())),
            _ => None,
        })
        .collect()
}

/// The one plan write among `effects`.
pub fn plan_write(effects: &[Effect]) -> Option<(u64, PlanWrite)> {
    sent(effects).into_iter().find_map(|(id, op)| match op {
        Operation::PlanWrite(w) => Some((id, w)),
        _ => None,
    })
}

/// Restart baselines of a record.
pub fn baseline(record: &PlanRecord) -> BTreeMap<String, u32> {
    record.restart_baseline.clone()
}

/// A change the server accepted.
pub fn done() -> OpReport {
    OpReport::Done("done".into())
}

/// A plan `steps` started by this kdeck at t0, its first step's pod ready at 2s.
pub fn started(steps: &str) -> World {
    let mut w = World::new();
    let record = World::record(steps, ME);
    let mut start = Operation::PlanStart(PlanStart::new(
        kdeck::cluster::ObjectKey {
            kind: kdeck::cluster::Kind::Deployment,
            namespace: NS.into(),
            name: DEPLOY.into(),
        },
        &record,
    ));
    user_sent(&mut w.state.canary, w.state.now, 7, &mut start);
    let Operation::PlanStart(start) = start else {
        unreachable!()
    };
    w.answer(7, done());
    w.plan = Some(start.record);
    w.new_pods(1, 0);
    assert!(sent(&w.tick(1)).is_empty(), "the pod is not ready yet");
    w.new_pods(1, 1);
    w
}

/// Ticks at `second`, confirming and applying a lease renewal if one was sent; returns
/// the other changes sent.
pub fn tick_renewing(w: &mut World, second: i64) -> Vec<(u64, Operation)> {
    let effects = w.tick(second);
    if let Some((id, write)) = plan_write(&effects).filter(|(_, p)| p.change == PlanChange::Renew) {
        w.answer(id, done());
        w.apply(&write);
    }
    sent(&effects)
        .into_iter()
        .filter(|(_, op)| !matches!(op, Operation::PlanWrite(p) if p.change == PlanChange::Renew))
        .collect()
}

/// Ticks at `second` and expects a write of `change`; applies and confirms it.
pub fn expect_write(w: &mut World, second: i64, change: PlanChange) {
    let effects = w.tick(second);
    let (id, write) =
        plan_write(&effects).unwrap_or_else(|| panic!("a write at {second}s: {effects:?}"));
    assert_eq!(write.change, change, "at {second}s");
    assert!(matches!(write.precondition, Precondition::Record(_)));
    w.answer(id, done());
    w.apply(&write);
}
