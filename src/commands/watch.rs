//! `workshop watch [level] [--manual]`: re-check on every save.
//!
//! Keys: `h` hint, `c` check now, `r` the full report, `q` quit. With
//! `--manual` (for file systems that send no change events: some network
//! mounts, WSL on Windows drives, containers) Enter checks instead of saves.
//! Keys pressed while a check runs are dropped, so a stray key never triggers
//! a second run.
//!
//! On a terminal the screen is drawn in place (`report::screen`): one line per
//! checklist item, filled in as verdicts arrive, then the first failing item
//! and its hint. Elsewhere (a pipe, a log) each check prints the full report.
//! Once the verdicts are drawn, the perf checks are timed beside the reference
//! solution in the background; a save drops that and checks at once.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use console::{Key, Term};
use notify_debouncer_mini::notify::RecursiveMode;

use super::{Format, available, check, find_workspace, hint, pick_level};
use crate::course::{Check, Course, Level};
use crate::grade::toolchain::{self, Toolchain};
use crate::grade::{self, Event as GradeEvent, Grade, Graded};
use crate::progress::Progress;
use crate::report::screen::{self, Board, InPlace};
use crate::report::style::{self, dim};
use crate::report::terminal;
use crate::workspace::Workspace;

/// How long a burst of file events must be quiet before a check starts.
/// Editors write a save within a few milliseconds (a temp file and a rename,
/// say); waiting longer only delays the first verdict (the debouncer adds up
/// to a quarter of this on top).
const DEBOUNCE: Duration = Duration::from_millis(30);

/// While verdicts stream in, the screen is redrawn at most this often.
const REDRAW_EVERY: Duration = Duration::from_millis(25);

const NO_EVENTS_SEEN: &str = "Your last edit was not noticed by the watcher: this file system may not report \
    changes. Run `workshop watch --manual` instead: it checks whenever you press Enter.";

enum Event {
    Changed,
    Check,
    Hint,
    Report,
    Quit,
    /// The reference figures of check number `.0`, or why there are none.
    Figures(u64, std::result::Result<Vec<grade::Versus>, String>),
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
    spawn_input(tx.clone(), line_mode);

    let footer = if manual {
        format!("Watching {} by hand: [Enter] check  [h + Enter] hint  [q + Enter] quit", level.id)
    } else if line_mode {
        format!("Watching {} for saves: [c + Enter] check now  [h + Enter] hint  [q + Enter] quit", level.id)
    } else {
        format!("Watching {} for saves: [c] check now  [h] hint  [r] full report  [q] quit", level.id)
    };
    let mut live = std::io::stdout().is_terminal().then(|| Live::new(level, &footer));

    let mut seen = newest_change(&level_dir, toolchain);
    let mut next = Some(Event::Check);
    let mut checks = 0u64;
    thread::scope(|s| {
        // The reference figures of the last check, timed in the background.
        let mut pairing: Option<thread::ScopedJoinHandle<()>> = None;
        loop {
            let event = match next.take() {
                Some(e) => e,
                None => match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(e) => e,
                    // SIGTERM or a Ctrl-C that no key read: the handler only marks it.
                    Err(RecvTimeoutError::Timeout) if grade::run::interrupted() => {
                        drop_pairing(&mut pairing);
                        return Ok(ExitCode::from(130));
                    }
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the watcher stopped"),
                },
            };
            if matches!(event, Event::Quit | Event::Check)
                || matches!(event, Event::Changed if newest_change(&level_dir, toolchain) != seen)
            {
                drop_pairing(&mut pairing);
            }
            match event {
                Event::Quit => return Ok(ExitCode::SUCCESS),
                Event::Figures(n, figures) => {
                    if let (Some(live), true) = (live.as_mut(), n == checks) {
                        live.show_figures(figures);
                    }
                    continue;
                }
                Event::Report => match live.as_mut() {
                    Some(live) => live.toggle_report(),
                    None => continue,
                },
                Event::Hint => {
                    if let Some(live) = live.as_mut() {
                        live.redraw();
                    }
                    if let Err(e) = hint::run(course, Some(&level.id)) {
                        eprintln!("{e:#}");
                    }
                    if let Some(live) = live.as_mut() {
                        // The hint stays below the screen until the next redraw.
                        live.screen.invalidate();
                        live.hint_below = true;
                        continue;
                    }
                }
                // Reading a file can raise events too (a compiler opening it, say):
                // only a real change of the sources starts a check.
                Event::Changed if newest_change(&level_dir, toolchain) == seen => continue,
                Event::Changed | Event::Check => {
                    let latest = newest_change(&level_dir, toolchain);
                    let unnoticed = matches!(event, Event::Check) && !manual && latest != seen;
                    checks += 1;
                    match live.as_mut() {
                        Some(live) => {
                            if let Some(after) = live.check(&ws, unnoticed.then_some(NO_EVENTS_SEEN)) {
                                let (ws, tx, n) = (&ws, tx.clone(), checks);
                                pairing = Some(s.spawn(move || {
                                    let figures = time_reference(ws, level, after);
                                    let _ = tx.send(Event::Figures(n, figures));
                                }));
                            }
                        }
                        None => {
                            let reference = check::reference_wanted(false);
                            if let Err(e) = check::run(course, Some(&level.id), false, Format::Text, false, reference) {
                                eprintln!("{} {e:#}", crate::report::style::error_label());
                            }
                        }
                    }
                    if crate::grade::run::interrupted() {
                        return Ok(ExitCode::from(130));
                    }
                    if live.is_none() && unnoticed {
                        println!("\n{NO_EVENTS_SEEN}");
                    }
                    seen = latest;
                    // Input is paused while a check runs: drop what piled up, but
                    // keep a save made meanwhile so it gets its own check.
                    next = drain(&rx);
                    if live.is_some() {
                        continue;
                    }
                }
            }
            println!("\n{}", dim(&footer));
        }
    })
}

/// What a check leaves to time beside the reference solution: the perf
/// checks, and the key its verdicts were stored under.
type After<'c> = (grade::Pairing<'c>, Option<(crate::cache::Key, grade::Options)>);

/// Times the last check's perf checks beside the reference solution, under
/// the workspace lock; the figures also go into its stored verdicts.
fn time_reference(
    ws: &Workspace,
    level: &Level,
    (pairing, stored): After,
) -> std::result::Result<Vec<grade::Versus>, String> {
    let _lock = ws.lock().map_err(|e| format!("{e:#}"))?;
    let figures = pairing.run(ws, level, &|_| {}).map_err(|e| format!("{e:#}"))?;
    // The grade itself is on the main thread: the stored copy gets them here.
    if let Some((key, options)) = &stored
        && let Some(mut reused) = crate::cache::load(ws, level, options, key)
    {
        check::attach_figures(ws, &mut reused.grade, level, stored.as_ref(), &figures);
    }
    Ok(figures)
}

/// Stops the reference timing of the last check, if it still runs: a save
/// or a key wants the machine now.
fn drop_pairing(pairing: &mut Option<thread::ScopedJoinHandle<()>>) {
    if let Some(handle) = pairing.take() {
        if !handle.is_finished() {
            grade::run::stop_all();
        }
        let _ = handle.join();
        grade::run::resume();
    }
}

/// The compact screen while a check runs.
struct Frame<'c, 's> {
    board: Board<'c>,
    /// What the grader is doing.
    phase: String,
    screen: &'s mut InPlace,
    drawn: Instant,
    /// A verdict arrived since the last frame was drawn.
    dirty: bool,
}

impl Frame<'_, '_> {
    fn draw(&mut self, footer: &str) {
        let (done, total) = (self.board.results.len(), self.board.expected.len());
        let phase = if done == total { "finishing" } else { self.phase.as_str() };
        let status = format!("{phase} · {done} of {total} done, {} pass", self.board.passed());
        self.screen.draw(&screen::compact(&self.board, None, &status, footer, Live::size()));
        self.drawn = Instant::now();
        self.dirty = false;
    }
}

/// The in-place screen of `watch` on a terminal.
struct Live<'c> {
    level: &'c Level,
    footer: String,
    screen: InPlace,
    /// The last check's outcome, for the full report.
    last: Option<(Graded<'c>, Progress)>,
    /// The compact screen of the last check, as drawn.
    frame: String,
    /// The last check's status line and board, when it compiled.
    status: Option<(String, Board<'c>)>,
    showing_report: bool,
    /// A hint is printed below the screen: late figures must not draw over it.
    hint_below: bool,
}

impl<'c> Live<'c> {
    fn new(level: &'c Level, footer: &str) -> Live<'c> {
        let _ = Term::stdout().clear_screen();
        Live {
            level,
            footer: footer.to_string(),
            screen: InPlace::default(),
            last: None,
            frame: String::new(),
            status: None,
            showing_report: false,
            hint_below: false,
        }
    }

    /// (columns, rows) of the terminal; `COLUMNS` / `LINES` where it does not say.
    fn size() -> (usize, usize) {
        let env = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
        match Term::stdout().size_checked() {
            Some((rows, cols)) => (cols as usize, rows as usize),
            None => (env("COLUMNS", 80), env("LINES", 24)),
        }
    }

    /// Grades the level, drawing each verdict as it arrives, then the outcome;
    /// returns what is left to time beside the reference solution.
    fn check(&mut self, ws: &Workspace, note: Option<&str>) -> Option<After<'c>> {
        let options =
            grade::Options { color: style::diagnostics_color(), stress: false, settle: grade::Settle::Nothing };
        let expected: Vec<&Check> = self.level.checks.iter().filter(|c| grade::runs(c, &options)).collect();
        self.showing_report = false;
        self.hint_below = false;
        let started = Instant::now();
        let shared = Mutex::new(Frame {
            board: Board::new(self.level, expected),
            phase: String::from("checking"),
            screen: &mut self.screen,
            drawn: Instant::now(),
            dirty: false,
        });
        let footer = self.footer.as_str();
        let prefix = format!("{}/", ws.root.display());
        let finished = AtomicBool::new(false);
        let outcome = thread::scope(|s| {
            // Verdicts come in bursts: each is drawn at once unless a frame was
            // drawn a moment ago; then this draws the latest one shortly after.
            s.spawn(|| {
                while !finished.load(Ordering::Relaxed) {
                    thread::sleep(REDRAW_EVERY);
                    let mut frame = shared.lock().unwrap_or_else(|e| e.into_inner());
                    if frame.dirty {
                        frame.draw(footer);
                    }
                }
            });
            let outcome = (|| -> Result<_> {
                let _lock = ws.lock()?;
                let mut progress = ws.load_progress()?;
                let checked = check::grade_level(ws, self.level, &mut progress, &options, &|event| {
                    let mut frame = shared.lock().unwrap_or_else(|e| e.into_inner());
                    match event {
                        GradeEvent::Finished(r) => {
                            let mut r = r.clone();
                            // As the final report shows it: paths from the workspace.
                            r.message = r.message.replace(&prefix, "");
                            frame.board.results.push(r);
                            if frame.board.results.len() > 1 && frame.drawn.elapsed() < REDRAW_EVERY {
                                frame.dirty = true;
                                return;
                            }
                        }
                        event => frame.phase = terminal::phase(&event),
                    }
                    frame.draw(footer);
                })?;
                Ok((checked, progress))
            })();
            finished.store(true, Ordering::Relaxed);
            outcome
        });
        let mut board = shared.into_inner().unwrap_or_else(|e| e.into_inner()).board;
        let (status, build) = match &outcome {
            Err(e) => (format!("{} {e:#}", style::error_label()), None),
            Ok((check::Checked { graded, reused, .. }, _)) => {
                let took = match reused {
                    Some(at) => terminal::reused_note(at),
                    None => match terminal::kept(&graded.grade) {
                        0 => format!("checked in {:.1} s", started.elapsed().as_secs_f64()),
                        kept => format!(
                            "checked in {:.1} s, {kept} verdicts kept (their code did not change)",
                            started.elapsed().as_secs_f64()
                        ),
                    },
                };
                match &graded.grade {
                    Grade::BuildFailed(f) => (format!("{} does not compile yet · {took}", style::fail()), Some(f)),
                    Grade::Graded(results) => {
                        board.results = results.clone();
                        let passed = results.iter().filter(|r| r.passed()).count();
                        let mut line = format!("{passed}/{} checks pass · {took}", results.len());
                        if !graded.newly_mastered.is_empty() {
                            let names: Vec<&str> = graded
                                .newly_mastered
                                .iter()
                                .filter_map(|id| self.level.item(id))
                                .map(|i| i.title.as_str())
                                .collect();
                            line.push_str(&format!("\n{} Mastered now: {}.", style::pass(), names.join(", ")));
                        }
                        (line, None)
                    }
                }
            }
        };
        let status = match note {
            Some(note) => format!("{status}\n{note}"),
            None => status,
        };
        self.frame = screen::compact(&board, build, &status, &self.footer, Self::size());
        let compiled = build.is_none();
        let (outcome, after) = match outcome {
            Ok((checked, progress)) => {
                let after = checked.pairing.filter(|_| check::reference_wanted(false)).map(|p| (p, checked.stored));
                (Some((checked.graded, progress)), after)
            }
            Err(_) => (None, None),
        };
        let timing = after.as_ref().map(|_| dim("timing the reference solution beside your perf checks…").to_string());
        self.status = compiled.then_some((status, board));
        self.last = outcome;
        if let Some(line) = timing {
            self.redraw_status(&line);
        } else {
            self.screen.draw(&self.frame);
        }
        after
    }

    /// The compact screen of the last check with `line` under its status.
    fn redraw_status(&mut self, line: &str) {
        if let Some((status, board)) = &self.status {
            self.frame = screen::compact(board, None, &format!("{status}\n{line}"), &self.footer, Self::size());
        }
        if !self.showing_report && !self.hint_below {
            self.screen.draw(&self.frame);
        }
    }

    /// The last check's figures beside the reference solution: a line on the
    /// compact screen, each check's in the full report.
    fn show_figures(&mut self, figures: std::result::Result<Vec<grade::Versus>, String>) {
        let line = match figures {
            Ok(figures) if figures.is_empty() => return self.redraw_status(""),
            Ok(figures) => {
                if let Some((graded, _)) = self.last.as_mut() {
                    grade::attach(&mut graded.grade, &figures);
                }
                terminal::versus_summary(&figures)
            }
            Err(e) => dim(&e).to_string(),
        };
        self.redraw_status(&line);
    }

    /// Draws the compact screen again (after something else was printed).
    fn redraw(&mut self) {
        self.showing_report = false;
        self.hint_below = false;
        self.screen.draw(&self.frame);
    }

    /// The full report of the last check, or back to the compact screen.
    fn toggle_report(&mut self) {
        if self.showing_report {
            self.redraw();
            return;
        }
        let Some((graded, progress)) = &self.last else { return };
        self.showing_report = true;
        let _ = Term::stdout().clear_screen();
        let report = terminal::graded(graded.level, &graded.grade, progress, &graded.newly_mastered);
        let report = format!("{report}\n{}\n", dim(&self.footer.replace("[r] full report", "[r] back to the summary")));
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(report.replace('\n', "\r\n").as_bytes());
        let _ = out.flush();
        self.screen.invalidate();
    }
}

/// Empties the queue; returns Changed if a save arrived, Quit if asked to.
fn drain(rx: &Receiver<Event>) -> Option<Event> {
    let mut next = None;
    while let Ok(e) = rx.try_recv() {
        match e {
            Event::Quit => return Some(Event::Quit),
            Event::Changed => next = Some(Event::Changed),
            Event::Check | Event::Hint | Event::Report | Event::Figures(..) => {}
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
                    "r" | "report" => Event::Report,
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
                    Ok(Key::Char('r')) => Event::Report,
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
