//! Screen tests: the dashboard drawn on ratatui's `TestBackend` from fixture rows that
//! look like the seed scenario, at 120x40 and 80x24, compared with snapshot files; plus
//! colour checks on key cells and the too-small screen.

mod ui_fixtures;

use kdeck::action::Action;
use kdeck::app::state::State;
use kdeck::app::{Msg, update};
use kdeck::cluster::Kind;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ui_fixtures::{KINDS, state};
use ui_fixtures::{render, text};

/// The position of the first cell of `needle`.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        if let Some(i) = line.find(needle) {
            return Some((line[..i].chars().count() as u16, y as u16));
        }
    }
    None
}

fn act(state: &mut State, actions: &[Msg]) {
    for a in actions {
        let _ = update(state, a.clone());
    }
    state.refresh_views();
}

fn size_name((w, h): (u16, u16)) -> String {
    format!("{w}x{h}")
}

#[test]
fn every_pane_at_both_sizes() {
    for size in [(120, 40), (80, 24)] {
        for kind in KINDS {
            let s = state(kind, size);
            let screen = text(&render(&s));
            let name = format!("pane_{}_{}", kind.plural(), size_name(size));
            insta::assert_snapshot!(name, screen);
        }
    }
}

#[test]
fn all_namespaces_pods_show_the_namespace_column() {
    let mut s = state(Kind::Pod, (120, 40));
    act(&mut s, &[Msg::Action(Action::AllNamespaces)]);
    let _ = update(
        &mut s,
        Msg::Cluster(vec![kdeck::cluster::ClusterUpdate::Reset {
            kind: Kind::Pod,
            rows: ui_fixtures::rows(Kind::Pod),
        }]),
    );
    s.refresh_views();
    let screen = text(&render(&s));
    assert!(screen.contains("pods(all)[11]"), "{screen}");
    assert!(screen.contains("NAMESPACE"));
    insta::assert_snapshot!("pods_all_namespaces_120x40", screen);
}

#[test]
fn filtered_title_reads_like_k9s() {
    let mut s = state(Kind::Pod, (120, 40));
    let mut actions = vec![Msg::Action(Action::FilterMode)];
    actions.extend("myapp".chars().map(Msg::InputChar));
    actions.push(Msg::InputSubmit);
    act(&mut s, &actions);
    let screen = text(&render(&s));
    assert!(screen.contains("pods(default)</myapp>[4]"), "{screen}");
}

fn rollout_state(size: (u16, u16)) -> State {
    let mut s = state(Kind::Deployment, size);
    act(
        &mut s,
        &[Msg::Action(Action::Bottom), Msg::Action(Action::Enter)],
    );
    s
}

#[test]
fn rollout_view_at_both_sizes() {
    for size in [(120, 40), (80, 24)] {
        let s = rollout_state(size);
        let screen = text(&render(&s));
        assert!(screen.contains("rollout myapp-deploy(default)"), "{screen}");
        assert!(screen.contains("myapp-deploy-7c5ddbdf54"), "{screen}");
        assert!(screen.contains("svc/myapp-svc"), "{screen}");
        insta::assert_snapshot!(format!("rollout_{}", size_name(size)), screen);
    }
}

#[test]
fn rollout_view_shows_paused_badge() {
    let mut s = state(Kind::Deployment, (120, 40));
    let mut rows = ui_fixtures::rows(Kind::Deployment);
    if let kdeck::cluster::Detail::Deployment(d) = &mut rows[0].detail {
        d.paused = true;
    }
    let _ = update(
        &mut s,
        Msg::Cluster(vec![kdeck::cluster::ClusterUpdate::Applied {
            kind: Kind::Deployment,
            rows,
        }]),
    );
    act(
        &mut s,
        &[Msg::Action(Action::Bottom), Msg::Action(Action::Enter)],
    );
    let screen = text(&render(&s));
    assert!(screen.contains(" PAUSED "), "{screen}");
}

#[test]
fn help_describe_containers_and_contexts_screens() {
    let mut s = state(Kind::Pod, (120, 40));
    act(&mut s, &[Msg::Action(Action::Help)]);
    insta::assert_snapshot!("help_120x40", text(&render(&s)));
    let mut small = state(Kind::Pod, (80, 24));
    act(&mut small, &[Msg::Action(Action::Help)]);
    let screen = text(&render(&small));
    assert!(
        screen.contains("Ctrl-c") && screen.contains("delete"),
        "{screen}"
    );
    insta::assert_snapshot!("help_80x24", screen);
    act(
        &mut s,
        &[Msg::Action(Action::Help), Msg::Action(Action::Describe)],
    );
    insta::assert_snapshot!("describe_pod_120x40", text(&render(&s)));
    act(
        &mut s,
        &[Msg::Action(Action::Back), Msg::Action(Action::Enter)],
    );
    insta::assert_snapshot!("containers_120x40", text(&render(&s)));
    let mut actions = vec![Msg::Action(Action::CommandMode)];
    actions.extend("ctx".chars().map(Msg::InputChar));
    actions.push(Msg::InputSubmit);
    act(&mut s, &actions);
    insta::assert_snapshot!("contexts_80x24", {
        act(&mut s, &[Msg::Resize(80, 24)]);
        text(&render(&s))
    });
}

#[test]
fn too_small_terminal_says_so() {
    let mut s = state(Kind::Pod, (39, 10));
    act(&mut s, &[Msg::Resize(39, 10)]);
    let screen = text(&render(&s));
    assert!(
        screen.contains("terminal too small (39x10); need"),
        "{screen}"
    );
    assert!(screen.contains("40x10"), "{screen}");
    let mut s = state(Kind::Pod, (40, 10));
    act(&mut s, &[Msg::Resize(40, 10)]);
    assert!(!text(&render(&s)).contains("too small"));
}

#[test]
fn colours_follow_health_and_the_theme() {
    let mut s = state(Kind::Pod, (120, 40));
    s.readonly = true;
    let buf = render(&s);
    let theme = &s.theme;
    let (x, y) = find(&buf, "CrashLoopBackOff").expect("crashing pod on screen");
    assert_eq!(buf[(x, y)].fg, theme.status_err);
    let (x, y) = find(&buf, "ContainerCreating").expect("starting pod on screen");
    assert_eq!(buf[(x, y)].fg, theme.status_warn);
    let (x, y) = find(&buf, "hello-deploy-6f8d4b7c9-kq2xd").expect("running pod");
    assert_eq!(buf[(x, y)].fg, theme.status_ok);
    // The selected row (first) uses the selection colours, whatever its health.
    let (x, y) = find(&buf, "dnsutil-rs-p8w5k").expect("first pod");
    assert_eq!(buf[(x, y)].bg, theme.selection_bg);
    let (x, y) = find(&buf, "READ-ONLY").expect("badge");
    assert_eq!(buf[(x, y)].bg, theme.badge_readonly_bg);
    assert_ne!(theme.status_err, Color::Reset);

    let mut s = state(Kind::Event, (120, 40));
    s.refresh_views();
    let buf = render(&s);
    let (x, y) = find(&buf, "FailedScheduling").expect("warning event");
    assert_eq!(
        buf[(x, y)].fg,
        s.theme.status_err,
        "warnings are highlighted"
    );
}

#[test]
fn no_color_theme_uses_no_colours() {
    let mut s = state(Kind::Pod, (80, 24));
    s.theme = kdeck::theme::Theme::monochrome();
    let buf = render(&s);
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            assert_eq!(buf[(x, y)].fg, Color::Reset, "cell {x},{y}");
            assert_eq!(buf[(x, y)].bg, Color::Reset, "cell {x},{y}");
        }
    }
    let (x, y) = find(&buf, "dnsutil-rs-p8w5k").expect("selected pod");
    assert!(
        buf[(x, y)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
}
