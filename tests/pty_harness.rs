//! Checks the pseudo-terminal harness itself on a plain shell, so that end-to-end
//! failures point at kdeck, not at the harness.

mod pty;

use std::path::Path;

use pty::PtySession;

#[test]
fn harness_reads_the_screen_and_exit_code() {
    let mut s = PtySession::spawn(
        Path::new("/bin/sh"),
        &[
            "-c",
            "printf 'hello \\033[31mred\\033[0m\\n'; read line; printf 'got %s\\n' \"$line\"; exit 3",
        ],
        &[],
        40,
        10,
    );
    s.wait_for_text("hello red");
    assert_eq!(s.fg_of("red"), Some(vt100::Color::Idx(1)));
    s.send("abc\r");
    s.wait_for_text("got abc");
    assert_eq!(s.wait_exit(), 3);
    assert!(s.terminal_restored().is_ok());
}

#[test]
fn harness_notices_an_unrestored_terminal() {
    let mut s = PtySession::spawn(
        Path::new("/bin/sh"),
        &["-c", "printf '\\033[?1049hx'; exit 0"],
        &[],
        40,
        10,
    );
    assert_eq!(s.wait_exit(), 0);
    assert!(s.terminal_restored().is_err());
}

#[test]
fn harness_answers_cursor_position_queries() {
    // A program that asks where the cursor is (as crossterm does) and prints the answer.
    let mut s = PtySession::spawn(
        Path::new("/bin/sh"),
        &[
            "-c",
            "stty raw -echo; printf 'abc\\033[6n'; ans=$(dd bs=1 count=6 2>/dev/null); stty sane; printf '\\r\\ngot %s\\n' \"$ans\" | tr '\\033' 'E'",
        ],
        &[],
        40,
        10,
    );
    s.wait_for_text("got E[1;4R");
    assert_eq!(s.wait_exit(), 0);
}
