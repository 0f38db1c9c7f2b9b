//! `workshop list`: the levels, their state and the next thing to do.

use std::process::ExitCode;

use anyhow::Result;

use super::{cwd, hint};
use crate::course::Course;
use crate::progress::{LevelState, Progress};
use crate::report::style::{dim, heading};
use crate::workspace::Workspace;

pub fn run(course: &Course) -> Result<ExitCode> {
    // Works outside a workspace too: then nothing is started.
    let progress = match Workspace::find(&cwd()?)? {
        Some(ws) => ws.load_progress()?,
        None => Progress::default(),
    };
    println!("{}", heading(&course.title));
    for level in &course.levels {
        let state = progress.state(level);
        let next = match state {
            LevelState::NotStarted => format!("workshop start {}", level.id),
            LevelState::InProgress { .. } => {
                let step = hint::current_step(level, &progress).map_or("", |s| s.title.as_str());
                format!("{step}; `workshop check {}`", level.id)
            }
            _ => String::new(),
        };
        let state = match state {
            LevelState::InProgress { done, total } => format!("{done}/{total} mastered"),
            LevelState::NotInThisLanguage => format!("not yet in {}", course.lang),
            other => other.to_string(),
        };
        println!("  {:<20} {:<21} {:<13} {:<18} {}", level.name, level.id, level.difficulty, state, dim(&next));
    }
    Ok(ExitCode::SUCCESS)
}
