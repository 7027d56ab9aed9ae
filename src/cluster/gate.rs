//! The one gate every mutation passes. Read-only mode closes it; an operation
//! needs a [`Permit`], which only an open gate hands out, so no code path can
//! mutate without asking. (Requests are also refused where they leave the
//! process, by the client's read-only layer: two independent locks.)

use std::fmt;

/// Decides whether this session may change the cluster.
#[derive(Debug, Clone)]
pub struct MutationGate {
    readonly: bool,
}

/// Proof that the gate was asked and was open. Operations take `&Permit`.
#[derive(Debug)]
pub struct Permit {
    what: String,
}

/// The gate refused: the session is read-only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// What was attempted, e.g. `scale deployment/web`.
    pub what: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "read-only session: {} was not sent (start kdeck without --readonly to change the cluster)",
            self.what
        )
    }
}

impl std::error::Error for Refused {}

impl MutationGate {
    /// A gate, closed when `readonly`.
    pub fn new(readonly: bool) -> Self {
        Self { readonly }
    }

    /// Whether the gate is closed.
    pub fn readonly(&self) -> bool {
        self.readonly
    }

    /// Asks to perform `what` (a short description such as `scale deployment/web to 5`).
    pub fn permit(&self, what: impl Into<String>) -> Result<Permit, Refused> {
        let what = what.into();
        if self.readonly {
            Err(Refused { what })
        } else {
            Ok(Permit { what })
        }
    }
}

impl Permit {
    /// What this permit was granted for.
    pub fn what(&self) -> &str {
        &self.what
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_gate_refuses_and_says_why() {
        let gate = MutationGate::new(true);
        let err = gate.permit("scale deployment/web to 5").unwrap_err();
        assert!(err.to_string().contains("read-only"));
        assert!(err.to_string().contains("scale deployment/web to 5"));
        let open = MutationGate::new(false);
        assert_eq!(open.permit("x").unwrap().what(), "x");
    }
}
