//! The rollout view's timeline, drawn from what the watches delivered while a stepped
//! canary ran (the canary fixture's rows and ticks): the new and old ReplicaSets' ready
//! replicas over time, the plan's steps and holds marked where they began, and the end (a
//! promotion, or a failed gate and the Warning event that came with it). Compared with
//! snapshot files at 120x40 and 80x24.

mod canary_plan_fixture;
mod ui_fixtures;

use canary_plan_fixture::*;
use kdeck::app::Msg;
use kdeck::app::rollout_timeline::chart::{Mark, TimelineChart};
use kdeck::app::state::Screen;
use kdeck::cluster::ops::Operation;
use kdeck::cluster::ops::canary::plan_ops::PlanChange;

/// The timeline of the rollout view on top, `columns` wide.
fn timeline(w: &World, columns: usize) -> TimelineChart {
    let Some(Screen::Rollout(view)) = w.state.screens.last() else {
        panic!("the rollout view is shown")
    };
    kdeck::app::rollout_screen::timeline(&w.state, view, columns).expect("a timeline")
}

/// The screen at `size`, as text.
fn screen(w: &mut World, size: (u16, u16)) -> String {
    kdeck::app::update(&mut w.state, Msg::Resize(size.0, size.1));
    w.state.refresh_views();
    ui_fixtures::text(&ui_fixtures::render(&w.state))
}

/// The marks, without their columns.
fn marks(c: &TimelineChart) -> Vec<Mark> {
    c.marks.iter().map(|(_, m)| *m).collect()
}

/// A two-step plan followed to its promotion at 95s.
fn promoted() -> World {
    let mut w = started("1 pod, hold 60s; 2 pods, hold 30s; 100%");
    expect_write(&mut w, 2, PlanChange::Hold);
    for second in [20, 40, 61] {
        tick_renewing(&mut w, second);
    }
    expect_write(&mut w, 62, PlanChange::NextStep { new_pods: 2 });
    w.new_pods(2, 1);
    w.tick(63);
    w.new_pods(2, 2);
    expect_write(&mut w, 64, PlanChange::Hold);
    tick_renewing(&mut w, 80);
    let promote = tick_renewing(&mut w, 95);
    let [(id, Operation::Promote(_))] = promote.as_slice() else {
        panic!("a promotion: {promote:?}")
    };
    w.answer(*id, done());
    w.tick(96);
    w
}

#[test]
fn the_new_replica_sets_ready_pods_follow_the_steps_seen_live() {
    let w = promoted();
    let c = timeline(&w, 100);
    let segment = *c.axis.segments.last().expect("the current rollout");
    let value_at = |second: i64| {
        let col = c.axis.column_of(at(second)).expect("on the axis");
        (c.new[col], c.old[col])
    };
    assert_eq!(value_at(30), (Some(1), Some(3)), "the first step: one pod");
    assert_eq!(value_at(70), (Some(2), Some(3)), "the second: two");
    let live_from = c.axis.time_of(c.live_from).expect("a time");
    assert!(
        live_from >= at(1) && live_from < at(3),
        "seen live from the first frame"
    );
    assert_eq!(
        c.new[segment.first..c.live_from].iter().max(),
        Some(&Some(0)),
        "before: as first seen, not as now"
    );
    assert_eq!(
        marks(&c),
        vec![
            Mark::Step(1),
            Mark::Hold,
            Mark::Step(2),
            Mark::Hold,
            Mark::Completed
        ],
    );
    let column = |m: Mark| c.marks.iter().find(|(_, x)| *x == m).map(|(col, _)| *col);
    assert!(column(Mark::Step(2)) > column(Mark::Hold), "in time order");
    assert_eq!(column(Mark::Step(2)), c.axis.column_of(at(62)));
}

#[test]
fn a_failed_gate_and_its_warning_event_are_marked_where_they_happened() {
    let mut w = started("1 pod, hold 60s; 100%");
    expect_write(&mut w, 2, PlanChange::Hold);
    tick_renewing(&mut w, 20);
    let pod = format!("{NEW_RS}-new0");
    w.events.push(("Warning", "BackOff", pod, at(25)));
    w.publish();
    let effects = w.tick(30);
    let aborts = sent(&effects);
    let [(id, Operation::Abort(_))] = aborts.as_slice() else {
        panic!("an abort: {effects:?}")
    };
    w.answer(*id, done());
    w.tick(40);
    let c = timeline(&w, 100);
    let failed = c.marks.iter().find(|(_, m)| *m == Mark::Failed);
    assert_eq!(
        failed.map(|(col, _)| *col),
        c.axis.column_of(at(30)),
        "{:?}",
        c.marks
    );
    let warning = c.marks.iter().find(|(_, m)| *m == Mark::Warning);
    assert_eq!(warning.map(|(col, _)| *col), c.axis.column_of(at(25)));
    let text = screen(&mut w, (120, 40));
    let marks_row = text
        .lines()
        .find(|l| l.contains('✗'))
        .unwrap_or_else(|| panic!("a failure mark:\n{text}"));
    assert!(
        marks_row.contains('1') && marks_row.contains('h') && marks_row.contains('!'),
        "{text}"
    );
}

#[test]
fn a_pod_asked_for_just_before_kdeck_looked_is_drawn_as_first_seen_not_as_asked() {
    let mut w = World::new();
    w.plan = Some(World::record("1 pod, hold 60s; 100%", "laptop pid 9").to_text());
    w.scalings
        .push((format!("Scaled up replica set {NEW_RS} to 1 from 0"), t0()));
    w.new_pods(1, 0);
    // kdeck's first frame, 3s after the scale-up: the pod is not ready yet.
    w.tick(3);
    w.new_pods(1, 1);
    w.tick(10);
    w.tick(20);
    let c = timeline(&w, 100);
    let value_at = |second: i64| c.new[c.axis.column_of(at(second)).expect("on the axis")];
    assert_eq!(value_at(1), Some(0), "asked for, not yet ready");
    assert_eq!(value_at(15), Some(1), "ready, seen live");
    assert!(c.live_from > c.axis.column_of(at(1)).expect("on the axis"));
}

#[test]
fn timeline_of_a_promoted_plan_at_both_sizes() {
    let mut w = promoted();
    for size in [(120, 40), (80, 24)] {
        let text = screen(&mut w, size);
        insta::assert_snapshot!(format!("promoted_{}x{}", size.0, size.1), text);
    }
}
