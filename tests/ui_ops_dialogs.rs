//! The operation dialogs at the update level: pre-fill, +/-, typed numbers, cancel,
//! the exact change an Enter sends, errors that keep the input, and read-only
//! sessions that open nothing and send nothing.

mod ui_fixtures;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use kdeck::app::dialog::{Dialog, DialogKey};
use kdeck::app::operations::{Load, Mutation, OpReport, OpRequest};
use kdeck::app::state::{Screen, State};
use kdeck::app::{Action, Effect, update};
use kdeck::cluster::ops::{DiffLine, Propagation, Refusal, Revision};
use kdeck::cluster::{Kind, ObjectKey};
use ui_fixtures::state;

fn run(state: &mut State, actions: &[Action]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for a in actions {
        effects.extend(update(state, a.clone()));
    }
    state.refresh_views();
    effects
}

fn keys(state: &mut State, keys: &[DialogKey]) -> Vec<Effect> {
    let actions: Vec<Action> = keys.iter().map(|k| Action::DialogKey(*k)).collect();
    run(state, &actions)
}

fn typed(text: &str) -> Vec<DialogKey> {
    text.chars().map(DialogKey::Char).collect()
}

fn key(kind: Kind, name: &str) -> ObjectKey {
    ObjectKey {
        kind,
        namespace: "default".into(),
        name: name.into(),
    }
}

fn status(state: &State) -> String {
    state.status.clone().unwrap_or_default()
}

/// The one mutation among `effects`, with its answer id.
fn sent(effects: &[Effect]) -> (u64, Mutation) {
    let sent: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Ops(OpRequest::Mutate { id, mutation }) => Some((*id, mutation.clone())),
            _ => None,
        })
        .collect();
    match sent.as_slice() {
        [one] => one.clone(),
        other => panic!("expected one mutation, got {other:?} in {effects:?}"),
    }
}

/// The one load among `effects`, with its answer id.
fn loaded(effects: &[Effect]) -> (u64, Load) {
    let loads: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Ops(OpRequest::Load { id, load }) => Some((*id, load.clone())),
            _ => None,
        })
        .collect();
    match loads.as_slice() {
        [one] => one.clone(),
        other => panic!("expected one load, got {other:?} in {effects:?}"),
    }
}

fn template(image: &str) -> PodTemplateSpec {
    serde_json::from_value(serde_json::json!({
        "metadata": {"labels": {"app": "hello"}},
        "spec": {"containers": [
            {"name": "hello", "image": image},
            {"name": "sidecar", "image": "busybox:1.36"}
        ]}
    }))
    .expect("a pod template")
}

fn revision(n: i64, image: &str, current: bool) -> Revision {
    Revision {
        revision: n,
        change_cause: Some(format!(
            "kdeck set image deployment/hello-deploy hello={image}"
        )),
        images: vec![image.into(), "busybox:1.36".into()],
        replicaset: format!("hello-deploy-{n}"),
        current,
        template: template(image),
    }
}

fn history() -> Vec<Revision> {
    vec![
        revision(1, "hello-app:1.0", false),
        revision(2, "hello-app:2.0", false),
        revision(3, "hello-app:3.0", true),
    ]
}

#[test]
fn scale_prefills_takes_plus_minus_and_digits_and_names_what_it_sends() {
    let mut s = state(Kind::Deployment, (120, 40));
    let effects = run(&mut s, &[Action::Scale]);
    assert!(effects.is_empty(), "{effects:?}");
    let Some(Dialog::Scale(d)) = &s.dialogs.open else {
        panic!("scale opens its dialog: {:?}", s.dialogs.open)
    };
    assert_eq!((d.current, d.input.as_str()), (1, "1"), "pre-filled");
    assert!(keys(&mut s, &[DialogKey::Char('+'), DialogKey::Char('+')]).is_empty());
    let Some(Dialog::Scale(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(d.input, "3");
    assert_eq!(
        d.mutation().expect("valid").description(),
        "scale deployment/hello-deploy 1 -> 3"
    );
    keys(&mut s, &[DialogKey::Char('-'), DialogKey::Char('7')]);
    let Some(Dialog::Scale(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(d.input, "27", "digits append once the count was edited");
    keys(&mut s, &[DialogKey::Clear]);
    keys(&mut s, &typed("x"));
    let effects = keys(&mut s, &[DialogKey::Enter]);
    assert!(effects.is_empty(), "nothing typed: nothing sent");
    assert!(
        s.dialogs.open.is_some() && s.dialogs.error.is_some(),
        "the dialog stays and says why"
    );
    let effects = keys(&mut s, &[DialogKey::Char('5'), DialogKey::Enter]);
    let (_, mutation) = sent(&effects);
    assert_eq!(
        mutation,
        Mutation::Scale {
            key: key(Kind::Deployment, "hello-deploy"),
            from: 1,
            to: 5
        }
    );
    assert!(s.dialogs.open.is_none());
    assert!(status(&s).contains("scale deployment/hello-deploy 1 -> 5"));
}

#[test]
fn a_typed_digit_replaces_the_prefill_and_esc_sends_nothing() {
    let mut s = state(Kind::Deployment, (120, 40));
    run(&mut s, &[Action::Scale]);
    keys(&mut s, &typed("4"));
    let Some(Dialog::Scale(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(d.input, "4");
    assert!(keys(&mut s, &[DialogKey::Esc]).is_empty());
    assert!(s.dialogs.open.is_none());
    assert!(status(&s).contains("nothing was sent"));
}

#[test]
fn a_failed_change_brings_the_dialog_back_with_the_input_and_the_message() {
    let mut s = state(Kind::Deployment, (120, 40));
    run(&mut s, &[Action::Scale]);
    let effects = keys(&mut s, &[DialogKey::Char('9'), DialogKey::Enter]);
    let (id, _) = sent(&effects);
    let message = "scale deployment/hello-deploy 1 -> 9 failed: deployments.apps \"hello-deploy\" is forbidden";
    run(
        &mut s,
        &[Action::OpReport {
            id,
            report: OpReport::Failed {
                message: message.into(),
                refusal: None,
            },
        }],
    );
    let Some(Dialog::Scale(d)) = &s.dialogs.open else {
        panic!("the dialog is back: {:?}", s.dialogs.open)
    };
    assert_eq!(d.input, "9", "the user's input is kept");
    assert_eq!(s.dialogs.error.as_deref(), Some(message));
    assert!(!s.status_ok && status(&s).contains("forbidden"));
    // Retry succeeds: the status says so and nothing comes back.
    let (id, _) = sent(&keys(&mut s, &[DialogKey::Enter]));
    run(
        &mut s,
        &[Action::OpReport {
            id,
            report: OpReport::Done("deployment.apps/hello-deploy scaled".into()),
        }],
    );
    assert!(s.dialogs.open.is_none() && s.status_ok);
    assert_eq!(status(&s), "deployment.apps/hello-deploy scaled");
}

#[test]
fn scale_of_a_replicaset_and_refusal_on_pods() {
    let mut s = state(Kind::ReplicaSet, (120, 40));
    run(&mut s, &[Action::Scale]);
    let Some(Dialog::Scale(d)) = &s.dialogs.open else {
        panic!("ReplicaSets scale: {:?}", s.status)
    };
    assert_eq!(d.key.kind, Kind::ReplicaSet);
    keys(&mut s, &[DialogKey::Esc]);
    let mut s = state(Kind::Pod, (120, 40));
    assert!(run(&mut s, &[Action::Scale]).is_empty());
    assert!(s.dialogs.open.is_none());
    assert!(status(&s).contains("not pod"), "{:?}", s.status);
}

#[test]
fn set_image_picks_the_container_prefills_its_image_and_records_the_change() {
    let mut s = state(Kind::Deployment, (120, 40));
    let effects = run(&mut s, &[Action::SetImage]);
    let (id, load) = loaded(&effects);
    assert_eq!(load, Load::History(key(Kind::Deployment, "hello-deploy")));
    let early = keys(&mut s, &[DialogKey::Enter]);
    assert!(
        early.is_empty(),
        "nothing to send before the containers are known"
    );
    run(
        &mut s,
        &[Action::OpReport {
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
    let (_, mutation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(
        mutation,
        Mutation::SetImage {
            key: key(Kind::Deployment, "hello-deploy"),
            container: "hello".into(),
            image: "hello-app:4.0".into()
        }
    );
}

#[test]
fn canary_asks_for_the_image_and_the_new_pods_and_opens_the_rollout_view() {
    let mut s = state(Kind::Deployment, (120, 40));
    let (id, _) = loaded(&run(&mut s, &[Action::Canary]));
    run(
        &mut s,
        &[Action::OpReport {
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
    let (id, mutation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(
        mutation,
        Mutation::Canary {
            key: key(Kind::Deployment, "hello-deploy"),
            container: "hello".into(),
            image: "hello-app:4.0".into(),
            new_pods: 1
        }
    );
    let Screen::Rollout(r) = s.screen() else {
        panic!("the rollout view shows old versus new pods")
    };
    assert_eq!(r.name, "hello-deploy");
    run(
        &mut s,
        &[Action::OpReport {
            id,
            report: OpReport::Progress("canary: 0 of 1 ready…".into()),
        }],
    );
    assert_eq!(status(&s), "canary: 0 of 1 ready…");
    // Once patched, a timeout does not bring the dialog back: the canary is in place.
    run(
        &mut s,
        &[Action::OpReport {
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
    let (id, _) = loaded(&run(&mut s, &[Action::Canary]));
    run(
        &mut s,
        &[Action::OpReport {
            id,
            report: OpReport::History(Ok(history())),
        }],
    );
    let (id, _) = sent(&keys(&mut s, &[DialogKey::Enter]));
    run(
        &mut s,
        &[Action::OpReport {
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
    assert!(d.canary && d.image == "hello-app:3.0", "{d:?}");
}

#[test]
fn undo_picks_a_revision_shows_the_diff_and_sends_that_revision() {
    let mut s = state(Kind::Deployment, (120, 40));
    let (id, _) = loaded(&run(&mut s, &[Action::Undo]));
    run(
        &mut s,
        &[Action::OpReport {
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
    let (id, mutation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    let hello = key(Kind::Deployment, "hello-deploy");
    assert_eq!(
        mutation,
        Mutation::Undo {
            key: hello.clone(),
            revision: 1,
            resume: false
        }
    );
    // kubectl refuses a paused Deployment: the dialog comes back offering resume-and-undo.
    run(
        &mut s,
        &[Action::OpReport {
            id,
            report: OpReport::Failed {
                message: "deployments.apps \"hello-deploy\" can't undo paused deployment".into(),
                refusal: Some(Refusal::Paused),
            },
        }],
    );
    let (_, mutation) = sent(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(
        mutation,
        Mutation::Undo {
            key: hello,
            revision: 1,
            resume: true
        }
    );
}

#[test]
fn delete_names_the_object_what_goes_with_it_and_the_propagation() {
    let mut s = state(Kind::Deployment, (120, 40));
    let (id, load) = loaded(&run(&mut s, &[Action::Delete]));
    let hello = key(Kind::Deployment, "hello-deploy");
    assert_eq!(load, Load::Dependents(hello.clone()));
    run(
        &mut s,
        &[Action::OpReport {
            id,
            report: OpReport::Dependents(Ok(vec![key(Kind::ReplicaSet, "hello-deploy-1")])),
        }],
    );
    let Some(Dialog::Confirm(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(
        d.dependents,
        Some(Ok(vec![key(Kind::ReplicaSet, "hello-deploy-1")]))
    );
    assert!(
        keys(&mut s, &[DialogKey::Char('n')]).is_empty(),
        "n sends nothing"
    );
    run(&mut s, &[Action::Delete]);
    keys(&mut s, &[DialogKey::Tab, DialogKey::Tab]);
    let (_, mutation) = sent(&keys(&mut s, &[DialogKey::Char('y')]));
    assert_eq!(
        mutation,
        Mutation::Delete {
            key: hello,
            propagation: Propagation::Orphan
        }
    );
    assert_eq!(
        mutation.description(),
        "delete deployment/hello-deploy (propagation Orphan)"
    );
}

#[test]
fn restart_promote_and_abort_confirm_pause_and_resume_send_at_once() {
    let mut s = state(Kind::Deployment, (120, 40));
    let hello = key(Kind::Deployment, "hello-deploy");
    for (action, expected) in [
        (Action::Restart, Mutation::Restart(hello.clone())),
        (Action::Promote, Mutation::Promote(hello.clone())),
        (Action::Abort, Mutation::Abort(hello.clone())),
    ] {
        assert!(run(&mut s, std::slice::from_ref(&action)).is_empty());
        assert!(keys(&mut s, &[DialogKey::Esc]).is_empty(), "{action:?}");
        run(&mut s, std::slice::from_ref(&action));
        assert_eq!(sent(&keys(&mut s, &[DialogKey::Enter])).1, expected);
    }
    assert_eq!(
        sent(&run(&mut s, &[Action::Pause])).1,
        Mutation::Pause(hello.clone())
    );
    assert_eq!(
        sent(&run(&mut s, &[Action::Resume])).1,
        Mutation::Resume(hello)
    );
}

#[test]
fn read_only_opens_no_dialog_and_sends_nothing() {
    let mut s = state(Kind::Deployment, (120, 40));
    s.readonly = true;
    for a in [
        Action::Scale,
        Action::SetImage,
        Action::Canary,
        Action::Promote,
        Action::Abort,
        Action::Pause,
        Action::Resume,
        Action::Restart,
        Action::Undo,
        Action::Delete,
    ] {
        let effects = run(&mut s, std::slice::from_ref(&a));
        assert!(effects.is_empty(), "{a:?}: {effects:?}");
        assert!(s.dialogs.open.is_none(), "{a:?} opened a dialog");
        assert!(
            status(&s).starts_with("read-only session"),
            "{a:?}: {:?}",
            s.status
        );
    }
}

#[test]
fn the_canary_command_opens_the_same_dialog_and_is_refused_read_only() {
    let mut command: Vec<Action> = vec![Action::CommandMode];
    command.extend("canary".chars().map(Action::InputChar));
    command.push(Action::InputSubmit);
    let mut s = state(Kind::Deployment, (120, 40));
    let (_, load) = loaded(&run(&mut s, &command));
    assert_eq!(load, Load::History(key(Kind::Deployment, "hello-deploy")));
    assert!(matches!(&s.dialogs.open, Some(Dialog::Image(d)) if d.canary));
    let mut s = state(Kind::Deployment, (120, 40));
    s.readonly = true;
    assert!(run(&mut s, &command).is_empty());
    assert!(s.dialogs.open.is_none());
    assert!(
        status(&s).starts_with("read-only session"),
        "{:?}",
        s.status
    );
}
