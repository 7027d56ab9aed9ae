//! The command-line tools, run as the real binary: `config`, `completions`, `man`, the
//! exit codes of start-up failures, the log file and `theme import`; and the config's
//! aliases in the real dashboard (in a pseudo-terminal, on the embedded demo cluster).

mod pty;

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs kdeck with its config, state and home directories inside `dir` and no kubeconfig.
fn kdeck(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kdeck"))
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("HOME", dir)
        .env_remove("KUBECONFIG")
        .env_remove("KDECK_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("run kdeck")
}

/// How long a wait may take: `KDECK_TEST_TIMEOUT_SECS` (default 30).
fn timeout() -> std::time::Duration {
    let secs = std::env::var("KDECK_TEST_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    std::time::Duration::from_secs(secs)
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "status {}; stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("utf-8 output")
}

fn stderr_of_failure(output: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit code; stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn config_path_follows_xdg_config_home() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = stdout(&kdeck(&["config", "path"], dir.path()));
    assert_eq!(
        out.trim_end(),
        dir.path()
            .join("config/kdeck/config.toml")
            .display()
            .to_string()
    );
}

#[test]
fn config_default_written_to_the_config_path_is_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = stdout(&kdeck(&["config", "default"], dir.path()));
    assert!(text.contains("# tail_lines = 200"), "{text}");
    let path = dir.path().join("config/kdeck/config.toml");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    // Every setting uncommented: still a config kdeck reads (it then fails on the
    // missing kubeconfig, exit 1, not on the config, exit 3).
    let setting = regex::Regex::new(r"^# ([a-z_]+ = .+|\[[a-z_]+\])$").expect("regex");
    let uncommented: String = text
        .lines()
        .filter_map(|l| setting.captures(l).map(|c| format!("{}\n", &c[1])))
        .collect();
    assert!(
        uncommented.contains("[logs]\ntail_lines = 200\n"),
        "{uncommented}"
    );
    std::fs::write(&path, uncommented).expect("write config");
    let missing = dir.path().join("nope.yaml");
    let out = kdeck(
        &["--kubeconfig", missing.to_str().expect("utf-8")],
        dir.path(),
    );
    let stderr = stderr_of_failure(&out, 1);
    assert!(stderr.contains("nope.yaml"), "{stderr}");
}

#[test]
fn bash_completion_names_the_subcommands_and_flags_and_parses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = stdout(&kdeck(&["completions", "bash"], dir.path()));
    for word in ["sim", "--readonly", "completions", "--log-level"] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
    let path = dir.path().join("kdeck.bash");
    std::fs::write(&path, &script).expect("write");
    match Command::new("bash").arg("-n").arg(&path).output() {
        Ok(check) => assert!(
            check.status.success(),
            "bash -n: {}",
            String::from_utf8_lossy(&check.stderr)
        ),
        Err(e) => eprintln!("*** SKIP bash -n: cannot run bash: {e} ***"),
    }
    // And it completes: `kdeck --read<Tab>` gives --readonly.
    let complete = "source \"$1\"; COMP_WORDS=(kdeck --read); COMP_CWORD=1; \
                    _kdeck kdeck --read kdeck; echo \"${COMPREPLY[@]}\"";
    if let Ok(out) = Command::new("bash")
        .args(["-c", complete, "bash"])
        .arg(&path)
        .output()
    {
        let words = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            words.trim(),
            "--readonly",
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for shell in ["zsh", "fish"] {
        let script = stdout(&kdeck(&["completions", shell], dir.path()));
        assert!(script.contains("readonly"), "{shell} completion");
    }
    let bad = kdeck(&["completions", "tcsh"], dir.path());
    stderr_of_failure(&bad, 2);
}

#[test]
fn man_page_is_roff_and_documents_the_options() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = stdout(&kdeck(&["man"], dir.path()));
    let first_macro = page
        .lines()
        .find(|l| l.starts_with(".TH") || l.starts_with(".SH"))
        .expect("a title or section");
    assert!(first_macro.starts_with(".TH kdeck 1"), "{first_macro}");
    // roff escapes the dashes of options: \-\-readonly.
    assert!(page.contains(r"\-\-readonly"), "documents --readonly");
    assert!(page.contains(r"\-\-log\-level"), "documents --log-level");
    assert!(
        page.contains(".SH \"EXIT STATUS\""),
        "documents the exit codes"
    );
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    for (code, _) in kdeck::cli::exit_code::DOCUMENTED {
        assert!(
            page.contains(&format!("\\fB{code}\\fR\n")),
            "man page: exit code {code}"
        );
        assert!(
            readme.contains(&format!("\n| {code} | ")),
            "README: exit code {code}"
        );
    }
}

#[test]
fn a_malformed_config_file_exits_3_naming_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config/kdeck/config.toml");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, "theme = \"dark\"\ncolour = 1\n").expect("write");
    let stderr = stderr_of_failure(&kdeck(&[], dir.path()), 3);
    assert!(
        stderr.contains(&path.display().to_string()) && stderr.contains("line 2"),
        "{stderr}"
    );
}

#[test]
fn bad_usage_exits_2_and_no_terminal_exits_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stderr = stderr_of_failure(&kdeck(&["--no-such-flag"], dir.path()), 2);
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
    // The embedded demo cluster connects; stdout is a pipe, not a terminal.
    let stderr = stderr_of_failure(&kdeck(&["--demo"], dir.path()), 4);
    assert!(stderr.contains("not a terminal"), "{stderr}");
}

#[test]
fn the_dashboard_logs_to_a_file_in_the_state_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.yaml");
    let kubeconfig = missing.to_str().expect("utf-8");
    let out = kdeck(
        &["--kubeconfig", kubeconfig, "--log-level", "debug"],
        dir.path(),
    );
    let stderr = stderr_of_failure(&out, 1);
    assert!(
        !stderr.contains("kdeck starting"),
        "the log is not on stderr: {stderr}"
    );
    let log = std::fs::read_to_string(dir.path().join("state/kdeck/kdeck.log"))
        .expect("the log file was written");
    assert!(log.contains("kdeck starting"), "{log}");
    assert!(log.contains("ERROR") && log.contains("nope.yaml"), "{log}");
    // KDECK_LOG=off: no new lines.
    let before = log.len();
    let off = Command::new(env!("CARGO_BIN_EXE_kdeck"))
        .args(["--kubeconfig", kubeconfig])
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("KDECK_LOG", "off")
        .output()
        .expect("run kdeck");
    stderr_of_failure(&off, 1);
    let after = std::fs::read_to_string(dir.path().join("state/kdeck/kdeck.log")).expect("log");
    assert_eq!(after.len(), before, "KDECK_LOG=off logs nothing");
}

#[test]
fn an_unwritable_log_file_is_named_and_kdeck_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The state "directory" is a file: nothing can be created under it.
    std::fs::write(dir.path().join("state"), "not a directory").expect("write");
    let missing = dir.path().join("nope.yaml");
    let out = kdeck(
        &["--kubeconfig", missing.to_str().expect("utf-8")],
        dir.path(),
    );
    // It got as far as the kubeconfig (exit 1 naming it), and said where it could not log.
    let stderr = stderr_of_failure(&out, 1);
    assert!(stderr.contains("nope.yaml"), "{stderr}");
    let log_path = dir.path().join("state/kdeck/kdeck.log");
    assert!(
        stderr.contains(&format!("cannot write the log file {}", log_path.display())),
        "{stderr}"
    );
}

#[test]
fn a_k9s_skin_imports_into_a_theme_that_theme_name_finds() {
    use kdeck::theme::Theme;
    use ratatui::style::Color;

    let dir = tempfile::tempdir().expect("tempdir");
    let skin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k9s_skin.yaml");
    let skin = skin.to_str().expect("utf-8");
    let out = kdeck(
        &["theme", "import", skin, "--name", "dracula-k9s"],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    for note in [
        "k9s.frame.menu.keyColor: no kdeck role",
        "k9s.views.yaml.keyColor: no kdeck role",
        "k9s.views.logs.fgColor: no kdeck role",
        "purple: outside k9s:",
    ] {
        assert!(stderr.contains(note), "note {note:?} in {stderr}");
    }
    let path = dir.path().join("config/kdeck/themes/dracula-k9s.toml");
    let text = std::fs::read_to_string(&path).expect("the theme file was written");
    assert!(text.contains("border = \"#1e90ff\""), "{text}");

    let (theme, warnings) =
        Theme::load(Some(path.to_str().expect("utf-8")), false).expect("the imported theme loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        theme.border,
        Color::Rgb(0x1e, 0x90, 0xff),
        "dodgerblue arrived"
    );
    assert_eq!(
        theme.selection_bg,
        Color::Rgb(0xbd, 0x93, 0xf9),
        "an anchor arrived"
    );
    assert_eq!(
        theme.badge_readonly_bg,
        Color::LightCyan,
        "aqua stays a palette colour"
    );

    // --theme NAME finds it in the themes directory: the dashboard gets as far as the
    // kubeconfig (exit 1), not a theme error (exit 3).
    let missing = dir.path().join("nope.yaml");
    let kubeconfig = missing.to_str().expect("utf-8");
    let run = kdeck(
        &["--theme", "dracula-k9s", "--kubeconfig", kubeconfig],
        dir.path(),
    );
    let stderr = stderr_of_failure(&run, 1);
    assert!(stderr.contains("nope.yaml"), "{stderr}");
    let run = kdeck(
        &["--theme", "no-such-theme", "--kubeconfig", kubeconfig],
        dir.path(),
    );
    let stderr = stderr_of_failure(&run, 3);
    assert!(stderr.contains("no-such-theme"), "{stderr}");

    // -o - prints the theme; a shipped name is refused.
    let printed = stdout(&kdeck(&["theme", "import", skin, "-o", "-"], dir.path()));
    assert!(printed.contains("theme \"k9s_skin\""), "{printed}");
    let clash = kdeck(&["theme", "import", skin, "--name", "dark"], dir.path());
    stderr_of_failure(&clash, 2);
}

/// The packaged man page and completions (Cargo.toml's `[package.metadata.deb]` assets)
/// are what the binary prints. Regenerate with `kdeck man > packaging/kdeck.1` and
/// `kdeck completions bash > packaging/completions/kdeck.bash` (zsh: `_kdeck`, fish:
/// `kdeck.fish`), or run this test with `KDECK_UPDATE_PACKAGING=1`.
#[test]
fn packaged_man_page_and_completions_are_what_the_binary_prints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (args, file) in [
        (&["man"][..], "packaging/kdeck.1"),
        (&["completions", "bash"], "packaging/completions/kdeck.bash"),
        (&["completions", "zsh"], "packaging/completions/_kdeck"),
        (&["completions", "fish"], "packaging/completions/kdeck.fish"),
    ] {
        let printed = stdout(&kdeck(args, dir.path()));
        if std::env::var_os("KDECK_UPDATE_PACKAGING").is_some() {
            std::fs::write(root.join(file), &printed).expect(file);
        }
        let packaged = std::fs::read_to_string(root.join(file)).expect(file);
        assert!(
            printed == packaged,
            "{file} is stale: regenerate it with `cargo run -- {} > {file}` \
             (or run this test with KDECK_UPDATE_PACKAGING=1)",
            args.join(" ")
        );
    }
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml"))
            .expect("Cargo.toml parses");
    let deb = &manifest["package"]["metadata"]["deb"];
    assert_eq!(deb["section"].as_str(), Some("admin"));
    let assets = deb["assets"].as_array().expect("assets");
    assert!(assets.len() >= 5);
    for asset in assets {
        let source = asset[0].as_str().expect("asset source");
        if source != "target/release/kdeck" {
            assert!(root.join(source).is_file(), "deb asset {source} exists");
        }
    }
}

/// TLS is rustls only: no OpenSSL or native-tls crate anywhere in the lock file, so the
/// binary needs no libssl and builds static-friendly.
#[test]
fn the_build_has_no_openssl() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    let lock: toml::Table = toml::from_str(&lock).expect("Cargo.lock parses");
    let names: Vec<&str> = lock["package"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for banned in [
        "openssl-sys",
        "openssl",
        "native-tls",
        "hyper-tls",
        "tokio-native-tls",
    ] {
        assert!(!names.contains(&banned), "{banned} is in the build");
    }
    assert!(names.contains(&"rustls"), "TLS comes from rustls");
}

/// The README's example `[aliases]` is a valid config whose aliases all load.
#[test]
fn the_readme_alias_example_loads_without_warnings() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("```toml\n[aliases]")
        .expect("an [aliases] example")
        + 8;
    let block = &readme[start..start + readme[start..].find("```").expect("end of block")];
    let config: kdeck::config::Config = toml::from_str(block).expect("the example parses");
    let (aliases, warnings) = kdeck::command_line::Aliases::new(&config.aliases);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(aliases.words().count(), config.aliases.len());
    assert_eq!(aliases.expand("sys"), "ns kube-system");
}

#[test]
fn config_aliases_work_in_the_dashboard_and_bad_ones_are_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config/kdeck/config.toml");
    std::fs::create_dir_all(config.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &config,
        "[aliases]\nd = \"deployments\"\nsys = \"ns kube-system\"\ndp = \"pods\"\n",
    )
    .expect("write config");
    let path = |p: &str| dir.path().join(p).to_str().expect("utf-8").to_owned();
    let mut s = pty::PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--demo"],
        &[
            ("XDG_CONFIG_HOME", &path("config")),
            ("XDG_STATE_HOME", &path("state")),
            ("HOME", &path("")),
            ("KDECK_LOG", "info"),
        ],
        200,
        40,
    );
    s.wait_for_text("pods(default)");
    s.wait_for_text("\"dp\" ignored: it would shadow the built-in :dp");
    s.type_slowly(":d");
    s.send(pty::keys::ENTER);
    s.wait_for_text("deployments(default)");
    s.type_slowly(":sys");
    s.send(pty::keys::ENTER);
    s.wait_for_text("deployments(kube-system)");
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly: {}", s.screen());
    // The dashboard logged to its file, not to the terminal.
    let log = std::fs::read_to_string(dir.path().join("state/kdeck/kdeck.log")).expect("log");
    assert!(log.contains("kdeck starting"), "{log}");
    let output = String::from_utf8_lossy(&s.raw_output()).into_owned();
    assert!(
        !output.contains("kdeck starting"),
        "the log reached the terminal"
    );
}

#[test]
fn kdeck_sim_logs_to_stderr() {
    use std::io::{BufRead as _, BufReader, Read as _};

    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kc");
    let mut sim = Command::new(env!("CARGO_BIN_EXE_kdeck"))
        .args(["sim", "--log-level", "info", "--write-kubeconfig"])
        .arg(&kubeconfig)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env_remove("KDECK_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kdeck sim");
    // A watchdog: a sim that never says it is ready is killed, so the test fails, not hangs.
    let (done, watchdog) = std::sync::mpsc::channel::<()>();
    let pid = sim.id().to_string();
    let watchdog = std::thread::spawn(move || {
        if watchdog.recv_timeout(timeout()).is_err() {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
        }
    });
    let stdout = sim.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("Ctrl-C stops it"));
    let term = Command::new("kill")
        .args(["-TERM", &sim.id().to_string()])
        .status();
    if !term.is_ok_and(|s| s.success()) {
        let _ = sim.kill();
    }
    let mut stderr = String::new();
    sim.stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = sim.wait().expect("wait for kdeck sim");
    let _ = done.send(());
    watchdog.join().expect("watchdog");
    assert!(ready, "kdeck sim started ({status}); stderr: {stderr}");
    // It listens for SIGTERM before it says it is ready: a clean stop.
    assert!(
        status.success(),
        "kdeck sim stops cleanly on SIGTERM: {status}; {stderr}"
    );
    assert!(
        stderr.contains("INFO") && stderr.contains("kdeck starting"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\x1b'),
        "no colour codes into a pipe: {stderr:?}"
    );
    assert!(
        !dir.path().join("state/kdeck/kdeck.log").exists(),
        "kdeck sim writes no log file"
    );
}

/// The README's commands that make a config file work verbatim in `sh` on a fresh
/// home, and give a file kdeck reads.
#[test]
fn the_readme_config_commands_work_verbatim() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let section = &readme[readme.find("## Configuration file").expect("the section")..];
    let start = section.find("```sh\n").expect("a sh block") + 6;
    let script = &section[start..start + section[start..].find("```").expect("end")];
    assert!(script.contains("kdeck config default"), "{script}");
    let dir = tempfile::tempdir().expect("tempdir");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kdeck"))
        .parent()
        .expect("bin dir");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = Command::new("sh")
        .args(["-ec", script])
        .env("PATH", path)
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("fresh/config"))
        .output();
    let run = match run {
        Ok(run) => run,
        Err(e) => return eprintln!("*** SKIP: cannot run sh: {e} ***"),
    };
    assert!(
        run.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let written = dir.path().join("fresh/config/kdeck/config.toml");
    let text = std::fs::read_to_string(&written).expect("the config file was written");
    assert_eq!(text, kdeck::config::DEFAULT_CONFIG);
    assert_eq!(
        kdeck::config::Config::load_from(&written).expect("it loads"),
        kdeck::config::Config::default()
    );
}

#[test]
fn the_dashboard_says_where_it_could_not_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The state "directory" is a file: the log cannot be created under it.
    std::fs::write(dir.path().join("state"), "not a directory").expect("write");
    let path = |p: &str| dir.path().join(p).to_str().expect("utf-8").to_owned();
    let mut s = pty::PtySession::spawn(
        Path::new(env!("CARGO_BIN_EXE_kdeck")),
        &["--demo"],
        &[
            ("XDG_CONFIG_HOME", &path("config")),
            ("XDG_STATE_HOME", &path("state")),
            ("HOME", &path("")),
        ],
        200,
        40,
    );
    s.wait_for_text("pods(default)");
    s.wait_for_text(&format!(
        "cannot write the log file {}",
        path("state/kdeck/kdeck.log")
    ));
    s.send("q");
    assert_eq!(s.wait_exit(), 0, "kdeck exits cleanly: {}", s.screen());
}
