//! Warms the build cache in the background after `workshop start`, so that a
//! learner's first check compiles only what they changed since, not the whole
//! level and its hidden checks from nothing.

use std::fs::File;
use std::process::{Command, Stdio};

use anyhow::Result;

use super::toolchain;
use crate::course::Level;
use crate::workspace::Workspace;

/// Set (to anything) to skip the warm-up, as the test suite does.
pub const DISABLE_ENV: &str = "WORKSHOP_NO_WARMUP";

/// Writes the harness and starts `workshop dev warm <level>` detached from
/// this terminal. Returns whether it started; a warm-up that fails or never
/// starts only costs speed.
pub fn spawn(ws: &Workspace, level: &Level) -> Result<bool> {
    if std::env::var_os(DISABLE_ENV).is_some() {
        return Ok(false);
    }
    toolchain::of(ws.lang).prepare_warm(ws, level)?;
    Ok(spawn_detached(ws, level))
}

fn spawn_detached(ws: &Workspace, level: &Level) -> bool {
    use std::os::unix::process::CommandExt;

    let Ok(exe) = std::env::current_exe() else { return false };
    let Ok(log) = File::create(ws.build_dir(&level.id).join("warmup.log")) else { return false };
    let Ok(log_err) = log.try_clone() else { return false };
    Command::new(exe)
        .args(["dev", "warm", &level.id])
        .current_dir(&ws.root)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        // Its own process group: a Ctrl-C meant for a later command leaves it alone.
        .process_group(0)
        .spawn()
        .is_ok()
}

/// The warm-up itself, run by `workshop dev warm`: the toolchain builds what
/// a check will need. Runs at low priority, so an editor stays responsive, and
/// takes no workspace lock: a check started meanwhile waits on the build
/// tool's own lock, for no longer than it would have spent building anyway.
pub fn run(ws: &Workspace, level: &Level) -> Result<()> {
    // SAFETY: setpriority only changes this process's scheduling priority.
    unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
    toolchain::of(ws.lang).run_warm(ws, level)?;
    eprintln!("{FINISHED}");
    Ok(())
}

/// The last line of `warmup.log`, for whoever waits on a warm-up.
pub const FINISHED: &str = "warm-up finished";
