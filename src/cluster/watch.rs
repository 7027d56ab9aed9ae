//! One watch per pane: a paginated list read item by item as it arrives, then a watch
//! with bookmarks (`paged`; a server-side Table for kinds without a typed view,
//! [`table`]), listed again after kube's default backoff on failure, turned into batched
//! [`ClusterUpdate`]s of compact rows. The objects themselves are dropped as soon as
//! their row is built.

mod batch;
mod paged;
mod scope;
pub mod table;

use std::sync::Arc;
use std::time::Duration;

use futures::stream::BoxStream;
use futures::{FutureExt as _, StreamExt as _};
use kube::runtime::utils::Backoff as _;
use kube::runtime::watcher::{self, DefaultBackoff};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;

use super::Connection;
use super::model::{ClusterUpdate, Kind, Row, RowsClaim, WatchState};
use super::rows::ToRow;
pub use batch::{MAX_BATCH, PendingChanges};
pub use scope::{About, WatchScope};

/// How long changes are coalesced before they are sent.
pub const COALESCE: Duration = Duration::from_millis(40);
/// Page size of the initial list.
pub const PAGE_SIZE: u32 = 500;
/// The most rows of a list one watch has on their way to the app (a page): it reads
/// on only as the app takes them.
pub const ROWS_IN_FLIGHT: usize = PAGE_SIZE as usize;
/// The shortest wait before listing again after a 403 (RBAC may change; no hurry).
pub const FORBIDDEN_RETRY_DELAY: Duration = Duration::from_secs(5);
/// The wait if the backoff policy ever runs out.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(30);
/// How long a watch whose credentials were rejected waits before it tries again (less
/// when a kubeconfig file changes): a rejected token does not heal by hammering.
pub const UNAUTHORIZED_RETRY_DELAY: Duration = Duration::from_secs(60);

/// What a watcher error means for the pane.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// 404 on the list or watch: the server does not serve this resource. Stop.
    Unavailable,
    /// 403: the user may not list or watch it. Keep retrying slowly.
    Forbidden(String),
    /// 401: the server rejected the credentials. Read them again, then retry slowly.
    Unauthorized(String),
    /// Anything else: the watcher's backoff retries.
    Transient(String),
}

fn classify(err: &watcher::Error) -> Failure {
    let status = match err {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s))
        | watcher::Error::WatchError(s) => Some(s),
        _ => None,
    };
    let listing = matches!(
        err,
        watcher::Error::InitialListFailed(_) | watcher::Error::WatchStartFailed(_)
    );
    match status {
        Some(s) if s.code == 404 && listing => Failure::Unavailable,
        Some(s) if s.code == 403 => Failure::Forbidden(s.message.clone()),
        Some(s) if s.code == 401 => Failure::Unauthorized(s.message.clone()),
        Some(s) if s.code == 410 => Failure::Transient(format!(
            "410 Gone ({}); listing again",
            if s.message.is_empty() {
                "history compacted"
            } else {
                &s.message
            }
        )),
        _ => Failure::Transient(err.to_string()),
    }
}

/// The app dropped the receiving end: the watch has no one to tell.
#[derive(Debug)]
struct ReceiverGone;

/// Sends state changes, never the same kind of state twice in a row, so that a
/// failing watch says so once instead of once per retry.
struct StateSender {
    kind: Kind,
    tx: mpsc::UnboundedSender<ClusterUpdate>,
    last: Option<WatchState>,
}

impl StateSender {
    fn send(&mut self, update: ClusterUpdate) -> Result<(), ReceiverGone> {
        self.tx.send(update).map_err(|_| ReceiverGone)
    }

    fn state(&mut self, state: WatchState) -> Result<(), ReceiverGone> {
        if self
            .last
            .as_ref()
            .is_some_and(|l| std::mem::discriminant(l) == std::mem::discriminant(&state))
        {
            return Ok(());
        }
        self.last = Some(state.clone());
        self.send(ClusterUpdate::State {
            kind: self.kind,
            state,
        })
    }

    fn all(&mut self, updates: Vec<ClusterUpdate>) -> Result<(), ReceiverGone> {
        updates.into_iter().try_for_each(|u| self.send(u))
    }
}

/// An object a watch turns into a row.
pub trait Watched: Send + 'static {
    /// The compact row, consuming the object.
    fn into_row(self) -> Row;
    /// Its namespace and name (for a deletion).
    fn key(&self) -> (String, String);
    /// For an event, the object it is about (what a [`WatchScope`] judges it by).
    fn about(&self) -> Option<About<'_>> {
        None
    }
}

impl<K: ToRow> Watched for K {
    fn into_row(self) -> Row {
        ToRow::into_row(self)
    }

    fn key(&self) -> (String, String) {
        let meta = self.meta();
        (
            meta.namespace.clone().unwrap_or_default(),
            meta.name.clone().unwrap_or_default(),
        )
    }

    fn about(&self) -> Option<About<'_>> {
        ToRow::about(self)
    }
}

/// Watches the typed kind `K` in `namespace` (`None`: all namespaces, or cluster-scoped),
/// keeping the rows of `scope`, sending updates on `tx` until the receiver is dropped.
pub async fn run<K: ToRow>(
    connection: Arc<Connection>,
    namespace: Option<String>,
    scope: WatchScope,
    tx: mpsc::UnboundedSender<ClusterUpdate>,
) {
    let kind = K::KIND;
    let mut out = StateSender {
        kind,
        tx,
        last: None,
    };
    let served = format!("{} {}", K::api_version(&()), kind.title());
    let streams = move |client: kube::Client| paged::stream(K::api(client, namespace.as_deref()));
    // An error only means the app dropped the receiver: nothing left to do.
    let _ = drive(&connection, &served, &scope, &mut out, streams).await;
}

/// Watches a kind kdeck has no typed view of through the server's Table: rows of cells
/// and metadata only, never whole objects; its columns are sent first.
pub async fn run_table(
    connection: Arc<Connection>,
    kind: Kind,
    namespace: Option<String>,
    tx: mpsc::UnboundedSender<ClusterUpdate>,
) {
    let mut out = StateSender {
        kind,
        tx: tx.clone(),
        last: None,
    };
    let served = format!("{} {}", kind.api_resource().api_version, kind.plural());
    let streams =
        move |client: kube::Client| table::stream(client, kind, namespace.as_deref(), tx.clone());
    let _ = drive(&connection, &served, &WatchScope::All, &mut out, streams).await;
}

/// Lists and watches through the streams `streams` makes (a new one after each failure,
/// with the connection's clients of the time), turning failures into watch states.
async fn drive<O: Watched>(
    connection: &Connection,
    served: &str,
    scope: &WatchScope,
    out: &mut StateSender,
    mut streams: impl FnMut(kube::Client) -> BoxStream<'static, watcher::Result<watcher::Event<O>>>,
) -> Result<(), ReceiverGone> {
    let kind = out.kind;
    out.state(WatchState::Syncing)?;
    let mut backoff = DefaultBackoff::default();
    let mut last_update: Option<jiff::Timestamp> = None;
    // The credentials were read again after the last 401, and still rejected.
    let mut renewed = false;
    loop {
        // The connection's clients of now: new ones after credentials were read again.
        let (client, generation) = connection.reader();
        let stream = streams(client);
        let before = last_update;
        let (failure, err) = pump(stream, scope, out, &mut backoff, &mut last_update).await?;
        let delay = backoff.next().unwrap_or(MAX_RETRY_DELAY);
        // Data came since, or the failure is another: a later 401 renews once more first.
        if last_update != before || !matches!(failure, Failure::Unauthorized(_)) {
            renewed = false;
        }
        match failure {
            Failure::Unavailable => {
                let what = format!("this server does not serve {served}");
                tracing::info!("{what}: {err}");
                out.state(WatchState::Unavailable(what))?;
                return Ok(());
            }
            Failure::Forbidden(message) => {
                tracing::debug!("watch of {kind:?} forbidden: {message}");
                out.state(WatchState::Forbidden(message))?;
                tokio::time::sleep(delay.max(FORBIDDEN_RETRY_DELAY)).await;
            }
            Failure::Unauthorized(message) => {
                // First ask the kubeconfig again (an exec plugin runs again, as kubectl
                // does on a 401), and try at once without telling anyone.
                if !renewed {
                    renewed = true;
                    match connection.renew(generation).await {
                        Ok(()) => continue,
                        Err(e) => tracing::warn!("cannot read the credentials again: {e:#}"),
                    }
                }
                let shown = super::credentials_rejected(connection.context(), &message);
                tracing::warn!("watch of {kind:?}: {shown}");
                out.state(WatchState::Unauthorized(shown))?;
                connection
                    .wait_for_new_credentials(generation, UNAUTHORIZED_RETRY_DELAY)
                    .await;
                let (_, now) = connection.reader();
                if now == generation
                    && let Err(e) = connection.renew(generation).await
                {
                    tracing::warn!("cannot read the credentials again: {e:#}");
                }
            }
            Failure::Transient(reason) => {
                tracing::debug!("watch of {kind:?} failed: {reason}");
                // Said once per outage (the state is sent on change); the screen counts
                // the time since the last update, so nothing stale looks fresh.
                out.state(WatchState::Reconnecting {
                    reason,
                    last_update,
                })?;
                tokio::time::sleep(delay).await;
            }
        }
    }
}

async fn pump<O: Watched>(
    mut stream: BoxStream<'static, watcher::Result<watcher::Event<O>>>,
    scope: &WatchScope,
    out: &mut StateSender,
    backoff: &mut DefaultBackoff,
    last_update: &mut Option<jiff::Timestamp>,
) -> Result<(Failure, String), ReceiverGone> {
    let kind = out.kind;
    let mut pending = PendingChanges::new(kind);
    let mut list: Option<ListUnderWay> = None;
    let mut deadline: Option<Instant> = None;
    let budget = Arc::new(Semaphore::new(ROWS_IN_FLIGHT));
    loop {
        let event = if let Some(event) = stream.next().now_or_never() {
            event
        } else {
            // The next object is not at hand: the list's first rows go now, to be on screen
            // while the rest is on its way.
            if let Some(list) = list.as_mut().filter(|l| !l.sent) {
                list.send(kind, &budget, out).await?;
            }
            if let Some(at) = deadline {
                tokio::select! {
                    event = stream.next() => event,
                    () = tokio::time::sleep_until(at) => {
                        deadline = None;
                        out.all(pending.flush())?;
                        continue;
                    }
                }
            } else {
                stream.next().await
            }
        };
        let Some(event) = event else {
            out.all(pending.flush())?;
            let reason = "the watch stream ended".to_owned();
            return Ok((Failure::Transient(reason.clone()), reason));
        };
        // Only data counts as an update: `Init` comes before the list is even sent.
        if event
            .as_ref()
            .is_ok_and(|e| !matches!(e, watcher::Event::Init))
        {
            *last_update = Some(jiff::Timestamp::now());
        }
        match event {
            Ok(watcher::Event::Init) => {
                pending.clear();
                deadline = None;
                list = Some(ListUnderWay::default());
            }
            Ok(watcher::Event::InitApply(obj)) => {
                let list = list.get_or_insert_with(ListUnderWay::default);
                // Judged before the row is built: a dropped event costs no row.
                if scope.keeps(obj.about()) {
                    list.rows.push(obj.into_row());
                }
                if list.rows.len() >= PAGE_SIZE as usize {
                    list.send(kind, &budget, out).await?;
                }
            }
            Ok(watcher::Event::InitDone) => {
                let rows = list.take().map(|l| l.rows).unwrap_or_default();
                out.send(ClusterUpdate::Reset { kind, rows })?;
                out.state(WatchState::Live)?;
                backoff.reset();
            }
            Ok(watcher::Event::Apply(obj)) => {
                if scope.keeps(obj.about()) {
                    let before = pending.apply(obj.into_row());
                    out.all(before)?;
                }
            }
            Ok(watcher::Event::Delete(obj)) => {
                let (namespace, name) = obj.key();
                let before = pending.delete(namespace, name);
                out.all(before)?;
            }
            Err(err) => {
                out.all(pending.flush())?;
                return Ok((classify(&err), err.to_string()));
            }
        }
        if pending.is_full() {
            deadline = None;
            out.all(pending.flush())?;
        } else if !pending.is_empty() && deadline.is_none() {
            deadline = Some(Instant::now() + COALESCE);
        }
    }
}

/// The rows of a list under way that were not sent yet.
#[derive(Default)]
struct ListUnderWay {
    rows: Vec<Row>,
    /// A page of this list went already (the next is not its first).
    sent: bool,
}

impl ListUnderWay {
    /// Sends the rows read since the last page as a page of the list (if there are any),
    /// once the pages in flight leave room for them in `budget`.
    async fn send(
        &mut self,
        kind: Kind,
        budget: &Arc<Semaphore>,
        out: &mut StateSender,
    ) -> Result<(), ReceiverGone> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let wanted = u32::try_from(self.rows.len().min(ROWS_IN_FLIGHT)).unwrap_or(u32::MAX);
        // Never closed: the error cannot come, and a page without a claim is still right.
        let claim = Arc::clone(budget)
            .acquire_many_owned(wanted)
            .await
            .map_or_else(|_| RowsClaim::default(), RowsClaim::holding);
        let first = !self.sent;
        self.sent = true;
        out.send(ClusterUpdate::Listed {
            kind,
            rows: std::mem::take(&mut self.rows),
            first,
            claim,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(code: u16, message: &str) -> kube::Error {
        let status: kube::core::Status = serde_json::from_value(serde_json::json!({
            "status": "Failure", "code": code, "message": message, "reason": ""
        }))
        .unwrap();
        kube::Error::Api(Box::new(status))
    }

    /// A list read faster than the app takes it: the watch sends no more than
    /// `ROWS_IN_FLIGHT` rows of pages the app still holds, and reads on once they go.
    #[tokio::test(flavor = "current_thread")]
    async fn a_list_waits_for_the_app_to_take_its_pages() {
        use k8s_openapi::api::core::v1::Namespace;
        const OBJECTS: usize = 3 * ROWS_IN_FLIGHT;
        let namespace = |i: usize| {
            let mut n = Namespace::default();
            n.metadata.name = Some(format!("ns-{i:05}"));
            n
        };
        let events = std::iter::once(Ok(watcher::Event::Init))
            .chain((0..OBJECTS).map(move |i| Ok(watcher::Event::InitApply(namespace(i)))))
            .chain(std::iter::once(Ok(watcher::Event::InitDone)));
        // Every event at hand at once, as a page read from a fast server is.
        let stream = futures::stream::iter(events).boxed();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            let mut out = StateSender {
                kind: Kind::Namespace,
                tx,
                last: None,
            };
            let mut backoff = DefaultBackoff::default();
            let _ = pump(stream, &WatchScope::All, &mut out, &mut backoff, &mut None).await;
        });
        // On this one thread the watch runs until it must wait: only for room.
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        let mut held = Vec::new();
        while let Ok(update) = rx.try_recv() {
            held.push(update);
        }
        let rows: usize = held
            .iter()
            .map(|u| match u {
                ClusterUpdate::Listed { rows, .. } => rows.len(),
                other => panic!("only pages while they are held: {other:?}"),
            })
            .sum();
        assert!(
            rows > 0 && rows <= ROWS_IN_FLIGHT,
            "{rows} rows sent while the app held them"
        );
        // The app takes them: the watch reads on, to the end of the list.
        drop(held);
        let mut total = rows;
        let mut ended = false;
        while !ended {
            match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
                Ok(Some(ClusterUpdate::Listed { rows, .. })) => total += rows.len(),
                Ok(Some(ClusterUpdate::Reset { rows, .. })) => {
                    total += rows.len();
                    ended = true;
                }
                Ok(Some(_)) => {}
                other => panic!("the list did not go on: {other:?}"),
            }
        }
        assert_eq!(total, OBJECTS);
        task.abort();
    }

    #[test]
    fn classifies_missing_forbidden_and_gone() {
        assert_eq!(
            classify(&watcher::Error::InitialListFailed(api_error(
                404,
                "not found"
            ))),
            Failure::Unavailable
        );
        assert_eq!(
            classify(&watcher::Error::InitialListFailed(api_error(
                403,
                "secrets is forbidden"
            ))),
            Failure::Forbidden("secrets is forbidden".to_owned())
        );
        let gone = api_error(410, "too old resource version");
        let kube::Error::Api(status) = gone else {
            panic!()
        };
        assert!(matches!(
            classify(&watcher::Error::WatchError(status)),
            Failure::Transient(reason) if reason.starts_with("410 Gone")
        ));
    }
}
