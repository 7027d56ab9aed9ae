//! What a terminal session is for: a shell or an attach. Named by the container picker
//! that asks for one and by the session that runs it.

use crate::action::PodCommand;

/// What a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A shell (exec).
    Shell,
    /// Attach to the main process.
    Attach,
}

impl Purpose {
    /// The word the session's title and messages use.
    pub fn word(self) -> &'static str {
        match self {
            Self::Shell => "shell",
            Self::Attach => "attach",
        }
    }
}

impl From<PodCommand> for Purpose {
    fn from(command: PodCommand) -> Self {
        match command {
            PodCommand::Shell => Self::Shell,
            PodCommand::Attach => Self::Attach,
        }
    }
}
