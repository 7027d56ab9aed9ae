//! A screen as text that two runs can compare: what differs from run to run (the loopback
//! port, ages) is written the same way, and the screen is read only once it is still.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use regex::{Captures, Regex};

use super::PtySession;

/// How long the program must write nothing before its screen counts as still.
const QUIET: Duration = Duration::from_millis(400);

/// The embedded cluster's address (its port is the system's pick).
static PORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"127\.0\.0\.1:\d+").expect("a valid regex"));

/// A date or time of day, as logs and timestamps print them (`2026/12/06`, `2026-12-06`,
/// `06/Dec/2026`, `08:46:03.123`).
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{4}[-/]\d{2}[-/]\d{2}|\b\d{2}/[A-Z][a-z]{2}/\d{4}|\d{2}:\d{2}:\d{2}(?:\.\d+)?")
        .expect("a valid regex")
});

/// An age as kubectl prints it (`0s`, `47m`, `5m10s`, `2d5h`) with the blanks around it.
static AGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"( *)\b\d+[smhdy](?:\d+[smhd])?\b( *)").expect("a valid regex"));

/// `screen` with its run-dependent text scrubbed, each line's trailing blanks dropped:
/// the port is `PORT`, dates and times have zeros for digits (`0000/00/00 00:00:00`, a
/// month name is `Mon`), and an age with the blanks around it becomes ` AGE` padded to the
/// same width (a table column keeps its place whatever the age's length).
pub fn scrubbed(screen: &str) -> String {
    let mut text = String::new();
    for line in screen.lines() {
        let line = PORT.replace_all(line, "127.0.0.1:PORT");
        let line = CLOCK.replace_all(&line, |c: &Captures<'_>| zeroed(&c[0]));
        let line = AGE.replace_all(&line, |c: &Captures<'_>| {
            let width = c[0].chars().count();
            let lead = if c[1].is_empty() { "" } else { " " };
            format!("{:width$}", format!("{lead}AGE"))
        });
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A date or time with its digits zeroed and its month named `Mon`.
fn zeroed(clock: &str) -> String {
    let digits: String = clock
        .chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect();
    match digits.split('/').collect::<Vec<_>>()[..] {
        [day, month, year] if month.chars().all(char::is_alphabetic) => {
            format!("{day}/Mon/{year}")
        }
        _ => digits,
    }
}

/// Waits until `pred` holds and the program has written nothing for [`QUIET`], so that
/// no frame is caught half drawn, and returns that screen.
pub fn still(session: &PtySession, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + super::timeout();
    session.wait_for(what, &pred);
    let mut written = session.raw_output().len();
    let mut quiet_since = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let now_written = session.raw_output().len();
        if now_written != written {
            written = now_written;
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() >= QUIET {
            let screen = session.screen();
            if pred(&screen) {
                return screen;
            }
            session.wait_for(what, &pred);
            quiet_since = Instant::now();
        }
        assert!(
            Instant::now() < deadline,
            "the screen never stayed still with {what}; it shows:\n{}",
            session.screen()
        );
    }
}
