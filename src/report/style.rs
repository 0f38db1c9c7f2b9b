//! Colour and spinner policy: colour only on a terminal and never with
//! `NO_COLOR`; the spinner only on a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use console::{Style, StyledObject, style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

pub fn init() {
    if no_color() {
        console::set_colors_enabled(false);
        console::set_colors_enabled_stderr(false);
    }
}

/// Whether compiler diagnostics (shown on stdout) may carry colour.
pub fn diagnostics_color() -> bool {
    !no_color() && std::io::stdout().is_terminal()
}

pub fn error_label() -> StyledObject<&'static str> {
    style("error:").red().bold()
}

pub fn pass() -> StyledObject<&'static str> {
    style("✓").green()
}

pub fn fail() -> StyledObject<&'static str> {
    style("✗").red()
}

pub fn heading(text: &str) -> StyledObject<&str> {
    style(text).bold()
}

pub fn dim(text: &str) -> StyledObject<&str> {
    Style::new().dim().apply_to(text)
}

pub fn warn(text: &str) -> StyledObject<&str> {
    style(text).yellow()
}

/// A spinner on stderr showing the current phase (and its prefix's lines
/// above it, if any); hidden when not a terminal.
pub fn spinner(enabled: bool) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{prefix}{spinner} {msg} {elapsed:.dim}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}
