//! The history view (`v`, `:history`) at the update level and on screen: the revisions
//! read when it opens and again when the Deployment's ReplicaSets change (not on their
//! status churn), the current and previous revisions compared by default, Space marking,
//! undo through the undo dialog (refused read-only), and snapshots at 120x40 (side by
//! side) and 80x24 (unified), with the colours of changed lines.

mod ui_fixtures;
mod ui_ops_fixture;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use kdeck::action::{Action, HistoryCommand};
use kdeck::app::dialog::Dialog;
use kdeck::app::history_view::HistoryView;
use kdeck::app::operations::{Load, OpReport};
use kdeck::app::state::{Screen, State};
use kdeck::app::{Effect, Msg};
use kdeck::cluster::ops::Revision;
use kdeck::cluster::{ClusterUpdate, Detail, Kind, Row};
use ratatui::buffer::Buffer;
use ui_fixtures::{render, state, text};
use ui_ops_fixture::{key, loaded, run, status};

/// A pod template of myapp with `image`, and `env` when given (so that two revisions
/// differ by more than one line, with unchanged runs long enough to fold).
fn template(image: &str, env: Option<&str>) -> PodTemplateSpec {
    let mut container = serde_json::json!({
        "name": "myapp",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
        "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File"
    });
    if let Some(value) = env {
        container["env"] = serde_json::json!([{"name": "MODE", "value": value}]);
    }
    serde_json::from_value(serde_json::json!({
        "metadata": {"labels": {"app": "myapp", "tier": "web"}},
        "spec": {
            "containers": [container],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "terminationGracePeriodSeconds": 30
        }
    }))
    .expect("a pod template")
}

fn revision(n: i64, template: PodTemplateSpec, cause: Option<&str>, current: bool) -> Revision {
    Revision {
        revision: n,
        change_cause: cause.map(str::to_owned),
        images: kdeck::cluster::ops::rollout_history::images_of(&template),
        holder: format!("myapp-deploy-{n}"),
        current,
        template,
    }
}

/// Three revisions: 1.23, 1.24, then 1.25 with an env var (the current one).
fn three() -> Vec<Revision> {
    vec![
        revision(1, template("nginx:1.23", None), None, false),
        revision(
            2,
            template("nginx:1.24", None),
            Some("kubectl set image deployment/myapp-deploy myapp=nginx:1.24"),
            false,
        ),
        revision(
            3,
            template("nginx:1.25", Some("fast")),
            Some("kubectl set image deployment/myapp-deploy myapp=nginx:1.25"),
            true,
        ),
    ]
}

fn view(s: &State) -> &HistoryView {
    match s.screen() {
        Screen::History(v) => v,
        other => panic!("not the history view: {other:?}"),
    }
}

fn history_loads(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Ops(kdeck::app::operations::OpRequest::Load {
                    load: Load::History(_),
                    ..
                })
            )
        })
        .count()
}

/// The deployments pane at `size`, `v` pressed on myapp-deploy and `revisions` read.
fn opened(size: (u16, u16), revisions: Vec<Revision>) -> State {
    let mut s = state(Kind::Deployment, size);
    run(&mut s, &[Msg::Action(Action::Down)]);
    let (id, load) = loaded(&run(&mut s, &[Msg::Action(Action::History)]));
    assert_eq!(load, Load::History(key(Kind::Deployment, "myapp-deploy")));
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(revisions)),
        }],
    );
    s
}

fn mark() -> Msg {
    Msg::Action(Action::HistoryKey(HistoryCommand::Mark))
}

#[test]
fn opening_compares_the_current_revision_with_the_one_before() {
    let s = opened((120, 40), three());
    let v = view(&s);
    assert_eq!(
        v.cursor_revision(),
        Some(3),
        "the cursor starts on the current one"
    );
    let c = v.comparison.as_ref().expect("a comparison");
    assert_eq!((c.left, c.right), (2, 3));
    assert!(!c.side_by_side.identical());
}

#[test]
fn space_marks_the_cursor_in_place_of_the_mark_made_longest_ago() {
    let mut s = opened((120, 40), three());
    run(
        &mut s,
        &[Msg::Action(Action::Up), Msg::Action(Action::Up), mark()],
    );
    let c = view(&s).comparison.as_ref().expect("a comparison");
    assert_eq!(
        (c.left, c.right),
        (1, 3),
        "2 was marked before 3: 1 replaces it"
    );
    assert_eq!(status(&s), "comparing revision 1 with revision 3");
    run(&mut s, &[Msg::Action(Action::Down), mark()]);
    let c = view(&s).comparison.as_ref().expect("a comparison");
    assert_eq!((c.left, c.right), (1, 2), "3 was marked before 1 now");
    run(&mut s, &[mark()]);
    assert_eq!(status(&s), "revision 2 is already marked");
}

#[test]
fn a_reread_keeps_the_users_marks_and_a_vanished_mark_falls_back_to_the_defaults() {
    let mut s = opened((120, 40), three());
    run(
        &mut s,
        &[Msg::Action(Action::Up), Msg::Action(Action::Up), mark()],
    );
    let mut again = three();
    again.push(revision(4, template("nginx:1.26", None), None, true));
    again[2].current = false;
    let id = view(&s).load_id;
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(again)),
        }],
    );
    let c = view(&s).comparison.as_ref().expect("a comparison");
    assert_eq!((c.left, c.right), (1, 3), "the user's marks stay");
    assert_eq!(
        view(&s).cursor_revision(),
        Some(1),
        "the cursor stays on its revision"
    );
    // A rollback to 1 renumbers it 5: the mark on 1 is gone, back to current and previous.
    let mut rolled_back: Vec<Revision> = three().into_iter().skip(1).collect();
    rolled_back[1].current = false;
    rolled_back.push(revision(5, template("nginx:1.23", None), None, true));
    let id = view(&s).load_id;
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(rolled_back)),
        }],
    );
    let c = view(&s).comparison.as_ref().expect("a comparison");
    assert_eq!((c.left, c.right), (3, 5));
    assert_eq!(view(&s).cursor_revision(), Some(5));
}

fn replica_set(s: &State, name: &str) -> Row {
    s.stores
        .of(Kind::ReplicaSet)
        .find("default", name)
        .cloned()
        .expect("the fixture's ReplicaSet")
}

fn tick(s: &mut State) -> Vec<Effect> {
    run(s, &[Msg::Tick(ui_fixtures::now())])
}

#[test]
fn a_new_revision_is_read_again_but_replica_counts_are_not() {
    let mut s = opened((120, 40), three());
    assert_eq!(
        history_loads(&tick(&mut s)),
        0,
        "nothing changed since the read"
    );
    let mut churn = replica_set(&s, "myapp-deploy-7c5ddbdf54");
    if let Detail::ReplicaSet(rs) = &mut churn.detail {
        rs.ready = 2;
        rs.available = 2;
    }
    churn.meta.resource_version = "9001".into();
    let applied = |row: Row| {
        Msg::Cluster(vec![ClusterUpdate::Applied {
            kind: Kind::ReplicaSet,
            rows: vec![row],
        }])
    };
    run(&mut s, &[applied(churn.clone())]);
    assert_eq!(
        history_loads(&tick(&mut s)),
        0,
        "status churn reads nothing"
    );
    let mut renumbered = churn;
    if let Detail::ReplicaSet(rs) = &mut renumbered.detail {
        rs.revision = Some(4);
    }
    run(&mut s, &[applied(renumbered)]);
    let effects = tick(&mut s);
    assert_eq!(history_loads(&effects), 1, "a revision changed: read again");
    let (id, _) = loaded(&effects);
    assert_eq!(view(&s).load_id, id);
    // An answer to the earlier read is stale and ignored.
    run(
        &mut s,
        &[Msg::OpReport {
            id: id - 1,
            report: OpReport::History(Ok(vec![])),
        }],
    );
    assert_eq!(view(&s).list().len(), 3);
}

#[test]
fn u_opens_the_undo_dialog_on_the_diff_of_the_revision_under_the_cursor() {
    let mut s = opened((120, 40), three());
    run(&mut s, &[Msg::Action(Action::Up), Msg::Action(Action::Up)]);
    let (id, load) = loaded(&run(&mut s, &[Msg::Action(Action::Undo)]));
    assert_eq!(load, Load::History(key(Kind::Deployment, "myapp-deploy")));
    run(
        &mut s,
        &[Msg::OpReport {
            id,
            report: OpReport::History(Ok(three())),
        }],
    );
    let Some(Dialog::Undo(d)) = &s.dialogs.open else {
        panic!("the undo dialog: {:?}", s.dialogs.open)
    };
    assert_eq!(d.preview.as_ref().map(|p| p.revision), Some(1));
}

#[test]
fn read_only_refuses_undo_from_the_view_as_everywhere() {
    let mut s = opened((120, 40), three());
    s.readonly = true;
    let effects = run(&mut s, &[Msg::Action(Action::Undo)]);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(s.dialogs.open.is_none());
    assert!(status(&s).contains("read-only"), "{}", status(&s));
}

#[test]
fn history_on_a_pod_says_it_works_on_deployments() {
    let mut s = state(Kind::Pod, (120, 40));
    let effects = run(&mut s, &[Msg::Action(Action::History)]);
    assert_eq!(history_loads(&effects), 0);
    assert_eq!(status(&s), "history works on Deployments, not pod");
}

fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let t = text(buf);
    t.lines().enumerate().find_map(|(y, line)| {
        let at = line.find(needle)?;
        let x = line[..at].chars().count();
        Some((u16::try_from(x).ok()?, u16::try_from(y).ok()?))
    })
}

#[test]
fn side_by_side_at_120x40_unified_at_80x24() {
    let s = opened((120, 40), three());
    insta::assert_snapshot!("history_side_by_side_120x40", text(&render(&s)));
    let s = opened((80, 24), three());
    let screen = text(&render(&s));
    assert!(screen.contains("unified diff (narrow screen)"), "{screen}");
    insta::assert_snapshot!("history_unified_80x24", screen);
}

#[test]
fn equal_templates_say_identical() {
    let mut revisions = three();
    revisions[2].template = revisions[1].template.clone();
    let s = opened((120, 40), revisions);
    let screen = text(&render(&s));
    assert!(
        screen.contains("revisions 2 and 3: identical pod templates"),
        "{screen}"
    );
    insta::assert_snapshot!("history_identical_120x40", screen);
}

#[test]
fn changed_lines_are_coloured_older_as_removed_newer_as_added() {
    let s = opened((120, 40), three());
    let buf = render(&s);
    let theme = &s.theme;
    let (lx, ly) = find(&buf, "image: nginx:1.24").expect("the older image");
    assert!(lx < 60, "in the left column");
    assert_eq!(
        buf[(lx, ly)].fg,
        theme
            .health(kdeck::cluster::Health::Err)
            .fg
            .expect("a colour")
    );
    let (nx, ny) = find(&buf, "image: nginx:1.25").expect("the newer image, right");
    assert!(nx > 60, "in the right column");
    assert_eq!(
        buf[(nx, ny)].fg,
        theme
            .health(kdeck::cluster::Health::Ok)
            .fg
            .expect("a colour")
    );
    let (ux, uy) = find(&buf, "imagePullPolicy: IfNotPresent").expect("an unchanged line");
    assert_eq!(buf[(ux, uy)].fg, theme.text().fg.expect("a colour"));
}

#[test]
fn v_in_the_rollout_view_opens_the_history_of_its_deployment() {
    let mut s = state(Kind::Deployment, (120, 40));
    run(
        &mut s,
        &[Msg::Action(Action::Down), Msg::Action(Action::Enter)],
    );
    assert!(matches!(s.screen(), Screen::Rollout(_)));
    let (_, load) = loaded(&run(&mut s, &[Msg::Action(Action::History)]));
    assert_eq!(load, Load::History(key(Kind::Deployment, "myapp-deploy")));
    assert_eq!(view(&s).name, "myapp-deploy");
}

#[test]
fn page_keys_scroll_the_diff_a_screen_at_a_time_and_stop_at_its_last_screen() {
    let mut revisions = three();
    let mut long = template("nginx:1.26", None);
    let container = &mut long.spec.as_mut().expect("a spec").containers[0];
    container.env = Some(
        (0..40)
            .map(|i| k8s_openapi::api::core::v1::EnvVar {
                name: format!("VAR_{i:02}"),
                value: Some(i.to_string()),
                ..Default::default()
            })
            .collect(),
    );
    revisions[2].template = long;
    let mut s = opened((120, 40), revisions);
    let total = view(&s).diff_rows(false);
    // 40 rows less the header, footer, borders, the list (4) and the summary line.
    let room = 40 - 6 - 4 - 1;
    assert!(total > 2 * room, "{total} rows");
    run(&mut s, &[Msg::Action(Action::PageDown)]);
    assert_eq!(view(&s).scroll, room);
    assert!(text(&render(&s)).contains("VAR_"), "scrolled into the env");
    run(
        &mut s,
        &[Msg::Action(Action::PageDown), Msg::Action(Action::PageDown)],
    );
    assert_eq!(
        view(&s).scroll,
        total - room,
        "no further than the last screen"
    );
    run(&mut s, &[Msg::Action(Action::PageUp)]);
    assert_eq!(view(&s).scroll, total - 2 * room);
    assert_eq!(
        view(&s).cursor_revision(),
        Some(3),
        "the cursor did not move"
    );
}
