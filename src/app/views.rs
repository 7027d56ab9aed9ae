//! Keeps the derived parts of the state fresh: the visible rows of tables (filtered,
//! sorted slot lists) and the rollout cache. Recomputed only when stale, never per frame.

use super::rows::RowStore;
use super::state::{Scope, Screen, State, TableView};
use crate::cluster::columns::{CellContext, Column};
use crate::cluster::{Detail, Row};

impl State {
    /// Recomputes what the shown screen derives from the stores, if they changed.
    pub fn refresh_views(&mut self) {
        let namespace = self.namespace.clone();
        // The use columns come after the kind's own: the columns as the pane shows them.
        let columns = match self.screens.last() {
            Some(Screen::Table(t)) => self.columns(t.kind),
            _ => Vec::new(),
        };
        let Some(screen) = self.screens.last_mut() else {
            return;
        };
        match screen {
            Screen::Table(table) => {
                let store = self.stores.of(table.kind);
                if table.computed_from == Some(store.generation()) {
                    // Fresh.
                } else if table.computed_from.is_some()
                    && table.membership_from == store.membership()
                    && order_ignores_contents(table, &columns)
                {
                    // Rows only changed their contents (a watch event on a known object):
                    // the same rows pass, in the same order; cells read the new rows when drawn.
                    table.computed_from = Some(store.generation());
                } else {
                    let ctx = CellContext {
                        now: self.now,
                        samples: Some(&self.metrics.samples),
                    };
                    recompute(table, store, namespace.as_deref(), &columns, &ctx);
                }
            }
            Screen::Rollout(view) => {
                view.cache
                    .refresh(&self.stores, &view.namespace, &view.name);
                view.selected = view
                    .selected
                    .min(view.cache.replica_sets.len().saturating_sub(1));
            }
            Screen::Monitor(view) => {
                view.refresh(&self.stores, namespace.as_deref());
            }
            Screen::Containers(_)
            | Screen::Text(_)
            | Screen::Logs(_)
            | Screen::Yaml(_)
            | Screen::Contexts { .. }
            | Screen::Forwards(_)
            // Its revisions are read on the Deployment's changes (`history_screen::follow`).
            | Screen::History(_) => {}
        }
    }

    /// Marks every table of the breadcrumb stale (filter, sort or namespace changed).
    pub fn invalidate_views(&mut self) {
        for screen in &mut self.screens {
            match screen {
                Screen::Table(t) => t.computed_from = None,
                Screen::Rollout(r) => r.cache.computed_from = None,
                Screen::Monitor(m) => m.cache.computed_from = None,
                _ => {}
            }
        }
    }
}

fn in_scope(row: &Row, scope: &Scope) -> bool {
    match scope {
        Scope::All => true,
        Scope::OwnedBy { kind, name } => row
            .meta
            .owner
            .as_ref()
            .is_some_and(|o| &o.kind == kind && &o.name == name),
        Scope::Selector(sel) => sel.iter().all(|(k, v)| row.meta.labels.get(k) == Some(v)),
        Scope::OnNode(node) => {
            matches!(&row.detail, Detail::Pod(p) if p.node.as_deref() == Some(node.as_str()))
        }
    }
}

/// Whether which rows are shown, and their order, depend only on what never changes
/// about an object (its namespace, name and creation), so changed rows keep their place.
fn order_ignores_contents(table: &TableView, columns: &[&Column]) -> bool {
    let column = table.sort_column.min(columns.len().saturating_sub(1));
    table.filter.is_none()
        && matches!(table.scope, Scope::All)
        && columns.get(column).is_some_and(|c| c.fixed_order)
}

fn recompute(
    table: &mut TableView,
    store: &RowStore,
    namespace: Option<&str>,
    columns: &[&Column],
    ctx: &CellContext,
) {
    let selected_key = table
        .visible
        .get(table.selected)
        .and_then(|s| store.get(*s))
        .map(|r| (r.meta.namespace.clone(), r.meta.name.clone()));
    let namespaced = table.kind.namespaced();
    table.visible.clear();
    table.visible.extend(
        store
            .iter()
            .filter(|(_, r)| !namespaced || namespace.is_none_or(|ns| r.meta.namespace == ns))
            .filter(|(_, r)| in_scope(r, &table.scope))
            .filter(|(_, r)| table.filter.as_ref().is_none_or(|f| f.matches(r)))
            .map(|(slot, _)| slot),
    );
    let column = table.sort_column.min(columns.len().saturating_sub(1));
    if let Some(col) = columns.get(column) {
        let (cmp, live) = (col.cmp, col.live_order);
        let reverse = table.sort_reverse;
        table.visible.sort_unstable_by(|a, b| {
            let (Some(ra), Some(rb)) = (store.get(*a), store.get(*b)) else {
                return std::cmp::Ordering::Equal;
            };
            let ord = match live {
                Some(live) => live(ra, rb, ctx),
                None => cmp(ra, rb),
            };
            if reverse { ord.reverse() } else { ord }
        });
    }
    if let Some((ns, name)) = selected_key
        && let Some(slot) = store.slot_of(&ns, &name)
        && let Some(pos) = table.visible.iter().position(|s| *s == slot)
    {
        table.selected = pos;
    }
    table.selected = table.selected.min(table.visible.len().saturating_sub(1));
    table.computed_from = Some(store.generation());
    table.membership_from = store.membership();
}
