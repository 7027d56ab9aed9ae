//! Drives a real program in a pseudo-terminal and reads its screen with a terminal parser,
//! the way a person at a terminal would see it.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub mod screen_text;

/// How long `wait_for` waits, from `KDECK_TEST_TIMEOUT_SECS` (default 30 s).
pub fn timeout() -> Duration {
    let secs = std::env::var("KDECK_TEST_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).expect("non-zero")
}

/// Keys as a terminal sends them.
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const ESC: &str = "\x1b";
    pub const TAB: &str = "\t";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const PAGE_DOWN: &str = "\x1b[6~";
    pub const PAGE_UP: &str = "\x1b[5~";
    pub const CTRL_C: &str = "\x03";
}

/// How many cursor position queries (`ESC [ 6 n`) are in `bytes`.
fn count_cursor_queries(bytes: &[u8]) -> usize {
    bytes.windows(4).filter(|w| *w == b"\x1b[6n").count()
}

/// A program running in a pseudo-terminal.
pub struct PtySession {
    master: Box<dyn MasterPty + Send>,
    /// Shared with the reader thread, which answers cursor position queries.
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    /// Tells the reader thread to drop its end of the pty after its next read.
    hang_up: Arc<AtomicBool>,
}

impl PtySession {
    /// Starts `program` with `args` in a terminal of `cols` x `rows`, with `env` added.
    pub fn spawn(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Self {
        Self::spawn_with_ctty(program, args, env, cols, rows, true)
    }

    /// Like `spawn`, but the terminal is the program's controlling terminal only if
    /// `controlling_tty` (without it, closing the terminal sends the program no SIGHUP).
    pub fn spawn_with_ctty(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
        controlling_tty: bool,
    ) -> Self {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        // What the program saves (the logs view's `s`) lands in a scratch directory.
        cmd.cwd(std::env::temp_dir());
        cmd.env("TERM", "xterm-256color");
        // A UTF-8 locale whatever the machine's (C or unset would mean ASCII mode).
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("LC_ALL");
        cmd.env_remove("LC_CTYPE");
        cmd.env_remove("NO_COLOR");
        cmd.set_controlling_tty(controlling_tty);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn the program in the pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = Arc::new(Mutex::new(pair.master.take_writer().expect("pty writer")));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let hang_up = Arc::new(AtomicBool::new(false));
        let (screen, bytes, answers, stop) =
            (parser.clone(), raw.clone(), writer.clone(), hang_up.clone());
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // A query may be split across reads: keep the tail of the previous chunk.
            let mut tail: Vec<u8> = Vec::new();
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if stop.load(Ordering::SeqCst) => break,
                    Ok(n) => {
                        let chunk = &buf[..n];
                        let mut parser = screen.lock().expect("parser lock");
                        parser.process(chunk);
                        bytes.lock().expect("raw lock").extend_from_slice(chunk);
                        tail.extend_from_slice(chunk);
                        let queries = count_cursor_queries(&tail);
                        if queries > 0 {
                            // Answer as a terminal would: ESC [ row ; col R, 1-based.
                            let (row, col) = parser.screen().cursor_position();
                            let answer = format!("\x1b[{};{}R", row + 1, col + 1);
                            let mut w = answers.lock().expect("writer lock");
                            for _ in 0..queries {
                                let _ = w.write_all(answer.as_bytes());
                            }
                            let _ = w.flush();
                            tail.clear();
                        }
                        let keep = tail.len().saturating_sub(3);
                        tail.drain(..keep);
                    }
                }
            }
        });
        Self {
            master: pair.master,
            writer,
            child,
            parser,
            raw,
            reader: Some(reader),
            hang_up,
        }
    }

    /// Closes the terminal from our side, like a terminal emulator window being closed.
    /// `provoke` is typed first: the reader thread holds a copy of the pty's master end
    /// and blocks in `read`, so it needs output from the program to wake up and let go.
    /// (Only the last copy of the master end closing hangs the terminal up.)
    pub fn hang_up(&mut self, provoke: &str) {
        self.hang_up.store(true, Ordering::SeqCst);
        self.send(provoke);
        if let Some(r) = self.reader.take() {
            r.join().expect("the reader thread ends");
        }
        // Dropping our writer and master (replaced by a throwaway pty) closes the last copies.
        let spare = native_pty_system()
            .openpty(PtySize::default())
            .expect("open a spare pseudo-terminal");
        *self.writer.lock().expect("writer lock") =
            spare.master.take_writer().expect("spare writer");
        self.master = spare.master;
    }

    /// Types `text` (keys as the terminal sends them).
    pub fn send(&mut self, text: &str) {
        let mut writer = self.writer.lock().expect("writer lock");
        writer.write_all(text.as_bytes()).expect("write to pty");
        writer.flush().expect("flush pty");
    }

    /// Types `text` one key at a time with a short pause, like a person.
    pub fn type_slowly(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    /// The program's process id (to send it signals).
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Resizes the terminal.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
        self.parser
            .lock()
            .expect("parser lock")
            .screen_mut()
            .set_size(nz(rows), nz(cols));
    }

    /// The screen's text, row by row.
    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    /// The screen's text of one row.
    pub fn row(&self, row: u16) -> String {
        let parser = self.parser.lock().expect("parser lock");
        let screen = parser.screen();
        let (_, cols) = screen.size();
        screen
            .rows(0, cols.get())
            .nth(usize::from(row))
            .unwrap_or_default()
    }

    /// The foreground colour of the first cell showing `needle`, if on screen.
    pub fn fg_of(&self, needle: &str) -> Option<vt100::Color> {
        let parser = self.parser.lock().expect("parser lock");
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        for (r, line) in screen
            .rows(0, cols.get())
            .enumerate()
            .take(usize::from(rows.get()))
        {
            if let Some(byte_col) = line.find(needle) {
                let col = line[..byte_col].chars().count() as u16;
                return screen.cell(r as u16, col).map(vt100::Cell::fgcolor);
            }
        }
        None
    }

    /// Everything the program wrote, raw.
    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().expect("raw lock").clone()
    }

    /// Waits until `pred` holds for the screen text; panics with the screen after the timeout.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen contains `text`.
    pub fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Waits for the program to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + timeout();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll child") {
                if let Some(r) = self.reader.take() {
                    // The reader ends when the pty closes; give it a moment to drain.
                    let _ = r.join();
                }
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "the program did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the program left the terminal as it found it: alternate screen left,
    /// cursor shown, mouse and bracketed paste modes off (if they were turned on).
    pub fn terminal_restored(&self) -> Result<(), String> {
        let raw = String::from_utf8_lossy(&self.raw_output()).into_owned();
        let last = |seq: &str| raw.rfind(seq);
        let pairs = [
            ("\x1b[?1049h", "\x1b[?1049l", "alternate screen"),
            ("\x1b[?25l", "\x1b[?25h", "cursor visibility"),
            ("\x1b[?1000h", "\x1b[?1000l", "mouse capture"),
            ("\x1b[?2004h", "\x1b[?2004l", "bracketed paste"),
        ];
        for (on, off, name) in pairs {
            if let Some(on_at) = last(on) {
                match last(off) {
                    Some(off_at) if off_at > on_at => {}
                    _ => return Err(format!("{name} was turned on and never restored")),
                }
            }
        }
        Ok(())
    }
}

impl Drop for PtySession {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
    }
}
