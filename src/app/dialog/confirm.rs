//! Yes/no before a change that takes effect at once (restart, delete, promote, abort).
//! A delete also names what goes with the object and lets Tab cycle the propagation.

use super::{DialogKey, Step};
use crate::cluster::ObjectKey;
use crate::cluster::ops::Operation;
use crate::cluster::ops::Propagation;

/// Asks before sending `operation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDialog {
    /// What will be sent on yes.
    pub operation: Operation,
    /// For a delete: what it takes with it (`None` while it loads, or why that failed).
    pub dependents: Option<Result<Vec<ObjectKey>, String>>,
}

impl ConfirmDialog {
    /// Asks before `operation`.
    pub fn new(operation: Operation) -> Self {
        Self {
            operation,
            dependents: None,
        }
    }

    /// Applies a key: Enter or `y` sends, Esc or `n` cancels, Tab cycles a delete's propagation.
    pub fn key(&mut self, key: DialogKey) -> Step {
        match key {
            DialogKey::Enter | DialogKey::Char('y' | 'Y') => Step::Send(self.operation.clone()),
            DialogKey::Esc | DialogKey::Char('n' | 'N') => Step::Cancel,
            DialogKey::Tab => {
                if let Operation::Delete { propagation, .. } = &mut self.operation {
                    *propagation = match propagation {
                        Propagation::Background => Propagation::Foreground,
                        Propagation::Foreground => Propagation::Orphan,
                        Propagation::Orphan => Propagation::Background,
                    };
                }
                Step::Stay
            }
            _ => Step::Stay,
        }
    }
}
