//! The one gate every change passes. The gate holds the only client that can send a
//! change; it hands it out inside a [`Permit`], and only when it is open. Read-only mode
//! closes it: a read-only session has no such client at all.
//!
//! A [`Permit`] has private fields and is not `Clone`, and nothing outside this module
//! can make one, so every function that sends a change, by taking a `&Permit`, proves
//! at compile time that the gate was asked. The client the rest of kdeck reads with is
//! wrapped in the [`ReadonlyLayer`](super::ReadonlyLayer) in every mode, so a write that
//! tried to go around the gate would be refused where requests leave the process.

use std::fmt;
use std::sync::Arc;

use super::Connection;
use super::connection::Attempt;

/// Decides whether this session may change the cluster, and holds the means to.
#[derive(Clone)]
pub struct MutationGate {
    /// Whose writing client changes are sent with (none in a read-only session).
    connection: Arc<Connection>,
}

impl fmt::Debug for MutationGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutationGate")
            .field("readonly", &self.readonly())
            .finish()
    }
}

/// Proof that the gate was asked and was open, carrying the client to send the change
/// with. Only [`MutationGate::permit`] (and, for an attempt that may be run again after
/// the credentials are renewed, `MutationGate::permit_for`) makes one.
pub struct Permit {
    what: String,
    client: kube::Client,
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("what", &self.what)
            .finish_non_exhaustive()
    }
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
    /// The gate of `connection`, closed when it is read-only. Only
    /// [`Cluster::connect`](super::Cluster::connect) makes the gate of a session.
    pub(super) fn new(connection: Arc<Connection>) -> Self {
        Self { connection }
    }

    /// Whether the gate is closed.
    pub fn readonly(&self) -> bool {
        self.connection.readonly()
    }

    /// Asks to perform `what` (a short description such as `scale deployment/web to 5`).
    pub fn permit(&self, what: impl Into<String>) -> Result<Permit, Refused> {
        let what = what.into();
        match self.connection.writer() {
            None => Err(Refused { what }),
            Some(client) => Ok(Permit { what, client }),
        }
    }

    /// As [`MutationGate::permit`], sending with the writing client of `attempt` (see
    /// [`Connection::renewing`]).
    pub(super) fn permit_for(
        &self,
        what: impl Into<String>,
        attempt: &Attempt,
    ) -> Result<Permit, Refused> {
        let what = what.into();
        // The gate decides; a read-only session's attempt has no writer anyway.
        match attempt.writer().filter(|_| !self.readonly()) {
            None => Err(Refused { what }),
            Some(client) => Ok(Permit { what, client }),
        }
    }
}

impl Permit {
    /// What this permit was granted for.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// The client that sends the change: only the cluster layer sends with it.
    pub(in crate::cluster) fn client(&self) -> &kube::Client {
        &self.client
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A client pointed at port 9 (discard): were anything sent, it would fail to connect.
    pub(crate) fn nowhere() -> kube::Client {
        let config = kube::Config::new("http://127.0.0.1:9".parse().expect("a URL"));
        kube::Client::try_from(config).expect("a client (nothing is sent)")
    }

    /// An open gate's permit for unit tests of the cluster layer.
    pub(crate) fn permit(what: &str) -> Permit {
        let connection = Connection::of_clients(nowhere(), Some(nowhere()));
        MutationGate::new(Arc::new(connection))
            .permit(what)
            .expect("an open gate permits")
    }

    #[tokio::test]
    async fn closed_gate_refuses_and_says_why() {
        let gate = MutationGate::new(Arc::new(Connection::of_clients(nowhere(), None)));
        let err = gate.permit("scale deployment/web to 5").unwrap_err();
        assert!(err.to_string().contains("read-only"));
        assert!(err.to_string().contains("scale deployment/web to 5"));
        assert_eq!(permit("x").what(), "x");
    }
}
