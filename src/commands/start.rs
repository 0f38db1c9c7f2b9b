//! `workshop start <level>`: scaffold the level's crate and show the challenge.

use std::process::ExitCode;

use anyhow::Result;

use super::{available, cwd, level_named};
use crate::course::Course;
use crate::report::terminal;
use crate::workspace::Workspace;

pub fn run(course: &Course, id: &str) -> Result<ExitCode> {
    let level = available(course, level_named(course, id)?)?;
    // Better to hear about an old or missing Rust now than at the first check.
    crate::grade::cargo::check_toolchain()?;
    let here = cwd()?;
    let ws = match Workspace::find(&here) {
        Some(ws) => ws,
        None => Workspace::create(&here)?,
    };
    let _lock = ws.lock()?;
    // A damaged progress file stops us here, before anything is written.
    let mut progress = ws.load_progress()?;

    let missing: Vec<&str> = level
        .requires
        .iter()
        .filter_map(|req| course.level(req))
        .filter(|req| req.items.iter().filter(|i| !i.bonus).any(|i| !progress.is_mastered(&req.id, &i.id)))
        .map(|req| req.name.as_str())
        .collect();

    let scaffold = ws.scaffold(level)?;
    ws.write_editor_settings(level)?;
    progress.level_mut(&level.id);
    progress.last_level = Some(level.id.clone());
    ws.save_progress(&progress)?;
    let warming = crate::grade::warmup::spawn(&ws, level)?;

    print!("{}", terminal::started(level, &ws, &scaffold, &missing, warming));
    Ok(ExitCode::SUCCESS)
}
