//! The poll of the metrics API: one task per connection that lists what the screen shows
//! (its [`MetricsTarget`] and interval, changed with [`MetricsPoller::follow`]), and
//! nothing while the screen shows no use (`None`).
//!
//! What it costs: one list per poll (the nodes pane adds one list of the pods, as a Table
//! without objects, to count them per node); a new target is asked at once, the same one
//! again only once the interval has passed since the last request; where the API is
//! missing or forbidden, nothing is asked again for [`BLOCKED_RETRY`], whatever the
//! screen does. An answer equal to the last one is not sent on: the dashboard's loop is
//! not woken when nothing would change on screen.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::super::Connection;
use super::{MetricsReport, MetricsTarget, count_by_node, read_nodes, read_pods_from};

/// How long nothing is asked after the API answered 404, 503 or 403.
pub const BLOCKED_RETRY: Duration = Duration::from_secs(60);

const API: &str = "/apis/metrics.k8s.io/v1beta1";
const ACCEPT_TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
/// The pods a node runs, as `kubectl describe node` counts them (not finished).
const UNFINISHED_PODS: &str = "/api/v1/pods?includeObject=None&fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed";

/// When the next request may go, from what was asked and answered.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    last: Option<(Instant, MetricsTarget)>,
    blocked: bool,
}

impl Schedule {
    /// When `target` may be asked, with polls `interval` apart.
    pub fn due(&self, target: &MetricsTarget, now: Instant, interval: Duration) -> Instant {
        match &self.last {
            Some((at, _)) if self.blocked => *at + BLOCKED_RETRY,
            Some((at, last)) if last == target => *at + interval,
            // Nothing asked yet, or another target: at once.
            _ => now,
        }
    }

    /// A request for `target` left at `at`.
    pub fn asked(&mut self, target: MetricsTarget, at: Instant) {
        self.last = Some((at, target));
    }

    /// Its answer came: a missing or forbidden API holds the next request back.
    pub fn answered(&mut self, report: &MetricsReport) {
        self.blocked = matches!(
            report,
            MetricsReport::Unavailable(_) | MetricsReport::Forbidden(_)
        );
    }
}

/// The running poll; dropping it stops it.
#[derive(Debug)]
pub struct MetricsPoller {
    target: watch::Sender<Option<(MetricsTarget, Duration)>>,
    task: tokio::task::AbortHandle,
}

impl Drop for MetricsPoller {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MetricsPoller {
    /// Starts polling nothing yet; each poll asks with the connection's clients of then
    /// (credentials read again after a 401 make new ones), and each report goes to
    /// `sink`, which answers false when no one listens any more (the task ends). Must be
    /// called within a tokio runtime.
    pub fn start(
        connection: Arc<Connection>,
        sink: impl Fn(MetricsReport) -> bool + Send + 'static,
    ) -> Self {
        let (target, rx) = watch::channel(None);
        let task = tokio::spawn(run(connection, rx, sink));
        Self {
            target,
            task: task.abort_handle(),
        }
    }

    /// Polls `target` every `interval` from now on (`None`: nothing).
    pub fn follow(&self, target: Option<MetricsTarget>, interval: Duration) {
        let target = target.map(|t| (t, interval));
        self.target.send_if_modified(|current| {
            let changed = *current != target;
            *current = target;
            changed
        });
    }
}

async fn run(
    connection: Arc<Connection>,
    mut targets: watch::Receiver<Option<(MetricsTarget, Duration)>>,
    sink: impl Fn(MetricsReport) -> bool,
) {
    let mut schedule = Schedule::default();
    let mut last: Option<Sent> = None;
    // The generation of the clients whose credentials the server rejected last.
    let mut rejected: Option<u64> = None;
    loop {
        let Some((target, interval)) = targets.borrow_and_update().clone() else {
            if targets.changed().await.is_err() {
                return;
            }
            continue;
        };
        let due = schedule.due(&target, Instant::now(), interval);
        // After a 401, credentials fixed meanwhile (a kubeconfig changed on disk, or new
        // clients another task built) are tried at once, not a whole interval later.
        let renewed = async {
            match rejected {
                Some(generation) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    connection.wait_for_new_credentials(generation, wait).await;
                    if connection.reader().1 == generation
                        && connection.kubeconfig_changed()
                        && let Err(e) = connection.renew(generation).await
                    {
                        tracing::warn!("cannot read the credentials again: {e:#}");
                    }
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = tokio::time::sleep_until(due) => {}
            () = renewed => {}
            changed = targets.changed() => {
                if changed.is_err() {
                    return;
                }
                continue;
            }
        }
        schedule.asked(target.clone(), Instant::now());
        let (client, generation) = connection.reader();
        let answer = ask(&client, &target).await;
        rejected = match &answer {
            Err(kube::Error::Api(s)) if s.code == 401 => Some(generation),
            _ => None,
        };
        let report = answer.unwrap_or_else(|e| classify(&e));
        schedule.answered(&report);
        let sent = Sent::of(&report);
        if last.as_ref() != Some(&sent) {
            if !sink(report) {
                return;
            }
            last = Some(sent);
        }
    }
}

/// The answer sent last, to tell whether the next one changes anything. A pods' sample
/// is kept as its hash: it is as large as the pods are many, and the dashboard holds it
/// already (a copy here was a third sample alive at every poll, beside the dashboard's
/// and the next one).
#[derive(PartialEq)]
enum Sent {
    Pods(u64),
    Other(MetricsReport),
}

impl Sent {
    fn of(report: &MetricsReport) -> Self {
        match report {
            MetricsReport::Pods(sample) => {
                let mut hasher = std::hash::DefaultHasher::new();
                std::hash::Hash::hash(sample, &mut hasher);
                Self::Pods(std::hash::Hasher::finish(&hasher))
            }
            other => Self::Other(other.clone()),
        }
    }
}

/// The body of a GET, as text: each answer is read into its own types, not a `Value`.
async fn get(client: &kube::Client, path: &str, accept: &str) -> Result<String, kube::Error> {
    let request = http::Request::get(path)
        .header(http::header::ACCEPT, accept)
        .body(Vec::new())
        .map_err(kube::Error::HttpError)?;
    client.request_text(request).await
}

/// What a failed request means for the metrics columns.
fn classify(error: &kube::Error) -> MetricsReport {
    match error {
        kube::Error::Api(s) if matches!(s.code, 404 | 503) => {
            MetricsReport::Unavailable(format!("{} ({})", s.message, s.code))
        }
        kube::Error::Api(s) if s.code == 403 => MetricsReport::Forbidden(s.message.clone()),
        // Said in the words of the watches' state, not as a dump of the Status; the next
        // poll asks with the credentials of then.
        kube::Error::Api(s) if s.code == 401 => {
            MetricsReport::Failed(format!("credentials rejected by the server: {}", s.message))
        }
        other => MetricsReport::Failed(other.to_string()),
    }
}

/// One poll of `target`.
pub async fn fetch(client: &kube::Client, target: &MetricsTarget) -> MetricsReport {
    ask(client, target).await.unwrap_or_else(|e| classify(&e))
}

/// One poll of `target`: its report, or the error of its request.
async fn ask(client: &kube::Client, target: &MetricsTarget) -> Result<MetricsReport, kube::Error> {
    Ok(match target {
        MetricsTarget::Pods { namespace } => {
            let path = match namespace {
                Some(ns) => format!("{API}/namespaces/{ns}/pods"),
                None => format!("{API}/pods"),
            };
            let request = http::Request::get(path)
                .header(http::header::ACCEPT, "application/json")
                .body(Vec::new())
                .map_err(kube::Error::HttpError)?;
            let body = client.request_stream(request).await?;
            MetricsReport::Pods(read_pods_from(namespace.clone(), body).await?)
        }
        MetricsTarget::Nodes => {
            let list = get(client, &format!("{API}/nodes"), "application/json").await?;
            match read_nodes(&list) {
                Ok(mut sample) => {
                    // Counted where the user may list every pod; else the column says so.
                    sample.pods_per_node = get(client, UNFINISHED_PODS, ACCEPT_TABLE)
                        .await
                        .ok()
                        .and_then(|table| count_by_node(&table));
                    MetricsReport::Nodes(sample)
                }
                Err(e) => MetricsReport::Failed(e),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::metrics::{PodSample, PodUsage, PodUsages, Usage};

    fn pods(read_in: &[(&str, u64)]) -> MetricsReport {
        let pods: PodUsages = read_in
            .iter()
            .map(|(name, memory_bytes)| {
                let usage = Usage {
                    cpu_nanos: 1,
                    memory_bytes: *memory_bytes,
                };
                (
                    ("default".to_owned(), (*name).to_owned()),
                    PodUsage {
                        containers: vec![("app".to_owned(), usage)],
                    },
                )
            })
            .collect();
        MetricsReport::Pods(PodSample {
            namespace: None,
            taken: None,
            pods,
        })
    }

    #[test]
    fn an_answer_is_sent_again_only_when_it_changed() {
        let first = Sent::of(&pods(&[("a", 1), ("b", 2)]));
        assert!(
            first == Sent::of(&pods(&[("b", 2), ("a", 1)])),
            "same pods, read in another order"
        );
        assert!(
            first != Sent::of(&pods(&[("a", 1), ("b", 3)])),
            "one pod's memory changed"
        );
        assert!(first != Sent::of(&pods(&[("a", 1)])), "a pod went");
        assert!(
            first != Sent::of(&pods(&[("a", 1), ("c", 2)])),
            "another pod"
        );
        let failed = Sent::of(&MetricsReport::Failed("boom".into()));
        assert!(failed == Sent::of(&MetricsReport::Failed("boom".into())));
        assert!(failed != first);
    }

    #[test]
    fn the_schedule_asks_new_targets_at_once_and_blocked_apis_once_a_minute() {
        let interval = Duration::from_secs(15);
        let pods = MetricsTarget::Pods {
            namespace: Some("default".into()),
        };
        let t0 = Instant::now();
        let mut s = Schedule::default();
        assert_eq!(
            s.due(&pods, t0, interval),
            t0,
            "the first poll goes at once"
        );
        s.asked(pods.clone(), t0);
        s.answered(&MetricsReport::Pods(super::super::PodSample::default()));
        let later = t0 + Duration::from_secs(3);
        assert_eq!(s.due(&pods, later, interval), t0 + interval);
        assert_eq!(
            s.due(&MetricsTarget::Nodes, later, interval),
            later,
            "another target at once"
        );
        s.asked(MetricsTarget::Nodes, later);
        s.answered(&MetricsReport::Unavailable("404".into()));
        for target in [&pods, &MetricsTarget::Nodes] {
            assert_eq!(
                s.due(target, later + Duration::from_secs(1), interval),
                later + BLOCKED_RETRY,
                "a missing API is asked once a minute, whatever is shown"
            );
        }
        s.asked(pods.clone(), later + BLOCKED_RETRY);
        s.answered(&MetricsReport::Forbidden("no".into()));
        assert_eq!(
            s.due(&pods, later + BLOCKED_RETRY, interval),
            later + BLOCKED_RETRY * 2
        );
    }

    #[test]
    fn rejected_credentials_are_said_plainly_and_asked_again_at_the_next_poll() {
        let status = kube::core::Status::failure("Unauthorized", "Unauthorized").with_code(401);
        let report = classify(&kube::Error::Api(Box::new(status)));
        assert_eq!(
            report,
            MetricsReport::Failed("credentials rejected by the server: Unauthorized".into())
        );
        let (t0, interval) = (Instant::now(), Duration::from_secs(15));
        let mut s = Schedule::default();
        s.asked(MetricsTarget::Nodes, t0);
        s.answered(&report);
        assert_eq!(s.due(&MetricsTarget::Nodes, t0, interval), t0 + interval);
    }
}
