//! The commands of the stand-in shell, each answering as its BusyBox or GNU
//! original would for the common cases (messages included), over the container's
//! read-only [`FileTree`](super::files::FileTree) and environment.

use std::fmt::Write as _;

use super::ShellState;
use super::files::{FileError, normalize};
use super::net_tools;
use crate::sim::images::{Server, Userland};

/// What a command printed and how it ended.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit status.
    pub status: i32,
    /// `exit` was run: the shell ends with `status`.
    pub exit: bool,
}

impl Outcome {
    fn out(text: impl Into<String>) -> Self {
        Self {
            stdout: text.into(),
            ..Self::default()
        }
    }

    fn err(text: impl Into<String>, status: i32) -> Self {
        Self {
            stderr: text.into(),
            status,
            ..Self::default()
        }
    }
}

/// Runs one simple command (its words expanded) in `state`.
pub fn run(state: &mut ShellState, words: &[String]) -> Outcome {
    let Some((name, args)) = words.split_first() else {
        return Outcome::default();
    };
    if state.in_shell {
        match name.as_str() {
            "exit" => {
                let status = match args.first().map(|a| a.parse::<i32>()) {
                    None => state.last_status,
                    Some(Ok(n)) => n & 0xff,
                    Some(Err(_)) => {
                        return Outcome {
                            stderr: format!(
                                "{}: exit: Illegal number: {}\n",
                                state.shell(),
                                args[0]
                            ),
                            status: 2,
                            exit: true,
                            ..Outcome::default()
                        };
                    }
                };
                return Outcome {
                    status,
                    exit: true,
                    ..Outcome::default()
                };
            }
            "cd" => return cd(state, args),
            "help" => return Outcome::out(help(state)),
            "export" => {
                for a in args {
                    if let Some((k, v)) = a.split_once('=') {
                        state.set_var(k, v);
                    }
                }
                return Outcome::default();
            }
            _ => {}
        }
    }
    let image = state.ctx.image.clone();
    let Some(command) = state.ctx.userland.resolve(name, &image) else {
        return Outcome::err(state.kind.not_found(name), 127);
    };
    match command.as_str() {
        "echo" => echo(args),
        "hostname" => Outcome::out(format!("{}\n", state.ctx.pod_name())),
        "env" | "printenv" => printenv(state, args),
        "cat" => cat(state, args),
        "ls" => ls(state, args),
        "pwd" => Outcome::out(format!("{}\n", state.cwd)),
        "whoami" => Outcome::out("root\n"),
        "uname" => uname(state, args),
        "ps" => ps(state),
        "stty" => stty(state, args),
        "true" => Outcome::default(),
        "false" => Outcome::err("", 1),
        "wget" => net_tools::wget(state, args),
        "curl" => net_tools::curl(state, args),
        "nslookup" => net_tools::nslookup(state, args),
        "sh" | "ash" | "bash" => Outcome::out(format!(
            "(the stand-in shell does not start another {command}; type exit to leave this one)\n"
        )),
        _ => Outcome::err(state.kind.not_found(name), 127),
    }
}

fn help(state: &ShellState) -> String {
    let ctx = &state.ctx;
    let mut tools = vec!["wget -qO- URL", "curl URL", "nslookup NAME"];
    tools.retain(|t| {
        let name = t.split(' ').next().unwrap_or_default();
        ctx.userland.has(name, &ctx.image)
    });
    format!(
        "kdeck's stand-in shell: nothing here runs on your machine or in a real container.\n\
         It answers as {} in {} would, for a few commands:\n  \
         hostname  echo  env  printenv  cat  ls  pwd  cd  ps  whoami  uname  stty size  exit [N]\n  \
         {}\n\
         URLs may name a Service (svc, svc.ns, svc.ns.svc.cluster.local) or a pod or Service address;\n\
         a Service sends each request to one of its ready pods, whose log shows it.\n\
         No pipes, redirections or job control; the files are read-only.\n",
        state.shell(),
        ctx.image,
        tools.join("  ")
    )
}

fn echo(args: &[String]) -> Outcome {
    let (newline, args) = match args.first().map(String::as_str) {
        Some("-n") => (false, &args[1..]),
        _ => (true, args),
    };
    let mut text = args.join(" ");
    if newline {
        text.push('\n');
    }
    Outcome::out(text)
}

fn cd(state: &mut ShellState, args: &[String]) -> Outcome {
    let target = normalize(&state.cwd, args.first().map_or("/root", String::as_str));
    if state.ctx.files.is_dir(&target) {
        state.cwd = target;
        Outcome::default()
    } else {
        let name = args.first().map_or("", String::as_str);
        match state.ctx.userland {
            Userland::Debian => {
                Outcome::err(format!("bash: cd: {name}: No such file or directory\n"), 1)
            }
            _ => Outcome::err(
                format!("sh: cd: can't cd to {name}: No such file or directory\n"),
                2,
            ),
        }
    }
}

fn printenv(state: &ShellState, args: &[String]) -> Outcome {
    match args.first() {
        Some(name) => match state.env.iter().find(|(k, _)| k == name) {
            Some((_, v)) => Outcome::out(format!("{v}\n")),
            None => Outcome::err("", 1),
        },
        None => Outcome::out(state.env.iter().fold(String::new(), |mut text, (k, v)| {
            let _ = writeln!(text, "{k}={v}");
            text
        })),
    }
}

fn gnu(state: &ShellState) -> bool {
    state.ctx.userland == Userland::Debian
}

fn cat(state: &ShellState, args: &[String]) -> Outcome {
    let mut outcome = Outcome::default();
    for name in args {
        match state.ctx.files.read(&normalize(&state.cwd, name)) {
            Ok(text) => outcome.stdout.push_str(text),
            Err(e) => {
                outcome.status = 1;
                let err = &mut outcome.stderr;
                let _ = match (e, gnu(state)) {
                    (FileError::Missing, true) => {
                        writeln!(err, "cat: {name}: No such file or directory")
                    }
                    (FileError::Missing, false) => {
                        writeln!(err, "cat: can't open '{name}': No such file or directory")
                    }
                    (FileError::IsDirectory, true) => writeln!(err, "cat: {name}: Is a directory"),
                    (FileError::IsDirectory, false) => {
                        writeln!(err, "cat: read error: Is a directory")
                    }
                };
            }
        }
    }
    outcome
}

fn ls(state: &ShellState, args: &[String]) -> Outcome {
    let long = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let cwd = state.cwd.clone();
    let targets: Vec<&str> = if paths.is_empty() {
        vec![cwd.as_str()]
    } else {
        paths.iter().map(|s| s.as_str()).collect()
    };
    let mut outcome = Outcome::default();
    for (i, name) in targets.iter().enumerate() {
        let path = normalize(&state.cwd, name);
        let entries = match state.ctx.files.list(&path) {
            Some(entries) => entries,
            None if state.ctx.files.read(&path).is_ok() => vec![(*name).to_string()],
            None => {
                outcome.status = if gnu(state) { 2 } else { 1 };
                let err = &mut outcome.stderr;
                let _ = if gnu(state) {
                    writeln!(err, "ls: cannot access '{name}': No such file or directory")
                } else {
                    writeln!(err, "ls: {name}: No such file or directory")
                };
                continue;
            }
        };
        if targets.len() > 1 {
            let _ = writeln!(outcome.stdout, "{}{name}:", if i > 0 { "\n" } else { "" });
        }
        let full = |e: &str| {
            if path == "/" {
                format!("/{e}")
            } else {
                format!("{path}/{e}")
            }
        };
        if long {
            for e in &entries {
                let (mode, size) = match state.ctx.files.read(&full(e)) {
                    Ok(text) => ("-r--r--r--", text.len()),
                    Err(_) => ("dr-xr-xr-x", 4096),
                };
                let _ = writeln!(
                    outcome.stdout,
                    "{mode}    1 root     root     {size:>8} {e}"
                );
            }
        } else if state.tty {
            let _ = writeln!(outcome.stdout, "{}", entries.join("  "));
        } else {
            for e in &entries {
                let _ = writeln!(outcome.stdout, "{e}");
            }
        }
    }
    outcome
}

fn uname(state: &ShellState, args: &[String]) -> Outcome {
    if args.iter().any(|a| a == "-a") {
        Outcome::out(format!(
            "Linux {} 6.8.0-kdeck-sim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n",
            state.ctx.pod_name()
        ))
    } else {
        Outcome::out("Linux\n")
    }
}

/// The container's processes: its main process (and nginx's workers), this shell, `ps`.
fn ps(state: &ShellState) -> Outcome {
    let ctx = &state.ctx;
    let main = ctx.main_command().join(" ");
    let mut rows = vec![(1, "root", main.clone())];
    if let Server::Nginx { .. } = Server::of(&ctx.image) {
        rows[0].2 = "nginx: master process nginx -g daemon off;".into();
        rows.push((29, "nginx", "nginx: worker process".into()));
        rows.push((30, "nginx", "nginx: worker process".into()));
    }
    if state.in_shell && main != state.shell() {
        rows.push((37, "root", state.shell().to_string()));
    }
    rows.push((43, "root", "ps".into()));
    let mut text = String::from("PID   USER     TIME  COMMAND\n");
    for (pid, user, command) in rows {
        let _ = writeln!(text, "{pid:>5} {user:<8}  0:00 {command}");
    }
    Outcome::out(text)
}

fn stty(state: &ShellState, args: &[String]) -> Outcome {
    if !state.tty {
        return Outcome::err("stty: standard input: Not a tty\n", 1);
    }
    match args.first().map(String::as_str) {
        Some("size") => {
            let (rows, cols) = state.size.map_or((0, 0), |s| (s.height, s.width));
            Outcome::out(format!("{rows} {cols}\n"))
        }
        _ => Outcome::default(),
    }
}
