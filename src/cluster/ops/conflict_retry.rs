//! Read, compute, write with a precondition, and on 409 Conflict read again: client-go's
//! `retry.RetryOnConflict` with its `DefaultRetry` (5 tries, about 10 ms apart). Promote,
//! abort and resume-and-undo replace whole fields computed from what they read, so they
//! send the resourceVersion they read; the controllers write the Deployment's status all
//! through a rollout, and one such write between the read and the patch must not fail
//! the user's change. A conflict that outlasts the retries is reported as the server
//! said it.

use std::future::Future;
use std::time::Duration;

use super::op_error::OpError;

/// How many times an operation is tried in all (client-go's `DefaultRetry.Steps`).
pub const TRIES: u32 = 5;

/// The pause between tries (client-go's `DefaultRetry.Duration`, without jitter).
const PAUSE: Duration = Duration::from_millis(10);

/// Whether `error` is the server's 409 Conflict.
pub fn is_conflict(error: &OpError) -> bool {
    error.api().is_some_and(|f| f.code == 409)
}

/// Runs `attempt` until it does not fail with a Conflict, at most [`TRIES`] times.
pub async fn retry_on_conflict<T, F, Fut>(mut attempt: F) -> Result<T, OpError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, OpError>>,
{
    let mut tried = 1;
    loop {
        match attempt().await {
            Err(e) if is_conflict(&e) && tried < TRIES => {
                tried += 1;
                tracing::debug!(tried, "conflict: reading again");
                tokio::time::sleep(PAUSE).await;
            }
            done => return done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ops::ApiFailure;

    fn conflict() -> OpError {
        OpError::Api(ApiFailure {
            code: 409,
            reason: "Conflict".into(),
            message: "the object has been modified".into(),
            causes: Vec::new(),
        })
    }

    #[tokio::test]
    async fn a_conflict_is_tried_again_until_it_passes_or_the_tries_are_spent() {
        let mut calls = 0;
        let out = retry_on_conflict(|| {
            calls += 1;
            let fail = calls < 3;
            async move { if fail { Err(conflict()) } else { Ok(calls) } }
        })
        .await;
        assert_eq!(out.ok(), Some(3));
        let mut calls = 0;
        let out: Result<(), _> = retry_on_conflict(|| {
            calls += 1;
            async { Err(conflict()) }
        })
        .await;
        assert!(out.is_err_and(|e| is_conflict(&e)));
        assert_eq!(calls, TRIES);
        let mut calls = 0;
        let out: Result<(), _> = retry_on_conflict(|| {
            calls += 1;
            async { Err(OpError::Timeout("slow".into())) }
        })
        .await;
        assert!(out.is_err());
        assert_eq!(calls, 1, "other errors are not tried again");
    }
}
