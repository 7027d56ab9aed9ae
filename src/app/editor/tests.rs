//! The editing state machine driven by keys and reports, without a cluster.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::*;
use crate::cluster::Kind;

fn key() -> ObjectKey {
    ObjectKey {
        kind: Kind::Deployment,
        namespace: "default".into(),
        name: "web".into(),
    }
}

fn live(rv: &str, replicas: u32, annotations: &serde_json::Value) -> LiveObject {
    LiveObject::new(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "resourceVersion": rv,
                     "annotations": annotations,
                     "managedFields": [{"manager": "kubectl"}]},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}}},
        "status": {"replicas": replicas}
    }))
}

/// An editor on ConfigMap `conf` holding `data` (for the command, search and selection
/// tests next to this one).
pub(super) fn configmap_editor(data: &serde_json::Value) -> Editor {
    let key = ObjectKey {
        kind: Kind::ConfigMap,
        namespace: "default".into(),
        name: "conf".into(),
    };
    let object = LiveObject::new(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "conf", "namespace": "default", "resourceVersion": "3"},
        "data": data
    }));
    Editor::open(key, "ctx", object, None, false, EditorStyle::default())
}

fn editor() -> Editor {
    Editor::open(
        key(),
        "ctx",
        live("10", 3, &json!({})),
        None,
        false,
        EditorStyle::default(),
    )
}

fn press(e: &mut Editor, code: KeyCode, effects: &mut Vec<EditorEffect>) -> Outcome {
    e.key(KeyEvent::new(code, KeyModifiers::NONE), effects)
}

fn ctrl(e: &mut Editor, c: char, effects: &mut Vec<EditorEffect>) -> Outcome {
    e.key(
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
        effects,
    )
}

fn replace_in_text(e: &mut Editor, from: &str, to: &str) {
    let text = e.text().replace(from, to);
    e.set_text(&text);
}

/// Ctrl-s, a passing dry run, Enter on the diff: the edit is being sent (effects cleared).
fn save_and_confirm(e: &mut Editor, fx: &mut Vec<EditorEffect>) {
    ctrl(e, 's', fx);
    e.report(EditReport::DryRunOk(e.request), fx);
    press(e, KeyCode::Enter, fx);
    fx.clear();
}

fn requests(effects: &[EditorEffect]) -> Vec<&EditRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            EditorEffect::Edit(r) => Some(r),
            EditorEffect::CopyText(_) => None,
        })
        .collect()
}

#[test]
fn opens_without_managed_fields_and_status() {
    let e = editor();
    let text = e.text();
    assert!(!text.contains("managedFields"), "{text}");
    assert!(!text.contains("status:"), "{text}");
    assert!(text.contains("replicas: 3"), "{text}");
    assert!(!e.dirty());
}

#[test]
fn enter_keeps_indentation_and_tab_inserts_two_spaces_and_undo_works() {
    let mut e = editor();
    let mut fx = Vec::new();
    let row = e
        .textarea()
        .lines()
        .iter()
        .position(|l| l.trim() == "replicas: 3")
        .unwrap();
    e.textarea().move_cursor(CursorMove::Jump(row as u16, 100));
    press(&mut e, KeyCode::Enter, &mut fx);
    press(&mut e, KeyCode::Char('x'), &mut fx);
    assert_eq!(e.textarea().lines()[row + 1], "  x");
    press(&mut e, KeyCode::Tab, &mut fx);
    press(&mut e, KeyCode::Char('y'), &mut fx);
    assert_eq!(e.textarea().lines()[row + 1], "  x  y");
    assert!(e.dirty());
    assert!(
        requests(&fx)
            .iter()
            .any(|r| matches!(r, EditRequest::SaveRecovery { .. })),
        "every change goes to the recovery file"
    );
    for _ in 0..10 {
        ctrl(&mut e, 'z', &mut fx);
    }
    assert!(!e.dirty(), "undone back to the original");
}

#[test]
fn save_with_a_parse_error_sends_nothing_and_jumps_to_it() {
    let mut e = editor();
    replace_in_text(&mut e, "replicas: 3", "replicas: \"x\"");
    assert!(e.parse_error.is_some(), "the live check sees it");
    let mut fx = Vec::new();
    ctrl(&mut e, 's', &mut fx);
    assert!(requests(&fx).is_empty(), "nothing sent: {fx:?}");
    let err = e.parse_error.clone().unwrap();
    assert_eq!(
        e.textarea().cursor(),
        DataCursor(err.line - 1, err.column - 1)
    );
    assert!(e.text().contains("replicas: \"x\""), "the text is kept");
    assert_eq!(e.phase, Phase::Editing);
}

#[test]
fn save_refuses_a_rename() {
    let mut e = editor();
    replace_in_text(&mut e, "name: web\n  namespace", "name: other\n  namespace");
    let mut fx = Vec::new();
    ctrl(&mut e, 's', &mut fx);
    assert!(requests(&fx).is_empty());
    let (message, error) = e.notice.clone().unwrap();
    assert!(error && message.contains("the name changed"), "{message}");
}

#[test]
fn save_dry_runs_then_confirms_a_diff_then_replaces_with_the_edited_version() {
    let mut e = editor();
    replace_in_text(&mut e, "replicas: 3", "replicas: 5");
    let mut fx = Vec::new();
    ctrl(&mut e, 's', &mut fx);
    let [EditRequest::DryRun { id, object, .. }] = requests(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(object["metadata"]["resourceVersion"], "10");
    assert_eq!(object["spec"]["replicas"], 5);
    let id = *id;
    fx.clear();
    e.report(EditReport::DryRunOk(id), &mut fx);
    let Phase::Confirm { diff, .. } = &e.phase else {
        panic!("{:?}", e.phase)
    };
    let unified: Vec<String> = diff.iter().map(DiffLine::to_unified).collect();
    assert!(
        unified.contains(&"-  replicas: 3".to_owned()),
        "{unified:#?}"
    );
    assert!(
        unified.contains(&"+  replicas: 5".to_owned()),
        "{unified:#?}"
    );
    press(&mut e, KeyCode::Enter, &mut fx);
    let [EditRequest::Replace { id, .. }] = requests(&fx)[..] else {
        panic!("{fx:?}")
    };
    let id = *id;
    fx.clear();
    let out = e.report(
        EditReport::Replaced(id, "deployment.apps/web edited".into()),
        &mut fx,
    );
    assert!(out.close);
    assert!(matches!(
        requests(&fx)[..],
        [EditRequest::RemoveRecovery { .. }]
    ));
}

#[test]
fn conflict_keeps_the_text_and_reapply_lands_both_changes() {
    let mut e = editor();
    replace_in_text(&mut e, "replicas: 3", "replicas: 5");
    let mut fx = Vec::new();
    save_and_confirm(&mut e, &mut fx);
    e.report(
        EditReport::Failed {
            id: e.request,
            code: Some(409),
            message: "the object has been modified".into(),
        },
        &mut fx,
    );
    assert!(e.text().contains("replicas: 5"), "the user's text is kept");
    let [EditRequest::Latest { id, .. }] = requests(&fx)[..] else {
        panic!("{fx:?}")
    };
    let id = *id;
    // r before the server's version is read says so and sends nothing.
    let mut early = Vec::new();
    press(&mut e, KeyCode::Char('r'), &mut early);
    assert!(requests(&early).is_empty(), "{early:?}");
    assert!(
        e.notice
            .as_ref()
            .is_some_and(|(n, _)| n.contains("still being read")),
        "{:?}",
        e.notice
    );
    let latest = live("11", 3, &json!({"team": "a"}));
    e.report(EditReport::Latest(id, Ok(latest)), &mut fx);
    let Phase::Conflict { diff, .. } = &e.phase else {
        panic!("{:?}", e.phase)
    };
    assert!(
        diff.iter().any(|l| l.to_unified().contains("team: a")),
        "shows what changed on the server: {diff:?}"
    );
    fx.clear();
    press(&mut e, KeyCode::Char('r'), &mut fx);
    let [EditRequest::DryRun { object, .. }] = requests(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(object["metadata"]["resourceVersion"], "11");
    assert_eq!(object["metadata"]["annotations"]["team"], "a");
    assert_eq!(object["spec"]["replicas"], 5);
    assert_eq!(e.phase, Phase::Checking, "diffed and confirmed again");
}

#[test]
fn esc_asks_before_discarding_and_recovery_is_offered_back() {
    let mut e = editor();
    replace_in_text(&mut e, "replicas: 3", "replicas: 4");
    let mut fx = Vec::new();
    let out = press(&mut e, KeyCode::Esc, &mut fx);
    assert!(!out.close);
    assert_eq!(e.phase, Phase::ConfirmDiscard);
    press(&mut e, KeyCode::Char('n'), &mut fx);
    assert_eq!(e.phase, Phase::Editing);
    assert!(e.text().contains("replicas: 4"));

    let unsent = Sensitive(e.text());
    let mut again = Editor::open(
        key(),
        "ctx",
        live("10", 3, &json!({})),
        Some(unsent),
        false,
        EditorStyle::default(),
    );
    assert!(matches!(again.phase, Phase::OfferRecovery(_)));
    press(&mut again, KeyCode::Char('r'), &mut fx);
    assert!(again.text().contains("replicas: 4"));
    assert_eq!(again.phase, Phase::Editing);
}

#[test]
fn pasted_text_goes_in_as_is_without_auto_indent() {
    let mut e = editor();
    let mut fx = Vec::new();
    let row = e
        .textarea()
        .lines()
        .iter()
        .position(|l| l.trim() == "annotations: {}")
        .unwrap_or(3);
    e.textarea().move_cursor(CursorMove::Jump(row as u16, 0));
    e.paste("  labels:\r\n    team: a\n", &mut fx);
    let lines = e.textarea().lines().to_vec();
    assert_eq!(lines[row], "  labels:");
    assert_eq!(lines[row + 1], "    team: a");
    assert!(e.parse_error.is_none(), "{:?}", e.parse_error);
    assert!(
        requests(&fx)
            .iter()
            .any(|r| matches!(r, EditRequest::SaveRecovery { .. }))
    );
}

fn create_editor(recovery: RecoveryKey, fx: &mut Vec<EditorEffect>) -> Editor {
    let key = ObjectKey {
        kind: Kind::ConfigMap,
        namespace: "default".into(),
        name: String::new(),
    };
    let text = create::template(Kind::ConfigMap, "default");
    Editor::for_create(key, "ctx", EditorStyle::default(), &text, recovery, fx)
}

#[test]
fn a_create_saves_its_unsent_text_by_kind_and_gets_it_offered_back() {
    let mut fx = Vec::new();
    let mut e = create_editor(RecoveryKey::CreateNew(Kind::ConfigMap), &mut fx);
    let [EditRequest::LoadRecovery { id, key, .. }] = requests(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(*key, RecoveryKey::CreateNew(Kind::ConfigMap));
    let id = *id;
    e.report(EditReport::Recovered(id, None), &mut fx);
    assert_eq!(e.phase, Phase::Editing, "nothing saved: nothing offered");
    fx.clear();
    press(&mut e, KeyCode::Char('#'), &mut fx);
    let [EditRequest::SaveRecovery { key, text, .. }] = requests(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(*key, RecoveryKey::CreateNew(Kind::ConfigMap));
    assert!(text.0.starts_with("#apiVersion"), "{text:?}");
    let unsent = text.clone();

    // The next `:create cm`: the saved text is offered, and restored on r.
    let mut fx = Vec::new();
    let mut again = create_editor(RecoveryKey::CreateNew(Kind::ConfigMap), &mut fx);
    again.report(
        EditReport::Recovered(again.request, Some(unsent.clone())),
        &mut fx,
    );
    assert!(
        matches!(again.phase, Phase::OfferRecovery(_)),
        "{:?}",
        again.phase
    );
    press(&mut again, KeyCode::Char('r'), &mut fx);
    assert_eq!(again.text(), unsent.0);
    assert_eq!(again.phase, Phase::Editing);
}

#[test]
fn a_create_from_a_file_drops_its_recovery_once_created_or_discarded() {
    let file = RecoveryKey::CreateFile("two.yaml".into());
    let mut fx = Vec::new();
    let mut e = create_editor(file.clone(), &mut fx);
    // The same text as the file's: nothing to offer.
    e.report(
        EditReport::Recovered(e.request, Some(Sensitive(e.text()))),
        &mut fx,
    );
    assert_eq!(e.phase, Phase::Editing);
    replace_in_text(&mut e, "name: \"\"", "name: made");
    fx.clear();
    save_and_confirm(&mut e, &mut fx);
    // A document refused: the recovery file stays.
    e.report(
        EditReport::Failed {
            id: e.request,
            code: Some(422),
            message: "invalid".into(),
        },
        &mut fx,
    );
    assert!(requests(&fx).is_empty(), "{fx:?}");
    save_and_confirm(&mut e, &mut fx);
    let out = e.report(
        EditReport::Replaced(e.request, "configmap/made created".into()),
        &mut fx,
    );
    assert!(out.close);
    let [EditRequest::RemoveRecovery { key, .. }] = requests(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(*key, file);

    let mut fx = Vec::new();
    let mut e = create_editor(file.clone(), &mut fx);
    fx.clear();
    press(&mut e, KeyCode::Esc, &mut fx);
    assert_eq!(e.phase, Phase::ConfirmDiscard);
    let out = press(&mut e, KeyCode::Char('y'), &mut fx);
    assert!(out.close);
    assert!(matches!(
        requests(&fx)[..],
        [EditRequest::RemoveRecovery { key, .. }] if *key == file
    ));
}

#[test]
fn an_edit_keeps_its_recovery_keyed_by_the_object() {
    let mut e = editor();
    let mut fx = Vec::new();
    press(&mut e, KeyCode::Char('#'), &mut fx);
    let [EditRequest::SaveRecovery { key, .. }] = requests(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(*key, RecoveryKey::Edit(self::key()));
}
