//! Compile-fail checks: code that must NOT compile against the learner's
//! crate, such as a `UserId` passed where a `PostId` is expected.
//!
//! All of a level's cases sit in one file, `checks/rust/<level>/compile_fail.rs`,
//! split into sections by `// check: <id>` lines, plus a `// control` section
//! of correct uses that must compile. One `rustc --emit=metadata` call
//! type-checks the whole file (about a tenth of a second) and each error is
//! matched to the section it falls in.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use serde::Deserialize;

use super::cargo::Built;
use crate::grade::toolchain::{TypeCases, section_of, sections};

/// rustc's code for "mismatched types".
const MISMATCHED_TYPES: &str = "E0308";

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

/// Type-checks `file` against the learner's library and judges each section.
pub fn run(file: &Path, source: &str, crate_name: &str, built: &Built, scratch: &Path) -> Result<TypeCases> {
    let (rlib, deps_dir) = (&built.learner_rlib, &built.deps_dir);
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
        if let Some(i) = section_of(&sections, span.line_start) {
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
                    Err("this mix-up compiled, so the compiler cannot catch it for you. \
                         Make each kind of id its own type."
                        .to_string())
                } else if errors.iter().any(|(code, _)| code.as_deref() == Some(MISMATCHED_TYPES)) {
                    Ok(())
                } else {
                    let text = errors.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join("\n");
                    Err(format!("this case failed to compile for a reason other than a type mismatch:\n{text}"))
                };
                verdicts.push((id.clone(), verdict));
            }
        }
    }
    Ok(TypeCases { verdicts, control_errors, keep_api: "ids must still be built with `From<&str>`" })
}
