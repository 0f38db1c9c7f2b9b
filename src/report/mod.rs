//! Renderers of grading results and progress: terminal text and JSON.

pub mod json;
pub mod style;
pub mod terminal;
