//! The boundary between the grader and a language's tools. Everything that
//! knows a compiler, a package manager or a runtime lives behind `Toolchain`
//! (one module per language); the grader, verdicts, renderers and commands
//! only see result records.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use super::own_tests::OwnTestRun;
use super::run::{Limits, RawRun};
use super::verdict::Status;
use super::{Events, Options};
use crate::course::{Check, Level};
use crate::lang::Lang;
use crate::workspace::Workspace;

pub trait Toolchain: Sync {
    /// Refuses a machine without the tools this language needs, saying how to get them.
    fn check_installed(&self) -> Result<()>;

    /// Workspace-wide setup at `start`, after the level's files are written
    /// (installing dependencies, say); `say` hears what takes a while. An
    /// error says what to run later.
    fn prepare_workspace(&self, ws: &Workspace, say: &dyn Fn(&str)) -> Result<()>;

    /// Editor settings for a started level; existing settings are kept.
    fn editor_settings(&self, ws: &Workspace, level: &Level) -> Result<()>;

    /// A file every started level folder has (its manifest).
    fn level_marker(&self) -> &'static str;

    /// Whether a file of a level folder is source the learner edits.
    fn is_source(&self, path: &Path) -> bool;

    /// Whether grading needs this file of the stub (a missing one stops a check).
    fn graded_file(&self, path: &Path) -> bool;
    /// Whether a file of a level folder is code (what `workshop dev mutants`
    /// mutates), not a manifest or settings file.
    fn is_code(&self, path: &Path) -> bool {
        self.is_source(path) && path.file_name().is_none_or(|n| n != self.level_marker())
    }

    /// Folders inside a level folder that tools write to; never the learner's work.
    fn tool_dirs(&self) -> &'static [&'static str];

    /// Folders under `.workshop/` that only hold caches, for its `.gitignore`.
    fn cache_dirs(&self) -> &'static [&'static str];

    /// Builds (or type-checks and bundles) the learner's code with the hidden
    /// checks, ready to run them.
    fn build(&self, ws: &Workspace, level: &Level, options: &Options, events: Events) -> Result<Build>;

    /// The reference solution's side of "you against the reference": the
    /// hidden checks built with the reference in place of the learner's code,
    /// once per version (see `reference_build`). `None` if it cannot be built.
    fn reference_side(&self, ws: &Workspace, level: &Level, events: Events) -> Option<PathBuf>;

    /// Writes what the warm-up will build; `run_warm` then builds it.
    fn prepare_warm(&self, ws: &Workspace, level: &Level) -> Result<()>;
    fn run_warm(&self, ws: &Workspace, level: &Level) -> Result<()>;

    /// Runs the learner's own tests once, within `timeout`; `own_tests::judge` reads the run.
    fn own_tests(&self, ws: &Workspace, level: &Level, timeout: Duration) -> Result<OwnTestRun>;

    /// Placeholders in a stub file that do not say what to do (line numbers).
    fn silent_placeholders(&self, text: &str) -> Vec<usize>;

    /// Reads a test process that died without a record (its stderr), if the
    /// toolchain recognises how.
    fn read_crash(&self, stderr: &str, limits: Limits) -> Option<(Status, String)>;

    /// An uncaught panic or throw, as a learner should read it (a stub's
    /// placeholder reads as unfinished work).
    fn describe_panic(&self, message: &str) -> String;
}

pub enum Build {
    Built(Box<dyn Harness>),
    /// The learner's code (or the checks against it) did not compile.
    Failed(BuildFailure),
}

/// The built hidden checks of one level.
pub trait Harness: Send + Sync {
    /// The ids of the checks the harness holds (test and perf kinds).
    fn list(&self) -> Result<Vec<String>>;

    /// Runs one harness check in a process of its own, with `limits`.
    fn run(&self, check: &Check, limits: Limits) -> Result<RawRun>;

    /// Starts perf checks ahead of their turn, where the toolchain can: each
    /// builds its test data while the correctness checks run, then waits, and
    /// `run` only opens its gate for the timed part.
    fn stage(&self, _perfs: &[(&Check, Limits)]) -> Result<()> {
        Ok(())
    }

    /// Stops a staged check that will not be measured, and the checks
    /// staged with it (they run by themselves).
    fn unstage(&self, _check: &Check) {}

    /// Passes over a staged check that need not be measured; the checks
    /// staged with it keep their shared data.
    fn skip(&self, check: &Check) {
        self.unstage(check);
    }

    /// From now on, every perf check also times the reference solution
    /// (`reference`, from `Toolchain::reference_side`) on its candidate
    /// workload, paired with the learner's calls.
    fn pair_with(&self, reference: PathBuf);

    /// Ends helpers kept for the correctness checks (idle workers, say): the
    /// verdicts are in, and only perf checks may still run.
    fn release(&self) {}

    /// A fingerprint of the code `check` runs, where the toolchain can tell:
    /// a check whose fingerprint did not change since the last check keeps
    /// its verdict, and one without a fingerprint always runs. Without
    /// `wait`, `None` also when the fingerprints are still being computed.
    fn fingerprint(&self, _check: &Check, _wait: bool) -> Option<String> {
        None
    }

    /// Judges the level's type cases (kind = "compile-fail").
    fn type_cases(&self) -> Result<TypeCases>;

    /// Waits for any part of the build that ran alongside the correctness
    /// checks (a type check, say); its failure outranks their results.
    fn finish_build(&self) -> Result<Option<BuildFailure>> {
        Ok(None)
    }

    /// Waits for that part of the build like `finish_build`, and says whether
    /// it failed, leaving the failure for `finish_build` to report.
    fn build_fails(&self) -> Result<bool> {
        Ok(false)
    }
}

pub struct BuildFailure {
    /// The tool that refused the code, named as the learner knows it.
    pub tool: &'static str,
    /// Rendered errors in the learner's own files.
    pub learner_errors: Vec<String>,
    /// Errors in the hidden checks: the learner changed the public API.
    pub check_errors: Vec<String>,
    /// The tool's own complaint when no compiler message explains the failure.
    pub tool_output: String,
}

impl BuildFailure {
    /// The errors to show: the learner's own first, else the checks', else
    /// what the tool said (never nothing: a report must say why).
    pub fn errors(&self) -> Vec<String> {
        if !self.learner_errors.is_empty() {
            self.learner_errors.clone()
        } else if !self.check_errors.is_empty() {
            self.check_errors.clone()
        } else if self.tool_output.trim().is_empty() {
            vec![format!("{} failed without saying why.", self.tool)]
        } else {
            vec![format!("{} said:\n{}", self.tool, self.tool_output.trim_end())]
        }
    }
}

/// The verdicts of the type cases: code that must not compile, and type-level assertions.
pub struct TypeCases {
    /// Check id -> `Err(message)` when the case proves the types let a mistake through.
    pub verdicts: Vec<(String, std::result::Result<(), String>)>,
    /// Errors in the control section: the API is not what the checks expect.
    pub control_errors: Vec<String>,
    /// What the learner must keep so the type cases can use their code.
    pub keep_api: &'static str,
}

/// A section of a type-cases file: `// check: <id> <what>` (or `// control`) up to the
/// next marker. Several sections may share one id: the check holds only if every one
/// of them is refused, so each section can hold exactly one mix-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// `None` for the control section.
    pub id: Option<String>,
    /// The mix-up the section tries, in words (the marker's text after the id).
    pub what: String,
    pub first_line: usize,
    pub last_line: usize,
}

/// Splits a type-cases file into sections by its marker comments (1-based lines).
pub fn sections(source: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let total = source.lines().count();
    for (i, line) in source.lines().enumerate() {
        let line_no = i + 1;
        let t = line.trim();
        let (id, what) = if let Some(rest) = t.strip_prefix("// check:") {
            let rest = rest.trim();
            let (id, what) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if id == "control" { (None, String::new()) } else { (Some(id.to_string()), what.trim().to_string()) }
        } else if t == "// control" {
            (None, String::new())
        } else {
            continue;
        };
        if let Some(prev) = out.last_mut() {
            prev.last_line = line_no - 1;
        }
        out.push(Section { id, what, first_line: line_no, last_line: total });
    }
    out
}

/// The index of the section holding `line`.
pub fn section_of(sections: &[Section], line: usize) -> Option<usize> {
    sections.iter().position(|s| (s.first_line..=s.last_line).contains(&line))
}

/// The reference solution's side of the perf checks for `level`, built from
/// `files` (paths relative to a folder) once per version of them and of
/// `key`: `.workshop/reference/<level>-<hash><ext>`. `build(sources, out)`
/// writes `out` from the files in a temporary folder, removed afterwards, so
/// the workspace keeps no readable copy of the solution. Builds of other
/// versions are removed. `None` if it cannot be built: the perf verdicts
/// stand without the comparison.
pub fn reference_build(
    ws: &Workspace,
    level: &str,
    ext: &str,
    files: &[(PathBuf, Vec<u8>)],
    key: &[String],
    build: impl FnOnce(&Path, &Path) -> Option<()>,
) -> Option<PathBuf> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    (files, key).hash(&mut h);
    let dir = ws.meta_dir().join("reference");
    let out = dir.join(format!("{level}-{:016x}{ext}", h.finish()));
    if out.is_file() {
        return Some(out);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let sources = tempfile::Builder::new().prefix(".sources-").tempdir_in(&dir).ok()?;
    for (path, contents) in files {
        let path = sources.path().join(path);
        std::fs::create_dir_all(path.parent()?).ok()?;
        std::fs::write(&path, contents).ok()?;
    }
    build(sources.path(), &out)?;
    let prefix = format!("{level}-");
    let stale = |p: &Path| p != out && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix));
    for old in std::fs::read_dir(&dir).ok()?.flatten().map(|e| e.path()).filter(|p| stale(p)) {
        let _ = std::fs::remove_file(old);
    }
    Some(out)
}

/// 1-based numbers of the code lines (not `//` or `*` comment lines) holding any of `needles`.
pub fn lines_containing(text: &str, needles: &[&str]) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//") && !l.trim_start().starts_with('*'))
        .filter(|(_, l)| needles.iter().any(|n| l.contains(n)))
        .map(|(i, _)| i + 1)
        .collect()
}

/// The toolchain of `lang`.
pub fn of(lang: Lang) -> &'static dyn Toolchain {
    match lang {
        Lang::Rust => &super::rust::RUST,
        Lang::TypeScript => &super::typescript::TYPESCRIPT,
    }
}

/// The perf checks grouped by shared setup (levels.toml `setup`), in course
/// order: a group's checks run in one process, which builds their data once.
pub fn perf_groups<'a>(perfs: &[(&'a Check, Limits)]) -> Vec<Vec<(&'a Check, Limits)>> {
    let mut groups: Vec<Vec<(&Check, Limits)>> = Vec::new();
    for &(check, limits) in perfs {
        let shared = check.setup.as_ref().and_then(|s| groups.iter_mut().find(|g| g[0].0.setup.as_ref() == Some(s)));
        match shared {
            Some(group) => group.push((check, limits)),
            None => groups.push(vec![(check, limits)]),
        }
    }
    groups
}

/// A perf check's budget for a harness's `run`, which stops measuring once
/// the verdict is clear (both harnesses share this protocol).
pub fn budget_args(check: &Check) -> Vec<String> {
    check.budget.iter().flat_map(|b| ["--budget".to_string(), b.to_string()]).collect()
}

/// A perf check as a harness's `run-group` names it: `<id>[=<budget>]`.
pub fn group_member(check: &Check) -> String {
    match check.budget {
        Some(b) => format!("{}={b}", check.id),
        None => check.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_on_markers() {
        let src = "use x;\n// control\nfn a() {}\n// check: one\nfn b() {}\n\n// check: two a `B` as an `A`\nfn c() {}\n// check: control\n";
        let s = sections(src);
        let section = |id: Option<&str>, what: &str, first_line, last_line| Section {
            id: id.map(str::to_string),
            what: what.to_string(),
            first_line,
            last_line,
        };
        assert_eq!(
            s,
            vec![
                section(None, "", 2, 3),
                section(Some("one"), "", 4, 6),
                section(Some("two"), "a `B` as an `A`", 7, 8),
                section(None, "", 9, 9),
            ]
        );
        assert_eq!(section_of(&s, 5), Some(1));
        assert_eq!(section_of(&s, 1), None);
    }

    #[test]
    fn silent_placeholders_are_found_outside_comments() {
        let rust = "//! fill in every `todo!()`\nfn a() {\n    todo!()\n}\nfn b() {\n    todo!(\"look it up\")\n}\n";
        assert_eq!(of(Lang::Rust).silent_placeholders(rust), vec![3]);
        let ts = "/**\n * throw new NotImplemented()\n */\nexport const a = () => {\n  throw new NotImplemented();\n};\nexport const b = () => {\n  throw new NotImplemented('say what');\n};\n";
        assert_eq!(of(Lang::TypeScript).silent_placeholders(ts), vec![5]);
    }
}
