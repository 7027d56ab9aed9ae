//! Which container a shell or attach goes into, for a pod with several: the containers
//! that can take it (running, not init; for attach with `stdin` and `tty`), the pod's
//! default container first selected; the ones left out are named with why.

use super::{DialogKey, Start, Step};
use crate::app::session_purpose::Purpose;
use crate::cluster::exec::ContainerRef;
use crate::cluster::session_target::SessionTarget;

/// Picks a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPicker {
    /// The pod and its containers.
    pub target: SessionTarget,
    /// What for.
    pub purpose: Purpose,
    /// The selected container (index into `target.containers`).
    pub selected: usize,
}

impl ContainerPicker {
    /// A picker over `target`'s containers, its default one selected.
    pub fn new(target: SessionTarget, purpose: Purpose) -> Self {
        let selected = target
            .default
            .as_ref()
            .and_then(|d| target.containers.iter().position(|c| c == d))
            .unwrap_or(0);
        Self {
            target,
            purpose,
            selected,
        }
    }

    /// The title: `shell in pod/web-1`.
    pub fn title(&self) -> String {
        let word = match self.purpose {
            Purpose::Shell => "shell in",
            Purpose::Attach => "attach to",
        };
        format!("{word} pod/{}: which container?", self.target.pod)
    }

    /// Applies a key: Up/Down pick, Enter opens, Esc cancels.
    pub fn key(&mut self, key: DialogKey) -> Step {
        let last = self.target.containers.len().saturating_sub(1);
        match key {
            DialogKey::Up | DialogKey::Char('k') => self.selected = self.selected.saturating_sub(1),
            DialogKey::Down | DialogKey::Tab | DialogKey::Char('j') => {
                self.selected = (self.selected + 1).min(last);
            }
            DialogKey::Enter => {
                let Some(container) = self.target.containers.get(self.selected) else {
                    return Step::Cancel;
                };
                return Step::Start(Start::Session {
                    target: ContainerRef {
                        namespace: self.target.namespace.clone(),
                        pod: self.target.pod.clone(),
                        container: Some(container.clone()),
                    },
                    purpose: self.purpose,
                });
            }
            DialogKey::Esc => return Step::Cancel,
            _ => {}
        }
        Step::Stay
    }
}
