//! Moving around: the selection, drill-down along Deployment -> rollout -> ReplicaSet ->
//! pods -> containers -> logs, back along the breadcrumb, and the YAML/describe views.

use super::describe::describe_text;
use super::msg::Effect;
use super::rollout::RolloutCache;
use super::state::{ContainersView, RolloutView, Scope, Screen, State, TableView, TextView};
use super::update::{show_pane, switch_namespace};
use crate::cluster::{Detail, Kind, ObjectKey, Row};

/// Moves the selection by `delta` rows (`isize::MIN`/`MAX`: to the first/last).
pub fn move_by(state: &mut State, delta: isize) {
    let page = state.page_rows();
    let contexts = state.connection.contexts.len();
    let forwards = state.forwards.list.len();
    let pod_containers = containers_len(state);
    let Some(screen) = state.screens.last_mut() else {
        return;
    };
    let (selected, len) = match screen {
        Screen::Table(t) => (&mut t.selected, t.visible.len()),
        Screen::Rollout(r) => (&mut r.selected, r.cache.replica_sets.len()),
        Screen::Containers(c) => (&mut c.selected, pod_containers),
        Screen::Text(t) => {
            let lines = match &t.text {
                Some(Ok(text)) => text.lines().count(),
                _ => 0,
            };
            (&mut t.scroll, lines.saturating_sub(page) + 1)
        }
        Screen::Contexts { selected } => (selected, contexts),
        Screen::Forwards(f) => (&mut f.selected, forwards),
        Screen::Monitor(m) => (&mut m.selected, m.cache.cards.len()),
        Screen::History(h) => {
            let len = h.list().len();
            (&mut h.cursor, len)
        }
        Screen::Yaml(y) => {
            y.scroll_by(delta, page);
            return;
        }
        Screen::Logs(l) => {
            // Scrolling up stops following; reaching the end follows again.
            l.scroll(delta, page);
            return;
        }
    };
    let last = len.saturating_sub(1);
    *selected = match delta {
        isize::MIN => 0,
        isize::MAX => last,
        d => selected.saturating_add_signed(d).min(last),
    };
    if let Screen::Table(t) = screen {
        if t.selected < t.offset {
            t.offset = t.selected;
        } else if t.selected >= t.offset + page {
            t.offset = t.selected + 1 - page;
        }
    }
}

fn containers_len(state: &State) -> usize {
    match state.screen() {
        Screen::Containers(c) => match state.stores.of(Kind::Pod).find(&c.namespace, &c.name) {
            Some(Row {
                detail: Detail::Pod(p),
                ..
            }) => p.containers.len(),
            _ => 0,
        },
        _ => 0,
    }
}

/// The row selected in the shown table, if any.
pub fn selected_row(state: &State) -> Option<&Row> {
    match state.screen() {
        Screen::Table(t) => t
            .visible
            .get(t.selected)
            .and_then(|s| state.stores.of(t.kind).get(*s)),
        Screen::Rollout(r) => r
            .cache
            .replica_sets
            .get(r.selected)
            .and_then(|s| state.stores.of(Kind::ReplicaSet).get(*s)),
        Screen::Monitor(m) => m
            .cache
            .cards
            .get(m.selected)
            .and_then(|c| state.stores.of(Kind::Deployment).get(c.deployment)),
        _ => None,
    }
}

/// The object the shown screen is about (the selected row, the rollout's Deployment...).
pub fn selected_key(state: &State) -> Option<ObjectKey> {
    let key = |kind: Kind, namespace: &str, name: &str| ObjectKey {
        kind,
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    };
    match state.screen() {
        Screen::Table(t) => {
            selected_row(state).map(|r| key(t.kind, &r.meta.namespace, &r.meta.name))
        }
        Screen::Rollout(r) => Some(key(Kind::Deployment, &r.namespace, &r.name)),
        Screen::History(h) => Some(key(Kind::Deployment, &h.namespace, &h.name)),
        Screen::Monitor(_) => {
            selected_row(state).map(|r| key(Kind::Deployment, &r.meta.namespace, &r.meta.name))
        }
        Screen::Containers(c) => Some(key(Kind::Pod, &c.namespace, &c.name)),
        Screen::Logs(l) => match &l.scope {
            super::logs::LogScope::Pod { pod } => Some(key(Kind::Pod, &l.namespace, pod)),
            super::logs::LogScope::Workload { kind, name } => Some(key(*kind, &l.namespace, name)),
        },
        Screen::Yaml(y) => Some(y.key.clone()),
        Screen::Text(_) | Screen::Contexts { .. } | Screen::Forwards(_) => None,
    }
}

/// Opens the selected item.
pub fn enter(state: &mut State, effects: &mut Vec<Effect>) {
    let all = state.all_namespaces();
    let next = match state.screen() {
        Screen::Table(t) => {
            let Some(row) = selected_row(state) else {
                return;
            };
            let (ns, name) = (row.meta.namespace.clone(), row.meta.name.clone());
            let pods = |scope| Some(Screen::Table(TableView::new(Kind::Pod, scope, all)));
            let owned = |kind: &str| Scope::OwnedBy {
                kind: kind.to_owned(),
                name: name.clone(),
            };
            match (&t.kind, &row.detail) {
                (Kind::Deployment, _) => Some(rollout_view(ns.to_string(), name)),
                (Kind::ReplicaSet, _) => pods(owned("ReplicaSet")),
                (Kind::DaemonSet, _) => pods(owned("DaemonSet")),
                (Kind::StatefulSet, _) => pods(owned("StatefulSet")),
                (Kind::Job, _) => pods(owned("Job")),
                (Kind::CronJob, _) => Some(Screen::Table(TableView::new(
                    Kind::Job,
                    owned("CronJob"),
                    all,
                ))),
                (Kind::Service, Detail::Service(s)) if !s.selector.is_empty() => {
                    pods(Scope::Selector(s.selector.clone()))
                }
                (Kind::Node, _) => pods(Scope::OnNode(name)),
                (Kind::Pod, _) => Some(Screen::Containers(ContainersView {
                    namespace: ns.to_string(),
                    name,
                    selected: 0,
                })),
                (Kind::Namespace, _) => {
                    switch_namespace(state, Some(name));
                    show_pane(state, Kind::Pod);
                    return;
                }
                _ => {
                    describe(state, effects);
                    return;
                }
            }
        }
        Screen::Rollout(_) => selected_row(state).map(|rs| {
            Screen::Table(TableView::new(
                Kind::Pod,
                Scope::OwnedBy {
                    kind: "ReplicaSet".to_owned(),
                    name: rs.meta.name.clone(),
                },
                all,
            ))
        }),
        Screen::Monitor(_) => selected_row(state)
            .map(|d| rollout_view(d.meta.namespace.to_string(), d.meta.name.clone())),
        Screen::Containers(_) => {
            super::logs_screen::open_selected(state, effects);
            return;
        }
        Screen::Contexts { selected } => {
            if let Some(name) = state.connection.contexts.get(*selected).cloned() {
                state.screens.pop();
                switch_context(state, name, effects);
            }
            None
        }
        Screen::Text(_)
        | Screen::Logs(_)
        | Screen::Yaml(_)
        | Screen::Forwards(_)
        | Screen::History(_) => None,
    };
    if let Some(screen) = next {
        state.screens.push(screen);
    }
}

fn rollout_view(namespace: String, name: String) -> Screen {
    Screen::Rollout(RolloutView {
        namespace,
        name,
        selected: 0,
        cache: RolloutCache::default(),
        new_pod_logs: None,
    })
}

/// Goes back: clears the table's filter first, then pops the breadcrumb.
pub fn back(state: &mut State) {
    if let Some(Screen::Table(t)) = state.screen_mut()
        && t.filter.is_some()
    {
        t.filter = None;
        t.computed_from = None;
        return;
    }
    if state.screens.len() > 1 {
        state.screens.pop();
    }
}

/// Opens a describe view of the selected object: at once from the rows kdeck holds, then
/// the server's fuller text (the loop fetches it) replaces it.
pub fn describe(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(key) = selected_key(state) else {
        state.status = Some("nothing selected to describe".to_owned());
        return;
    };
    let text = describe_text(state, &key);
    let title = format!("describe {}/{}", key.kind.word(), key.name);
    state.screens.push(Screen::Text(TextView {
        title: title.clone(),
        text: text.map(Ok),
        scroll: 0,
        key: Some(key.clone()),
    }));
    effects.push(Effect::Describe { key, title });
}

/// Asks the loop to connect to context `name`; the old connection keeps showing until then.
pub fn switch_context(state: &mut State, name: String, effects: &mut Vec<Effect>) {
    if !state.connection.contexts.is_empty() && !state.connection.contexts.contains(&name) {
        state.status = Some(format!("no context {name:?} in the kubeconfig"));
        return;
    }
    state.connection.switching_to = Some(name.clone());
    effects.push(Effect::SwitchContext(name));
}
