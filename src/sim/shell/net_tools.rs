//! `wget` (BusyBox's), `curl` and `nslookup` over the simulated cluster network:
//! a Service name goes to one of its ready pods, whose page comes back and whose
//! log records the request (see [`crate::sim::pod_network`]).

use std::fmt::Write as _;

use super::ShellState;
use super::commands::Outcome;
use super::files::DNS_SERVER;
use crate::sim::pod_network::dns::{CLUSTER_DOMAIN, Resolved, resolve_from};
use crate::sim::pod_network::http::Request;
use crate::sim::pod_network::{Fetched, NetError, Url, fetch};

/// What the pod's client asked for.
struct Get<'a> {
    url: &'a str,
    head: bool,
    user_agent: &'static str,
}

fn get(state: &ShellState, get: &Get<'_>) -> Result<(Url, Fetched), NetError> {
    let url = Url::parse(get.url)?;
    let request = Request {
        method: if get.head { "HEAD" } else { "GET" }.into(),
        path: url.path.clone(),
        user_agent: get.user_agent.into(),
        client_ip: state.ctx.pod_ip(),
    };
    let fetched = fetch(&state.ctx.store, &state.ctx.pod, &url, &request)?;
    Ok((url, fetched))
}

/// BusyBox `wget [-q] [-O FILE] URL`: the body to standard output with `-O-`.
pub fn wget(state: &ShellState, args: &[String]) -> Outcome {
    let mut quiet = false;
    let mut output: Option<String> = None;
    let mut url = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty() && *a != "-") {
            for (pos, f) in flags.char_indices() {
                match f {
                    'q' => quiet = true,
                    'O' => {
                        let rest = &flags[pos + 1..];
                        output = Some(if rest.is_empty() {
                            i += 1;
                            args.get(i).cloned().unwrap_or_default()
                        } else {
                            rest.to_string()
                        });
                        break;
                    }
                    _ => {}
                }
            }
        } else {
            url = Some(a.clone());
        }
        i += 1;
    }
    let Some(url) = url else {
        return Outcome {
            stderr: "Usage: wget [-q] [-O FILE] URL\n".into(),
            status: 1,
            ..Outcome::default()
        };
    };
    let mut outcome = Outcome::default();
    let to_stdout = output.as_deref() == Some("-");
    let request = Get {
        url: &url,
        head: false,
        user_agent: "Wget",
    };
    match get(state, &request) {
        Ok((url, fetched)) => {
            if !quiet {
                let _ = writeln!(
                    outcome.stderr,
                    "Connecting to {} ({}:{})",
                    url.host, fetched.ip, url.port
                );
            }
            if fetched.answer.status >= 400 {
                let _ = writeln!(
                    outcome.stderr,
                    "wget: server returned error: HTTP/1.1 {} {}",
                    fetched.answer.status,
                    if fetched.answer.status == 404 {
                        "Not Found"
                    } else {
                        "Error"
                    }
                );
                outcome.status = 1;
            } else if !to_stdout {
                let file = output.unwrap_or_else(|| "index.html".into());
                let _ = writeln!(
                    outcome.stderr,
                    "wget: can't open '{file}': Read-only file system"
                );
                outcome.status = 1;
            } else {
                if !quiet {
                    outcome.stderr.push_str("writing to stdout\n");
                }
                outcome.stdout.push_str(&fetched.answer.body);
                if !quiet {
                    let _ = write!(
                        outcome.stderr,
                        "-                    100% |********************************| {:>5}  0:00:00 ETA\nwritten to stdout\n",
                        fetched.answer.body.len()
                    );
                }
            }
        }
        Err(e) => {
            let (message, connecting) = match &e {
                NetError::UnknownHost(host) => (format!("wget: bad address '{host}'\n"), None),
                NetError::Refused { ip, port } => (
                    format!("wget: can't connect to remote host ({ip}): Connection refused\n"),
                    Some((ip, port)),
                ),
                NetError::Unreachable { ip } => (
                    format!("wget: can't connect to remote host ({ip}): No route to host\n"),
                    None,
                ),
                NetError::Unsupported(u) => (format!("wget: not an http or ftp url: {u}\n"), None),
            };
            if let (Some((ip, port)), false, Ok(u)) = (connecting, quiet, Url::parse(&url)) {
                let _ = writeln!(outcome.stderr, "Connecting to {} ({ip}:{port})", u.host);
            }
            outcome.stderr.push_str(&message);
            outcome.status = 1;
        }
    }
    outcome
}

/// `curl [-s] [-S] [-i] [-I] URL`: the body (or the head) to standard output.
pub fn curl(state: &ShellState, args: &[String]) -> Outcome {
    let mut silent = false;
    let mut show_errors = false;
    let mut include = false;
    let mut head = false;
    let mut url = None;
    for a in args {
        match a.strip_prefix('-') {
            Some(flags) if !flags.is_empty() && !flags.starts_with('-') => {
                for f in flags.chars() {
                    match f {
                        's' => silent = true,
                        'S' => show_errors = true,
                        'i' => include = true,
                        'I' => head = true,
                        _ => {}
                    }
                }
            }
            Some(long) if long.starts_with('-') => match long {
                "-silent" => silent = true,
                "-include" => include = true,
                "-head" => head = true,
                _ => {}
            },
            _ => url = Some(a.clone()),
        }
    }
    let Some(url) = url else {
        return Outcome {
            stderr: "curl: try 'curl --help' or 'curl --manual' for more information\n".into(),
            status: 2,
            ..Outcome::default()
        };
    };
    let request = Get {
        url: &url,
        head,
        user_agent: "curl/7.88.1",
    };
    match get(state, &request) {
        Ok((_, fetched)) => {
            let clock = state.ctx.store.clock();
            let http = fetched.answer.to_http(clock.shown(clock.now()), true, head);
            let text = String::from_utf8_lossy(&http).into_owned();
            let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
            let mut out = String::new();
            if include || head {
                out.push_str(headers);
                out.push_str("\r\n\r\n");
            }
            out.push_str(body);
            Outcome {
                stdout: out,
                ..Outcome::default()
            }
        }
        Err(e) => {
            let (code, message) = match &e {
                NetError::UnknownHost(host) => (6, format!("Could not resolve host: {host}")),
                NetError::Refused { .. } => {
                    let u = Url::parse(&url).ok();
                    let (host, port) = u.map_or((url.clone(), 80), |u| (u.host, u.port));
                    (
                        7,
                        format!(
                            "Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
                        ),
                    )
                }
                NetError::Unreachable { ip } => (
                    7,
                    format!("Failed to connect to {ip} port 80 after 3 ms: No route to host"),
                ),
                NetError::Unsupported(u) => (1, format!("Protocol not supported in {u}")),
            };
            Outcome {
                stderr: if silent && !show_errors {
                    String::new()
                } else {
                    format!("curl: ({code}) {message}\n")
                },
                status: code,
                ..Outcome::default()
            }
        }
    }
}

/// BusyBox `nslookup NAME`: the name as cluster DNS answers it.
pub fn nslookup(state: &ShellState, args: &[String]) -> Outcome {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        return Outcome {
            stderr: "Usage: nslookup [HOST] [SERVER]\n".into(),
            status: 1,
            ..Outcome::default()
        };
    };
    let server = format!("Server:\t\t{DNS_SERVER}\nAddress:\t{DNS_SERVER}:53\n\n");
    let namespace = state.ctx.namespace();
    let fqdn = if name.contains('.') && name.ends_with(CLUSTER_DOMAIN) {
        name.clone()
    } else if name.contains('.') {
        format!("{name}.svc.{CLUSTER_DOMAIN}")
    } else {
        format!("{name}.{namespace}.svc.{CLUSTER_DOMAIN}")
    };
    match resolve_from(&state.ctx.store, &state.ctx.pod, name) {
        Some(Resolved::Service { ip, .. } | Resolved::Pod { ip, .. }) => Outcome {
            stdout: format!("{server}Name:\t{fqdn}\nAddress: {ip}\n\n"),
            ..Outcome::default()
        },
        Some(Resolved::Nowhere { .. }) | None => Outcome {
            stdout: server,
            stderr: format!("** server can't find {fqdn}: NXDOMAIN\n\n"),
            status: 1,
            ..Outcome::default()
        },
    }
}
