//! The config file's `[canary]` section: the saved plans of the stepped canary, the one
//! the canary dialog offers first, and the settings of the health gates and the lease.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cluster::ops::canary::plan_annotation::{
    GateSettings, LogGateSettings, MemoryGateSettings,
};
use crate::cluster::ops::canary::plan_steps::{PlanStep, parse_plan};

/// The log gate's default pattern: lines that say something went wrong.
pub const DEFAULT_LOG_PATTERN: &str = r"(?i)\b(error|panic|fatal|exception)\b";

/// The shortest lease a plan may be driven with: shorter ones could lapse between renewals.
const MIN_LEASE_SECONDS: u64 = 3;

/// The `[canary]` section.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CanaryConfig {
    /// What the canary dialog offers first: a number of new pods, a plan's name, or a plan.
    pub default_plan: String,
    /// How long the lease of a driving kdeck lasts without renewal.
    pub lease_seconds: u64,
    /// How long a step's new pods may take to be ready before the plan aborts.
    pub scale_timeout_seconds: u64,
    /// Whether plans check the log gate.
    pub log_gate: bool,
    /// The regular expression of the lines the log gate counts.
    pub log_pattern: String,
    /// New pods may log matching lines at most this many times as often as old pods...
    pub log_ratio: f64,
    /// ...plus this many a minute.
    pub log_allowance_per_minute: f64,
    /// Whether plans check the memory gate (where the metrics API is served).
    pub memory_gate: bool,
    /// A new pod may use at most this many times the old pods' average memory.
    pub memory_ratio: f64,
    /// A command run at the start of every hold, whose exit status is the verdict ("": none).
    pub command: String,
    /// How long the command may run before it counts as failed.
    pub command_timeout_seconds: u64,
    /// Saved plans by name.
    pub plans: BTreeMap<String, String>,
}

impl Default for CanaryConfig {
    fn default() -> Self {
        Self {
            default_plan: "1".to_owned(),
            lease_seconds: 30,
            scale_timeout_seconds: 600,
            log_gate: true,
            log_pattern: DEFAULT_LOG_PATTERN.to_owned(),
            log_ratio: 2.0,
            log_allowance_per_minute: 1.0,
            memory_gate: true,
            memory_ratio: 2.0,
            command: String::new(),
            command_timeout_seconds: 60,
            plans: BTreeMap::new(),
        }
    }
}

/// What the canary dialog's plan field stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CanaryChoice {
    /// This many new pods, then pause until the user promotes or aborts.
    NewPods(u32),
    /// A stepped plan (named, when it is a saved one).
    Plan {
        /// The name it was saved under.
        name: Option<String>,
        /// Its steps.
        steps: Vec<PlanStep>,
    },
}

impl CanaryConfig {
    /// Reads the canary dialog's field: a number, a saved plan's name, or a plan.
    pub fn choice(&self, text: &str) -> Result<CanaryChoice, String> {
        let text = text.trim();
        if let Ok(n) = text.parse::<u32>() {
            return if n >= 1 {
                Ok(CanaryChoice::NewPods(n))
            } else {
                Err("new pods must be at least 1".to_owned())
            };
        }
        if let Some(plan) = self.plans.get(text) {
            return parse_plan(plan)
                .map(|steps| CanaryChoice::Plan {
                    name: Some(text.to_owned()),
                    steps,
                })
                .map_err(|e| format!("plan {text:?}: {e}"));
        }
        parse_plan(text).map(|steps| CanaryChoice::Plan { name: None, steps })
    }

    /// The gates a plan started now checks.
    pub fn gates(&self) -> GateSettings {
        GateSettings {
            logs: self.log_gate.then(|| LogGateSettings {
                pattern: self.log_pattern.clone(),
                ratio: self.log_ratio,
                allowance_per_minute: self.log_allowance_per_minute,
            }),
            memory: self.memory_gate.then_some(MemoryGateSettings {
                ratio: self.memory_ratio,
            }),
            command: Some(self.command.trim().to_owned()).filter(|c| !c.is_empty()),
            command_timeout_seconds: self.command_timeout_seconds,
            scale_timeout_seconds: self.scale_timeout_seconds,
        }
    }

    /// The section if every plan reads and every setting makes sense.
    pub fn check(&self) -> Result<(), String> {
        for (name, plan) in &self.plans {
            parse_plan(plan).map_err(|e| format!("[canary.plans] {name}: {e}"))?;
        }
        self.choice(&self.default_plan)
            .map_err(|e| format!("[canary] default_plan = {:?}: {e}", self.default_plan))?;
        regex::Regex::new(&self.log_pattern).map_err(|e| format!("[canary] log_pattern: {e}"))?;
        if !(self.log_ratio >= 0.0 && self.log_allowance_per_minute >= 0.0) {
            return Err(
                "[canary] log_ratio and log_allowance_per_minute must be 0 or more".to_owned(),
            );
        }
        if !(self.memory_ratio > 0.0 && self.memory_ratio.is_finite()) {
            return Err("[canary] memory_ratio must be more than 0".to_owned());
        }
        if self.lease_seconds < MIN_LEASE_SECONDS {
            return Err(format!(
                "[canary] lease_seconds must be at least {MIN_LEASE_SECONDS}"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ops::canary::plan_steps::StepSize;

    #[test]
    fn the_field_is_a_number_a_saved_plan_or_a_plan() {
        let mut config = CanaryConfig::default();
        config
            .plans
            .insert("gentle".into(), "1 pod, hold 2m; 50%, hold 5m".into());
        assert_eq!(config.choice(" 2 "), Ok(CanaryChoice::NewPods(2)));
        let Ok(CanaryChoice::Plan { name, steps }) = config.choice("gentle") else {
            panic!("a saved plan");
        };
        assert_eq!(name.as_deref(), Some("gentle"));
        assert_eq!(steps.len(), 3, "100% added");
        let Ok(CanaryChoice::Plan { name: None, steps }) = config.choice("25%, hold 1m") else {
            panic!("a plan typed in");
        };
        assert_eq!(steps[0].size, StepSize::Percent(25));
        assert!(config.choice("0").is_err());
        assert!(
            config
                .choice("gentel")
                .unwrap_err()
                .contains("not a step size")
        );
        assert!(config.check().is_ok());
    }

    #[test]
    fn bad_settings_are_named() {
        let mut config = CanaryConfig::default();
        config.plans.insert("bad".into(), "1 pod, hold soon".into());
        assert!(config.check().unwrap_err().contains("[canary.plans] bad"));
        let config = CanaryConfig {
            log_pattern: "(".into(),
            ..CanaryConfig::default()
        };
        assert!(config.check().unwrap_err().contains("log_pattern"));
        let config = CanaryConfig {
            default_plan: "nope".into(),
            ..CanaryConfig::default()
        };
        assert!(config.check().unwrap_err().contains("default_plan"));
        let config = CanaryConfig {
            lease_seconds: 1,
            ..CanaryConfig::default()
        };
        assert!(config.check().unwrap_err().contains("lease_seconds"));
        let config = CanaryConfig {
            memory_ratio: 0.0,
            ..CanaryConfig::default()
        };
        assert!(config.check().unwrap_err().contains("memory_ratio"));
        let gates = CanaryConfig {
            command: " ./smoke.sh ".into(),
            log_gate: false,
            ..CanaryConfig::default()
        }
        .gates();
        assert_eq!(gates.command.as_deref(), Some("./smoke.sh"));
        assert!(gates.logs.is_none());
        assert_eq!(
            gates.memory.map(|m| m.ratio),
            Some(2.0),
            "the memory gate is on by default"
        );
        let gates = CanaryConfig {
            memory_gate: false,
            ..CanaryConfig::default()
        }
        .gates();
        assert!(gates.memory.is_none());
    }
}
