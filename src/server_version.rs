//! Which Kubernetes release the embedded cluster claims to be (`kdeck sim --server-version`):
//! its `/version` document; the sim's `Served` spans turn it into its API surface. Outside the
//! `sim` feature so the command line parses the same in the bastion build.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde_json::{Value, json};

/// The oldest minor release the embedded cluster can stand for.
pub const OLDEST_MINOR: u16 = 20;
/// The newest minor release the embedded cluster can stand for (the default).
pub const NEWEST_MINOR: u16 = 33;

/// A Kubernetes minor release, 1.20 to 1.33.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServerVersion {
    minor: u16,
}

impl Default for ServerVersion {
    fn default() -> Self {
        Self::NEWEST
    }
}

/// The last patch release of each minor, with the Go it was built with.
const RELEASES: &[(u16, &str, &str, &str)] = &[
    (20, "v1.20.15", "2022-01-19T17:23:01Z", "go1.15.15"),
    (21, "v1.21.14", "2022-06-15T14:15:38Z", "go1.16.15"),
    (22, "v1.22.17", "2022-12-08T10:08:09Z", "go1.16.15"),
    (23, "v1.23.17", "2023-01-18T15:59:14Z", "go1.19.5"),
    (24, "v1.24.17", "2023-08-23T17:35:21Z", "go1.20.7"),
    (25, "v1.25.16", "2023-11-14T22:22:40Z", "go1.20.10"),
    (26, "v1.26.15", "2024-03-14T00:54:24Z", "go1.21.8"),
    (27, "v1.27.16", "2024-07-17T05:43:59Z", "go1.22.5"),
    (28, "v1.28.15", "2024-10-22T20:26:22Z", "go1.22.8"),
    (29, "v1.29.15", "2025-03-11T17:58:06Z", "go1.23.6"),
    (30, "v1.30.14", "2025-06-17T18:27:52Z", "go1.23.10"),
    (31, "v1.31.10", "2025-06-17T18:29:52Z", "go1.23.10"),
    (32, "v1.32.6", "2025-06-17T18:30:43Z", "go1.23.10"),
    (33, "v1.33.1", "2025-05-15T08:19:08Z", "go1.24.2"),
];

impl ServerVersion {
    /// The newest release the embedded cluster can stand for.
    pub const NEWEST: Self = Self {
        minor: NEWEST_MINOR,
    };
    /// The oldest release the embedded cluster can stand for.
    pub const OLDEST: Self = Self {
        minor: OLDEST_MINOR,
    };

    /// Release 1.`minor`, if the embedded cluster can stand for it.
    pub fn new(minor: u16) -> Option<Self> {
        (OLDEST_MINOR..=NEWEST_MINOR)
            .contains(&minor)
            .then_some(Self { minor })
    }

    /// Every release from the oldest to the newest.
    pub fn all() -> impl Iterator<Item = Self> {
        (OLDEST_MINOR..=NEWEST_MINOR).map(|minor| Self { minor })
    }

    /// The minor number, e.g. 33.
    pub fn minor(self) -> u16 {
        self.minor
    }

    /// `gitVersion`, e.g. `v1.33.1`.
    pub fn git_version(self) -> &'static str {
        self.release().1
    }

    fn release(self) -> (u16, &'static str, &'static str, &'static str) {
        RELEASES
            .iter()
            .copied()
            .find(|r| r.0 == self.minor)
            .unwrap_or(RELEASES[RELEASES.len() - 1])
    }

    /// Whether `/api` and `/apis` answer in the aggregated form `apidiscovery.k8s.io/VERSION`:
    /// v2beta1 from 1.27 (the AggregatedDiscoveryEndpoint gate was alpha, so off, in 1.26)
    /// until 1.32 (1.33 stops serving it: AggregatedDiscoveryRemoveBetaType), v2 from 1.30.
    pub fn serves_aggregated_discovery(self, version: &str) -> bool {
        match version {
            "v2beta1" => (27..33).contains(&self.minor),
            "v2" => self.minor >= 30,
            _ => false,
        }
    }

    /// The `/version` document.
    pub fn info(self) -> Value {
        let (minor, git_version, build_date, go_version) = self.release();
        let mut info = json!({
            "major": "1",
            "minor": minor.to_string(),
            "gitVersion": git_version,
            "gitCommit": fake_commit(git_version),
            "gitTreeState": "clean",
            "buildDate": build_date,
            "goVersion": go_version,
            "compiler": "gc",
            "platform": "linux/amd64",
        });
        // Compatibility versions (KEP-4330) are reported from 1.32 on.
        if minor >= 32 {
            info["emulationMajor"] = json!("1");
            info["emulationMinor"] = json!(minor.to_string());
            info["minCompatibilityMajor"] = json!("1");
            info["minCompatibilityMinor"] = json!((minor - 1).to_string());
        }
        info
    }
}

/// A stable 40-hex-digit commit for a release: the shape of the real one, not its value.
fn fake_commit(git_version: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::with_capacity(40);
    while out.len() < 40 {
        for b in git_version.bytes().chain([out.len() as u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let _ = write!(out, "{h:016x}");
    }
    out.truncate(40);
    out
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

impl FromStr for ServerVersion {
    type Err = String;

    /// `1.20`, `v1.20` or `v1.20.15` (the patch is ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "{s:?} is not a Kubernetes release the embedded cluster can stand for: 1.{OLDEST_MINOR} to 1.{NEWEST_MINOR}"
            )
        };
        let rest = s.strip_prefix('v').unwrap_or(s);
        let mut parts = rest.split('.');
        if parts.next() != Some("1") {
            return Err(bad());
        }
        let minor: u16 = parts.next().and_then(|m| m.parse().ok()).ok_or_else(bad)?;
        if parts.next().is_some_and(|p| p.parse::<u32>().is_err()) || parts.next().is_some() {
            return Err(bad());
        }
        Self::new(minor).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_describe_their_release() {
        assert_eq!("1.20".parse::<ServerVersion>().unwrap().minor(), 20);
        assert_eq!("v1.27.3".parse::<ServerVersion>().unwrap().minor(), 27);
        assert!("1.19".parse::<ServerVersion>().is_err());
        assert!("2.0".parse::<ServerVersion>().is_err());
        assert!("1.x".parse::<ServerVersion>().is_err());
        let v = ServerVersion::new(20).unwrap();
        assert_eq!(v.info()["gitVersion"], "v1.20.15");
        assert_eq!(v.info()["minor"], "20");
        assert!(v.info().get("emulationMajor").is_none());
        assert_eq!(ServerVersion::default().info()["gitVersion"], "v1.33.1");
        assert_eq!(ServerVersion::all().count(), RELEASES.len());
        assert!(
            !ServerVersion::new(26)
                .unwrap()
                .serves_aggregated_discovery("v2beta1")
        );
        assert!(
            ServerVersion::new(27)
                .unwrap()
                .serves_aggregated_discovery("v2beta1")
        );
        assert!(
            !ServerVersion::new(29)
                .unwrap()
                .serves_aggregated_discovery("v2")
        );
        assert!(ServerVersion::NEWEST.serves_aggregated_discovery("v2"));
        assert!(!ServerVersion::NEWEST.serves_aggregated_discovery("v2beta1"));
    }
}
