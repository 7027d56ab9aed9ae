//! Shells, attach, port-forwards and the debug pod at the update level (issue 16): `s` is
//! a shell on pods and stays scale on workloads, the container picker, the session's
//! life and the status it leaves, the port-forward dialog (prefill, the second question
//! for an exposed address), forwards' lives in `:pf` and the header, `:run`'s steps,
//! the leftovers offered at start, and read-only refusals that say why.

mod ui_fixtures;
mod ui_ops_fixture;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kdeck::action::{Action, PodCommand};
use kdeck::app::dialog::{Dialog, DialogKey};
use kdeck::app::operations::{Load, OpReport};
use kdeck::app::port_forwards::ForwardState;
use kdeck::app::state::{Screen, State};
use kdeck::app::stream_msg::{ForwardUpdate, SessionKind, StreamMsg, StreamRequest};
use kdeck::app::{Effect, Msg};
use kdeck::cluster::Kind;
use kdeck::cluster::exec::{ContainerRef, SessionEnd};
use kdeck::cluster::forward_target::{ForwardChoices, ForwardPlan, PortChoice};
use kdeck::cluster::ops::debug_pod::LeftoverPod;
use kdeck::cluster::ops::{Operation, Propagation};
use kdeck::cluster::port_forward::ForwardStats;
use kdeck::cluster::session_target::SessionTarget;
use kdeck::keymap::Section;
use ui_fixtures::{render, state, text};
use ui_ops_fixture::{key, keys, loaded, run, sent, status, typed};

fn press(state: &mut State, c: char) -> Vec<Effect> {
    run(
        state,
        &[Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        ))],
    )
}

fn command(state: &mut State, line: &str) -> Vec<Effect> {
    let mut msgs = vec![Msg::Action(Action::CommandMode)];
    msgs.extend(line.chars().map(Msg::InputChar));
    msgs.push(Msg::InputSubmit);
    run(state, &msgs)
}

/// Selects the row named `name` in the shown table.
fn select(state: &mut State, name: &str) {
    let Screen::Table(t) = state.screen() else {
        panic!("a table is shown")
    };
    let store = state.stores.of(t.kind);
    let at = t
        .visible
        .iter()
        .position(|slot| store.get(*slot).is_some_and(|r| r.meta.name == name))
        .unwrap_or_else(|| panic!("{name} is in the table"));
    if let Some(Screen::Table(t)) = state.screen_mut() {
        t.selected = at;
    }
}

fn streams(effects: &[Effect]) -> Vec<StreamRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Stream(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

fn target(pod: &str, containers: &[&str], left_out: &[&str]) -> SessionTarget {
    SessionTarget {
        namespace: "default".into(),
        pod: pod.into(),
        containers: containers.iter().map(|c| (*c).to_owned()).collect(),
        default: None,
        left_out: left_out.iter().map(|c| (*c).to_owned()).collect(),
    }
}

const POD: &str = "myapp-deploy-5b8d7f9c6d-4xk2p";

/// The pods pane with POD selected, and `s` pressed: the id of the target's load.
fn shell_key(state: &mut State, c: char) -> u64 {
    select(state, POD);
    let effects = press(state, c);
    let (id, load) = loaded(&effects);
    assert_eq!(
        load,
        Load::SessionTarget {
            key: key(Kind::Pod, POD),
            attach: c == 'a'
        }
    );
    id
}

fn opened_session(effects: &[Effect]) -> (u64, ContainerRef, SessionKind) {
    match streams(effects).as_slice() {
        [
            StreamRequest::OpenSession {
                id, target, kind, ..
            },
        ] => (*id, target.clone(), kind.clone()),
        other => panic!("expected one session, got {other:?}"),
    }
}

#[test]
fn s_is_a_shell_on_pods_and_containers_and_scale_on_workloads() {
    let mut s = state(Kind::Pod, (120, 40));
    shell_key(&mut s, 's');
    assert!(s.dialogs.open.is_none(), "no scale dialog on a pod");
    let help = s.keymap.help_of_view(Section::Pods);
    assert_eq!(
        help[0].0, "s",
        "help in the pods view leads with s: {help:?}"
    );
    assert_eq!(help[0].1, "shell");
    assert!(
        !help.iter().any(|(_, name, _)| name == "scale"),
        "scale is not offered where s is a shell"
    );

    let mut d = state(Kind::Deployment, (120, 40));
    let effects = press(&mut d, 's');
    assert!(effects.is_empty(), "{effects:?}");
    assert!(
        matches!(d.dialogs.open, Some(Dialog::Scale(_))),
        "s scales a Deployment"
    );

    // The containers view: the selected container is asked for.
    let mut c = state(Kind::Pod, (120, 40));
    select(&mut c, POD);
    run(&mut c, &[Msg::Action(Action::Enter)]);
    assert!(matches!(c.screen(), Screen::Containers(_)));
    let effects = press(&mut c, 's');
    let (id, _) = loaded(&effects);
    let effects = run(
        &mut c,
        &[Msg::OpReport {
            id,
            report: OpReport::SessionTarget(Ok(target(POD, &["sidecar", "myapp"], &[]))),
        }],
    );
    let (_, opened, _) = opened_session(&effects);
    assert_eq!(
        opened.container.as_deref(),
        Some("myapp"),
        "the container selected in the view, not the picker"
    );
}

#[test]
fn a_shell_opens_and_the_dashboard_comes_back_with_the_exit_status() {
    let mut s = state(Kind::Pod, (120, 40));
    let id = shell_key(&mut s, 's');
    let selected_before = match s.screen() {
        Screen::Table(t) => t.selected,
        _ => unreachable!(),
    };
    let effects = run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::SessionTarget(Ok(target(
                POD,
                &["myapp"],
                &["init (init container)"],
            ))),
        }],
    );
    let (session, opened, kind) = opened_session(&effects);
    assert_eq!(
        opened,
        ContainerRef {
            namespace: "default".into(),
            pod: POD.into(),
            container: Some("myapp".into())
        }
    );
    assert_eq!(
        kind,
        SessionKind::Shell(vec![vec!["/bin/bash".into()], vec!["/bin/sh".into()]])
    );
    run(
        &mut s,
        &[Msg::Stream(StreamMsg::SessionOpened {
            id: session,
            command: vec!["/bin/bash".into()],
        })],
    );
    assert!(s.sessions.current.as_ref().is_some_and(|c| c.in_front));
    run(
        &mut s,
        &[Msg::Stream(StreamMsg::SessionEnded {
            id: session,
            end: SessionEnd::Exited(3),
        })],
    );
    assert!(s.sessions.current.is_none());
    assert_eq!(
        status(&s),
        format!("shell in pod/{POD} (container myapp) exited 3")
    );
    assert_eq!(s.breadcrumb(), ["pods"], "back where the user was");
    let Screen::Table(t) = s.screen() else {
        panic!()
    };
    assert_eq!(t.selected, selected_before, "on the same row");
}

#[test]
fn several_containers_open_the_picker_and_none_says_why() {
    let mut s = state(Kind::Pod, (120, 40));
    let id = shell_key(&mut s, 's');
    let mut found = target(POD, &["myapp", "sidecar"], &["init-db (init container)"]);
    found.default = Some("sidecar".into());
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::SessionTarget(Ok(found)),
        }],
    );
    let Some(Dialog::Container(picker)) = &s.dialogs.open else {
        panic!("the picker opens: {:?}", s.dialogs.open)
    };
    assert_eq!(picker.selected, 1, "the pod's default container first");
    let screen = text(&render(&s));
    assert!(
        screen.contains("not offered: init-db (init container)"),
        "{screen}"
    );
    let effects = keys(&mut s, &[DialogKey::Up, DialogKey::Enter]);
    let (_, opened, _) = opened_session(&effects);
    assert_eq!(opened.container.as_deref(), Some("myapp"));

    // Attach: nothing with stdin and tty.
    let mut a = state(Kind::Pod, (120, 40));
    let id = shell_key(&mut a, 'a');
    let effects = run(
        &mut a,
        &[Msg::OpReport {
            id,
            report: OpReport::SessionTarget(Ok(target(POD, &[], &["myapp (no stdin and tty)"]))),
        }],
    );
    assert!(streams(&effects).is_empty());
    assert_eq!(
        status(&a),
        format!(
            "attach: nothing to type to in pod {POD}: myapp (no stdin and tty); s opens a shell"
        )
    );
}

#[test]
fn a_session_that_cannot_open_says_why() {
    let mut s = state(Kind::Pod, (120, 40));
    let id = shell_key(&mut s, 's');
    let effects = run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::SessionTarget(Ok(target(POD, &["myapp"], &[]))),
        }],
    );
    let (session, _, _) = opened_session(&effects);
    run(
        &mut s,
        &[Msg::Stream(StreamMsg::SessionFailed {
            id: session,
            message: "none of /bin/bash, /bin/sh exists in container myapp".into(),
        })],
    );
    assert!(s.sessions.current.is_none());
    assert!(
        status(&s).ends_with("none of /bin/bash, /bin/sh exists in container myapp"),
        "{}",
        status(&s)
    );
}

fn service_choices() -> (ForwardChoices, Vec<u16>) {
    (
        ForwardChoices {
            pod: POD.into(),
            ports: vec![
                PortChoice {
                    remote: 8080,
                    service_port: Some(80),
                    label: "http, service port 80 -> pod port 8080".into(),
                },
                PortChoice {
                    remote: 9090,
                    service_port: Some(9090),
                    label: "metrics".into(),
                },
            ],
        },
        vec![8080, 40123],
    )
}

/// The services pane, F on myapp-svc, its ports loaded.
fn forward_dialog() -> State {
    let mut s = state(Kind::Service, (120, 40));
    select(&mut s, "myapp-svc");
    let effects = press(&mut s, 'F');
    let (id, load) = loaded(&effects);
    assert_eq!(load, Load::ForwardTarget(key(Kind::Service, "myapp-svc")));
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::ForwardTarget(Ok(service_choices())),
        }],
    );
    s
}

fn started(effects: &[Effect]) -> (u64, ForwardPlan) {
    match streams(effects).as_slice() {
        [StreamRequest::StartForward { id, plan }] => (*id, plan.clone()),
        other => panic!("expected one forward, got {other:?}"),
    }
}

#[test]
fn the_forward_dialog_is_prefilled_and_an_exposed_address_is_asked_twice() {
    let mut s = forward_dialog();
    let Some(Dialog::Forward(d)) = &s.dialogs.open else {
        panic!("the forward dialog: {:?}", s.dialogs.open)
    };
    assert_eq!(
        (d.remote.as_str(), d.local.as_str(), d.address.as_str()),
        ("8080", "8080", "127.0.0.1")
    );
    keys(&mut s, &[DialogKey::Down]);
    let Some(Dialog::Forward(d)) = &s.dialogs.open else {
        panic!()
    };
    assert_eq!(
        (d.remote.as_str(), d.local.as_str()),
        ("9090", "40123"),
        "the next port with its own suggested local port"
    );
    keys(&mut s, &[DialogKey::Up]);
    // The address: anything but loopback is asked once more.
    let mut typing = vec![DialogKey::Tab, DialogKey::Tab, DialogKey::Clear];
    typing.extend(typed("0.0.0.0"));
    keys(&mut s, &typing);
    let effects = keys(&mut s, &[DialogKey::Enter]);
    assert!(effects.is_empty(), "the first Enter only asks: {effects:?}");
    let screen = text(&render(&s));
    assert!(
        screen.contains("0.0.0.0 is reachable from other machines"),
        "{screen}"
    );
    keys(&mut s, &[DialogKey::Esc]);
    assert!(s.dialogs.open.is_some(), "Esc goes back to the dialog");
    let effects = keys(&mut s, &[DialogKey::Enter]);
    assert!(streams(&effects).is_empty(), "asked again after going back");
    let effects = keys(&mut s, &[DialogKey::Enter]);
    let (_, plan) = started(&effects);
    assert_eq!(
        plan,
        ForwardPlan {
            target: key(Kind::Service, "myapp-svc"),
            pod: POD.into(),
            remote_port: 8080,
            service_port: Some(80),
            address: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            local_port: Some(8080),
        }
    );
}

#[test]
fn a_port_typed_by_hand_takes_the_same_local_port_if_free() {
    let mut s = forward_dialog();
    let mut typing = vec![DialogKey::Clear];
    typing.extend(typed("5432"));
    keys(&mut s, &typing);
    let effects = keys(&mut s, &[DialogKey::Enter]);
    let (_, plan) = started(&effects);
    assert_eq!(plan.remote_port, 5432);
    assert_eq!(plan.service_port, None, "not one of the Service's ports");
    assert_eq!(plan.local_port, None, "the same number if free, else any");
    assert_eq!(plan.address, IpAddr::V4(Ipv4Addr::LOCALHOST));
}

#[test]
fn forwards_live_in_pf_and_the_header_and_move_with_their_pods() {
    let mut s = forward_dialog();
    let effects = keys(&mut s, &[DialogKey::Enter]);
    let (id, _) = started(&effects);
    let forward = |u: ForwardUpdate| Msg::Stream(StreamMsg::Forward { id, update: u });
    let local = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);
    run(&mut s, &[forward(ForwardUpdate::Listening(local))]);
    assert!(text(&render(&s)).contains("Port-forwards: 1"));
    assert!(status(&s).starts_with("forwarding 127.0.0.1:8080 -> svc/myapp-svc:80"));
    run(
        &mut s,
        &[forward(ForwardUpdate::Stats(ForwardStats {
            bytes_in: 1536,
            bytes_out: 79,
            connections: 2,
            open: 1,
        }))],
    );
    command(&mut s, "pf");
    let screen = text(&render(&s));
    for cell in [
        "127.0.0.1:8080",
        "svc/myapp-svc:80",
        "1.5 KiB",
        "79 B",
        "1/2",
        "active",
    ] {
        assert!(screen.contains(cell), "{cell} in\n{screen}");
    }
    // The pod goes: the Service's forward waits for another, then moves.
    run(
        &mut s,
        &[forward(ForwardUpdate::PodGone { pod: POD.into() })],
    );
    assert_eq!(s.forwards.list[0].state, ForwardState::Moving);
    assert!(status(&s).contains("is gone; looking for another ready pod"));
    run(
        &mut s,
        &[forward(ForwardUpdate::Moved {
            pod: "myapp-deploy-7c5ddbdf54-h7lmn".into(),
            remote_port: 8080,
        })],
    );
    assert_eq!(
        s.forwards.list[0].state,
        ForwardState::Moving,
        "active once it listens again"
    );
    assert!(text(&render(&s)).contains("myapp-deploy-7c5ddbdf54-h7lmn:8080"));
    run(&mut s, &[forward(ForwardUpdate::Listening(local))]);
    assert_eq!(s.forwards.list[0].state, ForwardState::Active);
    assert!(
        status(&s).contains("moved to pod myapp-deploy-7c5ddbdf54-h7lmn:8080"),
        "listening again does not hide the move: {}",
        status(&s)
    );
    // X stops it; once the port is closed it leaves the list and the header.
    let effects = run(&mut s, &[Msg::Action(Action::Delete)]);
    assert_eq!(streams(&effects), [StreamRequest::StopForward(id)]);
    assert!(s.dialogs.open.is_none(), "no delete dialog on :pf");
    run(&mut s, &[forward(ForwardUpdate::Stopped)]);
    assert!(s.forwards.list.is_empty());
    assert!(!text(&render(&s)).contains("Port-forwards:"));
}

#[test]
fn a_forward_to_a_pod_that_goes_ends_and_stays_listed_until_removed() {
    let mut s = state(Kind::Pod, (120, 40));
    select(&mut s, POD);
    let effects = press(&mut s, 'F');
    let (id, _) = loaded(&effects);
    let choices = ForwardChoices {
        pod: POD.into(),
        ports: vec![PortChoice {
            remote: 80,
            service_port: None,
            label: "http".into(),
        }],
    };
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::ForwardTarget(Ok((choices, vec![80]))),
        }],
    );
    let (id, plan) = started(&keys(&mut s, &[DialogKey::Enter]));
    assert_eq!(plan.target, key(Kind::Pod, POD));
    let forward = |u: ForwardUpdate| Msg::Stream(StreamMsg::Forward { id, update: u });
    run(
        &mut s,
        &[forward(ForwardUpdate::PodGone { pod: POD.into() })],
    );
    run(&mut s, &[forward(ForwardUpdate::Stopped)]);
    assert_eq!(
        s.forwards.list[0].state,
        ForwardState::Ended("pod gone".into())
    );
    assert_eq!(s.forwards.active(), 0);
    command(&mut s, "pf");
    let screen = text(&render(&s));
    assert!(
        screen.contains("pod gone") && screen.contains("[0 active]"),
        "{screen}"
    );
    let effects = run(&mut s, &[Msg::Action(Action::Delete)]);
    assert!(streams(&effects).is_empty(), "nothing runs to stop");
    assert!(s.forwards.list.is_empty(), "X removes an ended forward");
}

#[test]
fn run_creates_waits_attaches_and_deletes_the_debug_pod() {
    let mut s = state(Kind::Pod, (120, 40));
    let effects = command(&mut s, "run busybox -- sh");
    let (create, operation) = sent(&effects);
    let Operation::RunPod(pod) = operation else {
        panic!("a debug pod: {operation:?}")
    };
    assert_eq!(
        (pod.namespace.as_str(), pod.image.as_str()),
        ("default", "busybox")
    );
    assert_eq!(pod.args, ["sh"]);
    assert!(pod.name.starts_with("kdeck-busybox-"), "{}", pod.name);
    let pod_key = key(Kind::Pod, &pod.name);
    let effects = run(
        &mut s,
        &[Msg::OpReport {
            id: create,
            report: OpReport::Done(format!("pod \"{}\" created", pod.name)),
        }],
    );
    let (wait, load) = loaded(&effects);
    assert_eq!(load, Load::PodRunning(pod_key.clone()));
    assert!(status(&s).contains("waiting for it to run"));
    let effects = run(
        &mut s,
        &[Msg::OpReport {
            id: wait,
            report: OpReport::PodRunning(Ok(())),
        }],
    );
    let (session, target, kind) = opened_session(&effects);
    assert_eq!(kind, SessionKind::Attach);
    assert_eq!(target.container.as_deref(), Some(pod.name.as_str()));
    let effects = run(
        &mut s,
        &[
            Msg::Stream(StreamMsg::SessionOpened {
                id: session,
                command: vec![],
            }),
            Msg::Stream(StreamMsg::SessionEnded {
                id: session,
                end: SessionEnd::Exited(0),
            }),
        ],
    );
    // An attach stream's status says only that it ended: the container says how.
    assert!(status(&s).ends_with(" ended"), "{}", status(&s));
    let (exit, load) = loaded(&effects);
    assert_eq!(load, Load::ContainerExit(pod_key.clone()));
    let effects = run(
        &mut s,
        &[Msg::OpReport {
            id: exit,
            report: OpReport::ContainerExit(Ok(4)),
        }],
    );
    let (delete, operation) = sent(&effects);
    assert_eq!(
        operation,
        Operation::Delete {
            key: pod_key,
            propagation: Propagation::Background
        }
    );
    assert!(
        status(&s).contains("exited 4 · deleting pod/kdeck-busybox-"),
        "{}",
        status(&s)
    );
    run(
        &mut s,
        &[Msg::OpReport {
            id: delete,
            report: OpReport::Done(format!("pod \"{}\" deleted", pod.name)),
        }],
    );
    assert!(s.debug_pods.run.is_none());
    assert!(
        status(&s).ends_with(&format!("exited 4 · pod \"{}\" deleted", pod.name)),
        "{}",
        status(&s)
    );
}

#[test]
fn a_debug_pod_that_will_not_run_is_deleted_and_says_why() {
    let mut s = state(Kind::Pod, (120, 40));
    let (create, _) = sent(&command(&mut s, "run nosuch:bad"));
    let effects = run(
        &mut s,
        &[Msg::OpReport {
            id: create,
            report: OpReport::Done("created".into()),
        }],
    );
    let (wait, _) = loaded(&effects);
    let effects = run(
        &mut s,
        &[Msg::OpReport {
            id: wait,
            report: OpReport::PodRunning(Err("pod x will not run: ErrImagePull".into())),
        }],
    );
    let (_, operation) = sent(&effects);
    assert!(
        matches!(operation, Operation::Delete { .. }),
        "{operation:?}"
    );
    assert!(streams(&effects).is_empty(), "nothing to attach to");
    assert!(status(&s).starts_with("pod x will not run: ErrImagePull · deleting"));
    // All namespaces: the pod needs one.
    let mut all = state(Kind::Pod, (120, 40));
    run(&mut all, &[Msg::Action(Action::AllNamespaces)]);
    assert!(command(&mut all, "run").is_empty());
    assert!(
        status(&all).contains("choose one first"),
        "{}",
        status(&all)
    );
}

#[test]
fn leftover_debug_pods_are_offered_for_deletion_at_start() {
    let mut s = state(Kind::Pod, (120, 40));
    let effects = run(&mut s, &[Msg::Start]);
    let (id, load) = loaded(&effects);
    assert_eq!(load, Load::LeftoverPods(Some("default".into())));
    let leftover = LeftoverPod {
        namespace: "default".into(),
        name: "kdeck-busybox-xk2pq".into(),
        image: "busybox".into(),
        started_by: "laptop pid 4242".into(),
        created: None,
    };
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::LeftoverPods(Ok(vec![leftover])),
        }],
    );
    let screen = text(&render(&s));
    assert!(
        screen.contains("default/kdeck-busybox-xk2pq") && screen.contains("laptop pid 4242"),
        "{screen}"
    );
    let (_, operation) = sent(&keys(&mut s, &[DialogKey::Char('y')]));
    assert_eq!(
        operation,
        Operation::Delete {
            key: key(Kind::Pod, "kdeck-busybox-xk2pq"),
            propagation: Propagation::Background
        }
    );
    let mut readonly = state(Kind::Pod, (120, 40));
    readonly.readonly = true;
    let effects = run(&mut readonly, &[Msg::Start]);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Ops(_))),
        "read-only looks for nothing to delete: {effects:?}"
    );
}

#[test]
fn read_only_refuses_each_key_and_says_why() {
    let shell = Msg::Action(Action::PodKey(PodCommand::Shell));
    let attach = Msg::Action(Action::PodKey(PodCommand::Attach));
    let forward = Msg::Action(Action::PortForward);
    let cases: [(Kind, Result<Msg, &str>, &str); 5] = [
        (Kind::Pod, Ok(shell), "a shell (exec) was not opened"),
        (Kind::Pod, Ok(attach), "attach was not opened"),
        (Kind::Service, Ok(forward), "port-forward was not opened"),
        (
            Kind::Deployment,
            Err("shell"),
            "a shell (exec) was not opened",
        ),
        (Kind::Pod, Err("run"), "run busybox was not sent"),
    ];
    for (kind, key_or_command, why) in cases {
        let mut s = state(kind, (120, 40));
        s.readonly = true;
        let effects = match key_or_command {
            Ok(msg) => run(&mut s, &[msg]),
            Err(line) => command(&mut s, line),
        };
        assert!(effects.is_empty(), "{kind:?} {why}: {effects:?}");
        assert!(s.dialogs.open.is_none());
        let said = status(&s);
        assert!(
            said.starts_with("read-only session: ") && said.contains(why),
            "{said}"
        );
    }
}

#[test]
fn a_denied_exec_says_so_and_asks_nothing_else() {
    use kdeck::app::permissions::{Answer, question};
    let mut s = state(Kind::Pod, (120, 40));
    let shell = Action::PodKey(PodCommand::Shell);
    let q = question(&shell, Kind::Pod, Some("default")).expect("a question");
    assert_eq!(
        (q.verb, q.kind, q.subresource),
        ("create", Kind::Pod, Some("exec"))
    );
    let forward = question(&Action::PortForward, Kind::Service, Some("default")).expect("asked");
    assert_eq!(
        (forward.kind, forward.subresource),
        (Kind::Pod, Some("portforward"))
    );
    s.permissions.record(q, Answer::Denied);
    select(&mut s, POD);
    let effects = press(&mut s, 's');
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        status(&s),
        "you may not create pods/exec in default (nothing was opened)"
    );
}
