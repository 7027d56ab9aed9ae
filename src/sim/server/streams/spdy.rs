//! SPDY/3.1, the multiplexing protocol kubectl still speaks for exec and attach when
//! WebSockets fail, and for port-forward (directly upgraded, or tunneled through a
//! WebSocket): [`frame`] reads and writes frames (header blocks compressed with the
//! [`dictionary`]), [`session`] serves a connection's streams.

pub mod dictionary;
pub mod frame;
pub mod session;

pub use session::{Incoming, Session, StreamWriter};
