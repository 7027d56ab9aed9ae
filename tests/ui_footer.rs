//! The footer and the help overlay show what the user cannot do (issue 8): in a read-only
//! session, and for changes the server said are forbidden, a hint is drawn muted and
//! struck through, and help marks it "(read-only)" or "(forbidden)". Drawn on ratatui's
//! `TestBackend` from fixture state.

mod ui_fixtures;

use kdeck::action::Action;
use kdeck::app::permissions::{Answer, question};
use kdeck::app::state::{Mode, State};
use kdeck::app::update;
use kdeck::cluster::Kind;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::Modifier;
use ui_fixtures::{render, state, text};

/// The cell of the first character of `needle` on the last (footer) row.
fn footer_cell<'a>(buf: &'a Buffer, needle: &str) -> &'a Cell {
    let y = buf.area.height - 1;
    let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
    let i = row
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the footer: {row:?}"));
    let x = u16::try_from(row[..i].chars().count()).expect("fits");
    &buf[(x, y)]
}

fn struck(state: &State, cell: &Cell) -> bool {
    cell.fg == state.theme.muted && cell.modifier.contains(Modifier::CROSSED_OUT)
}

fn deployments() -> State {
    // Wide enough for the change hints after the common ones.
    state(Kind::Deployment, (200, 30))
}

#[test]
fn allowed_change_hints_are_drawn_as_keys() {
    let s = deployments();
    let buf = render(&s);
    for hint in [
        "<s> scale",
        "<i> image",
        "<X> delete",
        "<?> help",
        "<v> history",
    ] {
        let cell = footer_cell(&buf, hint);
        assert!(!struck(&s, cell), "{hint} is usable: {cell:?}");
        assert_eq!(cell.fg, s.theme.accent, "{hint}");
    }
}

#[test]
fn read_only_strikes_every_change_hint_and_only_those() {
    let mut s = deployments();
    s.readonly = true;
    let buf = render(&s);
    for hint in ["<s> scale", "<i> image", "<R> restart", "<X> delete"] {
        assert!(struck(&s, footer_cell(&buf, hint)), "{hint} is struck");
    }
    for hint in ["<?> help", "<:> command", "<d> describe", "<v> history"] {
        let cell = footer_cell(&buf, hint);
        assert!(!struck(&s, cell), "{hint} stays usable");
        assert_eq!(cell.fg, s.theme.accent, "{hint}");
    }
    s.mode = Mode::Help;
    let screen = text(&render(&s));
    assert!(screen.contains("scale (read-only)"), "{screen}");
    assert!(screen.contains("delete (read-only)"), "{screen}");
    assert!(!screen.contains("describe (read-only)"), "{screen}");
}

#[test]
fn a_forbidden_change_is_struck_and_an_allowed_one_is_not() {
    let mut s = deployments();
    for (action, answer) in [
        (Action::Scale, Answer::Denied),
        (Action::SetImage, Answer::Allowed),
    ] {
        let q = question(&action, Kind::Deployment, Some("default")).expect("a question");
        s.permissions.record(q, answer);
    }
    let buf = render(&s);
    assert!(
        struck(&s, footer_cell(&buf, "<s> scale")),
        "scale is forbidden"
    );
    let image = footer_cell(&buf, "<i> image");
    assert!(!struck(&s, image), "set image is allowed: {image:?}");
    assert_eq!(image.fg, s.theme.accent);
    s.mode = Mode::Help;
    let screen = text(&render(&s));
    assert!(screen.contains("scale (forbidden)"), "{screen}");
    assert!(!screen.contains("set image (forbidden)"), "{screen}");
}

#[test]
fn help_on_the_logs_view_lists_its_own_keys_first_and_not_the_shadowed_ones() {
    let mut s = state(Kind::Pod, (160, 40));
    let _ = update(&mut s, Action::Top);
    let _ = update(&mut s, Action::ShowLogs);
    s.mode = Mode::Help;
    let screen = text(&render(&s));
    let first = screen
        .lines()
        .skip_while(|l| !l.contains("help (any key closes)"))
        .nth(1)
        .expect("a help line");
    assert!(first.contains("c  pick the container"), "{screen}");
    assert!(screen.contains("timestamps on / off"), "{screen}");
    assert!(screen.contains("first row"), "[normal] keys too:\n{screen}");
    // p and s are the view's own here: pause and scale are not offered on them.
    assert!(!screen.contains("pause rollout"), "{screen}");
    assert!(!screen.contains(" s  scale"), "{screen}");
}
