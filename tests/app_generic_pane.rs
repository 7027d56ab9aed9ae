//! The generic pane (a kind without a pane of its own: here the seed's Widgets, a custom
//! resource) sorts and filters as every pane does, through the app's real step and cluster
//! layer against the embedded cluster: `>` walks the server's columns (a number column
//! sorts as numbers), `=` reverses, `/-l` selects by label (equality and set-based, as
//! kubectl's `-l`).

mod app_driver;
mod support;

use app_driver::AppDriver;
use kdeck::action::Action;
use kdeck::app::state::{Screen, State};
use support::TestSim;

fn command(d: &mut AppDriver, line: &str) {
    d.act(Action::CommandMode);
    d.type_text(line);
    d.press_code(crossterm::event::KeyCode::Enter);
}

fn names(state: &State) -> Vec<String> {
    let Screen::Table(t) = state.screen() else {
        return Vec::new();
    };
    let store = state.stores.of(t.kind);
    t.visible
        .iter()
        .filter_map(|slot| store.get(*slot).map(|r| r.meta.name.clone()))
        .collect()
}

#[test]
fn a_custom_resources_pane_sorts_by_its_printer_columns_and_filters_by_label() {
    let sim = TestSim::start();
    // Size 10 sorts last as a number and first as text; no other order puts it last.
    sim.create_yaml(
        "apiVersion: demo.kdeck.dev/v1\nkind: Widget\nmetadata:\n  name: alpha\n  namespace: default\n  labels: {color: yellow}\nspec: {color: yellow, size: 10}\n",
    );
    sim.block_on(async {
        let mut d = AppDriver::connect(sim.kubeconfig_path(), true, true, None).await;
        d.wait_for("discovery", |s| s.catalog.discovered()).await;
        command(&mut d, "wg");
        d.wait_for("four widgets", |s| names(s).len() == 4).await;
        assert_eq!(names(&d.state), ["alpha", "gear", "spring", "sprocket"]);

        let by_size = ["gear", "sprocket", "spring", "alpha"];
        let by_color = ["sprocket", "spring", "gear", "alpha"];
        let mut seen = Vec::new();
        for _ in 0..6 {
            d.act(Action::SortNext);
            d.settle().await;
            seen.push(names(&d.state));
        }
        assert!(seen.iter().any(|o| *o == by_color), "{seen:?}");
        let at = seen
            .iter()
            .position(|o| *o == by_size)
            .unwrap_or_else(|| panic!("no numeric sort by SIZE in {seen:?}"));
        // Back to SIZE, then reversed.
        for _ in at + 1..seen.len() {
            d.act(Action::SortPrev);
        }
        d.settle().await;
        assert_eq!(names(&d.state), by_size);
        d.act(Action::SortReverse);
        d.settle().await;
        assert_eq!(names(&d.state), ["alpha", "spring", "sprocket", "gear"]);

        for (selector, expected) in [
            ("-l color=green", &["spring"][..]),
            ("-l color in (green,yellow)", &["alpha", "spring"][..]),
            ("-l color notin (green,yellow)", &["sprocket", "gear"][..]),
        ] {
            d.act(Action::FilterMode);
            d.type_text(selector);
            d.press_code(crossterm::event::KeyCode::Enter);
            d.settle().await;
            assert_eq!(names(&d.state), expected, "{selector}");
            d.press_code(crossterm::event::KeyCode::Esc);
            d.settle().await;
        }
    });
}
