//! The terminal's input as raw bytes, for a shell in a container: read on a thread that
//! waits with poll(2) and reads only what has arrived, so that when the shell ends no
//! read is left waiting that would take the dashboard's next key. The terminal is the
//! one crossterm reads (stdin if it is a terminal, else `/dev/tty`).

use std::fs::File;
use std::io::{self, IsTerminal as _, Read as _};
use std::os::fd::{AsFd as _, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use tokio::sync::mpsc;

/// How long the reader waits for input before it looks whether it should stop.
const WAKE_EVERY: Timespec = Timespec {
    tv_sec: 0,
    tv_nsec: 50_000_000,
};

/// Bytes typed, while it lives.
pub struct RawInput {
    /// What was typed, in chunks; closed when the terminal hangs up.
    pub bytes: mpsc::Receiver<Vec<u8>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RawInput {
    /// Starts reading the terminal.
    pub fn start() -> io::Result<Self> {
        let fd: OwnedFd = if io::stdin().is_terminal() {
            io::stdin().as_fd().try_clone_to_owned()?
        } else {
            File::open("/dev/tty")?.into()
        };
        let (tx, bytes) = mpsc::channel(64);
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("kdeck-shell-input".to_owned())
            .spawn(move || read_until_stopped(File::from(fd), &tx, &stopping))?;
        Ok(Self {
            bytes,
            stop,
            thread: Some(thread),
        })
    }

    /// Stops reading; when this returns nothing more is read from the terminal.
    pub async fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

impl Drop for RawInput {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn read_until_stopped(mut terminal: File, tx: &mpsc::Sender<Vec<u8>>, stop: &AtomicBool) {
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) {
        let mut fds = [PollFd::new(&terminal, PollFlags::IN)];
        match poll(&mut fds, Some(&WAKE_EVERY)) {
            Ok(0) | Err(rustix::io::Errno::INTR) => continue,
            Ok(_) => {}
            Err(_) => return,
        }
        let revents = fds[0].revents();
        // Checked again after the wait: once told to stop, a byte that came meanwhile
        // is the dashboard's.
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if !revents.contains(PollFlags::IN) {
            // Hung up or failed: nothing will come.
            return;
        }
        match terminal.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if tx.blocking_send(buf[..n].to_vec()).is_err() {
                    return;
                }
            }
        }
    }
}
