//! The loop's side of the YAML view and the editor: fetching objects, the dry run and
//! the replace (each through the mutation gate), the recovery files, and `$EDITOR` (run
//! by the loop while the terminal is suspended). Answers come back as messages.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::Msg;
use crate::app::editor::{EditReport, EditRequest, RecoveryKey};
use crate::app::editor::{LiveObject, Sensitive};
use crate::cluster::{Cluster, ObjectKey, ops};

/// An `$EDITOR` run the loop must do itself (it owns the terminal).
#[derive(Debug)]
pub struct ExternalEdit {
    /// Answer id.
    pub id: u64,
    /// The text to edit.
    pub text: Sensitive,
}

/// Fetches `key` for the YAML view; with `for_edit`, also reads its recovery file.
pub fn fetch(
    cluster: &Arc<Cluster>,
    key: ObjectKey,
    for_edit: bool,
    actions: UnboundedSender<Msg>,
) {
    let cluster = Arc::clone(cluster);
    tokio::spawn(async move {
        let object = cluster
            .fetch_object(&key)
            .await
            .map(LiveObject::new)
            .map_err(|e| format!("{e:#}"));
        let recovery = if for_edit {
            recovery_path(cluster.context(), &key)
                .and_then(|p| std::fs::read_to_string(p).ok())
                .map(Sensitive)
        } else {
            None
        };
        let _ = actions.send(Msg::ObjectLoaded {
            key,
            object,
            recovery,
        });
    });
}

/// Performs an editor's request; an `$EDITOR` run is handed back for the loop.
pub fn perform(
    cluster: &Arc<Cluster>,
    request: EditRequest,
    actions: &UnboundedSender<Msg>,
) -> Option<ExternalEdit> {
    match request {
        EditRequest::DryRun { id, key, object } => {
            replace(cluster, id, key, object, true, actions);
            None
        }
        EditRequest::Replace { id, key, object } => {
            replace(cluster, id, key, object, false, actions);
            None
        }
        EditRequest::Create {
            id,
            namespace,
            objects,
            dry_run,
        } => {
            create(cluster, id, namespace, objects, dry_run, actions);
            None
        }
        EditRequest::Latest { id, key } => {
            let cluster = Arc::clone(cluster);
            let actions = actions.clone();
            tokio::spawn(async move {
                let latest = cluster
                    .fetch_object(&key)
                    .await
                    .map(LiveObject::new)
                    .map_err(|e| format!("{e:#}"));
                let _ = actions.send(Msg::EditReport(EditReport::Latest(id, latest)));
            });
            None
        }
        EditRequest::External { id, text } => Some(ExternalEdit { id, text }),
        EditRequest::SaveRecovery { context, key, text } => {
            if let Some(path) = recovery_file(&context, &key) {
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| write_private(&path, &text.0));
                if let Err(e) = written {
                    let message = format!("cannot write the recovery file {}: {e}", path.display());
                    let _ = actions.send(Msg::Status(message));
                }
            }
            None
        }
        EditRequest::RemoveRecovery { context, key } => {
            if let Some(path) = recovery_file(&context, &key) {
                let _ = std::fs::remove_file(path);
            }
            None
        }
        EditRequest::LoadRecovery { id, context, key } => {
            let actions = actions.clone();
            tokio::task::spawn_blocking(move || {
                let text = recovery_file(&context, &key)
                    .and_then(|p| std::fs::read_to_string(p).ok())
                    .map(Sensitive);
                let _ = actions.send(Msg::EditReport(EditReport::Recovered(id, text)));
            });
            None
        }
    }
}

/// The dry run or the replace as a task, through [`Cluster::send`] (which asks the gate).
fn replace(
    cluster: &Arc<Cluster>,
    id: u64,
    key: ObjectKey,
    object: serde_json::Value,
    dry_run: bool,
    actions: &UnboundedSender<Msg>,
) {
    let cluster = Arc::clone(cluster);
    let actions = actions.clone();
    tokio::spawn(async move {
        let operation = ops::Operation::Replace {
            key,
            object: ops::operation::Body(object),
            dry_run,
        };
        let result = cluster.send(&operation, &mut |_| {}).await;
        let report = match result {
            Ok(_) if dry_run => EditReport::DryRunOk(id),
            Ok(outcome) => EditReport::Replaced(id, outcome.message),
            Err(e) => EditReport::Failed {
                id,
                code: e.api().map(|a| a.code),
                message: e.to_string(),
            },
        };
        let _ = actions.send(Msg::EditReport(report));
    });
}

/// Creates each object in order (or dry-runs them all), through [`Cluster::send`], and
/// reports each result: all created, or which were and why the others were not.
fn create(
    cluster: &Arc<Cluster>,
    id: u64,
    namespace: String,
    objects: Vec<serde_json::Value>,
    dry_run: bool,
    actions: &UnboundedSender<Msg>,
) {
    let cluster = Arc::clone(cluster);
    let actions = actions.clone();
    tokio::spawn(async move {
        let total = objects.len();
        let mut done = Vec::new();
        let mut failed = Vec::new();
        for (i, object) in objects.into_iter().enumerate() {
            let operation = ops::Operation::Create {
                namespace: namespace.clone(),
                object: ops::operation::Body(object),
                dry_run,
            };
            match cluster.send(&operation, &mut |_| {}).await {
                Ok(outcome) => done.push(outcome.message),
                Err(e) => failed.push(format!("document {} of {total}: {e}", i + 1)),
            }
        }
        let report = match (failed.is_empty(), dry_run) {
            (true, true) => EditReport::DryRunOk(id),
            (true, false) => EditReport::Replaced(id, done.join("; ")),
            (false, _) => {
                let mut message = failed.join("; ");
                if !dry_run && !done.is_empty() {
                    message = format!("{} (done: {})", message, done.join("; "));
                }
                EditReport::Failed {
                    id,
                    code: None,
                    message,
                }
            }
        };
        let _ = actions.send(Msg::EditReport(report));
    });
}

/// The recovery file of an unsent edit of `key` in `context`: under the XDG state
/// directory (else the cache directory), `kdeck/recovery/`.
pub fn recovery_path(context: &str, key: &ObjectKey) -> Option<PathBuf> {
    recovery_file(context, &RecoveryKey::Edit(key.clone()))
}

/// The recovery file of `key`'s unsent text in `context` (see [`recovery_path`]): an
/// edit's is named by the object, a `:create KIND`'s by the kind, a `:create FILE`'s by
/// the file's name and a hash of its canonical path (two `app.yaml` in two directories
/// are two files).
pub fn recovery_file(context: &str, key: &RecoveryKey) -> Option<PathBuf> {
    let dir = dirs::state_dir().or_else(dirs::cache_dir)?;
    let name = match key {
        RecoveryKey::Edit(key) => format!(
            "{context}_{}_{}_{}.yaml",
            key.kind.word(),
            key.namespace,
            key.name
        ),
        RecoveryKey::CreateNew(kind) => format!("{context}_create_{}.yaml", kind.word()),
        RecoveryKey::CreateFile(path) => {
            let canonical = std::fs::canonicalize(path)
                .or_else(|_| std::path::absolute(path))
                .unwrap_or_else(|_| path.clone());
            let base = canonical
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let hash = fnv1a(canonical.as_os_str().as_encoded_bytes());
            format!("{context}_create-file_{base}_{hash:016x}.yaml")
        }
    };
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    Some(dir.join("kdeck").join("recovery").join(safe))
}

/// FNV-1a, 64 bits: a stable name for a path (std's hasher may change between releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Writes `text` to `path` readable by the user only: it may hold a Secret's values.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// The editor `kubectl edit` would run: `$EDITOR`, then `$VISUAL`, then `vi`.
pub fn editor_command() -> String {
    ["EDITOR", "VISUAL"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_owned())
}

/// Runs the editor on `text` in a temporary file and returns the file's new text.
/// Blocking: the loop calls it with the terminal suspended.
pub fn run_external(job: &ExternalEdit) -> Result<Sensitive, String> {
    let path = std::env::temp_dir().join(format!("kdeck-edit-{}.yaml", uuid::Uuid::new_v4()));
    write_private(&path, &job.text.0)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let editor = editor_command();
    // Through the shell, as kubectl does, so `EDITOR="code -w"` works.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("kdeck-edit")
        .arg(&path)
        .status();
    let text = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    match status {
        Err(e) => Err(format!("cannot run the editor {editor:?}: {e}")),
        Ok(s) if !s.success() => Err(format!(
            "the editor {editor:?} failed ({s}); nothing was sent"
        )),
        Ok(_) => text
            .map(Sensitive)
            .map_err(|e| format!("cannot read the edited file back: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Kind;

    #[test]
    fn a_create_file_is_recovered_by_its_canonical_path_and_a_template_by_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("app.yaml"), "kind: ConfigMap\n").unwrap();
        std::fs::write(dir.path().join("app.yaml"), "kind: ConfigMap\n").unwrap();
        let file = |p: PathBuf| recovery_file("ctx", &RecoveryKey::CreateFile(p)).unwrap();
        let direct = file(sub.join("app.yaml"));
        assert_eq!(direct, file(sub.join("../sub/./app.yaml")), "canonical");
        assert_ne!(
            direct,
            file(dir.path().join("app.yaml")),
            "another directory"
        );
        let name = direct.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("ctx_create-file_app.yaml_"), "{name}");
        let new = recovery_file("ctx", &RecoveryKey::CreateNew(Kind::Deployment)).unwrap();
        assert!(
            new.ends_with("kdeck/recovery/ctx_create_deployment.yaml"),
            "{new:?}"
        );
        let key = ObjectKey {
            kind: Kind::Deployment,
            namespace: "default".into(),
            name: "web".into(),
        };
        let edit = recovery_path("ctx", &key).unwrap();
        assert!(
            edit.ends_with("kdeck/recovery/ctx_deployment_default_web.yaml"),
            "{edit:?}"
        );
        assert_eq!(edit.parent(), new.parent());
    }
}
