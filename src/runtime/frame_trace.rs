//! `--trace-frames FILE`: what the performance scripts read.

use std::io::Write as _;
use std::time::Duration;

use tokio::time::Instant;

/// `--trace-frames FILE`: one line per frame with its draw time and, when keys were
/// pressed since the last frame, how long the oldest of them waited to be shown.
pub struct FrameTrace {
    out: std::io::BufWriter<std::fs::File>,
    start: Instant,
}

impl FrameTrace {
    /// Creates FILE with a header line.
    pub fn create(path: &std::path::Path) -> anyhow::Result<Self> {
        let file = std::fs::File::create(path)
            .map_err(|e| anyhow::anyhow!("cannot write --trace-frames {}: {e}", path.display()))?;
        let mut out = std::io::BufWriter::new(file);
        writeln!(out, "t_ms\tdraw_us\tinput_latency_us")?;
        Ok(Self {
            out,
            start: Instant::now(),
        })
    }

    /// Records one frame drawn at `drawn_at` in `draw`, showing keys pressed since `input_since`.
    pub fn frame(&mut self, drawn_at: Instant, draw: Duration, input_since: Option<Instant>) {
        let latency = input_since.map_or_else(String::new, |t| {
            (drawn_at + draw).duration_since(t).as_micros().to_string()
        });
        let _ = writeln!(
            self.out,
            "{}\t{}\t{latency}",
            drawn_at.duration_since(self.start).as_millis(),
            draw.as_micros()
        );
        let _ = self.out.flush();
    }
}
