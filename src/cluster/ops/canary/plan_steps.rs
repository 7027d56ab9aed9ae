//! The steps of a stepped canary, and the short text that names them in the config file,
//! the canary dialog and the rollout view: `1 pod, hold 2m; 25%, hold 5m; 50%, hold 5m;
//! 100%`. Steps are separated by `;`, `->` or `→`; each is a number of new pods (`1`,
//! `2 pods`) or a percentage of the replicas (`25%`), and an optional hold: `hold 90s`,
//! `hold 5m`, `hold 1h30m`, or `hold` alone (until the user continues). The last step,
//! `100%`, promotes; a plan that does not end with it gets it.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

/// How many new pods a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepSize {
    /// Exactly this many new pods (at most the replicas).
    Pods(u32),
    /// This percentage of the replicas, rounded up (at least one pod).
    Percent(u32),
}

/// How long a step holds once its new pods are ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Hold {
    /// This many seconds, with the health gates checked all along.
    Seconds(u64),
    /// Until the user continues (or promotes, or aborts).
    Indefinite,
}

/// One step of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    /// The new pods it runs.
    pub size: StepSize,
    /// Its hold; none: the next step follows as soon as its pods are ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<Hold>,
}

impl PlanStep {
    /// Whether this step is the promotion (100%).
    pub fn is_promotion(&self) -> bool {
        self.size == StepSize::Percent(100)
    }

    /// The new pods this step runs on a Deployment of `replicas` replicas.
    pub fn new_pods(&self, replicas: i32) -> u32 {
        let replicas = u32::try_from(replicas.max(1)).unwrap_or(1);
        match self.size {
            StepSize::Pods(n) => n.clamp(1, replicas),
            StepSize::Percent(p) => (replicas * p).div_ceil(100).clamp(1, replicas),
        }
    }
}

/// Formats seconds as a plan writes them: `90s`, `2m`, `1h30m`.
pub fn duration_text(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            let _ = write!(out, "{n}{unit}");
        }
    }
    if out.is_empty() { "0s".to_owned() } else { out }
}

impl fmt::Display for PlanStep {
    /// `1 pod, hold 2m`, `25%`, `2 pods, hold`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.size {
            StepSize::Pods(1) => write!(f, "1 pod")?,
            StepSize::Pods(n) => write!(f, "{n} pods")?,
            StepSize::Percent(p) => write!(f, "{p}%")?,
        }
        match self.hold {
            Some(Hold::Seconds(s)) => write!(f, ", hold {}", duration_text(s)),
            Some(Hold::Indefinite) => write!(f, ", hold"),
            None => Ok(()),
        }
    }
}

/// The text of `steps`, joined by `separator` (`"; "` for files, `" → "` on screen).
pub fn plan_text(steps: &[PlanStep], separator: &str) -> String {
    steps
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// Reads a duration: `90s`, `5m`, `1h30m`, `2m30s`.
fn parse_duration(text: &str) -> Result<u64, String> {
    let bad = || format!("{text:?} is not a duration (90s, 5m, 1h30m)");
    let mut total = 0_u64;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = total.saturating_add(n.saturating_mul(unit));
        digits.clear();
    }
    if !digits.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(total)
}

fn parse_size(text: &str) -> Result<StepSize, String> {
    if let Some(p) = text.strip_suffix('%') {
        return match p.trim().parse::<u32>() {
            Ok(p @ 1..=100) => Ok(StepSize::Percent(p)),
            _ => Err(format!("{text:?}: a percentage is 1% to 100%")),
        };
    }
    let number = text
        .strip_suffix("pods")
        .or_else(|| text.strip_suffix("pod"))
        .unwrap_or(text)
        .trim();
    match number.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(StepSize::Pods(n)),
        _ => Err(format!(
            "{text:?} is not a step size: a number of pods (1, 2 pods) or a percentage (25%)"
        )),
    }
}

fn parse_step(text: &str) -> Result<PlanStep, String> {
    let text = text.trim();
    let (size, hold) = match text.find("hold") {
        Some(at) => (
            text[..at].trim().trim_end_matches(',').trim(),
            Some(text[at + "hold".len()..].trim()),
        ),
        None => (text, None),
    };
    let size = parse_size(size)?;
    let hold = match hold {
        None => None,
        Some("") => Some(Hold::Indefinite),
        Some(d) => Some(Hold::Seconds(parse_duration(d)?)),
    };
    Ok(PlanStep { size, hold })
}

/// Reads a plan; a plan that does not end with `100%` gets it.
pub fn parse_plan(text: &str) -> Result<Vec<PlanStep>, String> {
    let text = text.replace('→', ";").replace("->", ";");
    let mut steps = Vec::new();
    for part in text.split(';').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let step = parse_step(part).map_err(|e| format!("step {}: {e}", steps.len() + 1))?;
        if steps.last().is_some_and(PlanStep::is_promotion) {
            return Err("100% promotes: it must be the last step".to_owned());
        }
        if step.is_promotion() && step.hold.is_some() {
            return Err("100% promotes: it has no hold".to_owned());
        }
        steps.push(step);
    }
    if steps.is_empty() {
        return Err("a plan needs at least one step, e.g. 1 pod, hold 2m; 100%".to_owned());
    }
    if !steps.last().is_some_and(PlanStep::is_promotion) {
        steps.push(PlanStep {
            size: StepSize::Percent(100),
            hold: None,
        });
    }
    Ok(steps)
}

/// The new pods of each step on `replicas` replicas; refused when a step would run
/// fewer than the one before (a canary only grows).
pub fn step_pods(steps: &[PlanStep], replicas: i32) -> Result<Vec<u32>, String> {
    let pods: Vec<u32> = steps.iter().map(|s| s.new_pods(replicas)).collect();
    for (i, pair) in pods.windows(2).enumerate() {
        if pair[1] < pair[0] {
            return Err(format!(
                "step {} ({}: {} new pods of {replicas}) is smaller than step {} ({} new pods): a canary only grows",
                i + 2,
                steps[i + 1],
                pair[1],
                i + 1,
                pair[0]
            ));
        }
    }
    Ok(pods)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_plan_reads_and_prints_back() {
        let text = "1 pod, hold 2m → 25%, hold 5m → 50%, hold 5m → 100%";
        let steps = parse_plan(text).unwrap();
        assert_eq!(steps.len(), 4);
        assert_eq!(
            steps[0],
            PlanStep {
                size: StepSize::Pods(1),
                hold: Some(Hold::Seconds(120))
            }
        );
        assert_eq!(steps[1].size, StepSize::Percent(25));
        assert!(steps[3].is_promotion());
        assert_eq!(plan_text(&steps, " → "), text);
        assert_eq!(parse_plan(&plan_text(&steps, "; ")).unwrap(), steps);
    }

    #[test]
    fn separators_units_indefinite_holds_and_the_implied_promotion() {
        let steps = parse_plan("2 pods hold 1h30m -> 50%, hold; 3, hold 90s").unwrap();
        assert_eq!(steps[0].hold, Some(Hold::Seconds(5400)));
        assert_eq!(steps[1].hold, Some(Hold::Indefinite));
        assert_eq!(steps[2].size, StepSize::Pods(3));
        assert!(steps[3].is_promotion(), "100% is added: {steps:?}");
        assert_eq!(steps[2].to_string(), "3 pods, hold 1m30s");
    }

    #[test]
    fn mistakes_are_named() {
        for (text, says) in [
            ("", "at least one step"),
            ("0 pods", "not a step size"),
            ("120%", "1% to 100%"),
            ("1 pod, hold 5 minutes", "not a duration"),
            ("100%; 1 pod", "must be the last step"),
            ("1 pod; 100%, hold 1m", "has no hold"),
            ("1 pod, hold 0s", "not a duration"),
        ] {
            let err = parse_plan(text).unwrap_err();
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }

    #[test]
    fn sizes_round_up_stay_within_the_replicas_and_only_grow() {
        let steps = parse_plan("1 pod; 25%; 50%; 100%").unwrap();
        assert_eq!(step_pods(&steps, 3).unwrap(), [1, 1, 2, 3]);
        assert_eq!(step_pods(&steps, 10).unwrap(), [1, 3, 5, 10]);
        let steps = parse_plan("5 pods; 100%").unwrap();
        assert_eq!(
            step_pods(&steps, 3).unwrap(),
            [3, 3],
            "at most the replicas"
        );
        let shrinking = parse_plan("3 pods; 10%").unwrap();
        let err = step_pods(&shrinking, 10).unwrap_err();
        assert!(err.contains("only grows"), "{err}");
    }
}
