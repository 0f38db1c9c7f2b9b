//! `workshop solution <level> [--force]`: after mastery, the reference
//! solution beside a diff against the learner's code.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use similar::TextDiff;

use super::{available, find_workspace, level_named};
use crate::course::Course;
use crate::embedded;
use crate::grade::toolchain;

pub fn run(course: &Course, id: &str, force: bool) -> Result<ExitCode> {
    let level = available(course, level_named(course, id)?)?;
    let ws = find_workspace()?;
    let progress = ws.load_progress()?;
    let mastered = progress.level_mastered(level);
    if !mastered && !force {
        bail!(
            "the reference solution of {} opens once you master the level: the struggle is where the learning is.\n\
             `workshop hint` gives one more hint at a time. To look anyway: `workshop solution {} --force`.",
            level.name,
            level.id
        );
    }

    let dir = ws.meta_dir().join("solutions").join(&level.id);
    let toolchain = toolchain::of(ws.lang);
    for file in embedded::solution(ws.lang, &level.id) {
        let reference = String::from_utf8_lossy(file.contents);
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, reference.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        if !toolchain.is_source(Path::new(&file.path)) {
            continue;
        }
        let mine_path = ws.level_dir(&level.id).join(&file.path);
        let mine = fs::read_to_string(&mine_path).unwrap_or_default();
        let yours = format!("yours: {}/{}", level.id, file.path);
        let theirs = format!("reference: {}", path.strip_prefix(&ws.root).unwrap_or(&path).display());
        let diff = TextDiff::from_lines(mine.as_str(), reference.as_ref());
        println!("{}", diff.unified_diff().context_radius(3).header(&yours, &theirs));
    }
    println!(
        "The reference solution is in {}/ (open it in your editor).",
        dir.strip_prefix(&ws.root).unwrap_or(&dir).display()
    );
    Ok(ExitCode::SUCCESS)
}
