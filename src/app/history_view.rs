//! `:history` (and `v`): a Deployment's revisions as `kubectl rollout history` lists
//! them, two of them marked, and their pod templates compared side by side (the older
//! on the left). The revisions are read again whenever the Deployment's ReplicaSets
//! change (a new revision, a rollback renumbering one, a change-cause), so the view
//! stays live. Undo from here is the undo dialog, through the one mutation gate.

pub mod side_by_side;

use self::side_by_side::{CONTEXT_LINES, SideBySide};
use super::rows::Stores;
use crate::action::{Action, HistoryCommand};
use crate::cluster::ops::template_diff::{template_yaml, text_diff};
use crate::cluster::ops::{DiffLine, Revision};
use crate::cluster::{Detail, Kind, ObjectKey};

/// What the view's revisions were read for: the Deployment's revision and, per
/// ReplicaSet it owns, its name, revision, change-cause and template hash. Status
/// changes (replica counts) leave it alone, so a rollout's churn reads nothing again.
pub type HistorySignature = (
    Option<i64>,
    Vec<(String, Option<i64>, Option<String>, Option<String>)>,
);

/// The two revisions compared, and their templates' comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The older revision (left column).
    pub left: i64,
    /// The newer revision (right column).
    pub right: i64,
    /// The templates side by side.
    pub side_by_side: SideBySide,
    /// The same as a unified diff, for terminals too narrow for two columns.
    pub unified: Vec<DiffLine>,
}

/// The history view of one Deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    /// Namespace of the Deployment.
    pub namespace: String,
    /// Name of the Deployment.
    pub name: String,
    /// Its revisions, oldest first: `None` until first read, or why the read failed.
    pub revisions: Option<Result<Vec<Revision>, String>>,
    /// Answer id of the latest read (earlier answers are stale).
    pub load_id: u64,
    /// What the latest read was asked for.
    pub read_for: Option<HistorySignature>,
    /// The revision under the cursor (index into the revisions).
    pub cursor: usize,
    /// The marked revisions, the most recently marked last (at most two).
    pub marks: Vec<i64>,
    /// The user marked revisions (else the marks follow the current and previous one).
    pub marked_by_user: bool,
    /// First diff row shown.
    pub scroll: usize,
    /// The marked revisions' comparison (`None`: fewer than two).
    pub comparison: Option<Comparison>,
}

impl HistoryView {
    /// The view of `namespace/name`, before its revisions are read.
    pub fn new(namespace: &str, name: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            revisions: None,
            load_id: 0,
            read_for: None,
            cursor: 0,
            marks: Vec::new(),
            marked_by_user: false,
            scroll: 0,
            comparison: None,
        }
    }

    /// The revisions read, oldest first (empty while reading or after a failure).
    pub fn list(&self) -> &[Revision] {
        match &self.revisions {
            Some(Ok(list)) => list,
            _ => &[],
        }
    }

    /// The revision under the cursor.
    pub fn cursor_revision(&self) -> Option<i64> {
        self.list().get(self.cursor).map(|r| r.revision)
    }

    /// Takes freshly read revisions: keeps the cursor on its revision and the user's
    /// marks that still exist; otherwise marks the current revision and the one before.
    pub fn loaded(&mut self, revisions: Result<Vec<Revision>, String>) {
        let under_cursor = self.cursor_revision();
        self.revisions = Some(revisions);
        let list = self.list();
        let numbers: Vec<i64> = list.iter().map(|r| r.revision).collect();
        let current = list.iter().find(|r| r.current).map(|r| r.revision);
        self.cursor = under_cursor
            .and_then(|rev| numbers.iter().position(|n| *n == rev))
            .or_else(|| current.and_then(|c| numbers.iter().position(|n| *n == c)))
            .unwrap_or(numbers.len().saturating_sub(1));
        self.marks.retain(|m| numbers.contains(m));
        if !self.marked_by_user || self.marks.len() < 2 {
            self.marks = default_marks(&numbers, current);
            self.marked_by_user = false;
        }
        self.compare();
    }

    /// Marks the revision under the cursor, in place of the one marked longest ago.
    pub fn mark(&mut self) -> Option<String> {
        let revision = self.cursor_revision()?;
        if self.marks.contains(&revision) {
            return Some(format!("revision {revision} is already marked"));
        }
        if self.marks.len() >= 2 {
            self.marks.remove(0);
        }
        self.marks.push(revision);
        self.marked_by_user = true;
        self.compare();
        Some(match &self.comparison {
            Some(c) => format!("comparing revision {} with revision {}", c.left, c.right),
            None => format!("revision {revision} marked: mark another to compare"),
        })
    }

    /// Recomputes the comparison of the marked revisions (on a read or a mark, never
    /// per frame).
    fn compare(&mut self) {
        let template = |rev: i64| {
            self.list()
                .iter()
                .find(|r| r.revision == rev)
                .map(|r| template_yaml(&r.template))
        };
        let [a, b] = self.marks.as_slice() else {
            self.comparison = None;
            return;
        };
        let (left, right) = ((*a).min(*b), (*a).max(*b));
        // A new pair starts at its top; a reread of the same pair keeps the place.
        let same_pair = self
            .comparison
            .as_ref()
            .is_some_and(|c| (c.left, c.right) == (left, right));
        let (Some(old), Some(new)) = (template(left), template(right)) else {
            self.comparison = None;
            return;
        };
        let comparison = Comparison {
            left,
            right,
            side_by_side: SideBySide::compare(&old, &new, CONTEXT_LINES),
            unified: text_diff(&old, &new),
        };
        if !same_pair {
            self.scroll = 0;
        }
        self.comparison = Some(comparison);
    }

    /// The rows of the revision list (with its header) in a view `inner_height` rows
    /// high: what it needs, up to a third of the view; the diff gets the rest but one.
    pub fn list_rows(&self, inner_height: u16) -> u16 {
        u16::try_from(self.list().len() + 1)
            .unwrap_or(u16::MAX)
            .min((inner_height / 3).max(3))
    }

    /// The diff rows shown at once in a view `inner_height` rows high.
    pub fn diff_room(&self, inner_height: u16) -> usize {
        usize::from(inner_height.saturating_sub(self.list_rows(inner_height) + 1)).max(1)
    }

    /// How many diff rows there are to scroll through.
    pub fn diff_rows(&self, unified: bool) -> usize {
        self.comparison.as_ref().map_or(0, |c| {
            if unified {
                c.unified.len()
            } else {
                c.side_by_side.rows.len()
            }
        })
    }
}

/// Terminals narrower than this get the unified diff: two columns of a template's
/// YAML (nested six levels deep) would cut most lines.
pub const SIDE_BY_SIDE_MIN_WIDTH: u16 = 100;

/// Whether a terminal `width` columns wide shows the unified diff instead of two columns.
pub fn unified(width: u16) -> bool {
    width < SIDE_BY_SIDE_MIN_WIDTH
}

/// The current revision and the one before it (or after it, when it is the oldest).
fn default_marks(numbers: &[i64], current: Option<i64>) -> Vec<i64> {
    let Some(at) = current
        .and_then(|c| numbers.iter().position(|n| *n == c))
        .or_else(|| numbers.len().checked_sub(1))
    else {
        return Vec::new();
    };
    let other = at
        .checked_sub(1)
        .or_else(|| (at + 1 < numbers.len()).then_some(at + 1));
    other
        .into_iter()
        .chain([at])
        .filter_map(|i| numbers.get(i).copied())
        .collect()
}

/// What the revisions of Deployment `namespace/name` depend on, from the watched rows.
fn signature(stores: &Stores, namespace: &str, name: &str) -> HistorySignature {
    let revision = match stores
        .of(Kind::Deployment)
        .find(namespace, name)
        .map(|r| &r.detail)
    {
        Some(Detail::Deployment(d)) => d.revision,
        _ => None,
    };
    let mut replica_sets: Vec<_> = stores
        .of(Kind::ReplicaSet)
        .iter()
        .filter(|(_, r)| {
            r.meta.namespace == namespace
                && r.meta
                    .owner
                    .as_ref()
                    .is_some_and(|o| o.kind == "Deployment" && o.name == name)
        })
        .map(|(_, r)| match &r.detail {
            Detail::ReplicaSet(rs) => (
                r.meta.name.clone(),
                rs.revision,
                rs.change_cause.clone(),
                rs.template_hash.clone(),
            ),
            _ => (r.meta.name.clone(), None, None, None),
        })
        .collect();
    replica_sets.sort();
    (revision, replica_sets)
}

/// What the view's own keys did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyed {
    /// Space marked or unmarked a revision; what the status line should say about it.
    Marked(Option<String>),
    /// The diff scrolled.
    Scrolled,
}

impl HistoryView {
    /// The signature to read the revisions again for, when the Deployment's ReplicaSets
    /// changed since the last read (checked once per frame, after the frame's updates).
    pub fn stale(&self, stores: &Stores) -> Option<HistorySignature> {
        let now = signature(stores, &self.namespace, &self.name);
        (self.read_for.as_ref() != Some(&now)).then_some(now)
    }

    /// Notes that the revisions are being read for `signature`, answer `id`; returns the
    /// Deployment to read them of.
    pub fn reading(&mut self, signature: HistorySignature, id: u64) -> ObjectKey {
        self.read_for = Some(signature);
        self.load_id = id;
        ObjectKey {
            kind: Kind::Deployment,
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }

    /// The view's own keys (Space marks) and its diff scrolling (PageUp, PageDown), on a
    /// screen of `size`; `None` when the key is not the view's.
    pub fn key(&mut self, action: &Action, size: (u16, u16)) -> Option<Keyed> {
        // The view's inside: the screen less the header, footer and borders.
        let inner_height = size.1.saturating_sub(6);
        let page = self.diff_room(inner_height);
        // Scrolled no further than the last page, so PageUp moves at once.
        let last = self.diff_rows(unified(size.0)).saturating_sub(page);
        match action {
            Action::HistoryKey(HistoryCommand::Mark) => return Some(Keyed::Marked(self.mark())),
            Action::PageDown => self.scroll = (self.scroll + page).min(last),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page),
            _ => return None,
        }
        Some(Keyed::Scrolled)
    }
}
