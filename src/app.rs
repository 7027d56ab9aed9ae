//! The dashboard, pure: its [`State`], the [`Msg`]s that change it, [`update()`] (the step
//! function) and the [`Effect`]s it asks for. Nothing here does I/O: the
//! [`runtime`](crate::runtime) performs the effects and feeds what they find back as
//! messages, and `ui::draw` paints the state.
//!
//! Data flows one way: terminal keys, cluster updates and answers become [`Msg`]s,
//! [`update()`] changes the [`State`] and returns [`Effect`]s, and the state is drawn when
//! something visible changed.

pub mod age_tick;
pub mod canary_answers;
pub mod canary_plan;
pub mod canary_tracking;
pub mod catalog;
pub mod describe;
pub mod dialog;
pub mod dialog_screen;
pub mod editor;
pub mod filter;
pub mod history_screen;
pub mod history_view;
pub mod keys;
pub mod line_matcher;
pub mod logs;
pub mod logs_screen;
pub mod metrics;
pub mod metrics_polling;
pub mod monitor;
pub mod msg;
pub mod navigation;
pub mod operations;
pub mod permissions;
pub mod port_forwards;
pub mod rollout;
pub mod rollout_screen;
pub mod rollout_timeline;
pub mod rows;
pub mod run_pod;
pub mod session_purpose;
pub mod shell_session;
pub mod state;
pub mod stream_msg;
pub mod update;
mod views;
mod watches;
pub mod yaml_screen;
pub mod yaml_view;

pub use msg::{Effect, Msg};
pub use state::State;
pub use update::update;
