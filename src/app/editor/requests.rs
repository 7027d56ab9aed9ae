//! The editor's requests (performed by the loop) and their answers.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use crate::cluster::{Kind, ObjectKey};

/// An object as the server sent it. Its `Debug` never shows the content (a Secret's
/// values must not reach logs).
#[derive(Clone, PartialEq)]
pub struct LiveObject(pub Arc<Value>);

impl fmt::Debug for LiveObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LiveObject(rv {})", self.resource_version())
    }
}

impl LiveObject {
    /// Wraps an object.
    pub fn new(value: Value) -> Self {
        Self(Arc::new(value))
    }

    /// `metadata.resourceVersion` ("" when missing).
    pub fn resource_version(&self) -> &str {
        self.0["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
    }
}

/// Text that may hold secrets: `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Sensitive(pub String);

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sensitive({} bytes)", self.0.len())
    }
}

/// Whose unsent text a recovery file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoveryKey {
    /// An edit of this object.
    Edit(ObjectKey),
    /// `:create FILE` (the path as typed: the loop canonicalizes it).
    CreateFile(PathBuf),
    /// `:create KIND`, from the kind's template.
    CreateNew(Kind),
}

/// What the editor asks of the loop.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorEffect {
    /// A request, answered by an [`EditReport`] with the same id.
    Edit(EditRequest),
    /// Text for the clipboard (copy and cut).
    CopyText(String),
}

/// A request of the editor, answered by an [`EditReport`] with the same id.
#[derive(Debug, Clone, PartialEq)]
pub enum EditRequest {
    /// PUT the object with `dryRun=All`.
    DryRun {
        /// Answer id.
        id: u64,
        /// The object.
        key: ObjectKey,
        /// The edited object.
        object: Value,
    },
    /// PUT the object.
    Replace {
        /// Answer id.
        id: u64,
        /// The object.
        key: ObjectKey,
        /// The edited object.
        object: Value,
    },
    /// POST each object in order (`:create`), continuing after a failure.
    Create {
        /// Answer id.
        id: u64,
        /// Namespace for objects that name none.
        namespace: String,
        /// The objects, in the order of the documents.
        objects: Vec<Value>,
        /// `dryRun=All`.
        dry_run: bool,
    },
    /// GET the object as it is now (after a conflict).
    Latest {
        /// Answer id.
        id: u64,
        /// The object.
        key: ObjectKey,
    },
    /// Run `$EDITOR` on the text (the loop suspends the terminal).
    External {
        /// Answer id.
        id: u64,
        /// The text to edit.
        text: Sensitive,
    },
    /// Write the unsent text to the recovery file of `key`.
    SaveRecovery {
        /// Context name (part of the file name).
        context: String,
        /// Whose text it is.
        key: RecoveryKey,
        /// The text.
        text: Sensitive,
    },
    /// Remove the recovery file of `key` (saved or discarded).
    RemoveRecovery {
        /// Context name.
        context: String,
        /// Whose text it was.
        key: RecoveryKey,
    },
    /// Read the recovery file of `key`, if there is one (`:create`; an edit's comes with
    /// its object).
    LoadRecovery {
        /// Answer id.
        id: u64,
        /// Context name.
        context: String,
        /// Whose text it is.
        key: RecoveryKey,
    },
}

/// What came back for an [`EditRequest`].
#[derive(Debug, Clone, PartialEq)]
pub enum EditReport {
    /// The dry run passed.
    DryRunOk(u64),
    /// The object was replaced; kubectl's words for it.
    Replaced(u64, String),
    /// The server refused (or could not be reached).
    Failed {
        /// Answer id.
        id: u64,
        /// HTTP code when the server answered (409: conflict).
        code: Option<u16>,
        /// The server's message with the field causes.
        message: String,
    },
    /// The object as it is now.
    Latest(u64, Result<LiveObject, String>),
    /// `$EDITOR` ended: the text, or why it could not run.
    ExternalDone(u64, Result<Sensitive, String>),
    /// The recovery file's text, if there was one.
    Recovered(u64, Option<Sensitive>),
}

impl EditReport {
    /// The id of the request this answers.
    pub fn id(&self) -> u64 {
        match self {
            Self::DryRunOk(id)
            | Self::Replaced(id, _)
            | Self::Failed { id, .. }
            | Self::Latest(id, _)
            | Self::ExternalDone(id, _)
            | Self::Recovered(id, _) => *id,
        }
    }
}
