//! The use columns (from the metrics API's last sample), added after a pane's own columns
//! once the API answered: for pods CPU and MEM as `kubectl top pods` prints them, and
//! their use against the pod's requests and limits (`%CPU/R`, `%MEM/R`, `%CPU/L`,
//! `%MEM/L`, as k9s shows them); for nodes CPU and MEM with their share of what is
//! allocatable (as `kubectl top nodes`), the allocatable amounts, and the pods against
//! the node's capacity. A percentage is coloured from 80 % ([`Tone::Near`]) and 100 %
//! ([`Tone::Over`]).
//!
//! A cell says `n/a` where the server has no metrics API, `-` where the sample has
//! nothing for the row (a pod not running yet) or there is nothing to measure against (no
//! request, no limit). The percentages are the first columns to go on a narrow terminal.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::{CellContext, Column, Tone, Width, by_name, col};
use crate::cluster::metrics::Usage;
use crate::cluster::{Amounts, Detail, Kind, Row};

const MIB: u64 = 1024 * 1024;

/// The use columns of `kind`'s pane (none for kinds without use).
pub fn columns(kind: Kind) -> impl Iterator<Item = &'static Column> {
    let list: &'static [Column] = match kind {
        Kind::Pod => &POD,
        Kind::Node => &NODE,
        _ => &[],
    };
    list.iter()
}

/// What a use cell reads: a value, nothing to show, or no metrics API.
#[derive(Clone, Copy)]
enum Reading {
    Value(u64),
    Missing,
    NoApi,
}

fn pod_usage(r: &Row, c: &CellContext) -> Option<Usage> {
    let sample = c.samples?.pods.as_ref()?;
    sample
        .pods
        .get(&r.meta.namespace, &r.meta.name)
        .map(crate::cluster::metrics::PodUsageRef::total)
}

fn node_usage(r: &Row, c: &CellContext) -> Option<Usage> {
    c.samples?.nodes.as_ref()?.nodes.get(&r.meta.name).copied()
}

fn no_api(c: &CellContext) -> bool {
    c.samples.is_some_and(|s| s.unavailable.is_some())
}

fn reading(c: &CellContext, value: impl FnOnce() -> Option<u64>) -> Reading {
    if no_api(c) {
        return Reading::NoApi;
    }
    value().map_or(Reading::Missing, Reading::Value)
}

fn text(reading: Reading, unit: &str) -> Cow<'static, str> {
    match reading {
        Reading::Value(n) => Cow::Owned(format!("{n}{unit}")),
        Reading::Missing => Cow::Borrowed("-"),
        Reading::NoApi => Cow::Borrowed("n/a"),
    }
}

/// `used` as a share of `of`, in whole percent (rounded down, as `kubectl top` does).
fn percent(used: u64, of: Option<u64>) -> Option<u64> {
    of.filter(|o| *o > 0).map(|o| used.saturating_mul(100) / o)
}

fn tone_of(reading: &Reading) -> Tone {
    match reading {
        Reading::Value(p) if *p >= 100 => Tone::Over,
        Reading::Value(p) if *p >= 80 => Tone::Near,
        _ => Tone::Normal,
    }
}

fn order(a: &Reading, b: &Reading) -> Ordering {
    let key = |r: &Reading| match r {
        Reading::Value(n) => Some(*n),
        Reading::Missing | Reading::NoApi => None,
    };
    key(a).cmp(&key(b))
}

fn pod_amounts(r: &Row, limits: bool) -> Amounts {
    match &r.detail {
        Detail::Pod(p) if limits => p.limits(),
        Detail::Pod(p) => p.requests(),
        _ => Amounts::default(),
    }
}

fn node_allocatable(r: &Row) -> Amounts {
    match &r.detail {
        Detail::Node(n) => n.allocatable,
        _ => Amounts::default(),
    }
}

/// Defines a use column: its reading, unit, title, width and priority.
macro_rules! use_column {
    ($name:ident, $title:literal, $width:literal, $priority:literal, $unit:literal, toned: $toned:literal, |$r:ident, $c:ident| $read:expr) => {
        mod $name {
            use super::*;

            pub(super) fn read($r: &Row, $c: &CellContext) -> Reading {
                $read
            }

            fn cell<'a>(r: &'a Row, c: &CellContext) -> Cow<'a, str> {
                text(read(r, c), $unit)
            }

            fn cmp(a: &Row, b: &Row, c: &CellContext) -> Ordering {
                order(&read(a, c), &read(b, c)).then_with(|| by_name(a, b))
            }

            fn tone(r: &Row, c: &CellContext) -> Tone {
                tone_of(&read(r, c))
            }

            pub(super) const COLUMN: Column = Column {
                live_order: Some(cmp),
                tone: if $toned { Some(tone) } else { None },
                ..col($title, Width::Fixed($width), $priority, cell, by_name)
            };
        }
    };
}

use_column!(pod_cpu, "CPU", 6, 170, "m", toned: false, |r, c| reading(c, || pod_usage(r, c).map(Usage::cpu_millis)));
use_column!(pod_mem, "MEM", 7, 175, "Mi", toned: false, |r, c| reading(c, || pod_usage(r, c).map(Usage::memory_mib)));
use_column!(pod_cpu_r, "%CPU/R", 6, 120, "", toned: true, |r, c| reading(c, || {
    percent(pod_usage(r, c)?.cpu_millis(), pod_amounts(r, false).cpu_millis)
}));
use_column!(pod_mem_r, "%MEM/R", 6, 130, "", toned: true, |r, c| reading(c, || {
    percent(pod_usage(r, c)?.memory_bytes, pod_amounts(r, false).memory_bytes)
}));
use_column!(pod_cpu_l, "%CPU/L", 6, 110, "", toned: true, |r, c| reading(c, || {
    percent(pod_usage(r, c)?.cpu_millis(), pod_amounts(r, true).cpu_millis)
}));
use_column!(pod_mem_l, "%MEM/L", 6, 140, "", toned: true, |r, c| reading(c, || {
    percent(pod_usage(r, c)?.memory_bytes, pod_amounts(r, true).memory_bytes)
}));

static POD: [Column; 6] = [
    pod_cpu::COLUMN,
    pod_mem::COLUMN,
    pod_cpu_r::COLUMN,
    pod_mem_r::COLUMN,
    pod_cpu_l::COLUMN,
    pod_mem_l::COLUMN,
];

use_column!(node_cpu, "CPU", 7, 170, "m", toned: false, |r, c| reading(c, || node_usage(r, c).map(Usage::cpu_millis)));
use_column!(node_cpu_pct, "%CPU", 5, 165, "", toned: true, |r, c| reading(c, || {
    percent(node_usage(r, c)?.cpu_millis(), node_allocatable(r).cpu_millis)
}));
use_column!(node_mem, "MEM", 9, 170, "Mi", toned: false, |r, c| reading(c, || node_usage(r, c).map(Usage::memory_mib)));
use_column!(node_mem_pct, "%MEM", 5, 165, "", toned: true, |r, c| reading(c, || {
    percent(node_usage(r, c)?.memory_bytes, node_allocatable(r).memory_bytes)
}));
use_column!(node_cpu_a, "CPU/A", 7, 115, "m", toned: false, |r, _c| {
    node_allocatable(r).cpu_millis.map_or(Reading::Missing, Reading::Value)
});
use_column!(node_mem_a, "MEM/A", 9, 115, "Mi", toned: false, |r, _c| {
    node_allocatable(r).memory_bytes.map_or(Reading::Missing, |b| Reading::Value(b / MIB))
});

/// PODS: the pods a node runs against its capacity, `12/110`.
mod node_pods {
    use super::{
        CellContext, Column, Cow, Detail, Ordering, Reading, Row, Tone, Width, by_name, col,
        percent, tone_of,
    };

    fn count(r: &Row, c: &CellContext) -> Option<u64> {
        let counts = c.samples?.nodes.as_ref()?.pods_per_node.as_ref()?;
        Some(u64::from(counts.get(&r.meta.name).copied().unwrap_or(0)))
    }

    fn capacity(r: &Row) -> Option<u64> {
        match &r.detail {
            Detail::Node(n) => n.pod_capacity.map(u64::from),
            _ => None,
        }
    }

    fn cell<'a>(r: &'a Row, c: &CellContext) -> Cow<'a, str> {
        let running = count(r, c).map_or_else(|| "?".to_owned(), |n| n.to_string());
        Cow::Owned(match capacity(r) {
            Some(cap) => format!("{running}/{cap}"),
            None => running,
        })
    }

    fn cmp(a: &Row, b: &Row, c: &CellContext) -> Ordering {
        count(a, c).cmp(&count(b, c)).then_with(|| by_name(a, b))
    }

    fn tone(r: &Row, c: &CellContext) -> Tone {
        tone_of(
            &count(r, c)
                .and_then(|n| percent(n, capacity(r)))
                .map_or(Reading::Missing, Reading::Value),
        )
    }

    pub(super) const COLUMN: Column = Column {
        live_order: Some(cmp),
        tone: Some(tone),
        ..col("PODS", Width::Fixed(7), 140, cell, by_name)
    };
}

static NODE: [Column; 7] = [
    node_cpu::COLUMN,
    node_cpu_pct::COLUMN,
    node_mem::COLUMN,
    node_mem_pct::COLUMN,
    node_cpu_a::COLUMN,
    node_mem_a::COLUMN,
    node_pods::COLUMN,
];

#[cfg(test)]
mod tests;
