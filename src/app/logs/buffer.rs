//! The lines of a logs view: a ring buffer bounded in lines and in bytes. The oldest lines
//! go first when either cap is reached, and how many went is counted (the view shows it).
//! Lines are kept whole (for save); they are cut only when drawn.

use std::collections::VecDeque;

use jiff::Timestamp;

/// What one stored line costs beyond its text (the entry and the deque slot).
const ENTRY_OVERHEAD: usize = std::mem::size_of::<LogEntry>();

/// One line of a logs view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Which source (pod and container) of the view wrote it.
    pub source: u16,
    /// When the container wrote it (from the API server's timestamps).
    pub at: Option<Timestamp>,
    /// The line as received, unsanitised (sanitised when drawn).
    pub text: String,
    /// A note of kdeck's (a pod ended, a stream reconnected), not a line of the log.
    pub note: bool,
}

pub use crate::config::BufferCaps;

/// Lines numbered by a sequence that keeps counting as old lines are dropped.
#[derive(Debug, Clone, Default)]
pub struct LogBuffer {
    entries: VecDeque<LogEntry>,
    bytes: usize,
    caps: BufferCaps,
    dropped: u64,
    next_seq: u64,
}

impl LogBuffer {
    /// An empty buffer with these caps (at least one line and one line's cost).
    pub fn new(caps: BufferCaps) -> Self {
        Self {
            caps: BufferCaps {
                max_lines: caps.max_lines.max(1),
                max_bytes: caps.max_bytes.max(ENTRY_OVERHEAD + 1),
            },
            ..Self::default()
        }
    }

    /// Adds a line, dropping the oldest ones while a cap is exceeded.
    pub fn push(&mut self, entry: LogEntry) {
        self.bytes += cost(&entry);
        self.entries.push_back(entry);
        self.next_seq += 1;
        while self.entries.len() > self.caps.max_lines
            || (self.bytes > self.caps.max_bytes && self.entries.len() > 1)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= cost(&old);
                self.dropped += 1;
            }
        }
    }

    /// Lines held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no line is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held, as counted against the cap.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Lines dropped by the caps so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The caps.
    pub fn caps(&self) -> BufferCaps {
        self.caps
    }

    /// The sequence number of the oldest line held.
    pub fn first_seq(&self) -> u64 {
        self.next_seq - self.entries.len() as u64
    }

    /// The sequence number the next line will get.
    pub fn end_seq(&self) -> u64 {
        self.next_seq
    }

    /// The line numbered `seq`, if still held.
    pub fn get(&self, seq: u64) -> Option<&LogEntry> {
        let index = usize::try_from(seq.checked_sub(self.first_seq())?).ok()?;
        self.entries.get(index)
    }

    /// The lines held, oldest first, with their sequence numbers.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &LogEntry)> {
        let first = self.first_seq();
        self.entries
            .iter()
            .enumerate()
            .map(move |(i, e)| (first + i as u64, e))
    }
}

fn cost(entry: &LogEntry) -> usize {
    entry.text.len() + ENTRY_OVERHEAD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> LogEntry {
        LogEntry {
            source: 0,
            at: None,
            text: text.to_owned(),
            note: false,
        }
    }

    #[test]
    fn the_line_cap_drops_the_oldest_and_counts_them() {
        let mut b = LogBuffer::new(BufferCaps {
            max_lines: 3,
            max_bytes: usize::MAX,
        });
        for i in 0..10 {
            b.push(line(&i.to_string()));
            assert!(b.len() <= 3);
        }
        assert_eq!(
            (b.len(), b.dropped(), b.first_seq(), b.end_seq()),
            (3, 7, 7, 10)
        );
        assert_eq!(b.get(7).unwrap().text, "7");
        assert!(b.get(6).is_none() && b.get(10).is_none());
        let texts: Vec<_> = b.iter().map(|(s, e)| (s, e.text.as_str())).collect();
        assert_eq!(texts, [(7, "7"), (8, "8"), (9, "9")]);
    }

    #[test]
    fn the_byte_cap_holds_under_a_flood_of_long_lines() {
        let max_bytes = 10 * (1000 + ENTRY_OVERHEAD);
        let mut b = LogBuffer::new(BufferCaps {
            max_lines: 1_000_000,
            max_bytes,
        });
        let long = "x".repeat(1000);
        for _ in 0..10_000 {
            b.push(line(&long));
            assert!(b.bytes() <= max_bytes);
        }
        assert_eq!(b.len(), 10);
        assert_eq!(b.dropped(), 9_990);
        // A line bigger than the whole cap is still kept (alone), whole.
        b.push(line(&"y".repeat(max_bytes)));
        assert_eq!(b.len(), 1);
        assert_eq!(b.get(b.first_seq()).unwrap().text.len(), max_bytes);
    }
}
