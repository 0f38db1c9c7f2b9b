//! Node.js and npm on the learner's machine, and the workspace's pinned
//! packages: one package.json + package-lock.json at the workspace root,
//! installed once with `npm ci`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::embedded;
use crate::grade::run::{self, Exit};
use crate::lang::Lang;
use crate::workspace::Workspace;

/// The oldest Node.js the checks run on.
pub const MIN_NODE: u32 = 20;

pub const NO_NODE: &str = "`node` was not found on your PATH.\n\
    The TypeScript track runs your code and its hidden checks with Node.js. Install Node.js 20 or \
    newer (https://nodejs.org, or `nvm install 20`), open a new terminal, and run the command again.";

pub const NO_NPM: &str = "`npm` was not found on your PATH.\n\
    The TypeScript track installs Redux Toolkit, TypeScript and esbuild with npm, which comes with \
    Node.js. Reinstall Node.js 20 or newer (https://nodejs.org), open a new terminal, and try again.";

/// npm ci on a fresh workspace takes a few seconds; a slow network, longer.
const NPM_CI_TIMEOUT: Duration = Duration::from_secs(600);

/// npm writes this at the very end of a complete install (ours or the
/// learner's own `npm ci`), so a half-finished one never looks complete.
const HIDDEN_LOCKFILE: &str = ".package-lock.json";

pub fn node() -> String {
    std::env::var("WORKSHOP_NODE").unwrap_or_else(|_| "node".to_string())
}

fn npm() -> String {
    std::env::var("WORKSHOP_NPM").unwrap_or_else(|_| "npm".to_string())
}

/// Refuses a machine without Node.js >= 20 or without npm.
pub fn check_installed() -> Result<()> {
    let out = match Command::new(node()).arg("--version").output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(NO_NODE),
        Err(e) => return Err(e).context("cannot run node --version"),
    };
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    match major(&version) {
        Some(v) if v >= MIN_NODE => {}
        _ => bail!(
            "your Node.js is too old ({version}): the TypeScript track needs Node.js {MIN_NODE} or newer.\n\
             Update it (https://nodejs.org, or `nvm install {MIN_NODE}`), open a new terminal, and run the command again."
        ),
    }
    match Command::new(npm()).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(s) if s.success() => Ok(()),
        Ok(_) => bail!("`npm --version` failed. {NO_NPM}"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(NO_NPM),
        Err(e) => Err(e).context("cannot run npm --version"),
    }
}

/// Whether `program` can start: a path to a file, or a name found on PATH.
fn findable(program: &str) -> bool {
    located(program).is_some()
}

/// The file `program` starts: itself if it is a path, else the first on PATH.
pub fn located(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program)).filter(|p| p.is_file());
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// "v20.20.2" -> 20.
fn major(version: &str) -> Option<u32> {
    version.trim().trim_start_matches('v').split('.').next()?.parse().ok()
}

fn manifest() -> Result<(&'static str, &'static str)> {
    let package = embedded::runtime_file(Lang::TypeScript, "package.json").context("package.json is missing")?;
    let lock = embedded::runtime_file(Lang::TypeScript, "package-lock.json").context("package-lock.json is missing")?;
    Ok((package, lock))
}

/// A tool from the packages of the workspace at `root` (`tsc`, `esbuild`):
/// the native binary its package installed for this platform, else the
/// `.bin` launcher. The launchers are node scripts that start the same
/// binary, about 0.13 s later on every check.
pub fn bin(root: &Path, name: &str) -> PathBuf {
    let modules = root.join("node_modules");
    let native = native_package(name).map(|(package, exe)| modules.join(package).join(exe));
    native.filter(|p| p.is_file()).unwrap_or_else(|| modules.join(".bin").join(name))
}

/// The platform package that holds a tool's native binary, as the tool's own
/// launcher resolves it (node's names for the OS and CPU), and the binary's path in it.
fn native_package(name: &str) -> Option<(String, &'static str)> {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => return None,
        os => os,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        _ => return None,
    };
    match name {
        "esbuild" => Some((format!("@esbuild/{os}-{arch}"), "bin/esbuild")),
        "tsc" => Some((format!("@typescript/typescript-{os}-{arch}"), "lib/tsc")),
        _ => None,
    }
}

/// Whether the pinned packages of the workspace at `root` are installed,
/// completely, as this binary pins them.
fn installed(root: &Path) -> bool {
    let Ok((_, lock)) = manifest() else { return false };
    let lock_path = root.join("package-lock.json");
    let modules = root.join("node_modules");
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    fs::read_to_string(&lock_path).is_ok_and(|l| l == lock)
        && modified(&modules.join(HIDDEN_LOCKFILE)) >= modified(&lock_path)
        && modified(&lock_path).is_some()
        && ["typescript", "esbuild", "@reduxjs/toolkit"].iter().all(|p| modules.join(p).is_dir())
        && ["tsc", "esbuild"].iter().all(|b| bin(root, b).is_file())
}

/// What to run when the packages are missing, damaged or out of date.
pub fn not_installed(root: &Path) -> String {
    format!(
        "the workspace's packages (Redux Toolkit, TypeScript, esbuild) are missing, incomplete or out of date \
         in {}.\nRun `npm ci` in {} (it needs the npm registry once), then `workshop check` again. \
         Your files and progress are untouched.",
        root.join("node_modules").display(),
        root.display()
    )
}

/// Fails with the way forward unless the packages are installed. A
/// workspace made by an older workshop gets this one's pinned package.json
/// and lock first, so the `npm ci` it is told to run installs the right ones.
pub fn ensure_installed(ws: &Workspace) -> Result<()> {
    // tsc and esbuild are native binaries, so node is first needed after
    // the build: say it is missing before anything starts.
    if !findable(&node()) {
        bail!(NO_NODE);
    }
    if installed(&ws.root) {
        return Ok(());
    }
    write_manifest(ws)?;
    bail!(not_installed(&ws.root))
}

fn write_manifest(ws: &Workspace) -> Result<()> {
    let (package, lock) = manifest()?;
    write_if_changed(&ws.root.join("package.json"), package)?;
    write_if_changed(&ws.root.join("package-lock.json"), lock)
}

/// Why a tool failed without saying anything about the code, when the machine
/// or the packages are to blame: node missing or too old, or a package
/// damaged after it was installed (its tool no longer starts). Called only
/// after a failure, so a good check pays nothing for it.
pub fn explain_tool_failure(root: &Path) -> Result<()> {
    check_installed()?;
    let starts = |name: &str| {
        Command::new(bin(root, name))
            .arg("--version")
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !installed(root) || !starts("tsc") || !starts("esbuild") {
        bail!(not_installed(root));
    }
    Ok(())
}

/// Writes the pinned package.json and lock (a learner's other edits to
/// package.json are kept only if it already matches) and runs `npm ci`
/// unless the same lock is installed already.
pub fn install(ws: &Workspace, say: &dyn Fn(&str)) -> Result<()> {
    write_manifest(ws)?;
    let ignore = ws.root.join(".gitignore");
    if !ignore.exists() {
        fs::write(&ignore, "node_modules/\n").with_context(|| format!("cannot write {}", ignore.display()))?;
    }
    if installed(&ws.root) {
        return Ok(());
    }
    say("installing Redux Toolkit, TypeScript and esbuild (npm ci, once per workspace)");
    let mut cmd = Command::new(npm());
    cmd.args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&ws.root);
    let raw = match run::run_limited(cmd, NPM_CI_TIMEOUT, None) {
        Ok(raw) => raw,
        Err(_) if run::interrupted() => bail!(crate::grade::INTERRUPTED),
        Err(e) => return Err(e).context(NO_NPM),
    };
    if raw.exit != Exit::Exited(0) {
        if run::interrupted() {
            bail!(
                "Interrupted while installing packages. Your level files are written; run `npm ci` in {} \
                 before your first check.",
                ws.root.display()
            );
        }
        bail!(
            "`npm ci` failed, so the packages the checks need are not installed (offline?).\n{}\n\
             Your level files are written and your progress is saved. When the npm registry is reachable, \
             run `npm ci` in {}, then `workshop check`.",
            npm_cause(&raw.stderr.text).join("\n"),
            ws.root.display()
        );
    }
    ensure_installed(ws)
}

/// What npm said went wrong: its first few lines that are not a stack trace
/// or an error object's fields, and where its full log is.
fn npm_cause(stderr: &str) -> Vec<&str> {
    let said = |l: &&str| {
        let text = l.trim_start_matches("npm error").trim_start_matches("npm ERR!");
        let t = text.trim();
        let frame_or_field = t.starts_with("at ") || t.starts_with(['{', '}']) || text.starts_with("   ");
        !t.is_empty() && !frame_or_field
    };
    let mut lines: Vec<&str> = stderr.lines().filter(said).filter(|l| !l.contains("complete log")).take(4).collect();
    lines.extend(stderr.lines().filter(|l| l.contains("complete log")).take(1));
    lines
}

fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    crate::progress::write_atomic(path, contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_run_their_native_binary_when_it_is_installed() {
        let root = tempfile::tempdir().unwrap();
        let launcher = root.path().join("node_modules/.bin/esbuild");
        assert_eq!(bin(root.path(), "esbuild"), launcher);
        let Some((package, exe)) = native_package("esbuild") else { return };
        let native = root.path().join("node_modules").join(package).join(exe);
        fs::create_dir_all(native.parent().unwrap()).unwrap();
        fs::write(&native, "").unwrap();
        assert_eq!(bin(root.path(), "esbuild"), native);
        assert_eq!(bin(root.path(), "tsc"), root.path().join("node_modules/.bin/tsc"));
    }

    #[test]
    fn npm_failures_show_the_cause_not_the_stack() {
        let stderr = "npm error code ECONNREFUSED\nnpm error syscall connect\nnpm error errno ECONNREFUSED\n\
            npm error FetchError: request to http://127.0.0.1:9/undici-types failed, reason: connect ECONNREFUSED\n\
            npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/index.js:130:14)\n\
            npm error     at process.processTicksAndRejections (node:internal/process/task_queues:83:21) {\n\
            npm error   code: 'ECONNREFUSED',\nnpm error   port: 9,\nnpm error }\nnpm error\n\
            npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.\n\
            npm error A complete log of this run can be found in: /tmp/cache/_logs/debug-0.log\n";
        assert_eq!(
            npm_cause(stderr),
            vec![
                "npm error code ECONNREFUSED",
                "npm error syscall connect",
                "npm error errno ECONNREFUSED",
                "npm error FetchError: request to http://127.0.0.1:9/undici-types failed, reason: connect ECONNREFUSED",
                "npm error A complete log of this run can be found in: /tmp/cache/_logs/debug-0.log",
            ]
        );
    }

    #[test]
    fn reads_node_versions() {
        assert_eq!(major("v20.20.2"), Some(20));
        assert_eq!(major("v18.0.0\n"), Some(18));
        assert_eq!(major("garbage"), None);
    }
}
