//! `workshop reset [level] [--all] [--yes]`: back the learner's files up,
//! then restore the stubs. Progress is kept.

use std::fs;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{available, find_workspace, pick_level};
use crate::course::{Course, Level};
use crate::embedded;
use crate::grade::toolchain;
use crate::progress;
use crate::workspace::Workspace;

pub const NEEDS_CONFIRMATION: &str = "reset replaces your code with the stubs, so it asks first, and there is no terminal \
    to ask on. Run it in a terminal, or pass --yes (your files are backed up either way).";

pub fn run(course: &Course, id: Option<&str>, all: bool, yes: bool) -> Result<ExitCode> {
    let ws = find_workspace()?;
    let _lock = ws.lock()?;
    let progress = ws.load_progress()?;
    let levels: Vec<&Level> = if all {
        course.levels.iter().filter(|l| l.is_available() && ws.level_dir(&l.id).is_dir()).collect()
    } else {
        vec![available(course, pick_level(course, &ws, &progress, id)?)?]
    };
    if levels.is_empty() {
        bail!("there is nothing to reset: no level folder exists in this workspace.");
    }

    let names: Vec<&str> = levels.iter().map(|l| l.name.as_str()).collect();
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!(NEEDS_CONFIRMATION);
        }
        let question = format!("Reset {} to the stub? Your files are backed up first.", names.join(", "));
        let confirmed = dialoguer::Confirm::new().with_prompt(question).default(false).interact()?;
        if !confirmed {
            println!("Nothing was changed.");
            return Ok(ExitCode::SUCCESS);
        }
    }

    let stamp = progress::now().replace(':', "-");
    for level in levels {
        let backup = ws.meta_dir().join("backups").join(format!("{}-{stamp}", level.id));
        copy_tree(&ws.level_dir(&level.id), &backup, toolchain::of(ws.lang).tool_dirs())?;
        restore_stub(&ws, level)?;
        println!(
            "Reset {}: your files are in {}",
            level.name,
            backup.strip_prefix(&ws.root).unwrap_or(&backup).display()
        );
    }
    println!("Your mastery is kept. Run `workshop check` when you are ready.");
    Ok(ExitCode::SUCCESS)
}

/// Overwrites the level's stub files; files the learner added are left alone.
fn restore_stub(ws: &Workspace, level: &Level) -> Result<()> {
    for file in embedded::exercise(ws.lang, &level.id) {
        let path = ws.level_dir(&level.id).join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, file.contents).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Copies a folder, leaving out the tools' folders (build output, packages).
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if skip.iter().any(|d| entry.file_name() == *d) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            copy_tree(&src, &dst, skip)?;
        } else {
            fs::copy(&src, &dst).with_context(|| format!("cannot back up {}", src.display()))?;
        }
    }
    Ok(())
}
