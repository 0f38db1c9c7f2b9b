//! Builds the harness (and with it the learner's crate) with cargo, and turns
//! cargo's JSON messages into either the built artifacts or the diagnostics a
//! learner needs to read.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::harness::{HARNESS_LIB, HarnessCrate, PROFILE};
use crate::grade::toolchain::BuildFailure;
use crate::grade::{INTERRUPTED, run};

pub const NO_CARGO: &str = "`cargo` was not found on your PATH.\n\
    workshop compiles your code with Rust's own tools. Install Rust with rustup \
    (https://rustup.rs), open a new terminal, and run the command again.";

pub struct Built {
    pub harness_exe: PathBuf,
    /// The learner's compiled library, for the compile-fail checks.
    pub learner_rlib: PathBuf,
}

pub enum BuildOutcome {
    Built(Built),
    /// The learner's code (or the checks against it) did not compile.
    Failed(BuildFailure),
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    message: Option<Diagnostic>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    rendered: Option<String>,
}

/// `cargo build` of the harness, as every check runs it.
pub fn build_command(harness: &HarnessCrate, target_dir: &Path) -> Command {
    let mut cmd = Command::new(cargo());
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(&harness.manifest)
        .arg("--target-dir")
        .arg(target_dir)
        .args(["--profile", PROFILE, "--color", "never"])
        .current_dir(&harness.dir)
        .stdin(Stdio::null());
    cmd
}

/// Runs `cargo build` on the harness; `phase` hears which crate compiles, and
/// `library` hears the learner's compiled library as soon as it exists.
pub fn build(
    harness: &HarnessCrate,
    target_dir: &Path,
    color: bool,
    phase: &dyn Fn(&str),
    library: &dyn Fn(&Path),
) -> Result<BuildOutcome> {
    let format = if color { "json-diagnostic-rendered-ansi" } else { "json" };
    let mut child = build_command(harness, target_dir)
        .args(["--message-format", format])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => anyhow::anyhow!(NO_CARGO),
            _ => anyhow::Error::new(e).context("cannot start cargo"),
        })?;

    run::track_build(Some(child.id()));
    // Kept for the rare failure no compiler message explains (a broken Cargo.toml, say).
    let stderr = child.stderr.take().context("cargo's stderr")?;
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).take(1 << 20).read_to_string(&mut text);
        text
    });

    let mut exe = None;
    let mut rlib = None;
    let mut learner_errors = Vec::new();
    let mut harness_errors = Vec::new();
    let stdout = child.stdout.take().context("cargo's stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("cannot read cargo's output")?;
        let Ok(msg) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        // Three crates build: the learner's library, then the checks' library and binary.
        let is_harness =
            msg.target.as_ref().is_some_and(|t| t.name == HARNESS_LIB || t.kind.iter().any(|k| k == "bin"));
        match msg.reason.as_str() {
            "compiler-artifact" => {
                if is_harness {
                    exe = msg.executable.or(exe);
                } else if msg.target.is_some() {
                    rlib = msg.filenames.into_iter().find(|f| f.extension().is_some_and(|e| e == "rlib"));
                    if let Some(rlib) = &rlib {
                        library(rlib);
                    }
                    phase("compiling the hidden checks");
                }
            }
            "compiler-message" => {
                let Some(diag) = msg.message else { continue };
                if diag.level != "error" {
                    continue;
                }
                let Some(text) = diag.rendered else { continue };
                // "aborting due to N previous errors" adds nothing a learner needs.
                if text.starts_with("error: aborting due to") {
                    continue;
                }
                if is_harness { harness_errors.push(text) } else { learner_errors.push(text) }
            }
            _ => {}
        }
    }
    let status = child.wait().context("cannot wait for cargo")?;
    run::track_build(None);
    let cargo_stderr = stderr_reader.join().unwrap_or_default();

    if !status.success() || exe.is_none() {
        if run::interrupted() {
            bail!(INTERRUPTED);
        }
        return Ok(BuildOutcome::Failed(BuildFailure {
            tool: "cargo",
            learner_errors,
            check_errors: harness_errors,
            tool_output: cargo_stderr,
        }));
    }
    let harness_exe = exe.context("cargo built no harness executable")?;
    let learner_rlib = rlib.context("cargo reported no library for your crate")?;
    Ok(BuildOutcome::Built(Built { harness_exe, learner_rlib }))
}

/// The oldest Rust the generated harness and the level crates compile with
/// (the checks use `Option::is_none_or`, stable since 1.82).
pub const MIN_RUST: (u32, u32) = (1, 82);

/// Refuses a Rust toolchain older than `MIN_RUST`, with the way forward.
pub fn check_toolchain() -> Result<()> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let out = match Command::new(&rustc).arg("--version").output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(NO_CARGO),
        Err(e) => return Err(e).context("cannot run rustc --version"),
    };
    let version = String::from_utf8_lossy(&out.stdout);
    match parse_version(&version) {
        Some(v) if v < MIN_RUST => bail!(
            "your Rust is too old ({}): the workshop needs Rust {}.{} or newer.\n\
             Update it with `rustup update stable` (or install Rust with rustup: https://rustup.rs).",
            version.trim(),
            MIN_RUST.0,
            MIN_RUST.1
        ),
        _ => Ok(()),
    }
}

/// (major, minor) of `rustc --version` output, e.g. "rustc 1.95.0 (...)".
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let v = text.split_whitespace().nth(1)?;
    let mut parts = v.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The cargo to run: `$CARGO` when set (as under `cargo run`), else `cargo`.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rustc_versions() {
        assert_eq!(parse_version("rustc 1.95.0 (59807616e 2026-04-14)"), Some((1, 95)));
        assert_eq!(parse_version("rustc 1.60.0-nightly (abc 2022-01-01)"), Some((1, 60)));
        assert_eq!(parse_version("garbage"), None);
        assert!((1, 60) < MIN_RUST && (1, 95) > MIN_RUST);
    }
}
