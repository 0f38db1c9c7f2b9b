//! Calm terminal text: what passed, what failed and why, what to do next.

use std::fmt::Write;

use super::style::{dim, fail, heading, pass, warn};
use crate::course::{CheckKind, Course, Level};
use crate::grade::verdict::CheckResult;
use crate::grade::{BuildFailure, Event, Grade, Graded};
use crate::progress::{self, Progress};
use crate::workspace::{Scaffold, Workspace};

/// Lines of a failure message shown before it is cut.
const MESSAGE_LINES: usize = 12;

/// Each line of `text` after `by`; blank lines stay blank (no trailing spaces).
fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| if l.trim().is_empty() { format!("{}\n", by.trim_end()) } else { format!("{by}{l}\n") })
        .collect()
}

/// "A", "A and B", "A, B and C".
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn clip(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    if all.len() <= lines {
        return text.trim_end().to_string();
    }
    format!("{}\n… ({} more lines)", all[..lines].join("\n"), all.len() - lines)
}

fn title_line(level: &Level) -> String {
    format!("{} · {}", level.name, level.title)
}

pub fn started(level: &Level, ws: &Workspace, scaffold: &Scaffold, unmet: &[&str], warming: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", heading(&title_line(level)));
    let _ = writeln!(out, "{} · {}\n", level.difficulty, level.duration);
    let _ = writeln!(out, "{}\n", level.summary);
    let _ = writeln!(out, "You will:");
    for o in &level.objectives {
        let _ = writeln!(out, "  • {o}");
    }
    let rel = |p: &std::path::Path| p.strip_prefix(&ws.root).unwrap_or(p).display().to_string();
    if !scaffold.created.is_empty() {
        let _ = writeln!(out, "\nCreated:");
        for p in &scaffold.created {
            let _ = writeln!(out, "  {}", rel(p));
        }
    }
    if !scaffold.kept.is_empty() {
        let _ = writeln!(out, "\nKept your existing files (nothing was overwritten):");
        for p in &scaffold.kept {
            let _ = writeln!(out, "  {}", rel(p));
        }
    }
    if !unmet.is_empty() {
        let _ = writeln!(
            out,
            "\n{} this level builds on {}, which you have not mastered yet. You can go on anyway.",
            warn("Note:"),
            unmet.join(" and ")
        );
    }
    let _ = writeln!(out, "\nBonus: {}", level.extension);
    let _ = writeln!(out, "\nNext:");
    let _ = writeln!(out, "  1. Read {}/README.md: the challenge, step by step.", level.id);
    let _ = writeln!(out, "  2. Fill in the TODOs in {}/{}.", level.id, main_file(level));
    let _ = writeln!(out, "  3. Run `workshop check` to grade your work; run it as often as you like.");
    if warming {
        let _ = writeln!(out, "\n{}", dim(WARMING));
    }
    out
}

/// The file the level's first step asks the learner to edit.
fn main_file(level: &Level) -> &str {
    level.steps.first().and_then(|s| s.files.first()).map_or("", String::as_str)
}

/// What the spinner says while the grader works.
pub fn phase(event: &Event) -> String {
    match event {
        Event::Building(what) => format!("compiling {what}"),
        Event::Running(n) => format!("running {n} checks"),
        Event::OwnTests => "running your own tests".to_string(),
        Event::Measuring(check) => format!("measuring {}", check.id),
        Event::Pairing(check) => format!("timing the reference solution beside {}", check.id),
        Event::Finished(r) => format!("{} {}", if r.passed() { "✓" } else { "✗" }, r.id),
    }
}

/// Said when a check reuses the verdicts made at `at` (RFC 3339).
pub fn reused_note(at: &str) -> String {
    let time = at.get(11..19).unwrap_or(at);
    format!("Nothing changed since the check at {time} UTC: these are its verdicts. Save a change to check again.")
}

/// Said when `kept` of the `total` verdicts come from the last check.
pub fn kept_note(kept: usize, total: usize) -> String {
    format!(
        "{kept} of {total} verdicts kept from your last check: the code those checks run has not changed since. \
         The rest ran again."
    )
}

/// How many of a grade's verdicts were kept from the last check.
pub fn kept(grade: &Grade) -> usize {
    match grade {
        Grade::Graded(results) => results.iter().filter(|r| r.kept).count(),
        Grade::BuildFailed(_) => 0,
    }
}

const WARMING: &str = "The hidden checks are compiling in the background while you read, so your first \
    check only has to compile what you change.";

pub fn graded(level: &Level, grade: &Grade, progress: &Progress, newly: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", heading(&title_line(level)));
    match grade {
        Grade::BuildFailed(failure) => build_failed(&mut out, level, failure),
        Grade::Graded(results) => results_by_item(&mut out, level, results, progress, newly),
    }
    out
}

fn build_failed(out: &mut String, level: &Level, failure: &BuildFailure) {
    let _ = writeln!(out, "{} Your code does not compile yet, so no check ran. Progress is unchanged.\n", fail());
    if !failure.learner_errors.is_empty() {
        let errors: Vec<&str> = failure.learner_errors.iter().map(|e| e.trim_end()).collect();
        let _ = writeln!(out, "{}", errors.join("\n\n"));
    } else if !failure.check_errors.is_empty() {
        let _ = writeln!(
            out,
            "Your code compiles, but the hidden checks cannot use it: a public name, field or signature \
             they rely on was changed. Compare with the stub's declarations in {}/{}.\n",
            level.id,
            main_file(level)
        );
        let shown: Vec<String> = failure.check_errors.iter().take(3).map(|e| clip(e, MESSAGE_LINES)).collect();
        let _ = writeln!(out, "{}", shown.join("\n\n"));
        let more = failure.check_errors.len() - shown.len();
        if more > 0 {
            let _ = writeln!(out, "\n{}", dim(&format!("… and {more} more errors in the hidden checks")));
        }
    } else if failure.tool_output.trim().is_empty() {
        let _ = writeln!(out, "{} failed without saying why.", failure.tool);
    } else {
        let _ = write!(out, "{} said:\n{}", failure.tool, indent(&clip(&failure.tool_output, 20), "  "));
    }
    let _ = writeln!(out, "\nFix the first error, then run `workshop check` again.");
}

fn results_by_item(out: &mut String, level: &Level, results: &[CheckResult], progress: &Progress, newly: &[String]) {
    for item in &level.items {
        let mine: Vec<&CheckResult> = results.iter().filter(|r| r.item == item.id).collect();
        let passed = mine.iter().filter(|r| r.passed()).count();
        let mark = if passed == mine.len() { pass() } else { fail() };
        let bonus = if item.bonus { " (bonus)" } else { "" };
        let _ = writeln!(out, "{mark} {}{bonus}  {}", heading(&item.title), dim(&format!("{passed}/{}", mine.len())));
        let _ = writeln!(out, "    {}", dim(&item.text));
        if let Some(note) = &item.note {
            let _ = writeln!(out, "    {}", dim(note));
        }
        let mut last_message: Option<&str> = None;
        for check in level.checks_for(&item.id).filter(|c| !results.iter().any(|r| r.id == c.id)) {
            let _ =
                writeln!(out, "  {} {}  {}", dim("○"), check.summary, dim("(stress check: `workshop check --stress`)"));
        }
        for r in mine {
            let summary = r.summary.as_str();
            if r.passed() {
                let _ = writeln!(out, "  {} {}", pass(), summary);
            } else {
                let _ = writeln!(out, "  {} {}  {}", fail(), summary, dim(&r.id));
                // The stub fails many checks on the same placeholder: say it once.
                if last_message == Some(r.message.as_str()) {
                    let _ = writeln!(out, "      {}", dim("(same as above)"));
                } else {
                    let _ = write!(out, "{}", indent(&clip(&r.message, MESSAGE_LINES), "      "));
                }
                last_message = Some(&r.message);
                if !r.output.trim().is_empty() {
                    let _ = writeln!(out, "      {}", dim("it printed:"));
                    let _ = write!(out, "{}", indent(&clip(&r.output, 6), "      │ "));
                }
            }
        }
        let _ = writeln!(out);
    }

    perf_table(out, results);

    let passed = results.iter().filter(|r| r.passed()).count();
    let _ = writeln!(out, "{passed}/{} checks pass.", results.len());
    if !newly.is_empty() {
        let names: Vec<&str> = newly.iter().filter_map(|id| level.item(id)).map(|i| i.title.as_str()).collect();
        let _ = writeln!(out, "{} Mastered now: {}.", pass(), names.join(", "));
    }
    if passed == results.len() {
        let _ = writeln!(out, "Every check passes. Before you move on, think these over:");
        for (i, q) in level.reflection.iter().enumerate() {
            let _ = writeln!(out, "  {}. {q}", i + 1);
        }
        let _ = writeln!(out, "`workshop progress` shows the whole galaxy.");
        return;
    }
    // Mastery is kept when a check breaks later; say which mastered items fail now.
    let regressed: Vec<&str> = level
        .items
        .iter()
        .filter(|i| progress.is_mastered(&level.id, &i.id) && results.iter().any(|r| r.item == i.id && !r.passed()))
        .map(|i| i.title.as_str())
        .collect();
    if !regressed.is_empty() {
        let (them, their) = if regressed.len() == 1 { ("it", "its") } else { ("them", "their") };
        let _ = writeln!(
            out,
            "{} {} regressed since you mastered {them}. Your mastery is kept, but {their} checks fail now.",
            warn("Careful:"),
            and_list(&regressed)
        );
    } else if progress.level_mastered(level) {
        let _ = writeln!(out, "The level's checklist is mastered; the rest is bonus.");
    }
    // The first failing check's step leads; show its first hint.
    if let Some(step) = results.iter().find(|r| !r.passed()).and_then(|r| level.step(&r.step)) {
        let _ = writeln!(out, "\nNext: {}", heading(&step.title));
        let _ = write!(out, "{}", indent(&format!("Hint: {}", step.hints[0]), "  "));
    }
}

fn fmt_ns(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.0} ns"),
        n if n < 1e6 => format!("{:.1} µs", n / 1e3),
        n if n < 1e9 => format!("{:.1} ms", n / 1e6),
        n => format!("{:.2} s", n / 1e9),
    }
}

fn perf_table(out: &mut String, results: &[CheckResult]) {
    let perf: Vec<&CheckResult> = results.iter().filter(|r| r.kind == CheckKind::Perf).collect();
    if perf.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", heading("Performance"));
    let _ = writeln!(out, "  {}", dim("measured against a baseline in this same run; the verdict is the median ratio"));
    for r in perf {
        let mark = if r.passed() { pass() } else { fail() };
        match &r.perf {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "  {mark} {:<36} {:>6.2}x  (budget ≤ {}x)",
                    r.id,
                    p.ratio,
                    r.budget.unwrap_or(f64::NAN)
                );
                let _ = writeln!(
                    out,
                    "      {}: {}   {}: {}",
                    p.baseline,
                    fmt_ns(p.baseline_ns),
                    p.candidate,
                    fmt_ns(p.candidate_ns)
                );
                if let Some(line) = versus_line(r) {
                    let _ = writeln!(out, "      {line}");
                }
                if let Some(seed) = &r.seed_budget {
                    let _ = writeln!(out, "      {}", dim(&format!("seed budget: {seed}")));
                }
            }
            None => {
                let _ = writeln!(out, "  {mark} {:<36} not measured: the check failed first", r.id);
            }
        }
    }
    let _ = writeln!(out);
}

/// "your feed: 0.85x the reference solution (1.1 µs a call)", once timed.
fn versus_line(r: &CheckResult) -> Option<String> {
    let p = r.perf.as_ref()?;
    let (vs, ns) = (p.vs_reference?, p.reference_ns?);
    let allowed = r.reference_budget.map_or(String::new(), |b| format!(", allowed ≤ {b}x"));
    Some(format!("your {}: {vs:.2}x the reference solution ({} a call{allowed})", p.candidate, fmt_ns(ns)))
}

/// What `check` prints after the report once the perf checks were timed
/// beside the reference solution.
pub fn versus(grade: &Grade) -> String {
    let Grade::Graded(results) = grade else { return String::new() };
    let mut out = String::new();
    let _ = writeln!(out, "{}", heading("You against the reference solution"));
    let _ = writeln!(out, "  {}", dim("your perf checks timed in turns with ours, on the same data"));
    for r in results {
        if let Some(line) = versus_line(r) {
            let _ = writeln!(out, "  {:<36} {line}", r.id);
        }
    }
    out
}

/// One line for `watch`: how the perf checks compare with the reference.
pub fn versus_summary(figures: &[crate::grade::Versus]) -> String {
    let lowest = figures.iter().map(|f| f.vs_reference).fold(f64::INFINITY, f64::min);
    let highest = figures.iter().map(|f| f.vs_reference).fold(0.0, f64::max);
    let range = if figures.len() == 1 { format!("{lowest:.2}x") } else { format!("{lowest:.2}x to {highest:.2}x") };
    let n = figures.len();
    let checks = if n == 1 { "1 perf check".to_string() } else { format!("{n} perf checks") };
    format!("you against the reference solution: {range} its time on {checks} · [r] each")
}

/// What `check` prints: each level's report, then a line per level when there are several.
pub fn check_report(outcomes: &[Graded], progress: &Progress) -> String {
    let mut reports: Vec<String> =
        outcomes.iter().map(|o| graded(o.level, &o.grade, progress, &o.newly_mastered)).collect();
    if outcomes.len() > 1 {
        reports.push(all_summary(outcomes));
    }
    reports.join("\n")
}

/// After `check --all`: one line per level.
pub fn all_summary(outcomes: &[Graded]) -> String {
    let mut out = format!("{}\n", heading("All started levels"));
    for o in outcomes {
        let (mark, detail) = match &o.grade {
            Grade::BuildFailed(_) => (fail(), "does not compile".to_string()),
            Grade::Graded(results) => {
                let passed = results.iter().filter(|r| r.passed()).count();
                (
                    if passed == results.len() { pass() } else { fail() },
                    format!("{passed}/{} checks pass", results.len()),
                )
            }
        };
        let _ = writeln!(out, "  {mark} {:<22} {detail}", o.level.name);
    }
    out
}

/// `reflections`: level id -> reflection questions answered.
pub fn progress(course: &Course, progress: &Progress, reflections: &[(String, usize)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", heading(&format!("{} · your progress", course.title)));
    let _ = writeln!(out, "{}\n", dim(&course.tagline));
    let mut mastered_items = 0;
    let mut total_items = 0;
    let mut next: Option<String> = None;
    for level in &course.levels {
        let record = progress.levels.get(&level.id);
        let (done, total) = progress.core_mastered(level);
        total_items += total;
        mastered_items += done;
        let state = progress.state(level);
        let _ = writeln!(out, "{}  {}", heading(&title_line(level)), dim(&format!("{} · {}", level.difficulty, state)));
        for item in &level.items {
            let when = record.and_then(|r| r.mastered.get(&item.id));
            // Not started, or not in this language: nothing failed yet.
            let mark = if when.is_some() {
                pass().to_string()
            } else if record.is_some() && level.is_available() {
                fail().to_string()
            } else {
                dim("·").to_string()
            };
            let bonus = if item.bonus { " (bonus)" } else { "" };
            let mut date = when.map(|w| format!("  mastered {}", progress::date_of(w))).unwrap_or_default();
            let stress: Vec<&str> =
                level.checks.iter().filter(|c| c.stress && c.item == item.id).map(|c| c.id.as_str()).collect();
            if when.is_some() && !stress.is_empty() {
                let all = stress.iter().all(|id| record.is_some_and(|r| r.stress_passed.contains_key(*id)));
                date.push_str(if all {
                    ", stress check included"
                } else {
                    ", without its stress check (`workshop check --stress` adds it)"
                });
            }
            let _ = writeln!(out, "  {mark} {}{bonus}: {}{}", item.title, item.text, dim(&date));
        }
        if let Some(r) = record {
            let hints: usize = r.hints_used.values().sum();
            let answered = reflections.iter().find(|(id, _)| *id == level.id).map_or(0, |(_, n)| *n);
            let _ = writeln!(
                out,
                "  {}",
                dim(&format!("hints used: {hints} · reflection: {answered}/{} answered", level.reflection.len()))
            );
        }
        if let Some(last) = record.and_then(|r| r.last_check.as_ref()) {
            let _ = writeln!(
                out,
                "  {}",
                dim(&format!(
                    "last check {}: {}/{} checks passed",
                    progress::date_of(&last.at),
                    last.passed,
                    last.total
                ))
            );
        }
        if next.is_none() && level.is_available() && done < total {
            next = Some(match record {
                None => format!("run `workshop start {}`", level.id),
                Some(_) => format!("keep going with {}: `workshop check {}`", level.name, level.id),
            });
        }
        let _ = writeln!(out);
    }
    let levels_done = course.levels.iter().filter(|l| progress.level_mastered(l)).count();
    let _ = writeln!(
        out,
        "Overall: {mastered_items} of {total_items} checklist items mastered; {levels_done} of {} levels mastered.",
        course.levels.len()
    );
    match next {
        Some(n) => {
            let _ = writeln!(out, "Next: {n}.");
        }
        None if !course.levels.iter().any(Level::is_available) => {
            let _ = writeln!(out, "No level can be taken in {} yet. More of the galaxy is on its way.", course.lang);
        }
        None => {
            let _ = writeln!(out, "Every available level is mastered. More of the galaxy is on its way.");
        }
    }
    out
}
