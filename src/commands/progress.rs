//! `workshop progress`: every level's mastery checklist.

use std::process::ExitCode;

use anyhow::Result;

use super::find_workspace;
use crate::course::Course;
use crate::report::terminal;

pub fn run(course: &Course) -> Result<ExitCode> {
    let ws = find_workspace()?;
    let progress = ws.load_progress()?;
    let reflections: Vec<(String, usize)> = course
        .levels
        .iter()
        .filter(|l| progress.levels.contains_key(&l.id))
        .map(|l| (l.id.clone(), crate::reflection::answered(&ws.level_dir(&l.id), l)))
        .collect();
    print!("{}", terminal::progress(course, &progress, &reflections));
    Ok(ExitCode::SUCCESS)
}
