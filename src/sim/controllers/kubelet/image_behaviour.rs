//! What an image does in the simulation, read from its name, so that every failure a
//! canary's health gates look for can be shown without a real broken image:
//!
//! | image | behaviour |
//! |---|---|
//! | tag `bad`, or a `nonexistent` registry | cannot be pulled (ErrImagePull, ImagePullBackOff) |
//! | name containing `crash` | starts, exits with an error after a second, crash-loops |
//! | tag `flaky` | ready as usual, exits (segfault) after [`FLAKY_RUN_SECS`] of running, restarts |
//! | tag `slow` | running at once, ready only after [`SLOW_READY_SECS`] |
//! | tag `errors` | healthy, but its log has an error line every few seconds (see `sim::logs`) |
//! | tag `leaky` | its memory grows until it reaches its limit and is OOM-killed (see `kubelet::oom`) |
//! | anything else | starts and keeps running |

/// Simulated seconds a `:flaky` container runs (ready for most of them) before it exits.
pub const FLAKY_RUN_SECS: i64 = 60;
/// Simulated seconds from a `:slow` container's start to its readiness.
pub const SLOW_READY_SECS: i64 = 90;
/// The exit code of a `:flaky` container: killed by SIGSEGV (128 + 11).
pub const FLAKY_EXIT_CODE: i64 = 139;

/// How an image behaves in the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageBehaviour {
    /// Starts and keeps running.
    Healthy,
    /// Starts, then exits with an error.
    Crashes,
    /// Cannot be pulled.
    Unpullable,
    /// Ready, then exits after a while and is restarted (again and again).
    Flaky,
    /// Takes long to become ready.
    Slow,
    /// Healthy, writing error lines to its log at a steady rate.
    LogsErrors,
    /// Starts, then grows its memory until the OOM killer stops it.
    Leaks,
}

impl ImageBehaviour {
    /// Whether a ready container of this image stays as it is until someone changes its
    /// pod (the kubelet may skip it).
    pub fn settles_when_ready(self) -> bool {
        matches!(self, Self::Healthy | Self::Slow | Self::LogsErrors)
    }
}

/// The tag of `image` (`nginx:1.14.1` → `1.14.1`), if it has one.
fn tag(image: &str) -> Option<&str> {
    image
        .rsplit('/')
        .next()
        .and_then(|last| last.split_once(':'))
        .map(|(_, t)| t)
}

/// The behaviour of `image`.
pub fn behaviour(image: &str) -> ImageBehaviour {
    match tag(image) {
        Some("bad") => ImageBehaviour::Unpullable,
        _ if image.contains("nonexistent") => ImageBehaviour::Unpullable,
        _ if image.contains("crash") => ImageBehaviour::Crashes,
        Some("flaky") => ImageBehaviour::Flaky,
        Some("slow") => ImageBehaviour::Slow,
        Some("errors") => ImageBehaviour::LogsErrors,
        _ if crate::sim::metrics::usage::leaks(image) => ImageBehaviour::Leaks,
        _ => ImageBehaviour::Healthy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviour_is_read_from_the_tag_or_the_name() {
        assert_eq!(behaviour("nginx:bad"), ImageBehaviour::Unpullable);
        assert_eq!(behaviour("nonexistent.io/x:1"), ImageBehaviour::Unpullable);
        assert_eq!(behaviour("nginx:crash"), ImageBehaviour::Crashes);
        assert_eq!(behaviour("nginx:1.15.5"), ImageBehaviour::Healthy);
        assert_eq!(behaviour("nginx:flaky"), ImageBehaviour::Flaky);
        assert_eq!(
            behaviour("docker.io/library/nginx:leaky"),
            ImageBehaviour::Leaks
        );
        assert_eq!(
            behaviour("docker.io/library/nginx:flaky"),
            ImageBehaviour::Flaky
        );
        assert_eq!(behaviour("registry.io:5000/app:slow"), ImageBehaviour::Slow);
        assert_eq!(behaviour("hello-app:errors"), ImageBehaviour::LogsErrors);
        // Only the tag counts: a repository named "flaky" is an ordinary image.
        assert_eq!(behaviour("flaky/app:1.0"), ImageBehaviour::Healthy);
        assert!(!ImageBehaviour::Flaky.settles_when_ready());
        assert!(ImageBehaviour::LogsErrors.settles_when_ready());
    }
}
