//! Debug pods an earlier kdeck left behind (it crashed or was killed while a `:run`
//! shell was open), offered for deletion when kdeck starts.

use super::{DialogKey, Step};
use crate::cluster::ops::debug_pod::LeftoverPod;
use crate::cluster::ops::{Operation, Propagation};
use crate::cluster::{Kind, ObjectKey};

/// Asks whether to delete the leftovers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftoverDialog {
    /// The pods found.
    pub pods: Vec<LeftoverPod>,
}

impl LeftoverDialog {
    /// The deletes Enter sends.
    pub fn operations(&self) -> Vec<Operation> {
        self.pods
            .iter()
            .map(|p| Operation::Delete {
                key: ObjectKey {
                    kind: Kind::Pod,
                    namespace: p.namespace.clone(),
                    name: p.name.clone(),
                },
                propagation: Propagation::Background,
            })
            .collect()
    }

    /// Applies a key: Enter or `y` deletes them all, Esc or `n` keeps them.
    pub fn key(&mut self, key: DialogKey) -> Step {
        match key {
            DialogKey::Enter | DialogKey::Char('y' | 'Y') => Step::SendEach(self.operations()),
            DialogKey::Esc | DialogKey::Char('n' | 'N') => Step::Cancel,
            _ => Step::Stay,
        }
    }
}
