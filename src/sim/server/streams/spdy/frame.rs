//! SPDY/3.1 frames (the SPDY/3 draft, section 2.2, with 3.1's WINDOW_UPDATE): a
//! control frame is `1 | version(15) | type(16) | flags(8) | length(24) | payload`,
//! a data frame `0 | stream id(31) | flags(8) | length(24) | data`. Header blocks
//! (SYN_STREAM, SYN_REPLY, HEADERS) are zlib streams, one per direction for the
//! whole connection, primed with the SPDY/3 [`DICTIONARY`] and flushed per frame.

use bytes::{Buf as _, Bytes, BytesMut};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};

use super::dictionary::DICTIONARY;

/// The protocol version.
const VERSION: u16 = 3;
/// Set on the last frame of a stream's direction.
const FLAG_FIN: u8 = 0x01;
/// Frames longer than this are refused (the length field allows 16 MiB).
const MAX_FRAME: usize = 16 * 1024 * 1024;

/// Header names (lower case) and values, a name once per value.
pub type Headers = Vec<(String, String)>;

/// One frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A peer opens a stream.
    SynStream {
        /// Its id (odd from the client).
        stream_id: u32,
        /// Its headers.
        headers: Headers,
        /// No data will follow from the opener.
        fin: bool,
    },
    /// The answer to a SYN_STREAM.
    SynReply {
        /// The stream.
        stream_id: u32,
        /// Headers of the reply.
        headers: Headers,
        /// No data will follow from the replier.
        fin: bool,
    },
    /// A stream is cut.
    RstStream {
        /// The stream.
        stream_id: u32,
        /// Why (1 protocol error ... 5 cancel ...).
        status: u32,
    },
    /// Connection settings (read and ignored).
    Settings,
    /// A ping, echoed back by the other side.
    Ping(u32),
    /// The sender takes no new streams.
    GoAway {
        /// The last stream it handled.
        last_good: u32,
        /// 0 ok, 1 protocol error, 2 internal error.
        status: u32,
    },
    /// More headers on a stream (read and ignored).
    Headers {
        /// The stream.
        stream_id: u32,
    },
    /// Flow control credit (read and ignored: the Kubernetes peers send within the default window).
    WindowUpdate {
        /// The stream.
        stream_id: u32,
        /// Bytes granted.
        delta: u32,
    },
    /// Bytes of a stream.
    Data {
        /// The stream.
        stream_id: u32,
        /// Its last bytes in this direction.
        fin: bool,
        /// The bytes.
        data: Bytes,
    },
}

/// A connection's frames could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// Not SPDY/3, or a malformed frame.
    #[error("SPDY protocol error: {0}")]
    Protocol(String),
    /// The header compression failed.
    #[error("SPDY header compression: {0}")]
    Compression(String),
}

fn protocol(message: impl Into<String>) -> FrameError {
    FrameError::Protocol(message.into())
}

/// Reads frames off the bytes a peer sends.
pub struct Decoder {
    inflate: Decompress,
}

impl Default for Decoder {
    fn default() -> Self {
        Self {
            inflate: Decompress::new(true),
        }
    }
}

impl Decoder {
    /// Takes the first frame off `buf` when it is complete.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        if buf.len() < 8 {
            return Ok(None);
        }
        let length = (usize::from(buf[5]) << 16) | (usize::from(buf[6]) << 8) | usize::from(buf[7]);
        if length > MAX_FRAME {
            return Err(protocol(format!("frame of {length} bytes")));
        }
        if buf.len() < 8 + length {
            return Ok(None);
        }
        let mut frame = buf.split_to(8 + length).freeze();
        let word = frame.get_u32();
        let flags = frame.get_u8();
        frame.advance(3);
        let fin = flags & FLAG_FIN != 0;
        if word & 0x8000_0000 == 0 {
            return Ok(Some(Frame::Data {
                stream_id: word,
                fin,
                data: frame,
            }));
        }
        let version = (word >> 16) & 0x7fff;
        if version != u32::from(VERSION) {
            return Err(protocol(format!("version {version}")));
        }
        let need = |frame: &Bytes, n: usize| {
            if frame.len() < n {
                Err(protocol("short control frame"))
            } else {
                Ok(())
            }
        };
        Ok(Some(match word & 0xffff {
            1 => {
                need(&frame, 10)?;
                let stream_id = frame.get_u32() & 0x7fff_ffff;
                frame.advance(6); // associated stream, priority, slot
                let headers = self.headers(&frame)?;
                Frame::SynStream {
                    stream_id,
                    headers,
                    fin,
                }
            }
            2 => {
                need(&frame, 4)?;
                let stream_id = frame.get_u32() & 0x7fff_ffff;
                let headers = self.headers(&frame)?;
                Frame::SynReply {
                    stream_id,
                    headers,
                    fin,
                }
            }
            3 => {
                need(&frame, 8)?;
                Frame::RstStream {
                    stream_id: frame.get_u32() & 0x7fff_ffff,
                    status: frame.get_u32(),
                }
            }
            4 => Frame::Settings,
            6 => {
                need(&frame, 4)?;
                Frame::Ping(frame.get_u32())
            }
            7 => {
                need(&frame, 8)?;
                Frame::GoAway {
                    last_good: frame.get_u32() & 0x7fff_ffff,
                    status: frame.get_u32(),
                }
            }
            8 => {
                need(&frame, 4)?;
                let stream_id = frame.get_u32() & 0x7fff_ffff;
                // Inflated all the same: the compression context runs through every block.
                self.headers(&frame)?;
                Frame::Headers { stream_id }
            }
            9 => {
                need(&frame, 8)?;
                Frame::WindowUpdate {
                    stream_id: frame.get_u32() & 0x7fff_ffff,
                    delta: frame.get_u32() & 0x7fff_ffff,
                }
            }
            other => return Err(protocol(format!("control frame type {other}"))),
        }))
    }

    fn headers(&mut self, block: &[u8]) -> Result<Headers, FrameError> {
        let plain = self.inflate(block)?;
        parse_header_block(&plain)
    }

    fn inflate(&mut self, input: &[u8]) -> Result<Vec<u8>, FrameError> {
        let mut out = Vec::with_capacity(input.len() * 4 + 64);
        let mut consumed = 0;
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.len());
            }
            let (before_in, before_out) = (self.inflate.total_in(), self.inflate.total_out());
            let result =
                self.inflate
                    .decompress_vec(&input[consumed..], &mut out, FlushDecompress::Sync);
            consumed += usize::try_from(self.inflate.total_in() - before_in).unwrap_or(0);
            let progress =
                self.inflate.total_in() != before_in || self.inflate.total_out() != before_out;
            match result {
                Err(e) if e.needs_dictionary().is_some() => {
                    self.inflate
                        .set_dictionary(&DICTIONARY)
                        .map_err(|e| FrameError::Compression(e.to_string()))?;
                }
                Err(e) => return Err(FrameError::Compression(e.to_string())),
                // Room left in the output: everything available came out.
                Ok(_) if out.len() < out.capacity() && consumed >= input.len() => return Ok(out),
                Ok(_) if out.len() < out.capacity() && !progress => {
                    return Err(FrameError::Compression("a truncated header block".into()));
                }
                Ok(_) => {}
            }
        }
    }
}

fn parse_header_block(mut block: &[u8]) -> Result<Headers, FrameError> {
    let mut take = |n: usize| -> Result<&[u8], FrameError> {
        if block.len() < n {
            return Err(protocol("short header block"));
        }
        let (head, rest) = block.split_at(n);
        block = rest;
        Ok(head)
    };
    let count = u32::from_be_bytes(take(4)?.try_into().unwrap_or_default());
    let mut headers = Headers::new();
    for _ in 0..count {
        let len = u32::from_be_bytes(take(4)?.try_into().unwrap_or_default()) as usize;
        let name = String::from_utf8_lossy(take(len)?).to_ascii_lowercase();
        let len = u32::from_be_bytes(take(4)?.try_into().unwrap_or_default()) as usize;
        let value = String::from_utf8_lossy(take(len)?).into_owned();
        for v in value.split('\0') {
            headers.push((name.clone(), v.to_string()));
        }
    }
    Ok(headers)
}

/// Writes frames for a peer.
pub struct Encoder {
    deflate: Compress,
}

impl Encoder {
    /// An encoder whose header compression is primed with the SPDY/3 dictionary.
    pub fn new() -> Result<Self, FrameError> {
        let mut deflate = Compress::new(Compression::default(), true);
        deflate
            .set_dictionary(&DICTIONARY)
            .map_err(|e| FrameError::Compression(e.to_string()))?;
        Ok(Self { deflate })
    }

    /// Appends `frame`'s bytes to `out`.
    pub fn encode(&mut self, frame: &Frame, out: &mut Vec<u8>) -> Result<(), FrameError> {
        let control = |out: &mut Vec<u8>, kind: u16, flags: u8, payload: &[u8]| {
            out.extend_from_slice(&(0x8000 | VERSION).to_be_bytes());
            out.extend_from_slice(&kind.to_be_bytes());
            out.push(flags);
            out.extend_from_slice(&(payload.len() as u32).to_be_bytes()[1..]);
            out.extend_from_slice(payload);
        };
        let fin_flag = |fin: bool| if fin { FLAG_FIN } else { 0 };
        match frame {
            Frame::SynStream {
                stream_id,
                headers,
                fin,
            } => {
                let mut payload = stream_id.to_be_bytes().to_vec();
                payload.extend_from_slice(&[0; 6]);
                payload.extend(self.deflate_headers(headers)?);
                control(out, 1, fin_flag(*fin), &payload);
            }
            Frame::SynReply {
                stream_id,
                headers,
                fin,
            } => {
                let mut payload = stream_id.to_be_bytes().to_vec();
                payload.extend(self.deflate_headers(headers)?);
                control(out, 2, fin_flag(*fin), &payload);
            }
            Frame::RstStream { stream_id, status } => {
                let payload = [stream_id.to_be_bytes(), status.to_be_bytes()].concat();
                control(out, 3, 0, &payload);
            }
            Frame::Settings => control(out, 4, 0, &0u32.to_be_bytes()),
            Frame::Ping(id) => control(out, 6, 0, &id.to_be_bytes()),
            Frame::GoAway { last_good, status } => {
                let payload = [last_good.to_be_bytes(), status.to_be_bytes()].concat();
                control(out, 7, 0, &payload);
            }
            Frame::Headers { stream_id } => {
                let mut payload = stream_id.to_be_bytes().to_vec();
                payload.extend(self.deflate_headers(&Headers::new())?);
                control(out, 8, 0, &payload);
            }
            Frame::WindowUpdate { stream_id, delta } => {
                let payload = [stream_id.to_be_bytes(), delta.to_be_bytes()].concat();
                control(out, 9, 0, &payload);
            }
            Frame::Data {
                stream_id,
                fin,
                data,
            } => {
                for (i, chunk) in data.chunks(MAX_FRAME - 1).enumerate() {
                    let last = (i + 1) * (MAX_FRAME - 1) >= data.len();
                    out.extend_from_slice(&(stream_id & 0x7fff_ffff).to_be_bytes());
                    out.push(fin_flag(*fin && last));
                    out.extend_from_slice(&(chunk.len() as u32).to_be_bytes()[1..]);
                    out.extend_from_slice(chunk);
                }
                if data.is_empty() {
                    out.extend_from_slice(&(stream_id & 0x7fff_ffff).to_be_bytes());
                    out.push(fin_flag(*fin));
                    out.extend_from_slice(&[0, 0, 0]);
                }
            }
        }
        Ok(())
    }

    fn deflate_headers(&mut self, headers: &Headers) -> Result<Vec<u8>, FrameError> {
        let mut plain = (headers.len() as u32).to_be_bytes().to_vec();
        for (name, value) in headers {
            plain.extend_from_slice(&(name.len() as u32).to_be_bytes());
            plain.extend_from_slice(name.as_bytes());
            plain.extend_from_slice(&(value.len() as u32).to_be_bytes());
            plain.extend_from_slice(value.as_bytes());
        }
        let mut out = Vec::with_capacity(plain.len() + 64);
        let mut consumed = 0;
        loop {
            let before = self.deflate.total_in();
            self.deflate
                .compress_vec(&plain[consumed..], &mut out, FlushCompress::Sync)
                .map_err(|e| FrameError::Compression(e.to_string()))?;
            consumed += usize::try_from(self.deflate.total_in() - before).unwrap_or(0);
            if consumed >= plain.len() && out.len() < out.capacity() {
                return Ok(out);
            }
            out.reserve(out.capacity().max(64));
        }
    }
}

#[cfg(test)]
mod tests;
