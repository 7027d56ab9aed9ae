//! What an image is in the embedded cluster beyond its name: the userland a shell
//! finds in it (which shells and tools), and the server its main process runs
//! (which ports answer, and what).
//!
//! It follows the real images a tutorial uses: busybox and alpine have `/bin/sh`
//! (BusyBox's ash) and BusyBox's applets, `wget` but no `curl` (CirrOS adds it); Debian-based
//! images such as `nginx` have `/bin/bash` and `/bin/sh`, and `curl` but no
//! `wget`; a distroless image has no shell and nothing else to run.

/// The tools an image carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Userland {
    /// BusyBox (busybox, alpine, cirros, `*-alpine` tags): `/bin/sh` and applets.
    Busybox,
    /// A Debian base (nginx, most application images): bash, sh, coreutils, curl.
    Debian,
    /// No shell, no tools (`gcr.io/distroless/...`, or any image naming `distroless`).
    Distroless,
}

/// Commands every userland with a shell has, as stand-ins.
const COMMON: &[&str] = &[
    "sh", "cat", "echo", "env", "hostname", "ls", "printenv", "ps", "pwd", "stty", "true", "false",
    "whoami", "uname",
];

impl Userland {
    /// The userland of `image`.
    pub fn of(image: &str) -> Self {
        let lower = image.to_ascii_lowercase();
        if lower.contains("distroless") {
            Self::Distroless
        } else if ["busybox", "alpine", "cirros"]
            .iter()
            .any(|w| lower.contains(w))
        {
            Self::Busybox
        } else {
            Self::Debian
        }
    }

    /// The shell's name in messages and prompts: `sh` (ash) or `bash`.
    pub fn login_shell(self) -> &'static str {
        match self {
            Self::Debian => "bash",
            Self::Busybox | Self::Distroless => "sh",
        }
    }

    /// Whether the command `name` (no path) is installed.
    pub fn has(self, name: &str, image: &str) -> bool {
        match self {
            Self::Distroless => false,
            Self::Busybox => {
                COMMON.contains(&name)
                    || matches!(name, "ash" | "wget" | "nslookup")
                    // nginx's alpine images add curl to BusyBox, and CirrOS ships it
                    // (the tutorials' `kubectl run cirros-$RANDOM ... curl`).
                    || (name == "curl" && (image.contains("nginx") || image.contains("cirros")))
            }
            Self::Debian => COMMON.contains(&name) || matches!(name, "bash" | "curl"),
        }
    }

    /// Where `path` (absolute, or a name looked up in `$PATH`) leads, if anywhere:
    /// the command's name. `/bin` and `/usr/bin` both hold every command (BusyBox
    /// links its applets there; Debian's `/bin` is a link to `/usr/bin`).
    pub fn resolve(self, path: &str, image: &str) -> Option<String> {
        let name = if path.contains('/') {
            let (dir, name) = path.rsplit_once('/')?;
            if !matches!(
                dir,
                "/bin" | "/usr/bin" | "/sbin" | "/usr/sbin" | "/usr/local/bin"
            ) {
                return None;
            }
            name
        } else {
            path
        };
        self.has(name, image).then(|| name.to_string())
    }
}

/// What an image's main process serves over HTTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Server {
    /// nginx (any image naming it): the welcome page on port 80.
    Nginx {
        /// The tag, e.g. `1.14.1` (shown in the `Server` header).
        version: String,
    },
    /// Google's hello-app sample: `Hello, world!` with its version and host name on 8080.
    HelloApp {
        /// The tag, e.g. `1.0`.
        version: String,
    },
    /// An application image: a small page on 8080 and on its declared ports.
    App,
    /// Nothing listens (BusyBox and alpine images run a shell or a command).
    Nothing,
}

impl Server {
    /// The server `image` runs.
    pub fn of(image: &str) -> Self {
        let last = image.rsplit('/').next().unwrap_or(image);
        let (name, tag) = last.split_once(':').unwrap_or((last, "latest"));
        if name.contains("nginx") {
            Self::Nginx {
                version: version_of(tag, "1.27.0"),
            }
        } else if name.contains("hello-app") {
            Self::HelloApp {
                version: version_of(tag, "1.0"),
            }
        } else if Userland::of(image) == Userland::Busybox {
            Self::Nothing
        } else {
            Self::App
        }
    }

    /// Whether the server answers on `port`, given the ports the container declares.
    pub fn listens_on(&self, port: u16, declared: &[u16]) -> bool {
        match self {
            Self::Nginx { .. } => port == 80,
            Self::HelloApp { .. } => port == 8080,
            Self::App => port == 8080 || declared.contains(&port),
            Self::Nothing => false,
        }
    }
}

/// A tag that looks like a version, else `default` (`latest`, `crash`, `bad`...).
fn version_of(tag: &str, default: &str) -> String {
    let tag = tag.split('-').next().unwrap_or(tag);
    if tag.starts_with(|c: char| c.is_ascii_digit()) {
        tag.to_string()
    } else {
        default.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userlands_follow_the_real_images() {
        assert_eq!(Userland::of("busybox:1.36"), Userland::Busybox);
        assert_eq!(Userland::of("nginx:1.25-alpine"), Userland::Busybox);
        assert_eq!(Userland::of("nginx:1.14.1"), Userland::Debian);
        assert_eq!(
            Userland::of("gcr.io/distroless/static:nonroot"),
            Userland::Distroless
        );
        let deb = Userland::Debian;
        assert_eq!(deb.resolve("/bin/bash", "nginx").as_deref(), Some("bash"));
        assert_eq!(deb.resolve("wget", "nginx"), None);
        let bb = Userland::Busybox;
        assert_eq!(bb.resolve("/bin/bash", "busybox"), None);
        assert_eq!(bb.resolve("/bin/sh", "busybox").as_deref(), Some("sh"));
        assert_eq!(bb.resolve("curl", "busybox"), None);
        assert_eq!(bb.resolve("curl", "nginx:alpine").as_deref(), Some("curl"));
        assert_eq!(bb.resolve("/etc/sh", "busybox"), None);
        assert_eq!(Userland::Distroless.resolve("/bin/sh", "distroless"), None);
    }

    #[test]
    fn servers_and_their_ports() {
        let nginx = Server::of("nginx:1.14.1");
        assert_eq!(
            nginx,
            Server::Nginx {
                version: "1.14.1".into()
            }
        );
        assert!(nginx.listens_on(80, &[]) && !nginx.listens_on(8080, &[8080]));
        assert_eq!(
            Server::of("nginx:crash"),
            Server::Nginx {
                version: "1.27.0".into()
            }
        );
        assert!(Server::of("gcr.io/google-samples/hello-app:1.0").listens_on(8080, &[]));
        assert!(Server::of("registry.example/shop:2").listens_on(9000, &[9000]));
        assert!(!Server::of("busybox").listens_on(80, &[80]));
    }
}
