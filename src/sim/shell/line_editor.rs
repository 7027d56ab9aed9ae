//! What a terminal's line discipline and a shell's line editor do with the bytes a
//! user types into a TTY session: echo, backspace, Ctrl-U, Ctrl-C, Ctrl-D on an
//! empty line, Enter; escape sequences (arrows, function keys) are swallowed.

/// What the typed bytes amount to, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Bytes to send back to the terminal (the typed characters, erasures, newline).
    Echo(Vec<u8>),
    /// A complete line (Enter).
    Line(String),
    /// Ctrl-C: the line is dropped.
    Interrupt,
    /// Ctrl-D on an empty line: end of input.
    EndOfInput,
}

/// Where an escape sequence stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Escape {
    None,
    /// After ESC.
    Started,
    /// After `ESC [` or `ESC O`: until the final byte.
    Sequence,
}

/// The line being typed.
#[derive(Debug)]
pub struct LineEditor {
    line: Vec<u8>,
    escape: Escape,
    after_cr: bool,
}

impl Default for LineEditor {
    fn default() -> Self {
        Self {
            line: Vec::new(),
            escape: Escape::None,
            after_cr: false,
        }
    }
}

impl LineEditor {
    /// Takes typed bytes and says what they do.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        let mut echo = Vec::new();
        let flush = |echo: &mut Vec<u8>, events: &mut Vec<Event>| {
            if !echo.is_empty() {
                events.push(Event::Echo(std::mem::take(echo)));
            }
        };
        for &b in bytes {
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            match (self.escape, b) {
                (Escape::Started, b'[' | b'O') => self.escape = Escape::Sequence,
                (Escape::Started, _) | (Escape::Sequence, 0x40..=0x7e) => {
                    self.escape = Escape::None;
                }
                (Escape::Sequence, _) => {}
                (_, 0x1b) => self.escape = Escape::Started,
                (_, b'\n') if after_cr => {}
                (_, b'\r' | b'\n') => {
                    self.after_cr = b == b'\r';
                    echo.extend_from_slice(b"\r\n");
                    flush(&mut echo, &mut events);
                    let line =
                        String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned();
                    events.push(Event::Line(line));
                }
                (_, 0x03) => {
                    flush(&mut echo, &mut events);
                    self.line.clear();
                    events.push(Event::Interrupt);
                }
                (_, 0x04) if self.line.is_empty() => {
                    flush(&mut echo, &mut events);
                    events.push(Event::EndOfInput);
                }
                (_, 0x7f | 0x08) => {
                    if self.erase_char() {
                        echo.extend_from_slice(b"\x08 \x08");
                    }
                }
                (_, 0x15) => {
                    while self.erase_char() {
                        echo.extend_from_slice(b"\x08 \x08");
                    }
                }
                (_, 0x00..=0x1f) => {}
                (_, b) => {
                    self.line.push(b);
                    echo.push(b);
                }
            }
        }
        flush(&mut echo, &mut events);
        events
    }

    /// Removes the last character (all its UTF-8 bytes); false when the line is empty.
    fn erase_char(&mut self) -> bool {
        let Some(last) = self.line.iter().rposition(|b| (b & 0xc0) != 0x80) else {
            self.line.clear();
            return false;
        };
        self.line.truncate(last);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_erasing_and_enter() {
        let mut ed = LineEditor::default();
        let events = ed.feed(b"hostx\x7fname\r");
        assert_eq!(
            events,
            [
                Event::Echo(b"hostx\x08 \x08name\r\n".to_vec()),
                Event::Line("hostname".into())
            ]
        );
        // A pasted CRLF is one line end; an arrow key is swallowed.
        assert_eq!(ed.feed(b"\n\x1b[Aa"), [Event::Echo(b"a".to_vec())]);
        assert_eq!(ed.feed(b"\x03"), [Event::Interrupt]);
        assert_eq!(ed.feed(b"x\x04"), [Event::Echo(b"x".to_vec())]);
        assert_eq!(
            ed.feed(b"\x15\x04"),
            [Event::Echo(b"\x08 \x08".to_vec()), Event::EndOfInput]
        );
        ed.feed("é".as_bytes());
        assert_eq!(
            ed.feed(b"\x7f\r"),
            [
                Event::Echo(b"\x08 \x08\r\n".to_vec()),
                Event::Line(String::new())
            ]
        );
    }
}
