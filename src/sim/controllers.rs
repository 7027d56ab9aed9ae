//! The controllers of the embedded cluster: Deployment, ReplicaSet, DaemonSet, StatefulSet
//! (with their ControllerRevision history),
//! scheduler and kubelet stand-in, endpoints, events, garbage collection. They run
//! on the store directly (as kube-controller-manager runs against etcd through
//! the API server), in passes: each pass reads the store at one simulated instant
//! and writes what every controller would. A pass runs after every change to the
//! store and on a periodic tick, so advancing the clock takes effect on the next tick.

pub mod autoscaler;
pub mod crd;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod events;
pub mod garbage_collector;
pub mod history;
pub mod job;
pub mod kubelet;
pub mod meta;
pub mod pass;
pub mod pod_defaults;
pub mod pod_state;
pub mod pod_template_hash;
pub mod replicaset;
pub mod scheduler;
pub mod service_accounts;
pub mod statefulset;
pub mod volumes;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::broadcast::error::TryRecvError;

use self::pass::Pass;
use super::store::{Obj, Store};

/// Real time between ticks when nothing changes.
const TICK: Duration = Duration::from_millis(100);
/// Real time between checks for changes.
const POLL: Duration = Duration::from_millis(5);
/// Passes in a row after which a pass loop gives up converging (a controller
/// fighting a client); the next change or tick resumes.
const MAX_PASSES: usize = 50;

/// The running controllers; dropping the handle stops them.
pub struct Controllers {
    stop: Arc<AtomicBool>,
    settled: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl Controllers {
    /// How many times the controllers have run passes until one changed nothing. Once it
    /// has grown by 2 since a moment, a whole settling began after that moment and ended:
    /// what the controllers do about anything before it is in the store (a test's proof
    /// that something did not happen, without sleeping).
    pub fn settled_rounds(&self) -> u64 {
        self.settled.load(Ordering::Relaxed)
    }
}

impl Drop for Controllers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            // A panic in a controller already printed its message; nothing more to do here.
            let _ = t.join();
        }
    }
}

/// Starts every controller on `store`, on a thread of its own.
pub fn start(store: &Arc<Store>) -> Controllers {
    start_seeded(store, None)
}

/// [`start`], with the random names the controllers make (pod suffixes, container IDs)
/// drawn from `seed`: the same store and clock give the same cluster.
pub fn start_seeded(store: &Arc<Store>, seed: Option<u64>) -> Controllers {
    let stop = Arc::new(AtomicBool::new(false));
    let settled = Arc::new(AtomicU64::new(0));
    let thread = {
        let store = store.clone();
        let stop = stop.clone();
        let settled = settled.clone();
        std::thread::Builder::new()
            .name("kdeck-sim-controllers".into())
            .spawn(move || {
                if let Some(seed) = seed {
                    fastrand::seed(seed);
                }
                run(&store, &stop, &settled);
            })
            .map_err(|e| tracing::error!(%e, "cannot start the controllers' thread"))
            .ok()
    };
    Controllers {
        stop,
        settled,
        thread,
    }
}

fn run(store: &Store, stop: &AtomicBool, settled: &AtomicU64) {
    let mut changes = store.subscribe();
    let mut last_pass = Instant::now();
    let mut last_duration = Duration::ZERO;
    let mut pending = false;
    settle_unless(store, stop);
    settled.fetch_add(1, Ordering::Relaxed);
    while !stop.load(Ordering::Relaxed) {
        let mut changed = std::mem::take(&mut pending);
        while let Ok(_) | Err(TryRecvError::Lagged(_)) = changes.try_recv() {
            changed = true;
        }
        // A big cluster's pass takes a while: keep the thread from spinning on it.
        let gap = last_duration * 2;
        let tick = TICK.max(last_duration * 5);
        let since = last_pass.elapsed();
        if (changed && since >= gap) || since >= tick {
            let started = Instant::now();
            settle_unless(store, stop);
            settled.fetch_add(1, Ordering::Relaxed);
            last_duration = started.elapsed();
            // Our own writes are in the channel too: skip them, they were settled.
            while changes.try_recv().is_ok() {}
            last_pass = Instant::now();
        } else if changed {
            pending = true;
            std::thread::sleep(POLL);
        } else {
            std::thread::sleep(POLL);
        }
    }
}

/// Runs passes until one changes nothing (or `MAX_PASSES`); returns the number of passes.
/// Tests drive a store with a manual clock through this, advancing the clock in between.
pub fn settle(store: &Store) -> usize {
    settle_unless(store, &AtomicBool::new(false))
}

/// [`settle`], stopping early once `stop` is set.
fn settle_unless(store: &Store, stop: &AtomicBool) -> usize {
    for n in 1..=MAX_PASSES {
        if stop.load(Ordering::Relaxed) {
            return n - 1;
        }
        let before = store.resource_version();
        reconcile_once(store);
        if store.resource_version() == before {
            return n;
        }
    }
    MAX_PASSES
}

/// One pass of every controller at the clock's current time.
pub fn reconcile_once(store: &Store) {
    let pass = Pass::new(store);
    crd::reconcile(&pass);
    garbage_collector::reconcile(&pass);
    let pods = pass.all("", "Pod");
    scheduler::reconcile(&pass, &pods);
    kubelet::reconcile(&pass, &pass.all("", "Pod"));
    let replica_sets = pass.all("apps", "ReplicaSet");
    deployment::reconcile(
        &pass,
        &ByOwner::new(&replica_sets),
        &ByOwner::new(&pass.all("", "Pod")),
    );
    let pods = pass.all("", "Pod");
    let pods_by_owner = ByOwner::new(&pods);
    replicaset::reconcile(&pass, &pods_by_owner);
    let revisions = pass.all("apps", "ControllerRevision");
    let revisions_by_owner = ByOwner::new(&revisions);
    daemonset::reconcile(&pass, &pods_by_owner, &revisions_by_owner);
    statefulset::reconcile(&pass, &pods_by_owner, &revisions_by_owner);
    let jobs = pass.all("batch", "Job");
    cronjob::reconcile(&pass, &ByOwner::new(&jobs));
    job::reconcile(&pass, &ByOwner::new(&pass.all("", "Pod")));
    endpoints::reconcile(&pass, &pass.all("", "Pod"));
    disruption::reconcile(&pass, &pass.all("", "Pod"));
    autoscaler::reconcile(&pass);
    volumes::reconcile(&pass);
    service_accounts::reconcile(&pass);
    events::expire(&pass);
}

/// Objects grouped by the uid of their controller owner.
#[derive(Default)]
pub struct ByOwner(HashMap<String, Vec<Obj>>);

impl ByOwner {
    /// Groups `objects` by controller owner.
    pub fn new(objects: &[Obj]) -> Self {
        let mut map: HashMap<String, Vec<Obj>> = HashMap::new();
        for o in objects {
            if let Some(owner) = meta::controller_uid(o) {
                match map.get_mut(owner) {
                    Some(list) => list.push(o.clone()),
                    None => {
                        map.insert(owner.to_string(), vec![o.clone()]);
                    }
                }
            }
        }
        Self(map)
    }

    /// The objects controlled by the owner with `uid`.
    pub fn of(&self, uid: &str) -> &[Obj] {
        self.0.get(uid).map_or(&[], Vec::as_slice)
    }
}
