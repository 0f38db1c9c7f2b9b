//! The learner's reflection file, `<level>/REFLECTION.md`: the level's
//! questions as headings, the learner's answers under them. It is theirs to
//! edit by hand; `workshop reflect` and `progress` read it back.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::course::Level;

pub const FILE: &str = "REFLECTION.md";
const PLACEHOLDER: &str = "_Your answer here._";

pub fn path(level_dir: &Path) -> PathBuf {
    level_dir.join(FILE)
}

/// The answers in `text`, one per question (None: not answered yet).
pub fn parse(text: &str, questions: usize) -> Vec<Option<String>> {
    let mut answers: Vec<Option<String>> = vec![None; questions];
    let mut current: Option<usize> = None;
    let mut body = String::new();
    let mut flush = |current: Option<usize>, body: &mut String| {
        if let Some(i) = current.filter(|i| *i < questions) {
            let t = body.trim();
            if !t.is_empty() && t != PLACEHOLDER {
                answers[i] = Some(t.to_string());
            }
        }
        body.clear();
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("## ") {
            flush(current, &mut body);
            current = rest.split('.').next().and_then(|n| n.trim().parse::<usize>().ok()).map(|n| n.saturating_sub(1));
        } else if current.is_some() {
            body.push_str(line);
            body.push('\n');
        }
    }
    flush(current, &mut body);
    answers
}

pub fn render(level: &Level, answers: &[Option<String>]) -> String {
    let mut out = format!(
        "# {}: reflection\n\nWrite as much or as little as you like; this file is yours. \
         `workshop progress` counts the questions you have answered.\n",
        level.name
    );
    for (i, q) in level.reflection.iter().enumerate() {
        let answer = answers.get(i).cloned().flatten().unwrap_or_else(|| PLACEHOLDER.to_string());
        out.push_str(&format!("\n## {}. {q}\n\n{answer}\n", i + 1));
    }
    out
}

pub fn load(level_dir: &Path, level: &Level) -> Result<Vec<Option<String>>> {
    let p = path(level_dir);
    match fs::read_to_string(&p) {
        Ok(text) => Ok(parse(&text, level.reflection.len())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![None; level.reflection.len()]),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", p.display())),
    }
}

pub fn answered(level_dir: &Path, level: &Level) -> usize {
    load(level_dir, level).map_or(0, |a| a.iter().filter(|a| a.is_some()).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_render_writes() {
        let course = crate::course::Course::embedded(crate::lang::Lang::Rust);
        let level = course.level("towel").unwrap();
        let answers = vec![Some("One place.\n\nTwo lines.".to_string()), None, Some("Types.".to_string())];
        let text = render(level, &answers);
        assert_eq!(parse(&text, 3), answers);
        assert_eq!(parse(&render(level, &[None, None, None]), 3), vec![None, None, None]);
    }
}
