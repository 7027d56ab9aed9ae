//! How much CPU and memory the embedded cluster's containers use: a model that follows
//! the image, scaled by the container's requests, with a little noise, sampled every
//! [`RESOLUTION_SECS`] of simulated time as metrics-server scrapes the kubelets.
//!
//! - nginx is light, BusyBox-like images and pause containers all but idle, the control
//!   plane's components use what they use on a kind node, any other image is an
//!   application that uses a third of its CPU request and half its memory request.
//! - A `:leaky` image grows its memory from its start until its limit (else the node's
//!   memory) in [`LEAK_SECS`]; the kubelet OOM-kills it then ([`leak_fills_at`]).
//! - A `:spiky` image bursts: one sample in four uses twice its CPU request (at most its
//!   limit).
//!
//! Everything is a pure function of the pod, the container and the sample's time, so the
//! metrics API, the kubelet and the tests agree without sharing state.

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::quantity::Quantity;

/// Simulated seconds between two samples (metrics-server's `--metric-resolution`).
pub const RESOLUTION_SECS: i64 = 15;
/// A container is reported once it has run this long: metrics-server needs two scrapes of it.
pub const FRESH_SECS: i64 = 10;
/// Simulated seconds a `:leaky` container takes to fill its memory limit.
pub const LEAK_SECS: i64 = 120;
/// What a node's own processes use besides its pods (kubelet, containerd, the system).
pub const NODE_OVERHEAD: Usage = Usage {
    cpu_nanos: 80_000_000,
    memory_bytes: 600 * MIB,
};

const MIB: u64 = 1024 * 1024;
const PAGE: u64 = 4096;

/// What a container (or a node) uses at one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// CPU, in nanocores.
    pub cpu_nanos: u64,
    /// Memory (the working set), in bytes.
    pub memory_bytes: u64,
}

impl std::ops::Add for Usage {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            cpu_nanos: self.cpu_nanos.saturating_add(other.cpu_nanos),
            memory_bytes: self.memory_bytes.saturating_add(other.memory_bytes),
        }
    }
}

/// The instant of the sample current at `now`: the last whole step of the resolution.
pub fn sample_time(now: Timestamp) -> Timestamp {
    let secs = now.as_second();
    Timestamp::from_second(secs - secs.rem_euclid(RESOLUTION_SECS)).unwrap_or(now)
}

/// How an image uses CPU and memory.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Profile {
    /// Steady use: millicores and MiB without requests, fractions of them with.
    Steady {
        cpu_millis: f64,
        memory_mib: f64,
        cpu_share: f64,
        memory_share: f64,
    },
    /// Memory grows until the limit.
    Leaky,
    /// CPU bursts one sample in four.
    Spiky,
}

const APP: Profile = Profile::Steady {
    cpu_millis: 5.0,
    memory_mib: 20.0,
    cpu_share: 0.3,
    memory_share: 0.5,
};

fn steady(cpu_millis: f64, memory_mib: f64, cpu_share: f64, memory_share: f64) -> Profile {
    Profile::Steady {
        cpu_millis,
        memory_mib,
        cpu_share,
        memory_share,
    }
}

fn profile(image: &str) -> Profile {
    let last = image.rsplit('/').next().unwrap_or(image);
    let (name, tag) = last.split_once(':').unwrap_or((last, ""));
    match tag {
        "leaky" => return Profile::Leaky,
        "spiky" => return Profile::Spiky,
        _ => {}
    }
    // The control plane's components, as `kubectl top pods -n kube-system` shows them on kind.
    let system = [
        ("kube-apiserver", 45.0, 260.0),
        ("etcd", 25.0, 45.0),
        ("kube-controller-manager", 15.0, 55.0),
        ("kube-scheduler", 3.0, 24.0),
        ("coredns", 2.0, 16.0),
        ("kube-proxy", 1.0, 18.0),
    ];
    if let Some((_, cpu, mem)) = system.iter().find(|(n, _, _)| name == *n) {
        return steady(*cpu, *mem, 0.2, 0.4);
    }
    if name.contains("nginx") {
        steady(1.0, 4.0, 0.05, 0.15)
    } else if ["busybox", "alpine", "pause", "distroless"]
        .iter()
        .any(|w| name.contains(w))
    {
        steady(0.1, 0.5, 0.01, 0.02)
    } else {
        APP
    }
}

/// A container's requests and limits, as read from its spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Resources {
    /// `requests.cpu`, in nanocores.
    pub cpu_request: Option<u64>,
    /// `requests.memory`, in bytes.
    pub memory_request: Option<u64>,
    /// `limits.cpu`, in nanocores.
    pub cpu_limit: Option<u64>,
    /// `limits.memory`, in bytes.
    pub memory_limit: Option<u64>,
}

impl Resources {
    /// The resources of a container spec (a limit alone stands for the request, as the
    /// API server defaults it).
    pub fn of(spec: &Value) -> Self {
        let read = |kind: &str, resource: &str, nanos: bool| {
            spec["resources"][kind][resource]
                .as_str()
                .and_then(Quantity::parse)
                .and_then(|q| {
                    let v = if nanos {
                        q.nanos()
                    } else {
                        i128::from(q.value_ceil())
                    };
                    u64::try_from(v).ok()
                })
        };
        let cpu_limit = read("limits", "cpu", true);
        let memory_limit = read("limits", "memory", false);
        Self {
            cpu_request: read("requests", "cpu", true).or(cpu_limit),
            memory_request: read("requests", "memory", false).or(memory_limit),
            cpu_limit,
            memory_limit,
        }
    }
}

/// A number in [-1, 1) drawn from the pod, the container and the sample.
fn noise(pod: &str, container: &str, sample: i64, salt: u8) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in pod
        .bytes()
        .chain([0])
        .chain(container.bytes())
        .chain(sample.to_le_bytes())
        .chain([salt])
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // The top 53 bits, as a fraction.
    #[expect(clippy::cast_precision_loss, reason = "53 bits are exact in an f64")]
    let unit = (h >> 11) as f64 / (1_u64 << 53) as f64;
    unit * 2.0 - 1.0
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "usage is positive and far below u64::MAX"
)]
fn whole(x: f64) -> u64 {
    x.max(0.0).round() as u64
}

#[expect(
    clippy::cast_precision_loss,
    reason = "requests and limits are far below 2^53"
)]
fn float(n: u64) -> f64 {
    n as f64
}

/// Memory in whole pages, as the kernel accounts it.
fn pages(bytes: f64) -> u64 {
    whole(bytes / float(PAGE)).max(1) * PAGE
}

/// Where a leak stops: the memory limit, else the node's memory.
fn leak_ceiling(resources: &Resources, node_memory: u64) -> u64 {
    resources.memory_limit.unwrap_or(node_memory).max(MIB)
}

/// What container `spec` of the pod `pod` (its noise key), started at `started`, uses at the sample `at`
/// on a node of `node_memory` bytes.
pub fn container_usage(
    pod: &str,
    spec: &Value,
    started: Timestamp,
    at: Timestamp,
    node_memory: u64,
) -> Usage {
    let name = spec["name"].as_str().unwrap_or_default();
    let image = spec["image"].as_str().unwrap_or_default();
    let resources = Resources::of(spec);
    let sample = at.as_second().div_euclid(RESOLUTION_SECS);
    let cpu_noise = 1.0 + 0.15 * noise(pod, name, sample, 0);
    let memory_noise = 1.0 + 0.03 * noise(pod, name, sample, 1);
    let steady_use = |p: Profile| match p {
        Profile::Steady {
            cpu_millis,
            memory_mib,
            cpu_share,
            memory_share,
        } => (
            resources
                .cpu_request
                .map_or(cpu_millis * 1e6, |r| float(r) * cpu_share),
            resources
                .memory_request
                .map_or(memory_mib * float(MIB), |r| float(r) * memory_share),
        ),
        Profile::Leaky | Profile::Spiky => (0.0, 0.0),
    };
    let (cpu, memory) = match profile(image) {
        p @ Profile::Steady { .. } => {
            let (cpu, memory) = steady_use(p);
            (cpu * cpu_noise, memory * memory_noise)
        }
        Profile::Spiky => {
            let (cpu, memory) = steady_use(APP);
            let phase = whole((noise(pod, name, 0, 2) + 1.0) * 2.0);
            let bursting = (sample.unsigned_abs() + phase).is_multiple_of(4);
            let burst = resources.cpu_request.map_or(400e6, |r| float(r) * 2.0);
            let cpu = if bursting { burst } else { cpu };
            (cpu * cpu_noise, memory * memory_noise)
        }
        Profile::Leaky => {
            let (cpu, base) = steady_use(APP);
            let ceiling = float(leak_ceiling(&resources, node_memory));
            let base = base.min(ceiling / 4.0);
            #[expect(
                clippy::cast_precision_loss,
                reason = "seconds since a start are far below 2^53"
            )]
            let ran = at.duration_since(started).as_secs().clamp(0, LEAK_SECS) as f64;
            #[expect(clippy::cast_precision_loss, reason = "a small constant")]
            let filled = ran / LEAK_SECS as f64;
            // No noise: a leak only grows.
            (cpu * cpu_noise, base + (ceiling - base) * filled)
        }
    };
    let cpu = resources
        .cpu_limit
        .map_or(cpu, |limit| cpu.min(float(limit)));
    let memory = match (profile(image), resources.memory_limit) {
        (Profile::Leaky, _) | (_, None) => memory,
        (_, Some(limit)) => memory.min(float(limit) * 0.9),
    };
    Usage {
        cpu_nanos: whole(cpu).max(1),
        memory_bytes: pages(memory),
    }
}

/// When a `:leaky` container `spec` started at `started` fills its memory limit (else
/// the node's memory) and is OOM-killed; `None` for any other image.
pub fn leak_fills_at(spec: &Value, started: Timestamp) -> Option<Timestamp> {
    let image = spec["image"].as_str().unwrap_or_default();
    if profile(image) != Profile::Leaky {
        return None;
    }
    started
        .checked_add(SignedDuration::from_secs(LEAK_SECS))
        .ok()
}

/// What node `node`'s own processes use at the sample `at`: [`NODE_OVERHEAD`], wandering a little.
pub fn node_overhead(node: &str, at: Timestamp) -> Usage {
    let sample = at.as_second().div_euclid(RESOLUTION_SECS);
    Usage {
        cpu_nanos: whole(
            float(NODE_OVERHEAD.cpu_nanos) * (1.0 + 0.15 * noise(node, "", sample, 0)),
        ),
        memory_bytes: pages(
            float(NODE_OVERHEAD.memory_bytes) * (1.0 + 0.03 * noise(node, "", sample, 1)),
        ),
    }
}

/// Whether `image` leaks memory until it is OOM-killed.
pub fn leaks(image: &str) -> bool {
    profile(image) == Profile::Leaky
}

#[cfg(test)]
mod tests;
