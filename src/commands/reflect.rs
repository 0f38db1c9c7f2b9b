//! `workshop reflect [level]`: ask the level's reflection questions and keep
//! the answers in `<level>/REFLECTION.md`.

use std::fs;
use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{available, find_workspace, pick_level};
use crate::course::Course;
use crate::reflection;
use crate::report::style::heading;

pub fn run(course: &Course, id: Option<&str>) -> Result<ExitCode> {
    let ws = find_workspace()?;
    let progress = ws.load_progress()?;
    let level = available(course, pick_level(course, &ws, &progress, id)?)?;
    let dir = ws.level_dir(&level.id);
    let path = reflection::path(&dir);
    let mut answers = reflection::load(&dir, level)?;

    if std::io::stdin().is_terminal() {
        println!("{}\n", heading(&format!("{} · reflection", level.name)));
        println!(
            "One line per answer here (Enter keeps the current one); for more, edit {} afterwards.\n",
            path.display()
        );
        for (i, question) in level.reflection.iter().enumerate() {
            let current = answers[i].clone().unwrap_or_default();
            let answer: String = dialoguer::Input::new()
                .with_prompt(format!("{}. {question}\n", i + 1))
                .with_initial_text(current)
                .allow_empty(true)
                .interact_text()?;
            answers[i] = Some(answer.trim().to_string()).filter(|a| !a.is_empty());
        }
    }
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    fs::write(&path, reflection::render(level, &answers))
        .with_context(|| format!("cannot write {}", path.display()))?;
    let done = answers.iter().filter(|a| a.is_some()).count();
    println!(
        "{done} of {} questions answered; your answers are in {} (edit it freely).",
        level.reflection.len(),
        path.strip_prefix(&ws.root).unwrap_or(&path).display()
    );
    Ok(ExitCode::SUCCESS)
}
