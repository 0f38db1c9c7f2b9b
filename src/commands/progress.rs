//! `workshop progress`: every level's mastery checklist.

use std::process::ExitCode;

use anyhow::Result;

use super::find_workspace;
use crate::course::Course;
use crate::report::terminal;

pub fn run(course: &Course) -> Result<ExitCode> {
    let ws = find_workspace()?;
    let progress = ws.load_progress()?;
    print!("{}", terminal::progress(course, &progress));
    Ok(ExitCode::SUCCESS)
}
