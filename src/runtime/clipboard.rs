//! Where a copy goes: the local clipboard when kdeck runs on the desktop that owns it
//! (wl-copy, xclip, xsel, pbcopy), else the terminal's clipboard through OSC 52, which is
//! the only one that reaches the user's machine over SSH (a bastion has no clipboard of
//! its own, and its X or Wayland, if any, is not the user's).

use std::io::Write as _;
use std::process::{Command, Stdio};

/// How a copy is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clipboard {
    /// A local clipboard program reading the text on its standard input.
    Program {
        /// The program.
        name: &'static str,
        /// Its arguments.
        args: &'static [&'static str],
    },
    /// OSC 52, written to the terminal.
    Osc52,
}

/// The local clipboard programs, with the environment variable that says their display
/// is there (none: always there, as on macOS).
const PROGRAMS: &[(Option<&str>, &str, &[&str])] = &[
    (Some("WAYLAND_DISPLAY"), "wl-copy", &[]),
    (Some("DISPLAY"), "xclip", &["-selection", "clipboard"]),
    (Some("DISPLAY"), "xsel", &["--clipboard", "--input"]),
    (None, "pbcopy", &[]),
];

/// Chooses from the environment (`var`) and the programs installed (`installed`).
pub fn choose(var: impl Fn(&str) -> Option<String>, installed: impl Fn(&str) -> bool) -> Clipboard {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    if set("SSH_CONNECTION") || set("SSH_TTY") {
        return Clipboard::Osc52;
    }
    PROGRAMS
        .iter()
        .find(|(display, program, _)| display.is_none_or(&set) && installed(program))
        .map_or(Clipboard::Osc52, |(_, name, args)| Clipboard::Program {
            name,
            args,
        })
}

/// Whether `program` is an executable file on `PATH`.
pub fn on_path(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(program))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Runs the clipboard `program` with `text` on its input; `Err` says why it did not take it.
pub fn run_program(name: &str, args: &[&str], text: &str) -> Result<(), String> {
    let mut child = Command::new(name)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{name}: {e}"))?;
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(text.as_bytes())
            .map_err(|e| format!("{name}: {e}"))?;
    }
    let status = child.wait().map_err(|e| format!("{name}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_env::env;

    #[test]
    fn ssh_means_osc52_and_a_desktop_means_its_clipboard() {
        let all = |_: &str| true;
        let none = |_: &str| false;
        assert_eq!(
            choose(
                env(&[
                    ("SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22"),
                    ("DISPLAY", ":0")
                ]),
                all
            ),
            Clipboard::Osc52
        );
        assert_eq!(
            choose(
                env(&[("WAYLAND_DISPLAY", "wayland-0"), ("DISPLAY", ":0")]),
                all
            ),
            Clipboard::Program {
                name: "wl-copy",
                args: &[]
            }
        );
        assert_eq!(
            choose(env(&[("DISPLAY", ":0")]), |p| p == "xsel"),
            Clipboard::Program {
                name: "xsel",
                args: &["--clipboard", "--input"]
            }
        );
        // A display without a clipboard program, or no display at all: the terminal's.
        assert_eq!(choose(env(&[("DISPLAY", ":0")]), none), Clipboard::Osc52);
        assert_eq!(choose(env(&[]), |p| p == "xclip"), Clipboard::Osc52);
        assert_eq!(
            choose(env(&[]), |p| p == "pbcopy"),
            Clipboard::Program {
                name: "pbcopy",
                args: &[]
            }
        );
    }

    #[test]
    fn a_program_gets_the_text_on_its_input() {
        assert_eq!(
            run_program("sh", &["-c", "test \"$(cat)\" = hello"], "hello"),
            Ok(())
        );
        assert!(run_program("sh", &["-c", "cat >/dev/null; exit 3"], "x").is_err());
        assert!(run_program("kdeck-no-such-clipboard", &[], "x").is_err());
    }
}
