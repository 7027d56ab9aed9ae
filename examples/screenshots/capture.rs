//! Taking a still picture of the terminal: wait for what the shot needs, then for the
//! program to stop drawing, and read the screen of exactly those bytes.

use std::time::{Duration, Instant};

use super::pty::PtySession;

/// How long the program must write nothing before the screen counts as still.
const QUIET: Duration = Duration::from_millis(400);

/// The screen `session` shows, replayed from everything it wrote, in a fresh parser of
/// `cols` x `rows` (the session's own parser is private to the harness).
pub fn replay(session: &PtySession, cols: u16, rows: u16) -> vt100::Parser {
    let nz = |n: u16| std::num::NonZeroU16::new(n.max(1)).expect("at least 1");
    let mut parser = vt100::Parser::new(nz(rows), nz(cols), 0);
    parser.process(&session.raw_output());
    parser
}

/// Waits until `pred` holds for the screen text and the program has written nothing for
/// [`QUIET`] (a frame is never caught half drawn), then returns that screen.
pub fn still(
    session: &PtySession,
    (cols, rows): (u16, u16),
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> vt100::Parser {
    // Fails with the screen if `pred` never holds.
    session.wait_for(what, &pred);
    let deadline = Instant::now() + super::pty::timeout();
    let mut last_len = session.raw_output().len();
    let mut quiet_since = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let len = session.raw_output().len();
        if len != last_len {
            last_len = len;
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() >= QUIET {
            let parser = replay(session, cols, rows);
            if pred(&parser.screen().contents()) {
                return parser;
            }
            // It changed away from what we want: wait for it again.
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

/// Like `PtySession::wait_for`, for what takes the demo cluster longer (a whole rollout
/// in real time): three times the harness's timeout.
pub fn wait_patiently(session: &PtySession, what: &str, pred: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + 3 * super::pty::timeout();
    while !pred(&session.screen()) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; the screen shows:\n{}",
            session.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
