//! Editor settings, so rust-analyzer finds the level crate when the workspace
//! folder is opened, and builds into its own folder: it never waits on
//! `cargo test` and never touches the grader's `.workshop/target`.

use std::fs;

use anyhow::{Context, Result};

use crate::course::Level;
use crate::workspace::Workspace;

const RUST_ANALYZER_TOML: &str = "# Written by `workshop start`; edit freely.
# rust-analyzer checks this crate in target/rust-analyzer, a folder of its own,
# so it never waits on `cargo test` or on `workshop check`.
[cargo]
targetDir = true
";

/// Existing settings are kept; a settings file we cannot read is left alone.
pub fn write(ws: &Workspace, level: &Level) -> Result<()> {
    let ra = ws.level_dir(&level.id).join("rust-analyzer.toml");
    if !ra.exists() {
        fs::write(&ra, RUST_ANALYZER_TOML).with_context(|| format!("cannot write {}", ra.display()))?;
    }
    let manifest = serde_json::Value::String(format!("{}/Cargo.toml", level.id));
    ws.add_editor_setting("rust-analyzer.linkedProjects", manifest)
}
