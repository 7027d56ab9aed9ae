//! The operation dialogs at the update level: pre-fill, +/-, typed numbers, cancel,
//! the exact change an Enter sends, errors that keep the input, and read-only
//! sessions that open nothing and send nothing.

mod ui_fixtures;
mod ui_ops_fixture;

use kdeck::action::Action;
use kdeck::app::Msg;
use kdeck::app::dialog::{Dialog, DialogKey};
use kdeck::app::operations::{Load, OpReport};
use kdeck::cluster::Kind;
use kdeck::cluster::ops::Operation;
use kdeck::cluster::ops::Propagation;
use ui_fixtures::state;
use ui_ops_fixture::*;

#[test]
fn scale_prefills_takes_plus_minus_and_digits_and_names_what_it_sends() {
    let mut s = state(Kind::Deployment, (120, 40));
    let effects = run(&mut s, &[Msg::Action(Action::Scale)]);
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
        d.operation().expect("valid").to_string(),
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
    let (_, operation) = sent(&effects);
    assert_eq!(
        operation,
        Operation::Scale {
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
    run(&mut s, &[Msg::Action(Action::Scale)]);
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
    run(&mut s, &[Msg::Action(Action::Scale)]);
    let effects = keys(&mut s, &[DialogKey::Char('9'), DialogKey::Enter]);
    let (id, _) = sent(&effects);
    let message = "scale deployment/hello-deploy 1 -> 9 failed: deployments.apps \"hello-deploy\" is forbidden";
    run(
        &mut s,
        &[Msg::OpReport {
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
        &[Msg::OpReport {
            id,
            report: OpReport::Done("deployment.apps/hello-deploy scaled".into()),
        }],
    );
    assert!(s.dialogs.open.is_none() && s.status_ok);
    assert_eq!(status(&s), "deployment.apps/hello-deploy scaled");
}

fn failed(id: u64, message: &str) -> Msg {
    Msg::OpReport {
        id,
        report: OpReport::Failed {
            message: message.into(),
            refusal: None,
        },
    }
}

#[test]
fn every_failed_change_in_flight_brings_its_dialog_back_one_after_the_other() {
    let mut s = state(Kind::Deployment, (120, 40));
    run(&mut s, &[Msg::Action(Action::Scale)]);
    let (first, _) = sent(&keys(&mut s, &[DialogKey::Char('7'), DialogKey::Enter]));
    run(&mut s, &[Msg::Action(Action::Scale)]);
    let (second, _) = sent(&keys(&mut s, &[DialogKey::Char('8'), DialogKey::Enter]));
    run(&mut s, &[Msg::Action(Action::Scale)]);
    keys(&mut s, &typed("9"));
    // Both fail while a third dialog is open: the open one stays, the others queue.
    run(
        &mut s,
        &[
            failed(second, "second failed: Conflict"),
            failed(first, "first failed: Forbidden"),
        ],
    );
    assert!(
        status(&s).contains("comes back when this one closes"),
        "{}",
        status(&s)
    );
    let input = |s: &kdeck::app::State| match &s.dialogs.open {
        Some(Dialog::Scale(d)) => d.input.clone(),
        other => panic!("a scale dialog is open: {other:?}"),
    };
    assert_eq!(input(&s), "9");
    keys(&mut s, &[DialogKey::Esc]);
    assert_eq!(input(&s), "8", "the first to fail comes back first");
    assert_eq!(s.dialogs.error.as_deref(), Some("second failed: Conflict"));
    // Sending it again brings the other one back at once.
    let (retry, _) = sent(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(input(&s), "7");
    assert_eq!(s.dialogs.error.as_deref(), Some("first failed: Forbidden"));
    keys(&mut s, &[DialogKey::Esc]);
    assert!(s.dialogs.open.is_none());
    // The retried change fails again: its dialog comes back once more.
    run(&mut s, &[failed(retry, "second failed again")]);
    assert_eq!(
        input(&s),
        "8",
        "the retried change's dialog is back once more"
    );
}

#[test]
fn scale_of_a_replicaset_and_refusal_on_pods() {
    let mut s = state(Kind::ReplicaSet, (120, 40));
    run(&mut s, &[Msg::Action(Action::Scale)]);
    let Some(Dialog::Scale(d)) = &s.dialogs.open else {
        panic!("ReplicaSets scale: {:?}", s.status)
    };
    assert_eq!(d.key.kind, Kind::ReplicaSet);
    keys(&mut s, &[DialogKey::Esc]);
    let mut s = state(Kind::Pod, (120, 40));
    assert!(run(&mut s, &[Msg::Action(Action::Scale)]).is_empty());
    assert!(s.dialogs.open.is_none());
    assert!(status(&s).contains("not pod"), "{:?}", s.status);
}

#[test]
fn delete_names_the_object_what_goes_with_it_and_the_propagation() {
    let mut s = state(Kind::Deployment, (120, 40));
    let (id, load) = loaded(&run(&mut s, &[Msg::Action(Action::Delete)]));
    let hello = key(Kind::Deployment, "hello-deploy");
    assert_eq!(load, Load::Dependents(hello.clone()));
    run(
        &mut s,
        &[Msg::OpReport {
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
    run(&mut s, &[Msg::Action(Action::Delete)]);
    keys(&mut s, &[DialogKey::Tab, DialogKey::Tab]);
    let (_, operation) = sent(&keys(&mut s, &[DialogKey::Char('y')]));
    assert_eq!(
        operation,
        Operation::Delete {
            key: hello,
            propagation: Propagation::Orphan
        }
    );
    assert_eq!(
        operation.to_string(),
        "delete deployment/hello-deploy (propagation Orphan)"
    );
}

#[test]
fn restart_promote_and_abort_confirm_pause_and_resume_send_at_once() {
    let mut s = state(Kind::Deployment, (120, 40));
    let hello = key(Kind::Deployment, "hello-deploy");
    for (action, expected) in [
        (
            Msg::Action(Action::Restart),
            Operation::Restart(hello.clone()),
        ),
        (
            Msg::Action(Action::Promote),
            Operation::Promote(hello.clone()),
        ),
        (Msg::Action(Action::Abort), Operation::Abort(hello.clone())),
    ] {
        assert!(run(&mut s, std::slice::from_ref(&action)).is_empty());
        assert!(keys(&mut s, &[DialogKey::Esc]).is_empty(), "{action:?}");
        run(&mut s, std::slice::from_ref(&action));
        assert_eq!(sent(&keys(&mut s, &[DialogKey::Enter])).1, expected);
    }
    assert_eq!(
        sent(&run(&mut s, &[Msg::Action(Action::Pause)])).1,
        Operation::Pause(hello.clone())
    );
    assert_eq!(
        sent(&run(&mut s, &[Msg::Action(Action::Resume)])).1,
        Operation::Resume(hello)
    );
}

#[test]
fn read_only_opens_no_dialog_and_sends_nothing() {
    let mut s = state(Kind::Deployment, (120, 40));
    s.readonly = true;
    for a in [
        Msg::Action(Action::Scale),
        Msg::Action(Action::SetImage),
        Msg::Action(Action::Canary),
        Msg::Action(Action::Promote),
        Msg::Action(Action::Abort),
        Msg::Action(Action::Pause),
        Msg::Action(Action::Resume),
        Msg::Action(Action::Restart),
        Msg::Action(Action::Undo),
        Msg::Action(Action::Delete),
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
    let mut command: Vec<Msg> = vec![Msg::Action(Action::CommandMode)];
    command.extend("canary".chars().map(Msg::InputChar));
    command.push(Msg::InputSubmit);
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

#[test]
fn on_a_cronjob_t_runs_it_and_p_r_suspend_and_resume_each_after_a_confirm() {
    let mut s = state(Kind::CronJob, (120, 40));
    let hello = key(Kind::CronJob, "hello-cron");
    assert!(run(&mut s, &[Msg::Action(Action::Trigger)]).is_empty());
    let Some(Dialog::Confirm(_)) = &s.dialogs.open else {
        panic!("t asks first: {:?}", s.dialogs.open)
    };
    assert!(
        keys(&mut s, &[DialogKey::Esc]).is_empty(),
        "Esc sends nothing"
    );
    run(&mut s, &[Msg::Action(Action::Trigger)]);
    assert_eq!(
        sent(&keys(&mut s, &[DialogKey::Enter])).1,
        Operation::Trigger(hello.clone())
    );
    // Suspend and resume ask first too, and the dialog names the patch it sends.
    for (action, suspend) in [(Action::Pause, true), (Action::Resume, false)] {
        assert!(
            run(&mut s, &[Msg::Action(action.clone())]).is_empty(),
            "{action:?} sends nothing before the confirm"
        );
        let Some(Dialog::Confirm(_)) = &s.dialogs.open else {
            panic!("{action:?} asks first: {:?}", s.dialogs.open)
        };
        let screen = ui_fixtures::text(&ui_fixtures::render(&s));
        assert!(
            screen.contains(&format!("spec.suspend to {suspend}")),
            "{screen}"
        );
        assert!(
            keys(&mut s, &[DialogKey::Esc]).is_empty(),
            "Esc sends nothing"
        );
        run(&mut s, &[Msg::Action(action)]);
        assert_eq!(
            sent(&keys(&mut s, &[DialogKey::Enter])).1,
            Operation::Suspend {
                key: hello.clone(),
                suspend
            }
        );
    }
    // A run now is for CronJobs only: on a Job it says so and sends nothing.
    let mut s = state(Kind::Job, (120, 40));
    assert!(run(&mut s, &[Msg::Action(Action::Trigger)]).is_empty());
    assert!(s.dialogs.open.is_none());
    assert!(!status(&s).is_empty(), "says why nothing happened");
}

#[test]
fn read_only_refuses_the_cronjob_keys() {
    let mut s = state(Kind::CronJob, (120, 40));
    s.readonly = true;
    for a in [
        Action::Trigger,
        Action::Pause,
        Action::Resume,
        Action::Delete,
    ] {
        let effects = run(&mut s, &[Msg::Action(a.clone())]);
        assert!(effects.is_empty(), "{a:?}: {effects:?}");
        assert!(s.dialogs.open.is_none(), "{a:?} opened a dialog");
        assert!(status(&s).starts_with("read-only session"), "{a:?}");
    }
}

#[test]
fn deleting_a_crd_says_its_custom_resources_go_with_it() {
    use kdeck::app::dialog::confirm::ConfirmDialog;
    use kdeck::cluster::registry::{ResourceFacts, discovered};
    let crd = Kind::Other(discovered::intern(ResourceFacts {
        group: "apiextensions.k8s.io".into(),
        version: "v1".into(),
        api_kind: "CustomResourceDefinition".into(),
        plural: "customresourcedefinitions".into(),
        singular: "customresourcedefinition".into(),
        namespaced: false,
        short_names: vec!["crd".into()],
        verbs: vec!["delete".into(), "get".into(), "list".into(), "watch".into()],
        categories: Vec::new(),
        subresources: Vec::new(),
    }));
    let mut s = state(Kind::Deployment, (120, 40));
    let mut dialog = ConfirmDialog::new(Operation::Delete {
        key: kdeck::cluster::ObjectKey {
            kind: crd,
            namespace: String::new(),
            name: "widgets.demo.kdeck.dev".into(),
        },
        propagation: Propagation::Background,
    });
    dialog.dependents = Some(Ok(Vec::new()));
    s.dialogs.open = Some(Dialog::Confirm(dialog));
    let screen = ui_fixtures::text(&ui_fixtures::render(&s));
    assert!(
        screen.contains("every widgets.demo.kdeck.dev object, in every namespace, goes with it"),
        "{screen}"
    );
    assert!(screen.contains("it owns nothing else"), "{screen}");
    assert!(!screen.contains("only it goes"), "{screen}");
}
