//! Container logs of the embedded cluster: plausible lines with real timestamps,
//! served through the pod `/log` subresource (see [`log_lines`] for what is written),
//! merged with the lines containers wrote on requests that reached them ([`written`]).

pub mod log_lines;
pub mod written;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use self::log_lines::{Instance, LogLine};
use super::api_error::{ApiError, ApiResult};
use super::clock::{Clock, parse_time};
use super::resources::by_kind;
use super::store::Store;

/// The query parameters of `GET .../pods/NAME/log`.
#[derive(Debug, Clone, Default)]
pub struct LogRequest {
    /// `container`; required when the pod has more than one container.
    pub container: Option<String>,
    /// `follow`.
    pub follow: bool,
    /// `tailLines`.
    pub tail_lines: Option<i64>,
    /// `sinceSeconds`.
    pub since_seconds: Option<i64>,
    /// `sinceTime`.
    pub since_time: Option<Timestamp>,
    /// `timestamps`.
    pub timestamps: bool,
    /// `previous`.
    pub previous: bool,
    /// `limitBytes`.
    pub limit_bytes: Option<i64>,
}

/// How much of a container's log is kept.
const LOG_RETENTION: SignedDuration = SignedDuration::from_hours(1);

/// Real time between two looks for new lines while following.
const FOLLOW_POLL: Duration = Duration::from_millis(100);

/// The log of one container as a stream of chunks; it ends when `follow` is false
/// and the existing lines are sent, or when the pod goes away.
/// Errors are the API server's: NotFound, BadRequest (container name needed or unknown).
#[expect(
    clippy::needless_pass_by_value,
    reason = "the server hands over the parsed request"
)]
pub fn stream(
    store: Arc<Store>,
    namespace: &str,
    pod: &str,
    req: LogRequest,
) -> ApiResult<BoxStream<'static, Bytes>> {
    let pods = by_kind("", "Pod").ok_or_else(|| ApiError::internal("pods are not served"))?;
    let obj = store
        .get(pods, namespace, pod)
        .ok_or_else(|| ApiError::not_found(pods, pod))?;
    let container = pick_container(&obj, pod, req.container.as_deref())?;
    let now = store.clock().now();
    let window = instance_window(&obj, &container, pod, req.previous)?;
    let since = match (req.since_time, req.since_seconds) {
        (Some(t), _) => Some(t),
        // The client's last seconds: on a fast clock, more simulated ones (see `Clock::shown`).
        (None, Some(s)) => store
            .clock()
            .shown(now)
            .checked_sub(SignedDuration::from_secs(s.max(0)))
            .ok()
            .map(|t| store.clock().simulated(t)),
        (None, None) => None,
    };
    let instance = Instance {
        pod,
        container: &container,
        image: &window.image,
        client_prefix: client_prefix(&obj),
        started: window.started,
        finished: window.finished,
    };
    // The kubelet rotates container logs: only the last hour is kept.
    let rotated = now.checked_sub(LOG_RETENTION).unwrap_or(window.started);
    let from = since
        .map_or(window.started, |s| s.max(window.started))
        .max(rotated);
    let mut lines = instance.lines_between(from, now);
    let uid = obj["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let until = window.finished.map_or(now, |f| f.min(now));
    let (written, written_seq) = store
        .runtime()
        .written
        .between(&uid, &container, from, until);
    merge_written(&mut lines, written);
    if let Some(n) = req.tail_lines {
        let keep = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
        let skip = lines.len().saturating_sub(keep);
        lines.drain(..skip);
    }
    let mut budget = req
        .limit_bytes
        .map(|b| usize::try_from(b.max(0)).unwrap_or(usize::MAX));
    let initial = render(&lines, req.timestamps.then(|| store.clock()), &mut budget);
    let follow = req.follow && window.finished.is_none() && !req.previous && budget != Some(0);
    let first = stream::iter((!initial.is_empty()).then(|| Bytes::from(initial)));
    if !follow {
        return Ok(first.boxed());
    }
    let state = Follow {
        store,
        namespace: namespace.to_string(),
        pod: pod.to_string(),
        uid,
        written_seq,
        container,
        image: window.image,
        client_prefix: client_prefix(&obj),
        started: window.started,
        last: now,
        timestamps: req.timestamps,
        budget,
    };
    let rest = stream::unfold(state, |mut f| async move {
        loop {
            tokio::time::sleep(FOLLOW_POLL).await;
            match f.next_chunk() {
                Some(chunk) if chunk.is_empty() => {}
                Some(chunk) => return Some((Bytes::from(chunk), f)),
                None => return None,
            }
        }
    });
    Ok(first.chain(rest).boxed())
}

/// Adds the lines a container wrote to its generated ones, in time order (a stable
/// sort: a written line stays after the generated lines of the same instant).
fn merge_written(lines: &mut Vec<LogLine>, written: Vec<LogLine>) {
    if !written.is_empty() {
        lines.extend(written);
        lines.sort_by_key(|l| l.at);
    }
}

/// The specs of the pod's containers, init containers after the others.
fn container_specs(pod: &Value) -> impl Iterator<Item = &Value> {
    ["containers", "initContainers"]
        .into_iter()
        .flat_map(|list| pod["spec"][list].as_array().into_iter().flatten())
}

/// The statuses of the pod's containers and init containers.
fn container_statuses(pod: &Value) -> impl Iterator<Item = &Value> {
    ["containerStatuses", "initContainerStatuses"]
        .into_iter()
        .flat_map(|list| pod["status"][list].as_array().into_iter().flatten())
}

/// The container to read: the one named (an init container too), or the only one.
fn pick_container(pod: &Value, pod_name: &str, asked: Option<&str>) -> ApiResult<String> {
    let all: Vec<&str> = container_specs(pod)
        .filter_map(|c| c["name"].as_str())
        .collect();
    let names: Vec<&str> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    match asked {
        Some(c) if all.contains(&c) => Ok(c.to_string()),
        Some(c) => Err(ApiError::bad_request(format!(
            "container {c} is not valid for pod {pod_name}"
        ))),
        None if names.len() == 1 => Ok(names[0].to_string()),
        None => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {pod_name}, choose one of: [{}]",
            names.join(" ")
        ))),
    }
}

/// The container instance whose log is read.
struct Window {
    image: String,
    started: Timestamp,
    finished: Option<Timestamp>,
}

fn instance_window(
    pod: &Value,
    container: &str,
    pod_name: &str,
    previous: bool,
) -> ApiResult<Window> {
    let status = container_statuses(pod).find(|s| s["name"] == container);
    let image = container_specs(pod)
        .find(|c| c["name"] == container)
        .and_then(|c| c["image"].as_str())
        .unwrap_or("")
        .to_string();
    let terminated = |state: &Value| {
        let t = &state["terminated"];
        Some(Window {
            image: image.clone(),
            started: parse_time(t["startedAt"].as_str()?)?,
            finished: Some(parse_time(t["finishedAt"].as_str()?)?),
        })
    };
    if previous {
        return status
            .and_then(|s| terminated(&s["lastState"]))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "previous terminated container \"{container}\" in pod \"{pod_name}\" not found"
                ))
            });
    }
    let waiting = || {
        let reason = status
            .and_then(|s| s["state"]["waiting"]["reason"].as_str())
            .unwrap_or("ContainerCreating");
        let why = match reason {
            "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image",
            other => other,
        };
        ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{pod_name}\" is waiting to start: {why}"
        ))
    };
    let Some(status) = status else {
        return Err(waiting());
    };
    if let Some(started) = status["state"]["running"]["startedAt"]
        .as_str()
        .and_then(parse_time)
    {
        return Ok(Window {
            image,
            started,
            finished: None,
        });
    }
    // A stopped or crash-looping container: its last run is what the kubelet still has.
    terminated(&status["state"])
        .or_else(|| terminated(&status["lastState"]))
        .ok_or_else(waiting)
}

/// The range client addresses come from: the node's pod range, `.1` being its gateway.
fn client_prefix(pod: &Value) -> String {
    pod["status"]["podIP"]
        .as_str()
        .and_then(|ip| ip.rsplit_once('.'))
        .map_or_else(|| "10.244.0.".to_string(), |(p, _)| format!("{p}."))
}

/// Renders lines, with RFC 3339 timestamps (as `clock` shows them) if asked, within the
/// byte budget.
fn render(lines: &[LogLine], timestamps: Option<&Clock>, budget: &mut Option<usize>) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        if let Some(clock) = timestamps {
            out.extend_from_slice(
                clock
                    .shown(l.at)
                    .strftime("%Y-%m-%dT%H:%M:%S%.9fZ ")
                    .to_string()
                    .as_bytes(),
            );
        }
        out.extend_from_slice(l.text.as_bytes());
        out.push(b'\n');
    }
    if let Some(left) = budget {
        out.truncate(*left);
        *left -= out.len();
    }
    out
}

/// A followed log: new lines as simulated time moves, until the container or pod goes.
struct Follow {
    store: Arc<Store>,
    namespace: String,
    pod: String,
    uid: String,
    /// The number of the last written line delivered (see [`written::WrittenLines::since`]).
    written_seq: u64,
    container: String,
    image: String,
    client_prefix: String,
    started: Timestamp,
    last: Timestamp,
    timestamps: bool,
    budget: Option<usize>,
}

impl Follow {
    /// The next chunk (maybe empty), or `None` when the log has ended.
    fn next_chunk(&mut self) -> Option<Vec<u8>> {
        if self.budget == Some(0) {
            return None;
        }
        let pods = by_kind("", "Pod")?;
        let pod = self.store.get(pods, &self.namespace, &self.pod)?;
        if pod["metadata"]["uid"].as_str() != Some(self.uid.as_str()) {
            return None;
        }
        let now = self.store.clock().now();
        let status = container_statuses(&pod)
            .find(|s| s["name"] == self.container.as_str())?
            .clone();
        let running_since = status["state"]["running"]["startedAt"]
            .as_str()
            .and_then(parse_time);
        let finished = if running_since == Some(self.started) {
            None
        } else {
            // The instance we followed exited (or the pod is stopping): send its last lines, then end.
            Some(
                [&status["state"], &status["lastState"]]
                    .iter()
                    .filter(|s| {
                        s["terminated"]["startedAt"].as_str().and_then(parse_time)
                            == Some(self.started)
                    })
                    .find_map(|s| s["terminated"]["finishedAt"].as_str().and_then(parse_time))
                    .unwrap_or(now),
            )
        };
        let instance = Instance {
            pod: &self.pod,
            container: &self.container,
            image: &self.image,
            client_prefix: self.client_prefix.clone(),
            started: self.started,
            finished,
        };
        let mut lines: Vec<LogLine> = instance
            .lines_between(self.last, now)
            .into_iter()
            .filter(|l| l.at > self.last)
            .collect();
        let (written, seq) = self.store.runtime().written.since(
            &self.uid,
            &self.container,
            self.written_seq,
            finished,
        );
        self.written_seq = seq;
        merge_written(&mut lines, written);
        self.last = now;
        let chunk = render(
            &lines,
            self.timestamps.then(|| self.store.clock()),
            &mut self.budget,
        );
        if finished.is_some() && chunk.is_empty() {
            return None;
        }
        Some(chunk)
    }
}

#[cfg(test)]
mod tests;
