//! The operation dialogs drawn on ratatui's `TestBackend` over the fixture dashboard,
//! at 120x40 and 80x24, compared with snapshot files; plus the colours of the undo
//! diff (lines going away in the error colour, lines coming in in the ok colour).

mod ui_fixtures;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use kdeck::action::Action;
use kdeck::app::dialog::DialogKey;
use kdeck::app::operations::{OpReport, OpRequest};
use kdeck::app::state::State;
use kdeck::app::{Effect, Msg, update};
use kdeck::cluster::ops::Revision;
use kdeck::cluster::{Kind, ObjectKey};
use ratatui::buffer::Buffer;
use ui_fixtures::state;
use ui_fixtures::{render, text};

/// The cell where `needle` starts.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    text(buf).lines().enumerate().find_map(|(y, line)| {
        line.find(needle).map(|i| {
            let x = line[..i].chars().count();
            (
                u16::try_from(x).expect("fits"),
                u16::try_from(y).expect("fits"),
            )
        })
    })
}

/// Applies `actions` and answers the open dialog's load with `answer`.
fn open(state: &mut State, action: Msg, answer: Option<OpReport>) {
    let effects = update(state, action);
    if let Some(report) = answer {
        let id = effects
            .iter()
            .find_map(|e| match e {
                Effect::Ops(OpRequest::Load { id, .. }) => Some(*id),
                _ => None,
            })
            .expect("the dialog loads what it shows");
        let _ = update(state, Msg::OpReport { id, report });
    }
    state.refresh_views();
}

fn press(state: &mut State, keys: &[DialogKey]) {
    for k in keys {
        let _ = update(state, Msg::DialogKey(*k));
    }
}

fn revision(n: i64, image: &str, current: bool) -> Revision {
    let template: PodTemplateSpec = serde_json::from_value(serde_json::json!({
        "metadata": {"labels": {"app": "hello"}},
        "spec": {"containers": [{"name": "hello", "image": image, "ports": [{"containerPort": 8080}]}]}
    }))
    .expect("a pod template");
    Revision {
        revision: n,
        change_cause: (n > 1)
            .then(|| format!("kdeck set image deployment/hello-deploy hello={image}")),
        images: vec![image.into()],
        holder: format!("hello-deploy-{n}"),
        current,
        template,
    }
}

fn history() -> OpReport {
    OpReport::History(Ok(vec![
        revision(1, "hello-app:1.0", false),
        revision(2, "hello-app:2.0", true),
    ]))
}

#[test]
fn each_dialog_at_both_sizes() {
    for size in [(120, 40), (80, 24)] {
        let name = |what: &str| format!("dialog_{what}_{}x{}", size.0, size.1);
        let mut s = state(Kind::Deployment, size);
        open(&mut s, Msg::Action(Action::Scale), None);
        press(&mut s, &[DialogKey::Char('+'), DialogKey::Char('+')]);
        insta::assert_snapshot!(name("scale"), text(&render(&s)));
        press(&mut s, &[DialogKey::Esc]);

        open(&mut s, Msg::Action(Action::Canary), Some(history()));
        insta::assert_snapshot!(name("canary"), text(&render(&s)));
        press(&mut s, &[DialogKey::Esc]);

        open(&mut s, Msg::Action(Action::Undo), Some(history()));
        insta::assert_snapshot!(name("undo_picker"), text(&render(&s)));
        press(&mut s, &[DialogKey::Enter]);
        insta::assert_snapshot!(name("undo_diff"), text(&render(&s)));
        press(&mut s, &[DialogKey::Esc, DialogKey::Esc]);

        let owned = vec![ObjectKey {
            kind: Kind::ReplicaSet,
            namespace: "default".into(),
            name: "hello-deploy-6d7d9c8b5".into(),
        }];
        open(
            &mut s,
            Msg::Action(Action::Delete),
            Some(OpReport::Dependents(Ok(owned))),
        );
        insta::assert_snapshot!(name("delete"), text(&render(&s)));
    }
}

#[test]
fn the_undo_diff_is_coloured_and_names_what_enter_sends() {
    let mut s = state(Kind::Deployment, (120, 40));
    open(&mut s, Msg::Action(Action::Undo), Some(history()));
    press(&mut s, &[DialogKey::Enter]);
    let buf = render(&s);
    let screen = text(&buf);
    assert!(
        screen.contains("Enter sends: undo deployment/hello-deploy to revision 1"),
        "{screen}"
    );
    let removed = find(&buf, "-  - image: hello-app:2.0")
        .or_else(|| find(&buf, "image: hello-app:2.0"))
        .expect("the current image goes away");
    let added = find(&buf, "image: hello-app:1.0").expect("revision 1's image comes in");
    let (theme, at) = (&s.theme, |(x, y): (u16, u16)| buf[(x, y)].fg);
    assert_eq!(at(removed), theme.status_err, "{screen}");
    assert_eq!(at(added), theme.status_ok, "{screen}");
    // A paused Deployment: the dialog explains and Enter resumes and undoes.
    let refused = OpReport::Failed {
        message: "deployments.apps \"hello-deploy\" can't undo paused deployment".into(),
        refusal: Some(kdeck::cluster::ops::Refusal::Paused),
    };
    let effects = update(&mut s, Msg::DialogKey(DialogKey::Enter));
    let Some(Effect::Ops(OpRequest::Mutate { id, .. })) = effects.first() else {
        panic!("{effects:?}")
    };
    let _ = update(
        &mut s,
        Msg::OpReport {
            id: *id,
            report: refused,
        },
    );
    let screen = text(&render(&s));
    assert!(screen.contains("kubectl refuses to undo it"), "{screen}");
    assert!(
        screen.contains("Enter sends: resume and undo deployment/hello-deploy to revision 1"),
        "{screen}"
    );
}
