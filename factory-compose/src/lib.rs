//! Understand a Docker Compose project deployed on the Factory platform.
#![forbid(unsafe_code)]

pub mod line_index;
pub mod span;
pub mod yaml;

pub use line_index::{LineCol, LineIndex};
pub use span::{FileId, Location, Span};
