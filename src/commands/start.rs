//! `workshop start <level>`: scaffold the level's folder and show the challenge.
//! The first start in a folder also picks the workspace's language.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{available, cwd, level_named};
use crate::course::Course;
use crate::grade::{toolchain, warmup};
use crate::lang::Lang;
use crate::report::{style, terminal};
use crate::workspace::Workspace;

pub fn run(id: &str, wanted: Option<Lang>) -> Result<ExitCode> {
    let here = cwd()?;
    let existing = Workspace::find(&here)?;
    let lang = match (&existing, wanted) {
        (Some(ws), Some(lang)) if ws.lang != lang => bail!(
            "this workspace ({}) is in {}, so its levels are too; `--lang {}` cannot change that.\n\
             Drop `--lang`, or start the level in a new folder to take it in {lang}.",
            ws.root.display(),
            ws.lang,
            lang.id()
        ),
        (Some(ws), _) => ws.lang,
        (None, Some(lang)) => lang,
        (None, None) => ask_language()?,
    };
    let course = Course::embedded(lang);
    let level = available(&course, level_named(&course, id)?)?;
    let toolchain = toolchain::of(lang);
    // Better to hear about a missing or old toolchain now than at the first check.
    toolchain.check_installed()?;
    let ws = match existing {
        Some(ws) => ws,
        None => Workspace::create(&here, lang, toolchain.cache_dirs())?,
    };
    let _lock = ws.lock()?;
    // A damaged progress file stops us here, before anything is written.
    let mut progress = ws.load_progress()?;

    let missing: Vec<&str> = level
        .requires
        .iter()
        .filter_map(|req| course.level(req))
        .filter(|req| !progress.level_mastered(req))
        .map(|req| req.name.as_str())
        .collect();

    let scaffold = ws.scaffold(level)?;
    toolchain.editor_settings(&ws, level)?;
    progress.level_mut(&level.id);
    progress.last_level = Some(level.id.clone());
    ws.save_progress(&progress)?;
    // The learner's files are written and recorded before anything is installed.
    let spinner = style::spinner(true);
    let prepared = toolchain.prepare_workspace(&ws, &|what| spinner.set_message(what.to_string()));
    spinner.finish_and_clear();
    prepared?;
    let warming = warmup::spawn(&ws, level)?;

    print!("{}", terminal::started(level, &ws, &scaffold, &missing, warming));
    Ok(ExitCode::SUCCESS)
}

/// The first start on a terminal asks; a script gets Rust, as it always did.
fn ask_language() -> Result<Lang> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(Lang::Rust);
    }
    let names: Vec<String> = Lang::ALL.iter().map(|l| format!("{l}: {}", l.blurb())).collect();
    let choice = dialoguer::Select::new()
        .with_prompt("Which language will you write? (a workspace keeps its choice; `--lang` skips this)")
        .items(&names)
        .default(0)
        .interact()
        .context("no language chosen; run `workshop start <level> --lang rust` or `--lang typescript`")?;
    Ok(Lang::ALL[choice])
}
