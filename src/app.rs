//! The dashboard: state, actions, `update`, and the event loop that drives them.
//!
//! Data flows one way: terminal keys and cluster updates become [`Action`]s, [`update`]
//! changes the [`State`] and returns [`Effect`]s for the loop to perform, and
//! `ui::draw` paints the state when something visible changed.

pub mod action;
mod age_tick;
mod clipboard;
pub mod command;
mod demo;
pub mod describe;
pub mod dialog;
mod edit_io;
pub mod editor;
pub mod filter;
mod frame_trace;
pub mod keys;
pub mod logs;
pub mod monitor;
pub mod navigation;
pub mod operations;
pub mod permissions;
pub mod rollout;
pub mod rows;
pub mod run;
pub mod state;
pub mod update;
mod views;
pub mod yaml_view;

pub use action::{Action, Effect};
pub use run::run;
pub use state::State;
pub use update::update;
