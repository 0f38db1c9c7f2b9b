//! `workshop list`: the levels, their state and the next thing to do.

use std::process::ExitCode;

use anyhow::Result;

use super::{cwd, hint};
use crate::course::Course;
use crate::progress::Progress;
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
        let record = progress.levels.get(&level.id);
        let core: Vec<_> = level.items.iter().filter(|i| !i.bonus).collect();
        let done = core.iter().filter(|i| progress.is_mastered(&level.id, &i.id)).count();
        let (state, next) = if !level.is_available() {
            let note = if level.available_in.is_empty() {
                "not yet available".to_string()
            } else {
                format!("not yet in {}", course.lang)
            };
            (note, String::new())
        } else if record.is_none() {
            ("not started".to_string(), format!("workshop start {}", level.id))
        } else if done == core.len() {
            ("mastered".to_string(), String::new())
        } else {
            let step = hint::current_step(level, &progress).map_or("", |s| s.title.as_str());
            (format!("{done}/{} mastered", core.len()), format!("{step}; `workshop check {}`", level.id))
        };
        println!("  {:<20} {:<21} {:<13} {:<18} {}", level.name, level.id, level.difficulty, state, dim(&next));
    }
    Ok(ExitCode::SUCCESS)
}
