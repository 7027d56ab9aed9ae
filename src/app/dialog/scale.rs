//! The scale dialog: replicas pre-filled with the current count, `+`/`-` or typed digits.

use super::{DialogKey, Step};
use crate::cluster::ObjectKey;
use crate::cluster::ops::Operation;

/// Most replicas the dialog accepts (a typo guard, not a cluster limit).
const MAX_REPLICAS: u32 = 100_000;

/// Asks how many replicas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleDialog {
    /// What is scaled.
    pub key: ObjectKey,
    /// Replicas now.
    pub current: u32,
    /// Replicas typed so far.
    pub input: String,
    /// A key was pressed: digits append instead of replacing the pre-filled count.
    pub edited: bool,
}

impl ScaleDialog {
    /// A dialog for `key`, pre-filled with `current`.
    pub fn new(key: ObjectKey, current: u32) -> Self {
        Self {
            key,
            current,
            input: current.to_string(),
            edited: false,
        }
    }

    /// The replicas typed, or what is wrong with them.
    pub fn wanted(&self) -> Result<u32, String> {
        match self.input.parse::<u32>() {
            Ok(n) if n <= MAX_REPLICAS => Ok(n),
            Ok(n) => Err(format!("{n} replicas is more than {MAX_REPLICAS}")),
            Err(_) if self.input.is_empty() => Err("type a number of replicas".to_owned()),
            Err(_) => Err(format!(
                "replicas must be a whole number, not {:?}",
                self.input
            )),
        }
    }

    /// The change Enter would send.
    pub fn operation(&self) -> Result<Operation, String> {
        self.wanted().map(|to| Operation::Scale {
            key: self.key.clone(),
            from: self.current,
            to,
        })
    }

    /// Applies a key.
    pub fn key(&mut self, key: DialogKey) -> Step {
        match key {
            DialogKey::Char(c) if c.is_ascii_digit() => {
                if !self.edited {
                    self.input.clear();
                }
                if self.input.len() < 6 {
                    self.input.push(c);
                }
            }
            DialogKey::Char('+') | DialogKey::Up => {
                let n = self.input.parse::<u32>().unwrap_or(0);
                self.input = n.saturating_add(1).min(MAX_REPLICAS).to_string();
            }
            DialogKey::Char('-') | DialogKey::Down => {
                let n = self.input.parse::<u32>().unwrap_or(0);
                self.input = n.saturating_sub(1).to_string();
            }
            DialogKey::Backspace => {
                self.input.pop();
            }
            DialogKey::Clear => self.input.clear(),
            DialogKey::Enter => {
                return match self.operation() {
                    Ok(m) => Step::Send(m),
                    Err(e) => Step::Error(e),
                };
            }
            DialogKey::Esc => return Step::Cancel,
            _ => return Step::Stay,
        }
        self.edited = true;
        Step::Stay
    }
}
