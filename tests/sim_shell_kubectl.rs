//! The stand-in shell of the embedded cluster's containers, through the real
//! `kubectl exec` (issue 16): `help` says it is a stand-in, `ps`, `ls` and `cat` over
//! the container's small file tree (`/etc/hostname`, `/etc/resolv.conf`, the nginx
//! index page naming the pod), an unknown command answered as BusyBox answers it
//! (`sh: x: not found`, status 127), and `wget` to a pod's IP reaching that pod, the
//! request in its log. Service names and their spread are in `cluster_exec` and
//! `sim_exec_kubectl`.

mod stream_fixtures;
mod support;

use k8s_openapi::api::core::v1::Pod;
use support::{TestSim, stderr, stdout};

fn pod_ip(sim: &TestSim, name: &str) -> String {
    sim.store()
        .get_as::<Pod>("default", name)
        .and_then(|p| p.status?.pod_ip)
        .unwrap_or_else(|| panic!("{name} has an IP"))
}

/// `kubectl exec POD -- COMMAND...`, which must succeed; its standard output.
fn exec(sim: &TestSim, pod: &str, command: &[&str]) -> String {
    let mut args = vec!["exec", pod, "--"];
    args.extend_from_slice(command);
    sim.kubectl_ok(&args)
}

fn the_stand_in_shell_says_what_it_is_and_shows_the_containers_files() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let pod = stream_fixtures::first_myapp_pod(&sim);

    let help = exec(&sim, &pod, &["sh", "-c", "help"]);
    assert!(
        help.starts_with(
            "kdeck's stand-in shell: nothing here runs on your machine or in a real container.\n"
        ),
        "{help}"
    );

    assert_eq!(
        exec(&sim, &pod, &["cat", "/etc/hostname"]),
        format!("{pod}\n")
    );
    let etc = exec(&sim, &pod, &["ls", "/etc"]);
    let names: Vec<&str> = etc.split_whitespace().collect();
    for file in ["hostname", "hosts", "resolv.conf"] {
        assert!(names.contains(&file), "{file} in ls /etc: {etc}");
    }
    assert!(
        exec(&sim, &pod, &["cat", "/etc/resolv.conf"]).contains("nameserver "),
        "resolv.conf names the cluster DNS"
    );
    let index = exec(&sim, &pod, &["cat", "/usr/share/nginx/html/index.html"]);
    assert!(
        index.contains("<title>Welcome to nginx!</title>")
            && index.contains(&format!("Served by pod <b>{pod}</b>")),
        "{index}"
    );

    let ps = exec(&sim, &pod, &["ps"]);
    let mut lines = ps.lines();
    assert_eq!(
        lines
            .next()
            .map(str::split_whitespace)
            .map(Iterator::collect::<Vec<_>>),
        Some(vec!["PID", "USER", "TIME", "COMMAND"]),
        "{ps}"
    );
    assert!(
        lines.any(|l| l.trim_start().starts_with("1 ") && l.contains("nginx: master process")),
        "nginx is PID 1: {ps}"
    );
}

fn an_unknown_command_and_wget_to_a_pod_ip_answer_as_busybox_does() {
    support::require_kubectl!();
    let sim = TestSim::start();
    let web = stream_fixtures::first_myapp_pod(&sim);
    let web_ip = pod_ip(&sim, &web);
    sim.kubectl_ok(&["run", "box", "--image=busybox", "--", "sleep", "3600"]);
    let client = sim.block_on(sim.client()).expect("a client");
    sim.block_on(stream_fixtures::wait_running(&client, "box"));
    let box_ip = pod_ip(&sim, "box");

    let out = sim.kubectl(&["exec", "box", "--", "sh", "-c", "nosuch; echo status=$?"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "sh: nosuch: not found\n");
    assert_eq!(stdout(&out), "status=127\n");
    let out = sim.kubectl(&["exec", "box", "--", "sh", "-c", "nosuch"]);
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("command terminated with exit code 127"),
        "{}",
        stderr(&out)
    );

    let page = exec(&sim, "box", &["wget", "-qO-", &format!("http://{web_ip}/")]);
    assert!(
        page.contains(&format!("Served by pod <b>{web}</b>")),
        "{page}"
    );
    let log = sim.block_on(stream_fixtures::pod_log(&client, &web));
    assert!(
        log.lines()
            .any(|l| l.starts_with(&format!("{box_ip} - - ["))
                && l.contains("\"GET / HTTP/1.1\" 200")
                && l.contains("\"Wget\"")),
        "the request from {box_ip} is not in {web}'s log:\n{log}"
    );
}

support::conformance_tests![
    the_stand_in_shell_says_what_it_is_and_shows_the_containers_files,
    an_unknown_command_and_wget_to_a_pod_ip_answer_as_busybox_does,
];
