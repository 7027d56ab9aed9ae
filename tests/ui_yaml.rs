//! The YAML view and the editor drawn on ratatui's `TestBackend`: snapshots at 80x24
//! in the dark and the 16-colour themes, colours of key cells, and the view's own keys
//! (search, toggles, following the object) driven through `update`.

mod ui_fixtures;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kdeck::action::Action;
use kdeck::app::editor::LiveObject;
use kdeck::app::state::{Screen, State};
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::{ClusterUpdate, Kind, ObjectKey};
use kdeck::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use serde_json::json;
use ui_fixtures::{render, text};
use ui_fixtures::{rows, state};

/// The foreground colour of the first cell of `needle`.
fn fg_of(buf: &Buffer, needle: &str) -> Color {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        if let Some(i) = line.find(needle) {
            let x = line[..i].chars().count() as u16;
            return buf[(x, y as u16)].fg;
        }
    }
    panic!("{needle:?} not on screen:\n{t}")
}

fn deployment(rv: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "hello-deploy", "namespace": "default", "resourceVersion": rv,
            "annotations": {"deployment.kubernetes.io/revision": "2"},
            "labels": {"app": "hello"},
            "managedFields": [{"manager": "kube-controller-manager", "operation": "Update"}]},
        "spec": {"replicas": 10, "paused": false,
            "selector": {"matchLabels": {"app": "hello"}},
            "template": {"metadata": {"labels": {"app": "hello"}},
                "spec": {"containers": [{"name": "hello", "image": "nginx:1.16.1"}]}}},
        "status": {"availableReplicas": 10, "replicas": 10}
    })
}

fn key_event(c: char) -> Msg {
    Msg::YamlKey(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// A state showing the YAML view of hello-deploy at resourceVersion `rv`.
fn yaml_state(theme: Theme, rv: &str) -> (State, ObjectKey) {
    let mut s = state(Kind::Deployment, (80, 24));
    s.theme = theme;
    let key = ObjectKey {
        kind: Kind::Deployment,
        namespace: "default".into(),
        name: "hello-deploy".into(),
    };
    let mut row = s
        .stores
        .of(Kind::Deployment)
        .find("default", "hello-deploy")
        .cloned()
        .expect("the fixture has hello-deploy");
    rv.clone_into(&mut row.meta.resource_version);
    let _ = update(
        &mut s,
        Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::Deployment,
            rows: vec![row],
        }]),
    );
    // Open the view of that row as `y` does, then answer the fetch.
    s.screens.push(Screen::Yaml(Box::new(
        kdeck::app::yaml_view::YamlView::new(key.clone()),
    )));
    let _ = update(
        &mut s,
        Msg::ObjectLoaded {
            key: key.clone(),
            object: Ok(LiveObject::new(deployment(rv))),
            recovery: None,
        },
    );
    (s, key)
}

#[test]
fn y_asks_for_the_selected_object() {
    let mut s = state(Kind::Deployment, (80, 24));
    let effects = update(&mut s, Action::Yaml);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::FetchObject {
                for_edit: false,
                ..
            }
        )),
        "{effects:?}"
    );
    assert!(matches!(s.screen(), Screen::Yaml(_)));
    assert!(text(&render(&s)).contains("loading…"));
}

#[test]
fn highlighted_view_dark_80x24() {
    let (s, _) = yaml_state(Theme::dark(), "7");
    let buf = render(&s);
    insta::assert_snapshot!("yaml_dark_80x24", text(&buf));
    let dark = Theme::dark();
    assert_eq!(
        fg_of(&buf, "apiVersion"),
        dark.accent,
        "keys in the accent colour"
    );
    assert_eq!(fg_of(&buf, "apps/v1"), dark.status_ok, "strings");
    assert_eq!(fg_of(&buf, "false"), dark.status_warn, "literals");
    assert!(!text(&buf).contains("managedFields:"), "hidden by default");
}

#[test]
fn highlighted_view_16color_80x24_uses_ansi_colours() {
    let theme = Theme::shipped("16color").expect("shipped");
    let (s, _) = yaml_state(theme, "7");
    let buf = render(&s);
    insta::assert_snapshot!("yaml_16color_80x24", text(&buf));
    assert_eq!(fg_of(&buf, "apiVersion"), Color::Cyan);
    assert_eq!(fg_of(&buf, "apps/v1"), Color::Green);
    assert_eq!(fg_of(&buf, "false"), Color::Yellow);
}

#[test]
fn toggles_show_managed_fields_and_fold_status() {
    let (mut s, _) = yaml_state(Theme::dark(), "7");
    let _ = update(&mut s, key_event('M'));
    let _ = update(&mut s, Action::Bottom);
    let shown = text(&render(&s));
    assert!(shown.contains("[managedFields]"), "{shown}");
    let Screen::Yaml(view) = s.screen() else {
        panic!("the YAML view")
    };
    assert!(view.text.0.contains("managedFields"));
    assert!(view.text.0.contains("availableReplicas"));
    let _ = update(&mut s, key_event('z'));
    let Screen::Yaml(view) = s.screen() else {
        panic!("the YAML view")
    };
    assert!(!view.text.0.contains("availableReplicas"), "status folded");
}

#[test]
fn search_jumps_to_matches_and_n_goes_to_the_next() {
    let (mut s, _) = yaml_state(Theme::dark(), "7");
    let _ = update(&mut s, Action::FilterMode);
    for c in "hello".chars() {
        let _ = update(&mut s, key_event(c));
    }
    let _ = update(
        &mut s,
        Msg::YamlKey(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let scroll = |s: &State| match s.screen() {
        Screen::Yaml(v) => (v.scroll, v.matches()),
        _ => panic!("the YAML view"),
    };
    let (first, matches) = scroll(&s);
    assert!(matches.len() >= 3, "{matches:?}");
    assert_eq!(first, matches[0]);
    let _ = update(&mut s, key_event('n'));
    assert_eq!(scroll(&s).0, matches[1]);
    let _ = update(&mut s, key_event('N'));
    assert_eq!(scroll(&s).0, matches[0]);
}

#[test]
fn follows_the_object_refetching_at_the_top_and_marking_stale_when_scrolled() {
    let (mut s, _) = yaml_state(Theme::dark(), "7");
    let newer = |s: &mut State, rv: &str| {
        let mut row = rows(Kind::Deployment)
            .into_iter()
            .find(|r| r.meta.name == "hello-deploy")
            .expect("fixture row");
        rv.clone_into(&mut row.meta.resource_version);
        update(
            s,
            Msg::Cluster(vec![ClusterUpdate::Applied {
                kind: Kind::Deployment,
                rows: vec![row],
            }]),
        )
    };
    let effects = newer(&mut s, "8");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::FetchObject { .. })),
        "refetched at the top: {effects:?}"
    );
    let _ = update(
        &mut s,
        Msg::ObjectLoaded {
            key: ObjectKey {
                kind: Kind::Deployment,
                namespace: "default".into(),
                name: "hello-deploy".into(),
            },
            object: Ok(LiveObject::new(deployment("8"))),
            recovery: None,
        },
    );
    let _ = update(&mut s, Action::Down);
    let effects = newer(&mut s, "9");
    assert!(effects.is_empty(), "no refetch while scrolled: {effects:?}");
    assert!(text(&render(&s)).contains("changed on the server"));
}

#[test]
fn editor_marks_the_first_error_and_says_where() {
    let (mut s, key) = yaml_state(Theme::dark(), "7");
    let _ = update(
        &mut s,
        Msg::ObjectLoaded {
            key,
            object: Ok(LiveObject::new(deployment("7"))),
            recovery: None,
        },
    );
    let _ = update(&mut s, Action::Edit);
    let _ = update(
        &mut s,
        Msg::ObjectLoaded {
            key: ObjectKey {
                kind: Kind::Deployment,
                namespace: "default".into(),
                name: "hello-deploy".into(),
            },
            object: Ok(LiveObject::new(deployment("7"))),
            recovery: None,
        },
    );
    // Line 2 indented by one space: bad indentation.
    let _ = update(
        &mut s,
        Msg::YamlKey(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
    );
    let _ = update(&mut s, key_event(' '));
    let buf = render(&s);
    insta::assert_snapshot!("editor_error_80x24", text(&buf));
    assert!(text(&buf).contains("✗ line 2, column"));
    // The line number of line 2 is painted as an error.
    assert_eq!(buf[(1, 5)].bg, Theme::dark().status_err, "{}", text(&buf));
}

fn press(s: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(s, Msg::YamlKey(KeyEvent::new(code, modifiers)))
}

/// The id of the one editor request of `kind` among `effects`.
fn request_id(effects: &[Effect], what: &str) -> u64 {
    use kdeck::app::editor::EditRequest;
    effects
        .iter()
        .find_map(|e| match (e, what) {
            (Effect::Edit(EditRequest::DryRun { id, .. }), "dry run")
            | (Effect::Edit(EditRequest::Replace { id, .. }), "replace")
            | (Effect::Edit(EditRequest::Latest { id, .. }), "latest") => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {what} in {effects:?}"))
}

#[test]
fn confirm_diff_and_conflict_panels_80x24() {
    use kdeck::app::editor::EditReport;
    let (mut s, key) = yaml_state(Theme::dark(), "7");
    let _ = update(&mut s, Action::Edit);
    let loaded = |rv: &str| Msg::ObjectLoaded {
        key: key.clone(),
        object: Ok(LiveObject::new(deployment(rv))),
        recovery: None,
    };
    let _ = update(&mut s, loaded("7"));
    // Line 13 is `  replicas: 10`: make it 3.
    for _ in 1..13 {
        press(&mut s, KeyCode::Down, KeyModifiers::NONE);
    }
    press(&mut s, KeyCode::End, KeyModifiers::NONE);
    press(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    press(&mut s, KeyCode::Backspace, KeyModifiers::NONE);
    press(&mut s, KeyCode::Char('3'), KeyModifiers::NONE);
    let fx = press(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let id = request_id(&fx, "dry run");
    let _ = update(&mut s, Msg::EditReport(EditReport::DryRunOk(id)));
    let confirm = text(&render(&s));
    insta::assert_snapshot!("editor_confirm_80x24", confirm);
    assert!(confirm.contains("+  replicas: 3"), "{confirm}");
    let fx = press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    let id = request_id(&fx, "replace");
    let fx = update(
        &mut s,
        Msg::EditReport(EditReport::Failed {
            id,
            code: Some(409),
            message: "the object has been modified".into(),
        }),
    );
    let id = request_id(&fx, "latest");
    let mut newer = deployment("8");
    newer["metadata"]["labels"]["tier"] = json!("web");
    let _ = update(
        &mut s,
        Msg::EditReport(EditReport::Latest(id, Ok(LiveObject::new(newer)))),
    );
    let conflict = text(&render(&s));
    insta::assert_snapshot!("editor_conflict_80x24", conflict);
    assert!(conflict.contains("+    tier: web"), "{conflict}");
}

/// The view's own letters (n N M z x) are text on the `:` line: `:monitor`, `:ns x`.
#[test]
fn the_command_line_over_the_yaml_view_gets_every_letter() {
    let (mut s, _) = yaml_state(Theme::dark(), "7");
    let _ = update(&mut s, Action::CommandMode);
    for c in "ns xMzN".chars() {
        let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let action = kdeck::app::keys::key_action(&s, &event).expect("a text key");
        let _ = update(&mut s, action);
    }
    assert_eq!(s.mode, kdeck::app::state::Mode::Command("ns xMzN".into()));
}

/// Ctrl-f opens the find prompt under the editor's text; Enter finds (the cursor on the
/// match, every match in the theme's selection colours, as the YAML view shows its own).
#[test]
fn editor_find_prompt_and_matches_80x24() {
    let (mut s, key) = yaml_state(Theme::dark(), "7");
    let _ = update(&mut s, Action::Edit);
    let _ = update(
        &mut s,
        Msg::ObjectLoaded {
            key,
            object: Ok(LiveObject::new(deployment("7"))),
            recovery: None,
        },
    );
    press(&mut s, KeyCode::Char('f'), KeyModifiers::CONTROL);
    for c in "replicas".chars() {
        let _ = update(&mut s, key_event(c));
    }
    let prompt = text(&render(&s));
    insta::assert_snapshot!("editor_find_prompt_80x24", prompt);
    assert!(prompt.contains("find: replicas▏"), "{prompt}");
    press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    let buf = render(&s);
    let shown = text(&buf);
    assert!(
        !shown.contains("find: "),
        "Enter closes the prompt:\n{shown}"
    );
    let (x, y) = shown
        .lines()
        .enumerate()
        .find_map(|(y, l)| l.find("replicas: 10").map(|i| (l[..i].chars().count(), y)))
        .expect("the match is on screen");
    let theme = Theme::dark();
    // The cursor sits on the match's first cell; the next ones are painted as matches.
    assert_eq!(
        buf[(x as u16 + 1, y as u16)].bg,
        theme.selection_bg,
        "{shown}"
    );
    // The prompt's keys were not typed into the text.
    assert!(!shown.contains("[modified]"), "{shown}");
}
