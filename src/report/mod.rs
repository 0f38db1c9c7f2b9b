//! Renderers of grading results and progress: terminal text, our JSON,
//! exercism-style JSON and GitHub Classroom results.

pub mod classroom;
pub mod exercism;
pub mod native;
pub mod screen;
pub mod style;
pub mod terminal;

#[cfg(test)]
mod testdata;
#[cfg(test)]
mod tests;
