//! The files compiled into the binary, so an installed `workshop` works from
//! any directory, offline. Each tree is laid out `<lang>/<level>/...`.

use include_dir::{Dir, include_dir};

use crate::lang::Lang;

pub const LEVELS_TOML: &str = include_str!("../levels.toml");

static EXERCISES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/exercises");
static SOLUTIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/solutions");
static CHECKS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/checks");
static FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures");

/// One embedded file: its path relative to the level folder, and its bytes.
pub struct File {
    pub path: String,
    pub contents: &'static [u8],
}

impl File {
    pub fn text(&self) -> &'static str {
        std::str::from_utf8(self.contents).expect("embedded course files are UTF-8")
    }
}

fn files_under(root: &'static Dir<'static>, lang: Lang, level: &str) -> Vec<File> {
    let prefix = format!("{}/{level}", lang.id());
    let Some(dir) = root.get_dir(&prefix) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect(dir, &prefix, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect(dir: &'static Dir<'static>, prefix: &str, out: &mut Vec<File>) {
    for file in dir.files() {
        let rel = file.path().strip_prefix(prefix).expect("embedded paths nest");
        out.push(File { path: rel.to_string_lossy().into_owned(), contents: file.contents() });
    }
    for sub in dir.dirs() {
        collect(sub, prefix, out);
    }
}

/// What `workshop start` gives the learner.
pub fn exercise(lang: Lang, level: &str) -> Vec<File> {
    files_under(&EXERCISES, lang, level)
}

/// The reference solution, with the same paths as the exercise.
pub fn solution(lang: Lang, level: &str) -> Vec<File> {
    files_under(&SOLUTIONS, lang, level)
}

/// The level's hidden checks (checks/<lang>/<level>/).
pub fn checks(lang: Lang, level: &str) -> Vec<File> {
    files_under(&CHECKS, lang, level)
}

/// A file of a language's check runtime (checks/<lang>/<path>), shared by its levels.
pub fn runtime_file(lang: Lang, path: &str) -> Option<&'static str> {
    CHECKS.get_file(format!("{}/{path}", lang.id())).and_then(|f| f.contents_utf8())
}

/// The course author's wrong-solution fixtures for a level, as (name, toml).
pub fn fixtures(lang: Lang, level: &str) -> Vec<(String, &'static str)> {
    files_under(&FIXTURES, lang, level)
        .into_iter()
        .filter(|f| f.path.ends_with(".toml"))
        .map(|f| (f.path.trim_end_matches(".toml").to_string(), f.text()))
        .collect()
}
