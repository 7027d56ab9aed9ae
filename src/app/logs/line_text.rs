//! A stored line as text: with its pod label and timestamp when the view shows them.
//! Used for save and copy (whole lines, unsanitised for save) and by the drawing code.

use jiff::Timestamp;

use super::LogsView;
use super::buffer::LogEntry;
use super::sanitize::sanitize;

/// The timestamp as the view shows it.
pub fn stamp(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The prefix of `entry`: `[label] ` in a multi-pod view, then the timestamp if shown.
pub fn prefix(view: &LogsView, entry: &LogEntry) -> String {
    let mut out = String::new();
    if view.multi_pod()
        && let Some(source) = view.sources.get(usize::from(entry.source))
    {
        out.push_str(&source.label);
        out.push(' ');
    }
    if view.timestamps
        && let Some(at) = entry.at
    {
        out.push_str(&stamp(at));
        out.push(' ');
    }
    out
}

/// Every shown line (those passing the filter, if any), whole and as received, for a file.
pub fn save_text(view: &LogsView) -> String {
    let mut out = String::new();
    for i in 0..view.visible_len() {
        if let Some(entry) = view.visible_seq(i).and_then(|s| view.buffer.get(s)) {
            out.push_str(&prefix(view, entry));
            out.push_str(&entry.text);
            out.push('\n');
        }
    }
    out
}

/// The lines on screen (about a page), sanitised, for the clipboard.
pub fn screen_text(view: &LogsView, page: usize) -> String {
    let len = view.visible_len();
    let start = if view.follow {
        len.saturating_sub(page)
    } else {
        view.position_of(view.top)
    };
    let mut out = String::new();
    for i in start..(start + page).min(len) {
        if let Some(entry) = view.visible_seq(i).and_then(|s| view.buffer.get(s)) {
            out.push_str(&prefix(view, entry));
            out.push_str(&sanitize(&entry.text));
            out.push('\n');
        }
    }
    out
}
