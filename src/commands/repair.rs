//! `workshop repair`: back up a damaged progress file, then rebuild it from
//! what still reads, plus the level folders present in the workspace.

use std::fs;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::find_workspace;
use crate::course::Course;
use crate::grade::toolchain;
use crate::progress::{self, Progress};

pub fn run(course: &Course) -> Result<ExitCode> {
    let ws = find_workspace()?;
    let _lock = ws.lock()?;
    let path = ws.progress_path();
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if Progress::parse(&text).is_ok() && !text.is_empty() {
        println!("{} reads fine; nothing to repair.", path.display());
        return Ok(ExitCode::SUCCESS);
    }

    let mut backup = None;
    if !text.is_empty() {
        let stamp = progress::now().replace(':', "-");
        let to = ws.meta_dir().join(format!("progress.toml.damaged-{stamp}"));
        fs::copy(&path, &to).with_context(|| format!("cannot back up {} to {}", path.display(), to.display()))?;
        backup = Some(to);
    }
    let mut salvaged = Progress::salvage(&text);
    // A level folder on disk means the level was started.
    let marker = toolchain::of(ws.lang).level_marker();
    for level in &course.levels {
        if ws.level_dir(&level.id).join(marker).is_file() {
            salvaged.progress.level_mut(&level.id);
        }
    }
    if salvaged.progress.last_level.as_ref().is_none_or(|l| course.level(l).is_none()) {
        salvaged.progress.last_level =
            course.ids().rev().find(|id| salvaged.progress.levels.contains_key(*id)).map(str::to_string);
    }
    ws.save_progress(&salvaged.progress)?;

    if let Some(b) = backup {
        println!("Backed up the damaged file to {}.", b.display());
    }
    let mastered: usize = salvaged.progress.levels.values().map(|l| l.mastered.len()).sum();
    println!(
        "Rebuilt {}: {} level(s) started, {mastered} item(s) mastered.",
        path.display(),
        salvaged.progress.levels.len()
    );
    for d in &salvaged.dropped {
        println!("  dropped (unreadable): {d}");
    }
    println!("Run `workshop check` to re-earn anything that was dropped.");
    Ok(ExitCode::SUCCESS)
}
