//! One small file per subcommand, gluing course, workspace, grading and
//! rendering together.

mod check;
mod dev;
mod hint;
mod list;
mod mutants;
mod progress;
mod reflect;
mod repair;
mod reset;
mod solution;
mod start;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};

use crate::cli::{Command, DevCommand};
use crate::course::{Course, Level};
use crate::lang::Lang;
use crate::progress::Progress;
use crate::workspace::Workspace;

pub use check::Format;

pub const NO_WORKSPACE: &str = "there is no workshop in this folder or any folder above it.\n\
    Start one with `workshop start towel`: it creates the Towel level here.";

pub fn dispatch(command: Command) -> Result<ExitCode> {
    let course = match &command {
        // `start` may choose the language; `dev check` covers every language;
        // `dev mutants` takes its language as an option.
        Command::Start { .. } | Command::Dev(DevCommand::Check { .. } | DevCommand::Mutants { .. }) => None,
        _ => Some(Course::embedded(workspace_lang()?)),
    };
    let course = || course.as_ref().expect("loaded for this command");
    match command {
        Command::Start { level, lang } => start::run(&level, lang),
        Command::Check { level, all, json, report, stress, no_reference, vs_reference: _ } => {
            let format = if json { Format::Native } else { report.unwrap_or(Format::Text) };
            check::run(course(), level.as_deref(), all, format, stress, check::reference_wanted(no_reference))
        }
        Command::Progress => progress::run(course()),
        Command::Repair => repair::run(course()),
        Command::List => list::run(course()),
        Command::Watch { level, manual } => watch::run(course(), level.as_deref(), manual),
        Command::Hint { level } => hint::run(course(), level.as_deref()),
        Command::Reset { level, all, yes } => reset::run(course(), level.as_deref(), all, yes),
        Command::Solution { level, force } => solution::run(course(), &level, force),
        Command::Reflect { level } => reflect::run(course(), level.as_deref()),
        Command::Completions { shell } => {
            let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "workshop", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Dev(DevCommand::Check { level, lang }) => dev::check(level.as_deref(), lang),
        Command::Dev(DevCommand::Mutants { level, lang, sample, seed, jobs, min_score, list }) => {
            mutants::run(&mutants::Args { level, lang, sample, seed, jobs, min_score, list })
        }
        Command::Dev(DevCommand::Fixture { level, name }) => dev::write_fixture(course(), &level, &name),
        Command::Dev(DevCommand::Warm { level }) => dev::warm(course(), &level),
        Command::Dev(DevCommand::Harness { level }) => dev::harness(course(), &level),
    }
}

fn cwd() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current folder")
}

fn find_workspace() -> Result<Workspace> {
    Workspace::find(&cwd()?)?.ok_or_else(|| anyhow!(NO_WORKSPACE))
}

/// The language of the workspace we stand in; Rust outside any workspace.
fn workspace_lang() -> Result<Lang> {
    Ok(Workspace::find(&cwd()?)?.map_or(Lang::Rust, |ws| ws.lang))
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

/// For the author's tools (`dev check`, `dev mutants`) named a language: a
/// planned track that already has checks is one being built, graded before
/// learners see it. Anything else as `available`.
fn available_or_in_progress<'c>(course: &'c Course, level: &'c Level) -> Result<&'c Level> {
    if !level.is_available() && !level.checks.is_empty() {
        return Ok(level);
    }
    available(course, level)
}

/// Refuses a level whose checks are not written yet, saying what exists.
fn available<'c>(course: &'c Course, level: &'c Level) -> Result<&'c Level> {
    if level.is_available() {
        return Ok(level);
    }
    let ready: Vec<&str> = course.levels.iter().filter(|l| l.is_available()).map(|l| l.id.as_str()).collect();
    if level.available_in.is_empty() {
        return Err(anyhow!(
            "{} ({}) is not available yet: its checks are still being written.\nAvailable now: {}.",
            level.name,
            level.id,
            ready.join(", ")
        ));
    }
    let langs: Vec<&str> = level.available_in.iter().map(|l| l.name()).collect();
    let ready = if ready.is_empty() { "none yet".to_string() } else { ready.join(", ") };
    Err(anyhow!(
        "{} ({}) is not available in {} yet, only in {}.\nLevels available in {}: {ready}. A workspace has one \
         language; to take {} in {}, start it in a new folder: `workshop start {} --lang {}`.",
        level.name,
        level.id,
        course.lang,
        langs.join(" and "),
        course.lang,
        level.name,
        level.available_in[0],
        level.id,
        level.available_in[0].id()
    ))
}

/// The named level, else the level folder we stand in, else the last started.
pub fn pick_level<'c>(course: &'c Course, ws: &Workspace, progress: &Progress, id: Option<&str>) -> Result<&'c Level> {
    if let Some(id) = id {
        return level_named(course, id);
    }
    let here = cwd()?;
    let by_folder = ws.level_containing(&here, course.ids());
    match by_folder.or(progress.last_level.as_deref()) {
        Some(id) => level_named(course, id),
        None => Err(anyhow!("no level has been started here yet. Run `workshop start towel` first.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planned_level_is_refused_with_what_is_available() {
        // Towel's tracks come first: plan both.
        let text = crate::embedded::LEVELS_TOML.replacen("status = \"available\"", "status = \"planned\"", 2);
        let course = Course::parse(&text, Lang::Rust).unwrap();
        let towel = course.level("towel").unwrap();
        let err = available(&course, towel).unwrap_err().to_string();
        assert!(err.contains("Towel (towel) is not available yet"), "{err}");
    }

    #[test]
    fn a_level_in_another_language_says_how_to_take_it_there() {
        let text = crate::embedded::LEVELS_TOML.replacen("status = \"available\"", "status = \"planned\"", 1);
        let course = Course::parse(&text, Lang::Rust).unwrap();
        let err = available(&course, course.level("towel").unwrap()).unwrap_err().to_string();
        assert!(err.contains("not available in Rust yet, only in TypeScript"), "{err}");
        assert!(err.contains("workshop start towel --lang typescript"), "{err}");
    }

    #[test]
    fn level_names_are_forgiving_and_suggest() {
        let course = Course::embedded(Lang::Rust);
        assert_eq!(level_named(&course, "Babel Fish").unwrap().id, "babel-fish");
        assert_eq!(level_named(&course, "deep_thought").unwrap().id, "deep-thought");
        let err = level_named(&course, "towle").unwrap_err().to_string();
        assert!(err.contains("Did you mean `towel`?"), "{err}");
        let err = level_named(&course, "zaphod").unwrap_err().to_string();
        assert!(!err.contains("Did you mean") && err.contains("The levels are: towel"), "{err}");
    }
}
