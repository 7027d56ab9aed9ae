//! The rollout dialogs at the update level: set image (container picker, pre-filled
//! image), canary (image, new pods, the rollout view, progress), undo (history picker,
//! template diff, resume-and-undo after kubectl's refusal of a paused Deployment).

mod ui_fixtures;
mod ui_ops_fixture;

use kdeck::action::Action;
use kdeck::app::Msg;
use kdeck::app::dialog::{Dialog, DialogKey};
use kdeck::app::operations::{Load, OpReport};
use kdeck::app::state::Screen;
use kdeck::cluster::Kind;
use kdeck::cluster::ops::{CanaryPlan, Operation};
use kdeck::cluster::ops::{DiffLine, Refusal};
use ui_fixtures::state;
use ui_ops_fixture::*;

#[test]
fn set_image_picks_the_container_prefills_its_image_and_records_the_change() {
    let mut s = state(Kind::Deployment, (120, 40));
    let effects = run(&mut s, &[Msg::Action(Action::SetImage)]);
    let (id, load) = loaded(&effects);
    assert_eq!(load, Load::History(key(Kind::Deployment, "hello-deploy")));
    let early = keys(&mut s, &[DialogKey::Enter]);
    assert!(
        early.is_empty(),
        "nothing to send before the containers are known"
    );
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(history())),
        }],
    );
    let Some(Dialog::Image(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(
        d.image, "hello-app:3.0",
        "pre-filled from the current revision"
    );
    keys(&mut s, &[DialogKey::Down]);
    let Some(Dialog::Image(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(d.image, "busybox:1.36", "the second container's image");
    keys(&mut s, &[DialogKey::Up, DialogKey::Clear]);
    keys(&mut s, &typed("hello-app:4.0"));
    let (_, operation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(
        operation,
        Operation::SetImage {
            key: key(Kind::Deployment, "hello-deploy"),
            container: "hello".into(),
            image: "hello-app:4.0".into()
        }
    );
}

#[test]
fn canary_asks_for_the_image_and_the_new_pods_and_opens_the_rollout_view() {
    let mut s = state(Kind::Deployment, (120, 40));
    let (id, _) = loaded(&run(&mut s, &[Msg::Action(Action::Canary)]));
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(history())),
        }],
    );
    keys(&mut s, &[DialogKey::Clear]);
    keys(&mut s, &typed("hello-app:4.0"));
    keys(&mut s, &[DialogKey::Tab, DialogKey::Char('+')]);
    let Some(Dialog::Image(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(d.new_pods, "2", "default 1, plus one");
    keys(&mut s, &[DialogKey::Char('-'), DialogKey::Char('-')]);
    let (id, operation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(
        operation,
        Operation::Canary(CanaryPlan::new(
            key(Kind::Deployment, "hello-deploy"),
            "hello",
            "hello-app:4.0",
            1
        ))
    );
    let Screen::Rollout(r) = s.screen() else {
        panic!("the rollout view shows old versus new pods")
    };
    assert_eq!(r.name, "hello-deploy");
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::Progress("canary: 0 of 1 ready…".into()),
        }],
    );
    assert_eq!(status(&s), "canary: 0 of 1 ready…");
    // Once patched, a timeout does not bring the dialog back: the canary is in place.
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::Failed {
                message: "canary of deployment/hello-deploy: 1 new pod(s) not ready after 600s"
                    .into(),
                refusal: None,
            },
        }],
    );
    assert!(s.dialogs.open.is_none());
    assert!(!s.status_ok && status(&s).contains("not ready"));
}

#[test]
fn a_canary_refused_before_sending_comes_back_to_fix() {
    let mut s = state(Kind::Deployment, (120, 40));
    let (id, _) = loaded(&run(&mut s, &[Msg::Action(Action::Canary)]));
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(history())),
        }],
    );
    // A canary needs an image other than the one running (the pre-filled one).
    let mut typed = vec![DialogKey::Clear];
    typed.extend("hello-app:4.0".chars().map(DialogKey::Char));
    typed.push(DialogKey::Enter);
    let (id, _) = sent(&keys(&mut s, &typed));
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::Failed {
                message: "a canary is already running on deployment/hello-deploy".into(),
                refusal: Some(Refusal::CanaryActive),
            },
        }],
    );
    let Some(Dialog::Image(d)) = &s.dialogs.open else {
        panic!("the dialog is back: {:?}", s.dialogs.open)
    };
    assert!(d.canary && d.image == "hello-app:4.0", "{d:?}");
}

#[test]
fn undo_picks_a_revision_shows_the_diff_and_sends_that_revision() {
    let mut s = state(Kind::Deployment, (120, 40));
    let (id, _) = loaded(&run(&mut s, &[Msg::Action(Action::Undo)]));
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(history())),
        }],
    );
    let Some(Dialog::Undo(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(
        d.chosen().map(|r| r.revision),
        Some(2),
        "the previous revision first"
    );
    keys(&mut s, &[DialogKey::Up, DialogKey::Enter]);
    let Some(Dialog::Undo(d)) = &s.dialogs.open else {
        panic!()
    };
    let preview = d.preview.as_ref().expect("the diff step");
    assert_eq!(preview.revision, 1);
    let unified: Vec<String> = preview.diff.iter().map(DiffLine::to_unified).collect();
    assert!(
        unified
            .iter()
            .any(|l| l.starts_with('-') && l.contains("hello-app:3.0"))
            && unified
                .iter()
                .any(|l| l.starts_with('+') && l.contains("hello-app:1.0")),
        "{unified:#?}"
    );
    keys(&mut s, &[DialogKey::Esc]);
    assert!(
        matches!(&s.dialogs.open, Some(Dialog::Undo(d)) if d.preview.is_none()),
        "Esc goes back to the list"
    );
    keys(&mut s, &[DialogKey::Enter]);
    let (id, operation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    let hello = key(Kind::Deployment, "hello-deploy");
    assert_eq!(
        operation,
        Operation::Undo {
            key: hello.clone(),
            revision: Some(1),
            resume: false
        }
    );
    // kubectl refuses a paused Deployment: the dialog comes back offering resume-and-undo.
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::Failed {
                message: "deployments.apps \"hello-deploy\" can't undo paused deployment".into(),
                refusal: Some(Refusal::Paused),
            },
        }],
    );
    let (_, operation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(
        operation,
        Operation::Undo {
            key: hello,
            revision: Some(1),
            resume: true
        }
    );
}

#[test]
fn undo_on_a_statefulset_loads_its_history_and_sends_its_key_without_resume() {
    let mut s = state(Kind::StatefulSet, (120, 40));
    let (id, load) = loaded(&run(&mut s, &[Msg::Action(Action::Undo)]));
    let web = key(Kind::StatefulSet, "web");
    assert_eq!(load, Load::History(web.clone()));
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(history())),
        }],
    );
    keys(&mut s, &[DialogKey::Enter]);
    let (_, operation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(
        operation,
        Operation::Undo {
            key: web,
            revision: Some(2),
            resume: false
        }
    );
    assert!(
        operation.to_string().starts_with("undo statefulset/web"),
        "{}",
        operation.to_string()
    );
}
