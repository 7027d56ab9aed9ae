//! The lines a simulated container writes, derived from the pod name, container,
//! image and time alone (so every read of a log agrees with the last): start-up
//! lines when the container starts, then an nginx-like access log at a steady
//! pace of one line every one or two simulated seconds, and for crashing images
//! a fatal error line at the moment it exits.
//!
//! Image names pick other output, for testing the logs view and a canary's log gate:
//! - an image containing `chatty` writes an access line every 20 ms (50 a simulated second);
//! - an image tagged `errors` answers every third request with a 502 and an error line
//!   (nginx's `[error]`, or `ERROR` for other images): one every 3 to 6 simulated seconds;
//! - an image tagged `flaky` writes a segfault alert line when it exits;
//! - an image containing `escapes` writes access lines full of terminal escape sequences
//!   (title change, screen clear, cursor move, OSC 52 clipboard write, DCS, SGR colour,
//!   a tab and a C1 CSI), the way a hostile or careless program might.

use jiff::{SignedDuration, Timestamp};

use crate::sim::controllers::kubelet::image_behaviour::{ImageBehaviour, behaviour};

/// One log line with the time it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// When the container wrote it.
    pub at: Timestamp,
    /// The text, without the newline.
    pub text: String,
}

/// Which container instance writes and for how long.
pub struct Instance<'a> {
    /// Pod name (the seed of everything random-looking).
    pub pod: &'a str,
    /// Container name.
    pub container: &'a str,
    /// Image reference.
    pub image: &'a str,
    /// Pod IP ranges the client addresses come from, e.g. `10.244.1.`.
    pub client_prefix: String,
    /// When the instance started.
    pub started: Timestamp,
    /// When it exited, if it has (with a crash line for crashing images).
    pub finished: Option<Timestamp>,
}

fn hash(parts: &[&str], n: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    for b in n.to_le_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Simulated milliseconds between two lines of a `chatty` image.
const CHATTY_INTERVAL_MS: i64 = 20;

/// What an `escapes` image writes after each request: every kind of sequence a log must
/// not be able to send to a terminal.
pub const ESCAPES: &str = "title\x1b]0;PWNED-TITLE\x07 clear\x1b[2J\x1b[1;1H \
     clip\x1b]52;c;UFdORUQ=\x07 dcs\x1bP+q544e\x1b\\ red\x1b[31mRED\x1b[0m\tafter-tab c1\u{9b}6n end";

const PATHS: &[&str] = &[
    "/",
    "/",
    "/",
    "/index.html",
    "/healthz",
    "/favicon.ico",
    "/api/v1/items",
    "/static/app.js",
];
const AGENTS: &[&str] = &[
    "kube-probe/1.33",
    "curl/8.5.0",
    "Mozilla/5.0 (X11; Linux x86_64)",
    "Go-http-client/1.1",
];

impl Instance<'_> {
    fn is_nginx(&self) -> bool {
        self.image.contains("nginx")
    }

    fn version(&self) -> &str {
        self.image.rsplit_once(':').map_or("1.27.0", |(_, t)| t)
    }

    /// Simulated milliseconds between two access-log lines: 1 or 2 seconds, fixed per
    /// container; 20 ms for a `chatty` image.
    fn interval_ms(&self) -> i64 {
        if self.image.contains("chatty") {
            CHATTY_INTERVAL_MS
        } else {
            1000 * (1 + (hash(&[self.pod, self.container], 0) % 2) as i64)
        }
    }

    fn startup(&self) -> Vec<String> {
        let t = self.started.strftime("%Y/%m/%d %H:%M:%S");
        if self.is_nginx() {
            vec![
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".into(),
                "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/".into(),
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh".into(),
                "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf".into(),
                "/docker-entrypoint.sh: Configuration complete; ready for start up".into(),
                format!("{t} [notice] 1#1: using the \"epoll\" event method"),
                format!("{t} [notice] 1#1: nginx/{}", self.version()),
                format!("{t} [notice] 1#1: start worker processes"),
            ]
        } else {
            vec![
                format!("{t} starting {} (container {})", self.image, self.container),
                format!("{t} listening on 0.0.0.0:8080"),
            ]
        }
    }

    fn access_line(&self, n: u64, at: Timestamp) -> String {
        let h = hash(&[self.pod, self.container], n + 1);
        let mut path = PATHS[(h % PATHS.len() as u64) as usize];
        let agent = AGENTS[((h >> 8) % AGENTS.len() as u64) as usize];
        let (status, bytes) = match path {
            _ if self.fails(n) => {
                path = "/api/v1/items";
                (502, 157)
            }
            "/favicon.ico" | "/api/v1/items" => (404, 153),
            "/healthz" => (200, 2),
            "/static/app.js" => (200, 48_213),
            _ => (200, 615),
        };
        let client = format!("{}{}", self.client_prefix, 1 + (h >> 16) % 254);
        let when = at.strftime("%d/%b/%Y:%H:%M:%S +0000");
        if self.image.contains("escapes") {
            format!("{client} [{when}] GET {path} {ESCAPES}")
        } else if self.is_nginx() {
            format!(
                "{client} - - [{when}] \"GET {path} HTTP/1.1\" {status} {bytes} \"-\" \"{agent}\" \"-\""
            )
        } else {
            format!(
                "{} INFO request method=GET path={path} status={status} bytes={bytes} client={client}",
                at.strftime("%Y/%m/%d %H:%M:%S")
            )
        }
    }

    /// Whether the `n`th request is answered with an error (an `errors` image's every third).
    fn fails(&self, n: u64) -> bool {
        n % 3 == 2 && behaviour(self.image) == ImageBehaviour::LogsErrors
    }

    /// The error line of a failed request `n` at `at`.
    fn error_line(&self, n: u64, at: Timestamp) -> String {
        let h = hash(&[self.pod, self.container], n + 1);
        let client = format!("{}{}", self.client_prefix, 1 + (h >> 16) % 254);
        let when = at.strftime("%Y/%m/%d %H:%M:%S");
        if self.is_nginx() {
            format!(
                "{when} [error] 29#29: *{n} upstream timed out (110: Connection timed out) while reading response header from upstream, client: {client}, server: localhost, request: \"GET /api/v1/items HTTP/1.1\", upstream: \"http://10.96.0.20:8080/api/v1/items\""
            )
        } else {
            format!(
                "{when} ERROR request failed method=GET path=/api/v1/items status=502 error=\"upstream timed out\" client={client}"
            )
        }
    }

    fn crash_line(at: Timestamp) -> String {
        format!(
            "{} [emerg] 1#1: host not found in upstream \"backend:8080\" in /etc/nginx/conf.d/default.conf:14",
            at.strftime("%Y/%m/%d %H:%M:%S")
        )
    }

    /// The lines written in `[from, to]`, oldest first.
    pub fn lines_between(&self, from: Timestamp, to: Timestamp) -> Vec<LogLine> {
        let end = self.finished.map_or(to, |f| f.min(to));
        let mut out = Vec::new();
        // A millisecond apart, and like every line only once written: a window that ends
        // or begins within them holds its share, never lines from its future.
        out.extend(
            self.startup()
                .into_iter()
                .enumerate()
                .map(|(i, text)| LogLine {
                    at: self
                        .started
                        .saturating_add(SignedDuration::from_millis(i as i64))
                        .unwrap_or(self.started),
                    text,
                })
                .filter(|l| l.at >= from && l.at <= end),
        );
        let step = self.interval_ms();
        let first_access = self
            .started
            .saturating_add(SignedDuration::from_secs(1))
            .unwrap_or(self.started);
        let since_first = i64::try_from(from.duration_since(first_access).as_millis())
            .unwrap_or(i64::MAX)
            .max(0);
        // From the slot before `from`: its jitter may put its line at or after `from`.
        let mut n = since_first / step;
        let jitter_range = u64::try_from(step * 1_000_000 - 1).unwrap_or(1);
        loop {
            let at = first_access
                .saturating_add(SignedDuration::from_millis(n * step))
                .unwrap_or(first_access);
            let at = at
                .saturating_add(SignedDuration::from_nanos(
                    (hash(&[self.pod], n as u64) % jitter_range) as i64,
                ))
                .unwrap_or(at);
            if at > end {
                break;
            }
            if at >= from && self.finished.is_none_or(|f| at < f) {
                out.push(LogLine {
                    at,
                    text: self.access_line(n as u64, at),
                });
                if self.fails(n as u64) {
                    out.push(LogLine {
                        at,
                        text: self.error_line(n as u64, at),
                    });
                }
            }
            n += 1;
        }
        let finished = self.finished.filter(|f| *f >= from && *f <= to);
        if let Some(f) = finished.filter(|_| behaviour(self.image) == ImageBehaviour::Flaky) {
            out.push(LogLine {
                at: f,
                text: format!(
                    "{} [alert] 1#1: worker process 32 exited on signal 11 (core dumped)",
                    f.strftime("%Y/%m/%d %H:%M:%S")
                ),
            });
        }
        if let Some(f) = finished.filter(|_| self.image.contains("crash")) {
            out.push(LogLine {
                at: f,
                text: Self::crash_line(f),
            });
            out.push(LogLine {
                at: f,
                text: "nginx: [emerg] host not found in upstream \"backend:8080\" in /etc/nginx/conf.d/default.conf:14".into(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(finished: Option<Timestamp>) -> Instance<'static> {
        Instance {
            pod: "myapp-deploy-7948db888d-8jm8n",
            container: "myapp",
            image: "nginx:1.14.1",
            client_prefix: "10.244.1.".into(),
            started: "2026-11-30T08:30:00Z".parse().unwrap(),
            finished,
        }
    }

    #[test]
    fn lines_are_deterministic_and_paced() {
        let i = instance(None);
        let t0 = i.started;
        let t1: Timestamp = "2026-11-30T08:31:00Z".parse().unwrap();
        let all = i.lines_between(t0, t1);
        assert_eq!(all, i.lines_between(t0, t1), "deterministic");
        assert!(all[0].text.starts_with("/docker-entrypoint.sh"));
        assert!(
            all.iter()
                .any(|l| l.text == "2026/11/30 08:30:00 [notice] 1#1: nginx/1.14.1")
        );
        let access = all.iter().filter(|l| l.text.contains("\"GET ")).count();
        assert!(
            (29..=60).contains(&access),
            "one line every one or two seconds: {access}"
        );
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
        let mid: Timestamp = "2026-11-30T08:30:30Z".parse().unwrap();
        let (a, b) = (i.lines_between(t0, mid), i.lines_between(mid, t1));
        assert_eq!(
            a.len() + b.len(),
            all.len(),
            "windows split the log without loss or overlap"
        );
    }

    #[test]
    fn a_window_within_the_start_up_lines_holds_only_what_was_written() {
        let i = instance(None);
        let ms = |n| {
            i.started
                .saturating_add(SignedDuration::from_millis(n))
                .unwrap()
        };
        // A log read the instant the container started, then followed from there.
        let first = i.lines_between(i.started, i.started);
        assert_eq!(first.len(), 1, "{first:?}");
        let (a, b) = (
            i.lines_between(i.started, ms(3)),
            i.lines_between(ms(4), ms(999)),
        );
        assert_eq!((a.len(), b.len()), (4, 4), "{a:?} {b:?}");
        assert!(b.iter().all(|l| l.at >= ms(4)));
    }

    #[test]
    fn chatty_and_escapes_images_pick_what_is_written() {
        let mut i = instance(None);
        i.image = "chatty:1";
        let t1: Timestamp = "2026-11-30T08:30:11Z".parse().unwrap();
        let access = i.lines_between(i.started, t1).len() - 2;
        assert!((490..=510).contains(&access), "50 lines a second: {access}");
        i.image = "escapes:1";
        let lines = i.lines_between(i.started, t1);
        assert!(
            lines[5].text.contains("\x1b]0;PWNED-TITLE\x07"),
            "{:?}",
            lines[5]
        );
        assert!(lines[5].text.contains("\x1b]52;c;") && lines[5].text.contains('\u{9b}'));
    }

    #[test]
    fn an_errors_image_logs_an_error_line_every_third_request() {
        let mut i = instance(None);
        i.image = "nginx:errors";
        let t1: Timestamp = "2026-11-30T08:31:00Z".parse().unwrap();
        let lines = i.lines_between(i.started, t1);
        let errors: Vec<&LogLine> = lines
            .iter()
            .filter(|l| l.text.contains(" [error] "))
            .collect();
        let access = lines.iter().filter(|l| l.text.contains(" - - [")).count();
        assert_eq!(errors.len(), access / 3, "{errors:?}");
        assert!(
            (9..=21).contains(&errors.len()),
            "one every 3 to 6 seconds: {}",
            errors.len()
        );
        assert!(
            lines.iter().any(|l| l.text.contains("\" 502 157 ")),
            "the failed requests' access lines say 502"
        );
        // The same pattern the canary's log gate uses by default finds them, and nothing in
        // a healthy image's log.
        let gate = regex::Regex::new(r"(?i)\b(error|panic|fatal|exception)\b").unwrap();
        assert_eq!(
            lines.iter().filter(|l| gate.is_match(&l.text)).count(),
            errors.len()
        );
        i.image = "nginx:1.14.1";
        assert!(
            !i.lines_between(i.started, t1)
                .iter()
                .any(|l| gate.is_match(&l.text))
        );
        i.image = "hello-app:errors";
        let other = i.lines_between(i.started, t1);
        assert!(
            other
                .iter()
                .any(|l| l.text.contains(" ERROR request failed"))
        );
    }

    #[test]
    fn a_flaky_container_logs_a_segfault_when_it_exits() {
        let finished: Timestamp = "2026-11-30T08:31:00Z".parse().unwrap();
        let mut i = instance(Some(finished));
        i.image = "nginx:flaky";
        let lines = i.lines_between(i.started, "2026-11-30T09:00:00Z".parse().unwrap());
        let last = lines.last().unwrap();
        assert!(last.text.contains("exited on signal 11"), "{last:?}");
        assert_eq!(last.at, finished);
    }

    #[test]
    fn a_crashing_container_logs_an_error_when_it_exits() {
        let mut i = instance(Some("2026-11-30T08:30:03Z".parse().unwrap()));
        i.image = "nginx:crash";
        let lines = i.lines_between(i.started, "2026-11-30T09:00:00Z".parse().unwrap());
        assert!(lines.last().unwrap().text.contains("[emerg]"));
        assert!(
            lines
                .iter()
                .all(|l| l.at <= "2026-11-30T08:30:03Z".parse::<Timestamp>().unwrap())
        );
    }
}
