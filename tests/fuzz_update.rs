//! Random key sequences, pastes and resizes into the app's update loop against the
//! embedded cluster, every screen drawn at the size of the moment: no panic, and in
//! read-only mode no request but GET reaches the server.
//!
//! Seeded: a run draws a new seed, which every failure names (the assert messages, and a
//! guard for any other panic); `KDECK_FUZZ_SEED` replays a run. `KDECK_FUZZ_STEPS` sets
//! the number of steps (default 1500); `KDECK_FUZZ_TRACE=1` prints each step. A run that
//! never left its first screen tested little: it fails.

mod app_driver;
mod support;

use std::collections::BTreeSet;

use app_driver::{AppDriver, bound_chords};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kdeck::app::Msg;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::TestSim;

/// Names the seed when the test panics, wherever the panic comes from.
struct SeedOnFailure(u64);

impl Drop for SeedOnFailure {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "fuzz_update failed with seed {0}: replay with KDECK_FUZZ_SEED={0} cargo test --test fuzz_update",
                self.0
            );
        }
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

const NAMED: [KeyCode; 12] = [
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Backspace,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Delete,
];

/// Text worth typing into a filter or command line: regex syntax, selectors, unicode.
const TYPED: &[&str] = &[
    "myapp",
    "(",
    "[a-",
    "*",
    "\\",
    "-l app=",
    "-l",
    "app!=x",
    "ns kube-system",
    "ctx",
    "deploy",
    "q",
    "é漢🙂",
    "   ",
    "a{99999}",
    "canary",
];

#[test]
fn random_keys_and_resizes_never_panic_nor_mutate_in_readonly() {
    let seed = env_u64("KDECK_FUZZ_SEED").unwrap_or_else(|| fastrand::u64(..));
    let steps = env_u64("KDECK_FUZZ_STEPS").unwrap_or(1500);
    println!("fuzz seed {seed} (replay: KDECK_FUZZ_SEED={seed}), {steps} steps");
    let _seed = SeedOnFailure(seed);
    let mut rng = fastrand::Rng::with_seed(seed);
    let sim = TestSim::start();
    let kubeconfig = sim.kubeconfig_path().to_owned();
    let runtime = support::runtime();
    runtime.block_on(async {
        let keymap = if rng.bool() { None } else { Some("vim") };
        let mut d = AppDriver::connect(&kubeconfig, true, true, keymap).await;
        let chords = bound_chords(&d.state.keymap);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
        let trace = std::env::var_os("KDECK_FUZZ_TRACE").is_some();
        let mut screens = BTreeSet::new();
        for step in 0..steps {
            let roll = rng.u8(..100);
            if trace {
                eprintln!(
                    "step {step}: roll {roll}, mode {:?}, screen {:?}",
                    d.state.mode,
                    d.state.breadcrumb()
                );
            }
            match roll {
                0..=59 => d.press_chord(chords[rng.usize(..chords.len())]),
                60..=74 => d.press_code(NAMED[rng.usize(..NAMED.len())]),
                75..=84 => d.type_text(TYPED[rng.usize(..TYPED.len())]),
                85..=89 => {
                    let c = rng.char(..);
                    let ctrl = if rng.u8(..4) == 0 {
                        KeyModifiers::CONTROL
                    } else {
                        KeyModifiers::NONE
                    };
                    d.press(KeyEvent::new(KeyCode::Char(c), ctrl));
                }
                90..=94 => {
                    let (w, h) = if rng.bool() {
                        (rng.u16(1..=60), rng.u16(1..=16))
                    } else {
                        (rng.u16(1..=300), rng.u16(1..=100))
                    };
                    d.act(Msg::Resize(w, h));
                }
                95..=96 => {
                    // A huge paste (in whatever mode), through the loop's paste handler.
                    let text = "(abc|[x-z]+)*\n".repeat(rng.usize(1..2000));
                    d.paste(&text);
                }
                _ => d.settle().await,
            }
            // Quitting ends a real session; the fuzz goes on.
            d.state.quit = false;
            screens.extend(d.state.breadcrumb().pop());
            if step % 5 == 0 {
                let (w, h) = d.state.size;
                terminal.backend_mut().resize(w, h);
                terminal
                    .draw(|frame| kdeck::ui::draw(&d.state, frame))
                    .unwrap_or_else(|e| panic!("seed {seed}: step {step}: draw failed: {e}"));
            }
        }
        d.settle().await;
        assert_eq!(d.mutations_sent, 0, "seed {seed}: a change was handed out");
        assert!(
            screens.len() > 1,
            "seed {seed}: {steps} steps never left the first screen: {screens:?}"
        );
        println!("{} screens reached: {screens:?}", screens.len());
    });
    let requests = sim.requests();
    let writes: Vec<_> = requests.iter().filter(|r| r.method != "GET").collect();
    assert!(
        writes.is_empty(),
        "seed {seed}: read-only kdeck sent {writes:#?}"
    );
}
