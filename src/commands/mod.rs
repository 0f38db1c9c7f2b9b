//! One small file per subcommand, gluing course, workspace, grading and
//! rendering together.

mod check;
mod dev;
mod progress;
mod repair;
mod start;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};

use crate::cli::{Command, DevCommand};
use crate::course::{Course, Level};
use crate::workspace::Workspace;

pub const NO_WORKSPACE: &str = "there is no workshop in this folder or any folder above it.\n\
    Start one with `workshop start towel`: it creates the Towel level here.";

pub fn dispatch(command: Command) -> Result<ExitCode> {
    let course = Course::embedded();
    match command {
        Command::Start { level } => start::run(&course, &level),
        Command::Check { level, json } => check::run(&course, level.as_deref(), json),
        Command::Progress => progress::run(&course),
        Command::Repair => repair::run(&course),
        Command::Dev(DevCommand::Check { level }) => dev::check(&course, level.as_deref()),
        Command::Dev(DevCommand::Fixture { level, name }) => dev::write_fixture(&course, &level, &name),
    }
}

fn cwd() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current folder")
}

fn find_workspace() -> Result<Workspace> {
    Workspace::find(&cwd()?).ok_or_else(|| anyhow!(NO_WORKSPACE))
}

/// The level named `id`, or an error that suggests the closest name.
fn level_named<'c>(course: &'c Course, id: &str) -> Result<&'c Level> {
    let wanted = id.trim().to_lowercase().replace([' ', '_'], "-");
    if let Some(level) = course.level(&wanted) {
        return Ok(level);
    }
    let ids: Vec<&str> = course.ids().collect();
    let closest = ids
        .iter()
        .map(|c| (strsim::levenshtein(c, &wanted), *c))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, c)| format!(" Did you mean `{c}`?"))
        .unwrap_or_default();
    Err(anyhow!("there is no level called `{id}`.{closest}\nThe levels are: {}.", ids.join(", ")))
}

/// Refuses a level whose checks are not written yet, saying what exists.
fn available<'c>(course: &'c Course, level: &'c Level) -> Result<&'c Level> {
    if level.is_available() {
        return Ok(level);
    }
    let ready: Vec<&str> = course.levels.iter().filter(|l| l.is_available()).map(|l| l.id.as_str()).collect();
    Err(anyhow!(
        "{} ({}) is not available yet: its checks are still being written.\nAvailable now: {}.",
        level.name,
        level.id,
        ready.join(", ")
    ))
}
