//! Compile-fail checks: code that must NOT compile against the learner's
//! crate, such as a `UserId` passed where a `PostId` is expected.
//!
//! All of a level's cases sit in one file, `checks/rust/<level>/compile_fail.rs`,
//! split into sections by `// check: <id> <what it tries>` lines, plus a
//! `// control` section of correct uses that must compile. One
//! `rustc --emit=metadata` call type-checks the whole file (about a tenth of a
//! second) and each error is matched to the section it falls in. A check may
//! have several sections, each holding one mix-up: it passes only if every one
//! of them is refused with a type mismatch, and a failure lists the mix-ups
//! that compiled.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use serde::Deserialize;

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

/// Writes `source` to `<scratch>/compile_fail.rs`, type-checks it against the
/// learner's library `rlib` and judges each section.
pub fn run(source: &str, crate_name: &str, rlib: &Path, scratch: &Path) -> Result<TypeCases> {
    std::fs::create_dir_all(scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    let file = scratch.join(super::COMPILE_FAIL_FILE);
    std::fs::write(&file, source).with_context(|| format!("cannot write {}", file.display()))?;
    let deps_dir = rlib.parent().context("the library has no folder")?;
    let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string()))
        .args(["--edition", "2021", "--crate-type", "lib", "--crate-name", "workshop_compile_fail"])
        .args(["--emit", "metadata", "--error-format", "json", "-A", "warnings", "-o"])
        .arg(scratch.join("compile_fail.rmeta"))
        .arg("--extern")
        .arg(format!("{crate_name}={}", rlib.display()))
        .arg("-L")
        .arg(format!("dependency={}", deps_dir.display()))
        .arg(&file)
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

    // One verdict per check id, in file order; a check with several sections
    // holds only if each of them is refused.
    let mut verdicts: Vec<(String, Result<(), String>)> = Vec::new();
    let mut compiled: Vec<Vec<String>> = Vec::new();
    let mut other: Vec<Vec<String>> = Vec::new();
    let mut control_errors = Vec::new();
    for (section, errors) in sections.iter().zip(per_section) {
        let Some(id) = &section.id else {
            control_errors.extend(errors.into_iter().map(|(_, text)| text));
            continue;
        };
        let i = verdicts.iter().position(|(v, _)| v == id).unwrap_or_else(|| {
            verdicts.push((id.clone(), Ok(())));
            compiled.push(Vec::new());
            other.push(Vec::new());
            verdicts.len() - 1
        });
        let what = if section.what.is_empty() {
            format!("the case at line {}", section.first_line)
        } else {
            section.what.clone()
        };
        if errors.is_empty() {
            compiled[i].push(what);
        } else if !errors.iter().any(|(code, _)| code.as_deref() == Some(MISMATCHED_TYPES)) {
            let text = errors.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join("\n");
            other[i].push(format!("{what}:\n{text}"));
        }
    }
    for ((_, verdict), (compiled, other)) in verdicts.iter_mut().zip(compiled.into_iter().zip(other)) {
        if !compiled.is_empty() {
            let list = compiled.iter().map(|w| format!("\n  - {w}")).collect::<String>();
            *verdict = Err(format!(
                "{} compiled, so the compiler cannot catch {} for you:{list}\nMake each kind of id its own type, and \
                 take exactly that type wherever the stub does.",
                if compiled.len() == 1 { "this mix-up" } else { "these mix-ups" },
                if compiled.len() == 1 { "it" } else { "them" },
            ));
        } else if !other.is_empty() {
            *verdict = Err(format!(
                "this case failed to compile for a reason other than a type mismatch: {}",
                other.join("\n")
            ));
        }
    }
    Ok(TypeCases { verdicts, control_errors, keep_api: "ids must still be built with `From<&str>`" })
}
