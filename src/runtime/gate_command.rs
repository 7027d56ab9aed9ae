//! The canary's command gate, run: `sh -c COMMAND` on this machine with the plan's
//! variables, no terminal (stdin closed, output captured: nothing reaches the screen but
//! the last lines, shown made safe), killed after its timeout.

use std::process::Stdio;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::Msg;
use crate::app::canary_plan::command_gate::{CommandOutcome, CommandRequest, OUTPUT_LINES};
use crate::app::logs::sanitize::sanitize;

/// Runs `request` as a task; its outcome comes back as `Msg::CommandDone`.
pub fn spawn(request: CommandRequest, messages: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let outcome = run(&request).await;
        let _ = messages.send(Msg::CommandDone {
            id: request.id,
            outcome,
        });
    });
}

async fn run(request: &CommandRequest) -> CommandOutcome {
    let failed = |error: String| CommandOutcome {
        code: None,
        error: Some(error),
        output: Vec::new(),
    };
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(&request.command)
        .envs(request.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A timed-out command is killed when its future is dropped.
        .kill_on_drop(true)
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(e) => return failed(format!("cannot run it: {e}")),
    };
    let timeout = Duration::from_secs(request.timeout_seconds.max(1));
    match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Err(_) => failed(format!("no verdict after {}s (killed)", timeout.as_secs())),
        Ok(Err(e)) => failed(format!("cannot wait for it: {e}")),
        Ok(Ok(output)) => {
            let text = [output.stdout, output.stderr]
                .iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect::<String>();
            let lines: Vec<String> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| sanitize(l).into_owned())
                .collect();
            let skip = lines.len().saturating_sub(OUTPUT_LINES);
            CommandOutcome {
                code: output.status.code(),
                error: None,
                output: lines.into_iter().skip(skip).collect(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(command: &str, timeout_seconds: u64) -> CommandRequest {
        CommandRequest {
            id: 1,
            command: command.to_owned(),
            env: vec![("KDECK_DEPLOYMENT".to_owned(), "myapp-deploy".to_owned())],
            timeout_seconds,
        }
    }

    #[tokio::test]
    async fn exit_status_output_environment_and_timeout() {
        let ok = run(&request("echo smoke $KDECK_DEPLOYMENT; echo warn >&2", 10)).await;
        assert!(ok.passed(), "{ok:?}");
        assert_eq!(ok.output, ["smoke myapp-deploy", "warn"]);
        let bad = run(&request("printf 'a\\033[2Jb\\n'; exit 3", 10)).await;
        assert_eq!(bad.code, Some(3));
        assert!(
            !bad.output[0].contains('\x1b'),
            "made safe: {:?}",
            bad.output
        );
        let slow = run(&request("sleep 5", 1)).await;
        assert!(!slow.passed());
        assert!(slow.error.unwrap().contains("killed"));
        let many = run(&request("seq 1 20", 10)).await;
        assert_eq!(many.output.first().map(String::as_str), Some("13"));
    }
}
