//! The event loop: one `select!` over terminal events, what the effects send back, a
//! frame deadline and the signals. Each thing that happens is one [`App::step`]; the
//! loop itself changes no state. It draws at most once per frame, only when something
//! visible changed or an AGE cell on screen is due to change (after a `Tick` step).

use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use jiff::Timestamp;
use tokio::signal::unix::{SignalKind, signal};
use tokio::time::Instant;

use super::frame_trace::FrameTrace;
use super::terminal_handover::{self, Handover};
use super::{App, IoOptions};
use crate::app::age_tick::next_age_change;
use crate::app::editor::EditReport;
use crate::app::shell_session::Purpose;
use crate::app::stream_msg::StreamMsg;
use crate::app::{Msg, State};
use crate::cluster::{Cluster, ConnectOptions};
use crate::tui::Tui;

/// What writing to a hung-up terminal fails with (Linux and the BSDs).
const EIO: i32 = 5;
/// At most one frame per this long (~30 frames a second).
const FRAME: Duration = Duration::from_millis(33);

/// Runs the dashboard on `tui` until the user quits, the terminal hangs up or a signal
/// asks kdeck to end.
pub async fn run(
    tui: &mut Tui,
    state: State,
    cluster: Cluster,
    opts: ConnectOptions,
    mut trace: Option<FrameTrace>,
) -> anyhow::Result<()> {
    let (mut app, mut inbox) = App::new(state, cluster, opts, IoOptions::default());
    // The crash test (tests/e2e_dashboard.rs) asks for a panic with the UI up.
    let crash_test = std::env::var_os("KDECK_TEST_PANIC").is_some();
    let mut terminal_events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let hangup = crate::tui::input_hangup()?;
    tokio::pin!(hangup);
    app.step(Msg::Start);
    let size = tui.terminal().size()?;
    app.step(Msg::Resize(size.width, size.height));

    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut age_due: Option<Instant> = None;
    let mut input_since: Option<Instant> = None;
    loop {
        if app.state.quit {
            return Ok(());
        }
        if let Some(job) = app.take_external_edit() {
            // crossterm's reader would take the editor's keys: drop it while the editor runs.
            drop(terminal_events);
            let text = tui.suspended(|| super::edit_io::run_external(&job))?;
            terminal_events = EventStream::new();
            app.step(Msg::EditReport(EditReport::ExternalDone(job.id, text)));
            dirty = true;
        }
        if let Some((id, session)) = app.take_session() {
            // crossterm's reader would take the session's keys: drop it meanwhile.
            drop(terminal_events);
            let banner = session_banner(&app.state);
            let handover = terminal_handover::run(
                tui,
                &mut app,
                &mut inbox,
                session,
                &banner,
                hangup.as_mut(),
            )
            .await?;
            let Handover::Ended(end) = handover else {
                return Ok(());
            };
            terminal_events = EventStream::new();
            app.step(Msg::Stream(StreamMsg::SessionEnded { id, end }));
            dirty = true;
        }
        let now = Instant::now();
        if dirty && now >= last_draw + FRAME {
            app.step(Msg::Tick(Timestamp::now()));
            match tui
                .terminal()
                .draw(|frame| crate::ui::draw(&app.state, frame))
            {
                // EIO: the terminal hung up under us; that is a hang-up, not a failure.
                Err(e) if e.raw_os_error() == Some(EIO) => return Ok(()),
                result => result?,
            };
            if let Some(trace) = trace.as_mut() {
                trace.frame(now, now.elapsed(), input_since.take());
            }
            assert!(
                !crash_test,
                "KDECK_TEST_PANIC is set: a panic for the crash test"
            );
            dirty = false;
            last_draw = now;
            // The next AGE cell that changes, or the next deadline of a canary plan.
            let plan_due = crate::app::canary_tracking::next_deadline(&app.state, Timestamp::now());
            age_due = next_age_change(&app.state)
                .into_iter()
                .chain(plan_due)
                .min()
                .map(|d| now + d);
        }
        let deadline = if dirty {
            last_draw + FRAME
        } else {
            age_due.unwrap_or(now + Duration::from_secs(3600))
        };
        tokio::select! {
            biased;
            // First, so a stream of cluster updates cannot keep a hung-up kdeck alive.
            () = &mut hangup => return Ok(()),
            event = terminal_events.next() => {
                // The end of input is a hang-up too (crossterm does not end the stream on
                // one today; see `input_hangup`), and an error ends the loop with it.
                let Some(event) = event else { return Ok(()) };
                // One event per turn: the next turn takes the next queued key before the
                // frame deadline comes, so a burst is still drawn once. (Polling the
                // stream with a no-op waker would lose its wake-up.)
                input_since.get_or_insert_with(Instant::now);
                if let Some(msg) = terminal_msg(event?) {
                    app.step(msg);
                }
                dirty = true;
            }
            inbound = inbox.next() => {
                let msg = app.receive(inbound);
                app.step(msg);
                dirty = true;
            }
            () = tokio::time::sleep_until(deadline) => {
                // Either the frame deadline of a pending redraw, or an AGE cell is due.
                dirty = true;
            }
            _ = sigterm.recv() => return Ok(()),
            _ = sighup.recv() => return Ok(()),
        }
    }
}

/// The line a session starts with: what runs where.
fn session_banner(state: &State) -> String {
    match &state.sessions.current {
        Some(session) => {
            terminal_handover::banner(&session.title(), session.purpose == Purpose::Attach)
        }
        None => String::new(),
    }
}

/// The message of a terminal event (key, paste, resize); `None` for the others.
pub fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}
