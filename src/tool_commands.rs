//! The subcommands that need no cluster: `config path|default`, `completions`, `man`,
//! `theme import`.
//! They print on stdout and return the process's exit code.

use std::io::Write as _;
use std::process::ExitCode;

use clap::CommandFactory as _;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::{Cli, ConfigAction, ThemeImportArgs, exit_code};
use crate::config::{Config, DEFAULT_CONFIG};
use crate::theme::{SHIPPED_THEMES, k9s_skin, user_theme_dir};

/// `kdeck config path` / `kdeck config default`.
pub fn config(action: ConfigAction) -> ExitCode {
    match action {
        ConfigAction::Path => match Config::path() {
            Some(path) => print(&format!("{}\n", path.display())),
            None => fail(
                "no config directory: set XDG_CONFIG_HOME or HOME",
                exit_code::CONFIG,
            ),
        },
        ConfigAction::Default => print(DEFAULT_CONFIG),
    }
}

/// `kdeck completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "kdeck", &mut script);
    write_out(&script)
}

/// `kdeck man`: the man page (roff) on stdout: clap's sections, then EXIT STATUS, FILES
/// and ENVIRONMENT.
pub fn man() -> ExitCode {
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut page) {
        return fail(&format!("cannot render the man page: {e}"), 1);
    }
    let page = String::from_utf8_lossy(&page);
    let extra = man_extra_sections().to_roff();
    let page = match page.find(".SH VERSION") {
        Some(at) => format!("{}{extra}{}", &page[..at], &page[at..]),
        None => format!("{page}{extra}"),
    };
    print(&page)
}

/// The man page's sections that clap does not know about.
fn man_extra_sections() -> Roff {
    let mut roff = Roff::new();
    let mut items = |title: &str, entries: &[(String, &str)]| {
        roff.control("SH", [title]);
        for (term, text) in entries {
            roff.control("TP", []);
            roff.text([bold(term.as_str())]);
            roff.text([roman(*text)]);
        }
    };
    let codes: Vec<(String, &str)> = exit_code::DOCUMENTED
        .iter()
        .map(|(code, text)| (code.to_string(), *text))
        .collect();
    items("EXIT STATUS", &codes);
    items(
        "FILES",
        &[
            (
                "$XDG_CONFIG_HOME/kdeck/config.toml".to_owned(),
                "The config file (kdeck config path; kdeck config default prints every key).",
            ),
            (
                "$XDG_CONFIG_HOME/kdeck/themes/NAME.toml".to_owned(),
                "Themes imported with kdeck theme import, used with --theme NAME.",
            ),
            (
                "$XDG_STATE_HOME/kdeck/kdeck.log".to_owned(),
                "The log file (--log-level).",
            ),
            (
                "$XDG_STATE_HOME/kdeck/crash-TIME-PID.txt".to_owned(),
                "The report of a crash, with its backtrace (the path is printed when it happens).",
            ),
        ],
    );
    items(
        "ENVIRONMENT",
        &[
            (
                "KUBECONFIG".to_owned(),
                "Kubeconfig files, merged as kubectl does.",
            ),
            ("KDECK_LOG".to_owned(), "The log level, as --log-level."),
            (
                "KDECK_READONLY".to_owned(),
                "Start read-only, as --readonly.",
            ),
            ("NO_COLOR".to_owned(), "No colours."),
        ],
    );
    roff
}

fn print(text: &str) -> ExitCode {
    write_out(text.as_bytes())
}

/// Writes to stdout; a closed pipe (`kdeck man | head`) is not an error worth a message.
fn write_out(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write to stdout: {e}"), 1),
    }
}

/// Prints `kdeck: message` on stderr and returns `code`.
pub fn fail(message: &str, code: u8) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "kdeck: {message}");
    ExitCode::from(code)
}

/// `kdeck theme import SKIN [--name NAME] [-o FILE|-]`: converts a k9s skin; notes on
/// what was left out go to stderr.
pub fn theme_import(args: &ThemeImportArgs) -> ExitCode {
    let skin = args.skin.display().to_string();
    let yaml = match std::fs::read_to_string(&args.skin) {
        Ok(text) => text,
        Err(e) => {
            return fail(
                &format!("cannot read the skin {skin}: {e}"),
                exit_code::CONFIG,
            );
        }
    };
    let name = args.name.clone().unwrap_or_else(|| {
        args.skin.file_stem().map_or_else(
            || "imported".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
    {
        return fail(
            &format!("theme name {name:?}: use letters, digits, - and _ (--name NAME)"),
            exit_code::USAGE,
        );
    }
    if SHIPPED_THEMES.iter().any(|(shipped, _)| *shipped == name) {
        return fail(
            &format!("{name} is a shipped theme: give the import another --name"),
            exit_code::USAGE,
        );
    }
    let imported = match k9s_skin::convert(&yaml, &name, &skin) {
        Ok(imported) => imported,
        Err(e) => return fail(&format!("skin {skin}: {e}"), exit_code::CONFIG),
    };
    let mut err = std::io::stderr().lock();
    for note in &imported.notes {
        let _ = writeln!(err, "note: {note}");
    }
    let path = match args.output.as_deref() {
        Some(path) if path.as_os_str() == "-" => return print(&imported.toml),
        Some(path) => path.to_owned(),
        None => match user_theme_dir() {
            Some(dir) => dir.join(format!("{name}.toml")),
            None => {
                return fail(
                    "no config directory for themes: set XDG_CONFIG_HOME or HOME, or use -o FILE",
                    exit_code::CONFIG,
                );
            }
        },
    };
    let written = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&path, &imported.toml));
    if let Err(e) = written {
        return fail(&format!("cannot write {}: {e}", path.display()), 1);
    }
    let usage = if args.output.is_none() {
        format!("--theme {name}")
    } else {
        format!("--theme {}", path.display())
    };
    let _ = writeln!(
        err,
        "theme {name} written to {} ({} skin keys not imported, listed above); use it with {usage}",
        path.display(),
        imported.notes.len()
    );
    ExitCode::SUCCESS
}
