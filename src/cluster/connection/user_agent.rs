//! The `User-Agent` kdeck sends, in kubectl's form (`kubectl/v1.32.0 (linux/amd64)`), so
//! that a cluster's audit log, API Priority and Fairness and managedFields can tell kdeck
//! from other clients.

use http::HeaderValue;

/// `kdeck/VERSION (OS/ARCH)`, with Go's names for the system and the architecture as
/// kubectl prints them (`linux/amd64`, `darwin/arm64`).
pub fn user_agent() -> HeaderValue {
    let text = format!(
        "kdeck/{} ({}/{})",
        env!("CARGO_PKG_VERSION"),
        go_os(std::env::consts::OS),
        go_arch(std::env::consts::ARCH)
    );
    // Only ASCII goes in: the version is Cargo's and the names are std's constants.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("kdeck"))
}

/// Go's `GOOS` for Rust's `std::env::consts::OS`.
fn go_os(os: &str) -> &str {
    match os {
        "macos" => "darwin",
        other => other,
    }
}

/// Go's `GOARCH` for Rust's `std::env::consts::ARCH`.
fn go_arch(arch: &str) -> &str {
    match arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_kdeck_its_version_and_the_platform_as_go_does() {
        let ua = user_agent();
        let text = ua.to_str().unwrap();
        assert!(
            text.starts_with(&format!("kdeck/{} (", env!("CARGO_PKG_VERSION"))),
            "{text}"
        );
        assert_eq!((go_os("macos"), go_os("linux")), ("darwin", "linux"));
        assert_eq!((go_arch("x86_64"), go_arch("aarch64")), ("amd64", "arm64"));
    }
}
