//! What the server serves, as the dashboard keeps it: discovery's answer becomes the
//! [`Catalog`] that `:` looks names up in and completes from; a pane of a typed kind the
//! server serves only at another version (EndpointSlices before 1.21) turns into the
//! generic pane of that version.

use super::state::{Screen, State, TableView};
use crate::cluster::registry::{Catalog, ResourceId};

/// Takes discovery's answer.
pub fn discovered(state: &mut State, found: Result<Vec<ResourceId>, String>) {
    let ids = match found {
        Ok(ids) => ids,
        Err(e) => {
            state.status = Some(format!(
                "{e}: `:` knows kdeck's own kinds only until discovery answers"
            ));
            state.status_ok = false;
            return;
        }
    };
    state.catalog = Catalog::of_resources(&ids);
    let all = state.all_namespaces();
    for screen in &mut state.screens {
        if let Screen::Table(table) = screen {
            let resolved = state.catalog.resolve(table.kind);
            if resolved != table.kind {
                let mut shown = TableView::new(resolved, table.scope.clone(), all);
                shown.filter = table.filter.take();
                *table = shown;
            }
        }
    }
}
