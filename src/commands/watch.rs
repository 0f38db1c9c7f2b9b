//! `workshop watch [level] [--manual]`: re-check on every save.
//!
//! Keys: `h` hint, `c` check now, `q` quit. With `--manual` (for file systems
//! that send no change events: some network mounts, WSL on Windows drives,
//! containers) Enter checks instead of saves. Keys pressed while a check runs
//! are dropped, so a stray key never triggers a second run.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use console::{Key, Term};
use notify_debouncer_mini::notify::RecursiveMode;

use super::{Format, available, check, find_workspace, hint, pick_level};
use crate::course::Course;
use crate::grade::toolchain::{self, Toolchain};
use crate::report::style::dim;

/// How long a burst of file events must be quiet before a check starts.
const DEBOUNCE: Duration = Duration::from_millis(300);

const NO_EVENTS_SEEN: &str = "Your last edit was not noticed by the watcher: this file system may not report \
    changes. Run `workshop watch --manual` instead: it checks whenever you press Enter.";

enum Event {
    Changed,
    Check,
    Hint,
    Quit,
}

pub fn run(course: &Course, id: Option<&str>, manual: bool) -> Result<ExitCode> {
    let ws = find_workspace()?;
    let progress = ws.load_progress()?;
    let level = available(course, pick_level(course, &ws, &progress, id)?)?;
    let level_dir = ws.level_dir(&level.id);
    let toolchain = toolchain::of(ws.lang);

    let (tx, rx) = mpsc::channel();
    // Kept alive for as long as we watch.
    let _debouncer = if manual { None } else { Some(watch_files(&level_dir, tx.clone(), toolchain)?) };
    let line_mode = manual || !std::io::stdin().is_terminal();
    spawn_input(tx, line_mode);

    let footer = if manual {
        format!("Watching {} by hand: [Enter] check  [h + Enter] hint  [q + Enter] quit", level.id)
    } else if line_mode {
        format!("Watching {} for saves: [c + Enter] check now  [h + Enter] hint  [q + Enter] quit", level.id)
    } else {
        format!("Watching {} for saves: [c] check now  [h] hint  [q] quit", level.id)
    };

    let mut seen = newest_change(&level_dir, toolchain);
    let mut next = Some(Event::Check);
    loop {
        let event = match next.take() {
            Some(e) => e,
            None => rx.recv().context("the watcher stopped")?,
        };
        match event {
            Event::Quit => return Ok(ExitCode::SUCCESS),
            Event::Hint => {
                if let Err(e) = hint::run(course, Some(&level.id)) {
                    eprintln!("{e:#}");
                }
            }
            // Reading a file can raise events too (a compiler opening it, say):
            // only a real change of the sources starts a check.
            Event::Changed if newest_change(&level_dir, toolchain) == seen => continue,
            Event::Changed | Event::Check => {
                let latest = newest_change(&level_dir, toolchain);
                let unnoticed = matches!(event, Event::Check) && !manual && latest != seen;
                if std::io::stdout().is_terminal() {
                    let _ = Term::stdout().clear_screen();
                }
                if let Err(e) = check::run(course, Some(&level.id), false, Format::Text, false) {
                    eprintln!("{} {e:#}", crate::report::style::error_label());
                }
                if crate::grade::run::interrupted() {
                    return Ok(ExitCode::from(130));
                }
                if unnoticed {
                    println!("\n{NO_EVENTS_SEEN}");
                }
                seen = latest;
                // Input is paused while a check runs: drop what piled up, but
                // keep a save made meanwhile so it gets its own check.
                next = drain(&rx);
            }
        }
        println!("\n{}", dim(&footer));
    }
}

/// Empties the queue; returns Changed if a save arrived, Quit if asked to.
fn drain(rx: &Receiver<Event>) -> Option<Event> {
    let mut next = None;
    while let Ok(e) = rx.try_recv() {
        match e {
            Event::Quit => return Some(Event::Quit),
            Event::Changed => next = Some(Event::Changed),
            Event::Check | Event::Hint => {}
        }
    }
    next
}

fn watch_files(
    level_dir: &Path,
    tx: Sender<Event>,
    toolchain: &'static dyn Toolchain,
) -> Result<notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>> {
    let tool_dirs: Vec<PathBuf> = toolchain.tool_dirs().iter().map(|d| level_dir.join(d)).collect();
    let mut debouncer =
        notify_debouncer_mini::new_debouncer(DEBOUNCE, move |res: notify_debouncer_mini::DebounceEventResult| {
            // Only source edits count: a tool writing to its own folder is not a save.
            if let Ok(events) = res
                && events
                    .iter()
                    .any(|e| !tool_dirs.iter().any(|d| e.path.starts_with(d)) && toolchain.is_source(&e.path))
            {
                let _ = tx.send(Event::Changed);
            }
        })
        .context("cannot start the file watcher; try `workshop watch --manual`")?;
    debouncer
        .watcher()
        .watch(level_dir, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}; try `workshop watch --manual`", level_dir.display()))?;
    Ok(debouncer)
}

/// Keys on a terminal, else lines (also for `--manual`).
fn spawn_input(tx: Sender<Event>, line_mode: bool) {
    thread::spawn(move || {
        if line_mode {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                let event = match line.trim() {
                    "q" | "quit" => Event::Quit,
                    "h" | "hint" => Event::Hint,
                    _ => Event::Check,
                };
                if tx.send(event).is_err() {
                    return;
                }
            }
            let _ = tx.send(Event::Quit);
        } else {
            let term = Term::stdout();
            loop {
                let event = match term.read_key() {
                    Ok(Key::Char('q')) | Ok(Key::Char('\u{3}')) | Ok(Key::Escape) => Event::Quit,
                    Ok(Key::Char('h')) => Event::Hint,
                    Ok(Key::Char('c')) | Ok(Key::Enter) => Event::Check,
                    Ok(_) => continue,
                    Err(_) => Event::Quit,
                };
                let quit = matches!(event, Event::Quit);
                if tx.send(event).is_err() || quit {
                    return;
                }
            }
        }
    });
}

/// A fingerprint of the level's sources: newest mtime, total size, count.
/// Any save, deletion or new file changes it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Sources(SystemTime, u64, usize);

fn newest_change(level_dir: &Path, toolchain: &dyn Toolchain) -> Sources {
    fn walk(dir: &Path, newest: &mut Sources, toolchain: &dyn Toolchain) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path: PathBuf = entry.path();
            if toolchain.tool_dirs().iter().any(|d| entry.file_name() == *d) {
                continue;
            }
            if path.is_dir() {
                walk(&path, newest, toolchain);
            } else if toolchain.is_source(&path)
                && let Ok(meta) = entry.metadata()
            {
                newest.0 = newest.0.max(meta.modified().unwrap_or(SystemTime::UNIX_EPOCH));
                newest.1 += meta.len();
                newest.2 += 1;
            }
        }
    }
    let mut newest = Sources(SystemTime::UNIX_EPOCH, 0, 0);
    walk(level_dir, &mut newest, toolchain);
    newest
}
