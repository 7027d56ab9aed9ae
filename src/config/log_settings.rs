//! The logs view's settings (the config file's `[logs]`).

/// Settings of the logs view, from the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSettings {
    /// Lines of history a stream starts with (`--tail`).
    pub tail_lines: i64,
    /// The buffer caps.
    pub caps: BufferCaps,
    /// Longer lines are cut when drawn (kept whole for save).
    pub max_line_chars: usize,
    /// Only lines newer than this many seconds (`--since`); `None`: the tail alone decides.
    pub since_seconds: Option<u64>,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            tail_lines: 200,
            caps: BufferCaps::default(),
            max_line_chars: 4096,
            since_seconds: None,
        }
    }
}

/// The caps of a logs view's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferCaps {
    /// The most lines kept.
    pub max_lines: usize,
    /// The most bytes kept (line text plus a fixed cost per line).
    pub max_bytes: usize,
}

impl Default for BufferCaps {
    fn default() -> Self {
        Self {
            max_lines: 50_000,
            max_bytes: 32 * 1024 * 1024,
        }
    }
}
