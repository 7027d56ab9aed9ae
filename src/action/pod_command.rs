//! The keys of the pods and containers views (the keymap's `[pods]` section), asked
//! before `[normal]` there: `s` opens a shell in a pod or container as in k9s, while on
//! a workload `s` stays scale.

use serde::{Deserialize, Serialize};

/// A key of the pods and containers views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PodCommand {
    /// Open a shell in the selected container (exec, with a TTY).
    Shell,
    /// Attach to the selected container's main process (it needs `stdin` and `tty`).
    Attach,
}

impl PodCommand {
    /// Every command, in help order.
    pub const ALL: [Self; 2] = [Self::Shell, Self::Attach];

    /// One line saying what the command does, for help.
    pub fn description(self) -> &'static str {
        match self {
            Self::Shell => "shell in the container",
            Self::Attach => "attach (main process)",
        }
    }

    /// The subresource of pods the API server is asked for (`create` on `pods/exec`).
    pub fn subresource(self) -> &'static str {
        match self {
            Self::Shell => "exec",
            Self::Attach => "attach",
        }
    }
}
