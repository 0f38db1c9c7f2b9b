//! Compile-fail checks: code that must NOT compile against the learner's
//! crate, such as a `UserId` passed where a `PostId` is expected.
//!
//! All of a level's cases sit in one file, `checks/<level>/compile_fail.rs`,
//! split into sections by `// check: <id>` lines, plus a `// control` section
//! of correct uses that must compile. One `rustc --emit=metadata` call
//! type-checks the whole file (about a tenth of a second) and each error is
//! matched to the section it falls in.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use serde::Deserialize;

/// rustc's code for "mismatched types".
const MISMATCHED_TYPES: &str = "E0308";

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// `None` for the control section.
    pub id: Option<String>,
    pub first_line: usize,
    pub last_line: usize,
}

/// Splits the file into sections by its marker comments (1-based lines).
pub fn sections(source: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let total = source.lines().count();
    for (i, line) in source.lines().enumerate() {
        let line_no = i + 1;
        let t = line.trim();
        let id = if let Some(id) = t.strip_prefix("// check:") {
            Some(id.trim().to_string())
        } else if t == "// control" {
            None
        } else {
            continue;
        };
        if let Some(prev) = out.last_mut() {
            prev.last_line = line_no - 1;
        }
        out.push(Section { id, first_line: line_no, last_line: total });
    }
    out
}

#[derive(Deserialize)]
struct RustcDiagnostic {
    level: String,
    code: Option<Code>,
    spans: Vec<Span>,
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

#[derive(Deserialize)]
struct Span {
    line_start: usize,
    is_primary: bool,
}

/// The verdict of one `// check:` section.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// It failed to compile with mismatched types, as it should.
    Rejected,
    /// It compiled: the types let the mistake through.
    Compiled,
    /// It failed for another reason (a renamed function, say), so it proves nothing.
    OtherError(String),
}

pub struct Outcome {
    pub verdicts: Vec<(String, Verdict)>,
    /// Errors in the control section: the crate's API is not what the checks expect.
    pub control_errors: Vec<String>,
}

/// Type-checks `file` against the learner's library and judges each section.
pub fn run(
    file: &Path,
    source: &str,
    crate_name: &str,
    rlib: &Path,
    deps_dir: &Path,
    scratch: &Path,
) -> Result<Outcome> {
    let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string()))
        .args(["--edition", "2021", "--crate-type", "lib", "--crate-name", "workshop_compile_fail"])
        .args(["--emit", "metadata", "--error-format", "json", "-A", "warnings", "-o"])
        .arg(scratch.join("compile_fail.rmeta"))
        .arg("--extern")
        .arg(format!("{crate_name}={}", rlib.display()))
        .arg("-L")
        .arg(format!("dependency={}", deps_dir.display()))
        .arg(file)
        .current_dir(scratch)
        .stdin(Stdio::null())
        .output()
        .context("cannot run rustc for the type-safety checks")?;
    let stderr = String::from_utf8_lossy(&output.stderr);

    let sections = sections(source);
    let mut per_section: Vec<Vec<(Option<String>, String)>> = vec![Vec::new(); sections.len()];
    for line in stderr.lines() {
        let Ok(diag) = serde_json::from_str::<RustcDiagnostic>(line) else {
            continue;
        };
        if diag.level != "error" {
            continue;
        }
        let Some(span) = diag.spans.iter().find(|s| s.is_primary) else {
            continue;
        };
        if let Some(i) = sections.iter().position(|s| (s.first_line..=s.last_line).contains(&span.line_start)) {
            per_section[i].push((diag.code.map(|c| c.code), diag.rendered.unwrap_or_default()));
        }
    }

    let mut verdicts = Vec::new();
    let mut control_errors = Vec::new();
    for (section, errors) in sections.iter().zip(per_section) {
        match &section.id {
            None => control_errors.extend(errors.into_iter().map(|(_, text)| text)),
            Some(id) => {
                let verdict = if errors.is_empty() {
                    Verdict::Compiled
                } else if errors.iter().any(|(code, _)| code.as_deref() == Some(MISMATCHED_TYPES)) {
                    Verdict::Rejected
                } else {
                    Verdict::OtherError(errors.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join("\n"))
                };
                verdicts.push((id.clone(), verdict));
            }
        }
    }
    Ok(Outcome { verdicts, control_errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_on_markers() {
        let src = "use x;\n// control\nfn a() {}\n// check: one\nfn b() {}\n\n// check: two\nfn c() {}\n";
        let s = sections(src);
        assert_eq!(
            s,
            vec![
                Section { id: None, first_line: 2, last_line: 3 },
                Section { id: Some("one".into()), first_line: 4, last_line: 6 },
                Section { id: Some("two".into()), first_line: 7, last_line: 8 },
            ]
        );
    }
}
