//! `:create`: the editor on a template of a kind instead of an object. Several
//! documents (`---`) are checked one by one (errors keep their line in the whole text),
//! dry-run, shown as a diff from nothing, then created in order, each reported. The
//! unsent text goes to a recovery file keyed by the file (`:create FILE`) or the kind
//! (`:create KIND`), offered back on the next `:create` of the same, removed once every
//! document was created or the user discards it.

use serde_json::Value;

use super::check::{ParseError, parse};
use super::text_area::{EditorStyle, LockedTextArea, textarea};
use super::{EditRequest, Editor, Outcome, Phase, RecoveryKey};
use crate::app::editor::EditorEffect;
use crate::app::editor::LiveObject;
use crate::cluster::object_yaml::to_yaml;
use crate::cluster::{Kind, ObjectKey};

/// A starting point for a new object of `kind` in `namespace`.
pub fn template(kind: Kind, namespace: &str) -> String {
    let meta = format!("metadata:\n  name: \"\"\n  namespace: {namespace}\n");
    match kind {
        Kind::Deployment => format!(
            "apiVersion: apps/v1\nkind: Deployment\n{meta}spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: \"\"\n  template:\n    metadata:\n      labels:\n        app: \"\"\n    spec:\n      containers:\n      - name: main\n        image: \"\"\n"
        ),
        Kind::Pod => format!(
            "apiVersion: v1\nkind: Pod\n{meta}spec:\n  containers:\n  - name: main\n    image: \"\"\n"
        ),
        Kind::Service => format!(
            "apiVersion: v1\nkind: Service\n{meta}spec:\n  selector:\n    app: \"\"\n  ports:\n  - port: 80\n    targetPort: 80\n"
        ),
        Kind::ConfigMap => format!("apiVersion: v1\nkind: ConfigMap\n{meta}data:\n  key: value\n"),
        Kind::Secret => {
            format!("apiVersion: v1\nkind: Secret\n{meta}type: Opaque\nstringData:\n  key: value\n")
        }
        Kind::Namespace => "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"\"\n".to_owned(),
        other => {
            let resource = other.api_resource();
            format!(
                "apiVersion: {}\nkind: {}\n{meta}",
                resource.api_version, resource.kind
            )
        }
    }
}

/// The documents of `text`, each parsed and type-checked by its own kind; errors carry
/// their line in the whole text.
pub fn documents(text: &str) -> Result<Vec<Value>, ParseError> {
    let mut docs = Vec::new();
    let mut chunk = String::new();
    let mut first_line = 1;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let separator = line.trim_end() == "---";
        if !separator {
            chunk.push_str(line);
            chunk.push('\n');
        }
        if separator || i + 1 == lines.len() {
            if !chunk.trim().is_empty() {
                docs.push(document(&chunk, first_line)?);
            }
            chunk.clear();
            first_line = i + 2;
        }
    }
    Ok(docs)
}

fn document(text: &str, first_line: usize) -> Result<Value, ParseError> {
    let shift = |mut e: ParseError| {
        e.line += first_line - 1;
        e
    };
    let value: Value = serde_yaml::from_str(text).map_err(|e| {
        shift(ParseError {
            line: e.location().map_or(1, |l| l.line()),
            column: e.location().map_or(1, |l| l.column()),
            message: e.to_string(),
        })
    })?;
    let kind = Kind::of_object(&value).ok_or_else(|| {
        shift(ParseError {
            line: 1,
            column: 1,
            message: format!("unknown or missing kind {:?}", value["kind"]),
        })
    })?;
    parse(kind, text).map_err(shift)
}

impl Editor {
    /// An editor creating objects, starting from `text` (a kind's [`template`], or a file);
    /// asks for the recovery file of `recovery` (offered back when it holds another text).
    pub fn for_create(
        key: ObjectKey,
        context: &str,
        style: EditorStyle,
        text: &str,
        recovery: RecoveryKey,
        effects: &mut Vec<EditorEffect>,
    ) -> Self {
        let mut editor = Self::open(
            key,
            context,
            LiveObject::new(Value::Null),
            None,
            false,
            style,
        );
        editor.base_text = String::new();
        editor.textarea = LockedTextArea::new(textarea(text, style));
        editor.create = true;
        editor.recovery = recovery.clone();
        let id = editor.next_id();
        effects.push(EditorEffect::Edit(EditRequest::LoadRecovery {
            id,
            context: context.to_owned(),
            key: recovery,
        }));
        editor
    }

    /// Whether this editor creates objects (`:create`) rather than editing one.
    pub fn creating(&self) -> bool {
        self.create
    }

    /// The documents checked by the last save, as the diff shows them.
    pub(super) fn created_text(&self) -> String {
        let Some(Value::Array(docs)) = &self.pending else {
            return String::new();
        };
        docs.iter()
            .filter_map(|d| to_yaml(d).ok())
            .collect::<Vec<_>>()
            .join("---\n")
    }

    /// Ctrl-s when creating: checks every document and asks for a dry run of all.
    pub(super) fn save_create(&mut self, effects: &mut Vec<EditorEffect>) -> Outcome {
        let objects = match documents(&self.text()) {
            Ok(docs) if docs.is_empty() => {
                self.notice = Some(("nothing to create".to_owned(), true));
                return Outcome::default();
            }
            Ok(docs) => docs,
            Err(e) => return self.refuse_parse(e),
        };
        let id = self.next_id();
        effects.push(EditorEffect::Edit(EditRequest::Create {
            id,
            namespace: self.key.namespace.clone(),
            objects: objects.clone(),
            dry_run: true,
        }));
        self.pending = Some(Value::Array(objects));
        self.phase = Phase::Checking;
        self.notice = Some(("checking with the server (dry run)…".to_owned(), false));
        Outcome::default()
    }

    /// Enter on the diff when creating: create each document in order.
    pub(super) fn send_create(&mut self, effects: &mut Vec<EditorEffect>) {
        let Some(Value::Array(objects)) = self.pending.clone() else {
            self.phase = Phase::Editing;
            return;
        };
        let id = self.next_id();
        effects.push(EditorEffect::Edit(EditRequest::Create {
            id,
            namespace: self.key.namespace.clone(),
            objects,
            dry_run: false,
        }));
        self.phase = Phase::Sending;
        self.notice = Some(("creating…".to_owned(), false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_order_and_errors_keep_their_line_in_the_whole_text() {
        let two = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
        let docs = documents(two).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1]["metadata"]["name"], "b");
        let bad = two.replace("  name: b", " name: b\n  x: 1");
        let e = documents(&bad).unwrap_err();
        assert!(e.line >= 9, "{e}");
        let typed = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\nspec:\n  replicas: x\n";
        assert_eq!(documents(typed).unwrap_err().line, 11);
    }

    #[test]
    fn every_kind_has_a_template_that_parses() {
        for kind in Kind::all() {
            let text = template(kind, "default");
            let value: Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!(Kind::of_object(&value), Some(kind), "{text}");
        }
    }
}
