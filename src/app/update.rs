//! `update`: the only place the state changes. Pure: no I/O, no terminal; what needs
//! the cluster is returned as [`Effect`]s for the loop to perform.

use super::filter::Filter;
use super::monitor::MonitorView;
use super::msg::{Effect, Msg};
use super::navigation;
use super::state::{Mode, PANES, Scope, Screen, State, TableView};
use crate::action::Action;
use crate::cluster::{ClusterUpdate, Kind, WatchState};
use crate::command_line::{self as command, Command};

/// Applies `msg` to `state` and returns what the runtime must do. The one step function:
/// the event loop and the tests' driver both call it (through
/// [`runtime::App`](crate::runtime::App)) and run every effect it returns.
pub fn update(state: &mut State, msg: impl Into<Msg>) -> Vec<Effect> {
    let msg = msg.into();
    let mut effects = Vec::new();
    // Typing a filter changes the view on every key: leave the recompute to the frame
    // (the tick before drawing), so a burst of keys filters once.
    let typing = matches!(state.mode, Mode::Filter(_))
        && matches!(
            msg,
            Msg::InputChar(_) | Msg::InputText(_) | Msg::InputBackspace | Msg::InputClear
        );
    match msg {
        Msg::Cluster(updates) => {
            // Views are refreshed once per frame (the tick), not per update.
            for update in updates {
                state.timelines.observe(&update);
                if apply_cluster(state, update) {
                    effects.push(Effect::Discover);
                }
            }
            super::yaml_screen::follow(state, &mut effects);
            // New pods of a followed workload join its logs view.
            effects.extend(super::logs_screen::reconcile(state));
            return effects;
        }
        Msg::Start => {
            super::run_pod::look_for_leftovers(state, &mut effects);
            effects.push(Effect::AskServerVersion);
            // Start-up may have asked already (so `:` completes from the first frame).
            effects.push(if state.catalog.discovered() {
                Effect::FollowDefinitions
            } else {
                Effect::Discover
            });
            return effects;
        }
        Msg::Discovered(found) => super::catalog::discovered(state, found),
        Msg::Tick(now) => {
            state.now = now;
            state.timelines.stamp(now);
            state.refresh_views();
            super::history_screen::follow(state, &mut effects);
            // The canary plans are judged and driven here, at a fresh `now`: the tick comes
            // before every frame, so within a frame of the rows that changed.
            super::canary_tracking::drive(state, &mut effects);
            return effects;
        }
        Msg::Key(key) => return super::keys::key(state, key),
        Msg::Paste(text) => return super::keys::paste(state, text),
        Msg::Resize(w, h) => state.size = (w, h),
        Msg::TextLoaded { title, text } => {
            for screen in state.screens.iter_mut().rev() {
                if let Screen::Text(view) = screen
                    && view.title == title
                {
                    match (&view.text, text) {
                        // Keep the text built locally when the server's describe fails.
                        (Some(Ok(_)), Err(e)) => {
                            state.status = Some(format!("the server's describe failed: {e}"));
                        }
                        (_, text) => view.text = Some(text),
                    }
                    break;
                }
            }
        }
        Msg::ServerVersion(v) => state.connection.server_version = Some(v),
        Msg::PermissionAnswer { question, answer } => {
            state.permissions.record(question, answer);
        }
        Msg::Connected {
            context,
            server,
            namespace,
        } => {
            connected(state, context, server, namespace);
            effects.push(Effect::AskServerVersion);
            effects.push(Effect::Discover);
        }
        Msg::ConnectFailed(message) => {
            state.connection.switching_to = None;
            state.status = Some(message);
        }
        Msg::Status(message) => {
            state.status = Some(message);
            state.status_ok = false;
        }
        Msg::Done(message) => {
            state.status = Some(message);
            state.status_ok = true;
        }
        Msg::LogStream { stream, chunk } => {
            if !super::canary_plan::log_chunk(&mut state.canary, state.now, stream, &chunk) {
                super::logs_screen::chunk(state, stream, chunk);
            }
        }
        Msg::CommandDone { id, outcome } => {
            super::canary_plan::command_done(&mut state.canary, id, &outcome);
        }
        Msg::DialogKey(k) => super::dialog_screen::key(state, k, &mut effects),
        Msg::ObjectLoaded {
            key,
            object,
            recovery,
        } => super::yaml_screen::loaded(state, &key, object, recovery, &mut effects),
        Msg::YamlKey(k) => {
            state.status = None;
            super::yaml_screen::key(state, k, &mut effects);
        }
        Msg::YamlPaste(text) => super::yaml_screen::paste(state, &text, &mut effects),
        Msg::EditReport(report) => super::yaml_screen::report(state, report, &mut effects),
        Msg::FileRead { path, text } => match text {
            Ok(text) => {
                state.status = Some(format!(
                    "{}: Ctrl-s checks, dry-runs and shows what will be created",
                    path.display()
                ));
                let kind = root_kind(state);
                super::yaml_screen::create_from(state, kind, Some(&path), &text, &mut effects);
            }
            Err(message) => state.status = Some(message),
        },
        Msg::OpReport { id, report } => {
            if !super::canary_answers::report(state, id, &report) {
                super::operations::report(state, id, report, &mut effects);
            }
        }
        Msg::Stream(msg) => super::stream_msg::apply(state, msg, &mut effects),
        Msg::Metrics(report) => super::metrics_polling::report(state, report),
        input_msg @ (Msg::InputChar(_)
        | Msg::InputText(_)
        | Msg::InputBackspace
        | Msg::InputClear
        | Msg::InputComplete
        | Msg::InputSubmit
        | Msg::InputCancel) => {
            if !super::logs_screen::input(state, &input_msg, &mut effects) {
                input(state, &input_msg, &mut effects);
            }
        }
        Msg::Action(action) => {
            state.status = None;
            state.status_ok = false;
            state.warnings.clear();
            if state.mode == Mode::Help {
                state.mode = Mode::Normal;
                if matches!(action, Action::Help | Action::Back | Action::Quit) {
                    return effects;
                }
            }
            key(state, action, &mut effects);
        }
    }
    if !typing {
        state.refresh_views();
    }
    effects.extend(super::watches::ensure(state));
    effects.extend(super::metrics_polling::ensure_polling(state));
    effects.extend(super::permissions::ask_missing(state));
    effects
}

/// Applies one update; `true` when discovery should be read again: the server said it
/// does not serve a kind its discovery listed (a CRD's version removed, a kind moved).
fn apply_cluster(state: &mut State, update: ClusterUpdate) -> bool {
    match update {
        ClusterUpdate::State { kind, state: watch } => {
            let moved = matches!(watch, WatchState::Unavailable(_))
                && state.catalog.discovered()
                && state.catalog.serves(kind)
                && state.rediscovered.insert(kind);
            state.watch_states.insert(kind, watch);
            return moved;
        }
        ClusterUpdate::Columns { kind, columns } => {
            state.server_columns.insert(kind, columns);
        }
        rows => state.stores.apply(rows),
    }
    false
}

fn connected(state: &mut State, context: String, server: String, namespace: String) {
    state.connection.context = context;
    state.connection.server = server;
    state.connection.server_version = None;
    state.connection.switching_to = None;
    state.namespace = Some(namespace);
    state.stores = super::rows::Stores::default();
    state.timelines.clear();
    state.watching.clear();
    state.watch_states.clear();
    state.rediscovered.clear();
    state.server_columns.clear();
    state.catalog = crate::cluster::registry::Catalog::typed();
    state.permissions.clear();
    state.metrics.reset();
    let root = root_kind(state);
    state.screens = vec![Screen::Table(TableView::new(root, Scope::All, false))];
}

fn root_kind(state: &State) -> Kind {
    match state.screens.first() {
        Some(Screen::Table(t)) => t.kind,
        _ => Kind::Pod,
    }
}

fn key(state: &mut State, action: Action, effects: &mut Vec<Effect>) {
    if super::logs_screen::key(state, &action, effects)
        || super::yaml_screen::command(state, &action, effects)
        || super::port_forwards::key(state, &action, effects)
        || super::history_screen::key(state, &action)
    {
        return;
    }
    match action {
        Action::Up => navigation::move_by(state, -1),
        Action::Down => navigation::move_by(state, 1),
        Action::PageUp => navigation::move_by(state, -(state.page_rows() as isize)),
        Action::PageDown => navigation::move_by(state, state.page_rows() as isize),
        Action::Top => navigation::move_by(state, isize::MIN),
        Action::Bottom => navigation::move_by(state, isize::MAX),
        Action::Enter => navigation::enter(state, effects),
        Action::Back => navigation::back(state),
        Action::NextPane | Action::PrevPane => {
            let root = root_kind(state);
            let i = PANES.iter().position(|k| *k == root).unwrap_or(0);
            let n = PANES.len();
            let next = if action == Action::NextPane {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            show_pane(state, PANES[next]);
        }
        Action::CommandMode => state.mode = Mode::Command(String::new()),
        Action::FilterMode if super::yaml_screen::start_search(state) => {}
        Action::FilterMode => match state.screen() {
            Screen::Table(t) => {
                let text = t
                    .filter
                    .as_ref()
                    .map(|f| f.text.clone())
                    .unwrap_or_default();
                state.mode = Mode::Filter(text);
            }
            _ => state.status = Some("/ filters tables; this view has none".to_owned()),
        },
        Action::AllNamespaces => switch_namespace(state, None),
        Action::Help => state.mode = Mode::Help,
        Action::Describe => navigation::describe(state, effects),
        Action::Yaml => super::yaml_screen::open(state, None, effects),
        Action::SortNext | Action::SortPrev | Action::SortReverse => sort(state, &action),
        Action::Quit => state.quit = true,
        Action::ShowLogs => super::logs_screen::open_selected(state, effects),
        Action::History => super::history_screen::open(state, None, effects),
        mutation if mutation.is_mutation() => {
            if state.readonly {
                state.status = Some(super::permissions::readonly_refusal(&mutation));
                return;
            }
            if let Some(why) = super::permissions::denial(state, &mutation) {
                state.status = Some(why);
                state.status_ok = false;
                return;
            }
            if let Some(why) = verb_missing(state, &mutation) {
                state.status = Some(why);
                state.status_ok = false;
                return;
            }
            if matches!(mutation, Action::Edit | Action::EditExternal) {
                let external = mutation == Action::EditExternal;
                super::yaml_screen::open(state, Some(external), effects);
                return;
            }
            match mutation {
                Action::PodKey(command) => super::shell_session::key(state, command, effects),
                Action::PortForward => super::port_forwards::open_dialog(state, effects),
                _ => super::dialog_screen::open(state, &mutation, effects),
            }
        }
        _ => {}
    }
}

/// Why the server's resource does not take `action` at all (a discovered kind whose
/// discovery lacks the verb), if so.
fn verb_missing(state: &State, action: &Action) -> Option<String> {
    let kind = navigation::selected_key(state)?.kind;
    let facts = kind.facts()?;
    let verb = match action {
        Action::Delete => "delete",
        Action::Edit | Action::EditExternal => "update",
        _ => return None,
    };
    (!facts.can(verb)).then(|| {
        format!(
            "the server does not allow {verb} on {}: {}",
            kind.plural(),
            facts.verbs.join(", ")
        )
    })
}

fn sort(state: &mut State, action: &Action) {
    let Screen::Table(t) = state.screen() else {
        state.status = Some("sorting works on tables".to_owned());
        return;
    };
    let n = state.columns(t.kind).len().max(1);
    let Some(Screen::Table(t)) = state.screen_mut() else {
        return;
    };
    match action {
        Action::SortNext => (t.sort_column, t.sort_reverse) = ((t.sort_column + 1) % n, false),
        Action::SortPrev => (t.sort_column, t.sort_reverse) = ((t.sort_column + n - 1) % n, false),
        _ => t.sort_reverse = !t.sort_reverse,
    }
    t.computed_from = None;
}

/// Shows `kind` as the root pane, dropping the breadcrumb.
pub fn show_pane(state: &mut State, kind: Kind) {
    let all = state.all_namespaces();
    state.screens = vec![Screen::Table(TableView::new(kind, Scope::All, all))];
}

/// Shows `namespace` (`None`: all namespaces), restarting the namespaced watches.
pub fn switch_namespace(state: &mut State, namespace: Option<String>) {
    if state.namespace == namespace {
        return;
    }
    state.namespace = namespace;
    let namespaced: Vec<Kind> = state
        .watching
        .keys()
        .copied()
        .filter(|k| k.namespaced())
        .collect();
    for kind in namespaced {
        state.watching.remove(&kind);
        state.stores.of_mut(kind).clear();
        state.watch_states.remove(&kind);
    }
    // The monitor stays the monitor; a table root shows its kind in the new namespace.
    if let Some(Screen::Monitor(m)) = state.screens.first() {
        state.screens = vec![Screen::Monitor(MonitorView::new(m.chosen.clone()))];
    } else {
        let root = match root_kind(state) {
            Kind::Namespace => Kind::Pod,
            k => k,
        };
        show_pane(state, root);
    }
    state.status = Some(match &state.namespace {
        Some(ns) => format!("namespace {ns}"),
        None => "all namespaces".to_owned(),
    });
}

fn input(state: &mut State, msg: &Msg, effects: &mut Vec<Effect>) {
    match state.mode.clone() {
        Mode::Command(mut line) => match msg {
            Msg::InputChar(c) => {
                line.push(*c);
                state.mode = Mode::Command(line);
            }
            Msg::InputText(text) => {
                line.push_str(text);
                state.mode = Mode::Command(line);
            }
            Msg::InputBackspace => {
                line.pop();
                state.mode = Mode::Command(line);
            }
            Msg::InputClear => state.mode = Mode::Command(String::new()),
            Msg::InputComplete => {
                let namespaces: Vec<&str> = state
                    .stores
                    .of(Kind::Namespace)
                    .iter()
                    .map(|(_, r)| r.meta.name.as_str())
                    .collect();
                let (done, candidates) = command::complete(
                    &line,
                    &namespaces,
                    &state.connection.contexts,
                    &state.aliases,
                    &state.catalog,
                );
                state.status = (!candidates.is_empty()).then(|| candidates.join("  "));
                state.mode = Mode::Command(done);
            }
            Msg::InputSubmit => {
                state.mode = Mode::Normal;
                state.status = None;
                match command::parse(&state.aliases.expand(&line), &state.catalog) {
                    Ok(cmd) => run_command(state, cmd, effects),
                    Err(e) => state.status = Some(e),
                }
            }
            _ => state.mode = Mode::Normal,
        },
        Mode::Filter(mut text) => {
            match msg {
                Msg::InputChar(c) => text.push(*c),
                Msg::InputText(pasted) => text.push_str(pasted),
                Msg::InputBackspace => {
                    text.pop();
                }
                Msg::InputClear => text.clear(),
                Msg::InputSubmit => {
                    state.mode = Mode::Normal;
                    return;
                }
                Msg::InputCancel => {
                    state.mode = Mode::Normal;
                    set_filter(state, "");
                    return;
                }
                _ => {}
            }
            set_filter(state, &text);
            state.mode = Mode::Filter(text);
        }
        Mode::Normal | Mode::Help => {}
    }
}

/// Sets the filter of the shown table; a selector that does not parse yet keeps the old filter.
fn set_filter(state: &mut State, text: &str) {
    let parsed = if text.trim().is_empty() {
        Ok(None)
    } else {
        Filter::parse(text).map(Some)
    };
    let Some(Screen::Table(t)) = state.screen_mut() else {
        return;
    };
    match parsed {
        Ok(filter) => {
            let note = filter.as_ref().and_then(|f| f.note.clone());
            t.filter = filter;
            t.computed_from = None;
            t.selected = 0;
            t.offset = 0;
            state.status = note;
        }
        Err(e) => state.status = Some(e),
    }
}

fn run_command(state: &mut State, cmd: Command, effects: &mut Vec<Effect>) {
    match cmd {
        Command::Pane(kind) => show_pane(state, kind),
        Command::Namespace(ns) => {
            let ns = (!matches!(ns.as_str(), "all" | "-A" | "*")).then_some(ns);
            switch_namespace(state, ns);
        }
        Command::Context(None) => {
            let selected = state
                .connection
                .contexts
                .iter()
                .position(|c| *c == state.connection.context)
                .unwrap_or(0);
            state.screens.push(Screen::Contexts { selected });
        }
        Command::Context(Some(name)) => navigation::switch_context(state, name, effects),
        Command::Quit => state.quit = true,
        Command::Monitor(chosen) => state.screens = vec![Screen::Monitor(MonitorView::new(chosen))],
        Command::Canary => key(state, Action::Canary, effects),
        Command::Create(kind) if state.readonly => {
            let what = kind.map_or("objects".to_owned(), |k| format!("{k:?}"));
            state.status = Some(format!("read-only session: create {what} was not sent"));
        }
        Command::Create(kind) => {
            let kind = kind.unwrap_or_else(|| root_kind(state));
            super::yaml_screen::create(state, kind, effects);
        }
        Command::CreateFrom(path) if state.readonly => {
            state.status = Some(format!(
                "read-only session: create from {} was not sent",
                path.display()
            ));
        }
        Command::CreateFrom(path) => {
            state.status = Some(format!("reading {}…", path.display()));
            effects.push(Effect::ReadFile(path));
        }
        Command::Shell => super::shell_session::shell_command(state, effects),
        Command::Forwards => super::port_forwards::show(state),
        Command::History(name) => super::history_screen::open(state, name, effects),
        Command::Run { image, args } => super::run_pod::run(state, image, args, effects),
    }
}
