//! The README's screenshots, taken from the real binary on the embedded demo cluster:
//! `cargo run --example screenshots [-- --out screenshots/] [--only NAME]... [--kdeck FILE] [--text]`.
//!
//! For each shot: a fresh `kdeck sim`, kdeck in a pseudo-terminal of the shot's size with
//! the shot's TERM/COLORTERM, keys typed until the screen shows what the shot needs (and
//! has stopped changing), then its cells drawn with the bundled DejaVu Sans Mono
//! (screenshots/font/) into `NAME.png`. Builds kdeck first (`cargo build --bin kdeck`, in
//! this example's profile) so the pictures show the current source.

#[path = "../tests/pty/mod.rs"]
mod pty;

// The crate root's modules would be looked for in examples/ itself.
#[path = "screenshots/capture.rs"]
mod capture;
#[path = "screenshots/render.rs"]
mod render;
#[path = "screenshots/shots.rs"]
mod shots;
#[path = "screenshots/sim_process.rs"]
mod sim_process;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use pty::PtySession;
use render::CellFont;
use shots::{Depth, Shot};
use sim_process::SimProcess;

/// Pixel size of the font (ascent to descent): 18 px makes 10x18 cells, 1200x720 at 120x40.
const FONT_PX: f32 = 18.0;

struct Options {
    out: PathBuf,
    only: Vec<String>,
    kdeck: Option<PathBuf>,
    /// Also write each screen's text as `NAME.txt` (to review a change in a diff), with
    /// the port, times and ages scrubbed as `tests/e2e_screenshots.rs` scrubs its own.
    text: bool,
}

fn options() -> Result<Options, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Options {
        out: manifest.join("screenshots"),
        only: Vec::new(),
        kdeck: None,
        text: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--out" => o.out = PathBuf::from(value()?),
            "--only" => o.only.push(value()?),
            "--kdeck" => o.kdeck = Some(PathBuf::from(value()?)),
            "--text" => o.text = true,
            "-h" | "--help" => {
                return Err(
                    "usage: cargo run --example screenshots [-- --out DIR] [--only NAME]... [--kdeck FILE] [--text]"
                        .to_owned(),
                );
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let names: Vec<&str> = shots::ALL.iter().map(|s| s.name).collect();
    if let Some(unknown) = o.only.iter().find(|n| !names.contains(&n.as_str())) {
        return Err(format!(
            "no shot named {unknown:?}; the shots are {}",
            names.join(", ")
        ));
    }
    Ok(o)
}

/// Builds the kdeck binary next to this example (same target directory and profile) and
/// returns its path.
fn build_kdeck() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("where is this example? {e}"))?;
    // target/<profile>/examples/screenshots -> target/<profile>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("this example is not in a cargo target directory; pass --kdeck FILE")?;
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("debug");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut build = Command::new(cargo);
    build
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // With the example in the same build, dependencies get the features `cargo test` gives
        // them, so the binary reuses that build instead of compiling them all again.
        .args(["build", "--bin", "kdeck", "--example", "screenshots"]);
    match profile {
        "debug" => {}
        "release" => {
            build.arg("--release");
        }
        other => {
            build.args(["--profile", other]);
        }
    }
    // `cargo run` gave this process its package's variables and a library path; build
    // scripts that watch the environment would run again (and rebuild half the tree).
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || matches!(
                name.as_ref(),
                "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE" | "LD_LIBRARY_PATH"
            )
        {
            build.env_remove(name.as_ref());
        }
    }
    if let Some(target) = profile_dir.parent() {
        build.arg("--target-dir").arg(target);
    }
    let status = build
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --bin kdeck failed ({status})"));
    }
    Ok(profile_dir.join("kdeck"))
}

/// Takes one shot: a fresh sim, kdeck in a pty, the keys, the picture.
fn take(shot: &Shot, kdeck: &Path, font: &CellFont, o: &Options) -> Result<PathBuf, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("a scratch directory: {e}"))?;
    // Real-time speed: a faster simulated clock would date new objects in the future.
    let sim = SimProcess::start(kdeck, dir.path(), 1.0, pty::timeout())?;
    let kubeconfig = sim.kubeconfig.to_str().ok_or("a non-UTF-8 scratch path")?;
    let mut args = vec!["--kubeconfig", kubeconfig];
    args.extend_from_slice(shot.args);
    let (config, state) = (dir.path().join("config"), dir.path().join("state"));
    let (term, colorterm) = match shot.depth {
        Depth::TrueColor => ("xterm-256color", "truecolor"),
        // Empty counts as unset, and keeps the caller's COLORTERM out of the terminal.
        Depth::Ansi16 => ("xterm", ""),
    };
    let env = [
        (
            "XDG_CONFIG_HOME",
            config.to_str().ok_or("a non-UTF-8 path")?,
        ),
        ("XDG_STATE_HOME", state.to_str().ok_or("a non-UTF-8 path")?),
        ("TERM", term),
        ("COLORTERM", colorterm),
    ];
    let (cols, rows) = shot.size;
    let mut session = PtySession::spawn(kdeck, &args, &env, cols, rows);
    let screen = (shot.drive)(&mut session, shot.size);
    let image = render::render(screen.screen(), font);
    if o.text {
        let path = o.out.join(format!("{}.txt", shot.name));
        std::fs::write(
            &path,
            pty::screen_text::scrubbed(&screen.screen().contents()),
        )
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let path = o.out.join(format!("{}.png", shot.name));
    std::fs::write(&path, image.to_png()?)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    // Ctrl-C quits from any screen (q is text in the editor).
    session.send(pty::keys::CTRL_C);
    session.wait_exit();
    drop(sim);
    Ok(path)
}

fn run() -> Result<(), String> {
    let o = options()?;
    let kdeck = match &o.kdeck {
        Some(path) => path.clone(),
        None => build_kdeck()?,
    };
    let font_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots/font");
    let font = CellFont::load(&font_dir, FONT_PX)?;
    std::fs::create_dir_all(&o.out)
        .map_err(|e| format!("cannot create {}: {e}", o.out.display()))?;
    let mut failed = Vec::new();
    for shot in shots::ALL
        .iter()
        .filter(|s| o.only.is_empty() || o.only.iter().any(|n| n == s.name))
    {
        let started = Instant::now();
        // A shot that times out panics with the screen it saw; the others still run.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            take(shot, &kdeck, &font, &o)
        }));
        match result {
            Ok(Ok(path)) => println!(
                "{} ({:.1} s)",
                path.display(),
                started.elapsed().as_secs_f64()
            ),
            Ok(Err(e)) => {
                eprintln!("{}: {e}", shot.name);
                failed.push(shot.name);
            }
            Err(_) => failed.push(shot.name),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("these shots failed: {}", failed.join(", ")))
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("screenshots: {e}");
            ExitCode::FAILURE
        }
    }
}
