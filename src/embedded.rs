//! The files compiled into the binary, so an installed `workshop` works from
//! any directory, offline.

use include_dir::{Dir, include_dir};

pub const LEVELS_TOML: &str = include_str!("../levels.toml");

static EXERCISES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/exercises");
static SOLUTIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/solutions");
static CHECKS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/checks");
static FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures");

/// The runtime shared by every level's harness.
pub const HARNESS_RUNTIME: &str = include_str!("../checks/rust/harness.rs");

/// The checks file that is type-checked, not run.
pub const COMPILE_FAIL_FILE: &str = "compile_fail.rs";

/// One embedded file: its path relative to the level folder, and its bytes.
pub struct File {
    pub path: String,
    pub contents: &'static [u8],
}

fn files_under(root: &'static Dir<'static>, level: &str) -> Vec<File> {
    let prefix = format!("rust/{level}");
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
pub fn exercise(level: &str) -> Vec<File> {
    files_under(&EXERCISES, level)
}

/// The reference solution, with the same paths as the exercise.
pub fn solution(level: &str) -> Vec<File> {
    files_under(&SOLUTIONS, level)
}

/// The level's hidden checks (checks/<level>/).
pub fn checks(level: &str) -> Vec<File> {
    files_under(&CHECKS, level)
}

/// The course author's wrong-solution fixtures for a level, as (name, toml).
pub fn fixtures(level: &str) -> Vec<(String, &'static str)> {
    files_under(&FIXTURES, level)
        .into_iter()
        .filter(|f| f.path.ends_with(".toml"))
        .map(|f| {
            let name = f.path.trim_end_matches(".toml").to_string();
            (name, std::str::from_utf8(f.contents).expect("fixtures are UTF-8"))
        })
        .collect()
}
