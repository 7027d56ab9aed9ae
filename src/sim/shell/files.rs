//! The small read-only file tree the stand-in shell shows: what the kubelet mounts
//! (`/etc/hostname`, `/etc/hosts`, `/etc/resolv.conf` with the namespace's search
//! path, the service account's namespace) and a few files of the image (nginx's
//! index page and configuration, Debian's `os-release`).

use std::collections::BTreeSet;

use crate::sim::images::{Server, Userland};
use crate::sim::pod_network::dns::CLUSTER_DOMAIN;
use crate::sim::pod_network::http::{NGINX_INDEX, nginx_index};

/// The cluster DNS Service's address (kube-dns in kube-system).
pub const DNS_SERVER: &str = "10.96.0.10";

/// Directories every image has, though the tree shows nothing in most.
const BASE_DIRS: &[&str] = &[
    "/bin", "/dev", "/etc", "/home", "/proc", "/root", "/run", "/sys", "/tmp", "/usr", "/var",
];

/// Who the files describe.
pub struct FileTree {
    files: Vec<(String, String)>,
}

/// Why a path cannot be read.
#[derive(Debug, PartialEq, Eq)]
pub enum FileError {
    /// No such file or directory.
    Missing,
    /// A directory, not a file.
    IsDirectory,
}

impl FileTree {
    /// The tree of a container running `image` in pod `pod` (namespace, address).
    pub fn new(pod: &str, namespace: &str, pod_ip: &str, image: &str) -> Self {
        let mut files = vec![
            ("/etc/hostname".to_string(), format!("{pod}\n")),
            (
                "/etc/hosts".to_string(),
                format!(
                    "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\
                     fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n\
                     {pod_ip}\t{pod}\n"
                ),
            ),
            (
                "/etc/resolv.conf".to_string(),
                format!(
                    "search {namespace}.svc.{CLUSTER_DOMAIN} svc.{CLUSTER_DOMAIN} {CLUSTER_DOMAIN}\n\
                     nameserver {DNS_SERVER}\noptions ndots:5\n"
                ),
            ),
            (
                "/var/run/secrets/kubernetes.io/serviceaccount/namespace".to_string(),
                namespace.to_string(),
            ),
        ];
        if Userland::of(image) == Userland::Debian {
            files.push((
                "/etc/os-release".into(),
                "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n\
                 VERSION=\"12 (bookworm)\"\nID=debian\n"
                    .into(),
            ));
        }
        if matches!(Server::of(image), Server::Nginx { .. }) {
            files.push((NGINX_INDEX.into(), nginx_index(pod)));
            files.push((
                "/etc/nginx/conf.d/default.conf".into(),
                "server {\n    listen       80;\n    server_name  localhost;\n\n    location / {\n        \
                 root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n"
                    .into(),
            ));
        }
        Self { files }
    }

    /// The contents of the file at `path` (absolute, normalized).
    pub fn read(&self, path: &str) -> Result<&str, FileError> {
        if let Some((_, text)) = self.files.iter().find(|(p, _)| p == path) {
            return Ok(text);
        }
        if self.is_dir(path) {
            Err(FileError::IsDirectory)
        } else {
            Err(FileError::Missing)
        }
    }

    /// Whether `path` is a directory.
    pub fn is_dir(&self, path: &str) -> bool {
        path == "/"
            || BASE_DIRS.contains(&path)
            || self
                .files
                .iter()
                .any(|(p, _)| p.starts_with(path) && p[path.len()..].starts_with('/'))
    }

    /// The names in the directory `path`, sorted; `None` when it is not a directory.
    pub fn list(&self, path: &str) -> Option<Vec<String>> {
        if !self.is_dir(path) {
            return None;
        }
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        let mut names = BTreeSet::new();
        let all = BASE_DIRS
            .iter()
            .map(|d| (*d).to_string())
            .chain(self.files.iter().map(|(p, _)| p.clone()));
        for p in all {
            if let Some(rest) = p.strip_prefix(&prefix)
                && let Some(first) = rest.split('/').next().filter(|s| !s.is_empty())
            {
                names.insert(first.to_string());
            }
        }
        Some(names.into_iter().collect())
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved.
pub fn normalize(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_has_the_kubelet_files_and_the_image_files() {
        let tree = FileTree::new("web-1", "shop", "10.244.1.7", "nginx:1.14.1");
        assert_eq!(tree.read("/etc/hostname"), Ok("web-1\n"));
        assert!(
            tree.read("/etc/resolv.conf")
                .unwrap()
                .starts_with("search shop.svc.cluster.local svc.cluster.local cluster.local\n")
        );
        assert!(tree.read(NGINX_INDEX).unwrap().contains("web-1"));
        assert_eq!(tree.read("/etc"), Err(FileError::IsDirectory));
        assert_eq!(tree.read("/nope"), Err(FileError::Missing));
        let etc = tree.list("/etc").unwrap();
        assert!(etc.contains(&"hostname".to_string()) && etc.contains(&"nginx".to_string()));
        assert!(tree.list("/").unwrap().contains(&"usr".to_string()));
        assert_eq!(normalize("/usr/share", "../../etc/./hosts"), "/etc/hosts");
        let busybox = FileTree::new("b", "default", "10.244.0.9", "busybox");
        assert_eq!(busybox.read(NGINX_INDEX), Err(FileError::Missing));
    }
}
