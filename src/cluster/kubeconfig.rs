//! Kubeconfig loading as kubectl does it: an explicit file, else every file in
//! `$KUBECONFIG` merged (the first file to set an entry wins, missing files are
//! skipped), else `~/.kube/config`. Errors name the file and context at fault.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use kube::config::Kubeconfig;

/// A kubeconfig as loaded, with where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct LoadedKubeconfig {
    /// The merged configuration.
    pub config: Kubeconfig,
    /// The files it was read from, in precedence order.
    pub sources: Vec<PathBuf>,
}

/// One context of a kubeconfig, for the `:ctx` picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    /// Context name.
    pub name: String,
    /// The cluster entry it uses.
    pub cluster: String,
    /// The user entry it uses.
    pub user: String,
    /// Its namespace, if set.
    pub namespace: Option<String>,
    /// Whether it is the kubeconfig's current-context.
    pub current: bool,
}

impl LoadedKubeconfig {
    /// Loads from `explicit`, else `$KUBECONFIG` (merged), else `~/.kube/config`.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Self> {
        if let Some(path) = explicit {
            let config = read_file(path)?;
            return Ok(Self {
                config,
                sources: vec![path.to_path_buf()],
            });
        }
        if let Some(value) = std::env::var_os("KUBECONFIG") {
            let paths: Vec<PathBuf> = std::env::split_paths(&value)
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
            if !paths.is_empty() {
                return Self::merge_files(&paths);
            }
        }
        let default = dirs::home_dir()
            .map(|home| home.join(".kube").join("config"))
            .context("no kubeconfig: $KUBECONFIG is unset and the home directory is unknown")?;
        let config = read_file(&default)?;
        Ok(Self {
            config,
            sources: vec![default],
        })
    }

    /// Merges `paths` in order, the first file to set an entry winning; missing files are
    /// skipped as kubectl skips them, but at least one must exist.
    fn merge_files(paths: &[PathBuf]) -> anyhow::Result<Self> {
        let mut merged: Option<Kubeconfig> = None;
        let mut sources = Vec::new();
        for path in paths {
            if !path.exists() {
                tracing::warn!(
                    "kubeconfig {} in $KUBECONFIG does not exist; skipped",
                    path.display()
                );
                continue;
            }
            let next = read_file(path)?;
            merged = Some(match merged {
                None => next,
                Some(acc) => acc
                    .merge(next)
                    .with_context(|| format!("cannot merge kubeconfig {}", path.display()))?,
            });
            sources.push(path.clone());
        }
        match merged {
            Some(config) => Ok(Self { config, sources }),
            None => bail!(
                "none of the kubeconfig files in $KUBECONFIG exists: {}",
                display_paths(paths)
            ),
        }
    }

    /// The files, joined for messages.
    pub fn source_names(&self) -> String {
        display_paths(&self.sources)
    }

    /// The context to use: `wanted`, else current-context; an error names the files and the
    /// contexts that are there.
    pub fn choose_context(&self, wanted: Option<&str>) -> anyhow::Result<String> {
        let names: Vec<&str> = self
            .config
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let available = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        };
        let name = match wanted {
            Some(name) => name.to_owned(),
            None => match &self.config.current_context {
                Some(name) if !name.is_empty() => name.clone(),
                _ => bail!(
                    "no current-context in {} and no --context given; contexts there: {available}",
                    self.source_names()
                ),
            },
        };
        if !names.contains(&name.as_str()) {
            bail!(
                "context {name:?} not found in {}; contexts there: {available}",
                self.source_names()
            );
        }
        Ok(name)
    }

    /// The contexts, in file order.
    pub fn contexts(&self) -> Vec<ContextEntry> {
        let current = self.config.current_context.as_deref();
        self.config
            .contexts
            .iter()
            .map(|named| {
                let ctx = named.context.as_ref();
                ContextEntry {
                    name: named.name.clone(),
                    cluster: ctx.map(|c| c.cluster.clone()).unwrap_or_default(),
                    user: ctx.and_then(|c| c.user.clone()).unwrap_or_default(),
                    namespace: ctx.and_then(|c| c.namespace.clone()),
                    current: current == Some(named.name.as_str()),
                }
            })
            .collect()
    }
}

fn read_file(path: &Path) -> anyhow::Result<Kubeconfig> {
    if !path.exists() {
        bail!("kubeconfig {} does not exist", path.display());
    }
    Kubeconfig::read_from(path)
        .with_context(|| format!("cannot read kubeconfig {}", path.display()))
}

fn display_paths(paths: &[PathBuf]) -> String {
    struct Joined<'a>(&'a [PathBuf]);
    impl fmt::Display for Joined<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for (i, p) in self.0.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}", p.display())?;
            }
            Ok(())
        }
    }
    Joined(paths).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    const A: &str = "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://a.example:6443'}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: a\n  context: {cluster: c, user: u, namespace: team-a}\n- name: b\n  context: {cluster: c, user: u}\n";
    const B: &str = "apiVersion: v1\nkind: Config\ncurrent-context: z\nclusters:\n- name: c\n  cluster: {server: 'https://b.example:6443'}\ncontexts:\n- name: a\n  context: {cluster: other, user: u}\n- name: z\n  context: {cluster: c, user: u}\n";

    #[test]
    fn unknown_context_names_file_and_lists_contexts() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "kc", A);
        let loaded = LoadedKubeconfig::load(Some(&path)).unwrap();
        let err = loaded.choose_context(Some("x")).unwrap_err().to_string();
        assert!(err.contains("context \"x\" not found in"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.ends_with("contexts there: a, b"), "{err}");
        assert_eq!(loaded.choose_context(None).unwrap(), "a");
    }

    #[test]
    fn merge_first_file_wins_and_missing_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a", A);
        let b = write(dir.path(), "b", B);
        let missing = dir.path().join("missing");
        let loaded = LoadedKubeconfig::merge_files(&[missing, a, b]).unwrap();
        assert_eq!(loaded.config.current_context.as_deref(), Some("a"));
        let contexts = loaded.contexts();
        let names: Vec<_> = contexts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "z"]);
        // Context `a` comes from the first file, not the second.
        assert_eq!(contexts[0].cluster, "c");
        assert_eq!(contexts[0].namespace.as_deref(), Some("team-a"));
        assert!(contexts[0].current);
        let servers: Vec<_> = loaded
            .config
            .clusters
            .iter()
            .filter_map(|c| c.cluster.as_ref()?.server.clone())
            .collect();
        assert_eq!(servers, ["https://a.example:6443"]);
    }

    #[test]
    fn missing_explicit_file_is_named() {
        let err = LoadedKubeconfig::load(Some(Path::new("/nonexistent/kc")))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/kc"), "{err}");
    }
}
