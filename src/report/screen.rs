//! The live views of a check: one line per checklist item, filled in as the
//! grader's verdicts arrive. `watch` shows the compact screen (the items,
//! the first failing item's details, its step's hint, the keys) and redraws
//! it in place; `check` on a terminal shows the item lines while it works.

use std::fmt::Write as _;
use std::io::Write as _;

use super::style::{dim, fail, heading, pass};
use crate::course::{Check, Level};
use crate::grade::BuildFailure;
use crate::grade::verdict::CheckResult;

/// Lines of a failure message shown on the compact screen.
const MESSAGE_LINES: usize = 8;
/// Failing checks of the first failing item shown on the compact screen.
const FAILURES_SHOWN: usize = 2;

/// What is known so far of one level's check.
pub struct Board<'c> {
    pub level: &'c Level,
    /// The checks that run, in course order.
    pub expected: Vec<&'c Check>,
    /// The verdicts so far, in the order they arrived.
    pub results: Vec<CheckResult>,
}

impl<'c> Board<'c> {
    pub fn new(level: &'c Level, expected: Vec<&'c Check>) -> Board<'c> {
        Board { level, expected, results: Vec::new() }
    }

    fn result(&self, id: &str) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.id == id)
    }

    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    /// One line per checklist item: ✓ when every check passed, ✗ when one
    /// failed, ○ while some are still running; with passed/total.
    pub fn item_lines(&self) -> Vec<String> {
        let width = self.level.items.iter().map(|i| i.title.chars().count() + if i.bonus { 8 } else { 0 }).max();
        self.level
            .items
            .iter()
            .filter_map(|item| {
                let checks: Vec<&&Check> = self.expected.iter().filter(|c| c.item == item.id).collect();
                if checks.is_empty() {
                    return None;
                }
                let verdicts: Vec<&CheckResult> = checks.iter().filter_map(|c| self.result(&c.id)).collect();
                let passed = verdicts.iter().filter(|r| r.passed()).count();
                let mark = if verdicts.iter().any(|r| !r.passed()) {
                    fail().to_string()
                } else if verdicts.len() == checks.len() {
                    pass().to_string()
                } else {
                    dim("○").to_string()
                };
                let title = format!("{}{}", item.title, if item.bonus { " (bonus)" } else { "" });
                let pad = width.unwrap_or(0).saturating_sub(title.chars().count());
                let waiting = checks.len() - verdicts.len();
                let waiting = if waiting > 0 { dim(&format!("  {waiting} to go")).to_string() } else { String::new() };
                Some(format!(
                    "{mark} {}{}  {}{waiting}",
                    heading(&title),
                    " ".repeat(pad),
                    dim(&format!("{passed}/{}", checks.len()))
                ))
            })
            .collect()
    }

    /// The details of the first failing item (in checklist order), its
    /// step's first hint: what to do next, and nothing else.
    fn first_failure(&self, out: &mut Vec<String>) {
        let Some(item) =
            self.level.items.iter().find(|i| {
                self.expected.iter().any(|c| c.item == i.id && self.result(&c.id).is_some_and(|r| !r.passed()))
            })
        else {
            return;
        };
        let failing: Vec<&CheckResult> = self
            .expected
            .iter()
            .filter(|c| c.item == item.id)
            .filter_map(|c| self.result(&c.id))
            .filter(|r| !r.passed())
            .collect();
        out.push(String::new());
        out.push(heading(&format!("{}: first to fix", item.title)).to_string());
        let mut last: Option<&str> = None;
        for r in failing.iter().take(FAILURES_SHOWN) {
            out.push(format!("  {} {}", fail(), r.summary));
            if last == Some(r.message.as_str()) {
                out.push(format!("      {}", dim("(same as above)")));
            } else {
                out.extend(clip(&r.message, MESSAGE_LINES).lines().map(|l| format!("      {l}")));
            }
            last = Some(&r.message);
        }
        if failing.len() > FAILURES_SHOWN {
            let more = failing.len() - FAILURES_SHOWN;
            out.push(format!("  {}", dim(&format!("… {more} more failing here: [r] shows the full report"))));
        }
        if let Some(step) = failing.first().and_then(|r| self.level.step(&r.step)) {
            out.push(String::new());
            out.push(format!("Next: {}", heading(&step.title)));
            out.push(format!("  Hint: {}", step.hints[0]));
        }
    }
}

fn clip(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    if all.len() <= lines {
        return all.join("\n");
    }
    format!("{}\n… ({} more lines: [r] shows them)", all[..lines].join("\n"), all.len() - lines)
}

/// The compact watch screen: title, item lines, `status`, the first failing
/// item's details and hint (or the first compile error), then `keys`.
/// Lines are cut to `width` and the whole to `height`, so it never scrolls.
pub fn compact(board: &Board, build: Option<&BuildFailure>, status: &str, keys: &str, size: (usize, usize)) -> String {
    let (width, height) = size;
    let level = board.level;
    let mut top = vec![heading(&format!("{} · {}", level.name, level.title)).to_string(), String::new()];
    top.extend(board.item_lines());
    top.push(String::new());
    // Line by line: each is cut at the screen's edge on its own.
    top.extend(status.lines().map(str::to_string));
    let mut details = Vec::new();
    match build {
        Some(failure) => {
            details.push(String::new());
            let first = failure.errors().into_iter().next().unwrap_or_default();
            details.extend(clip(&first, 2 * MESSAGE_LINES).lines().map(str::to_string));
            let more = failure.errors().len().saturating_sub(1);
            if more > 0 {
                details.push(dim(&format!("… and {more} more errors: [r] shows them all")).to_string());
            }
        }
        None => board.first_failure(&mut details),
    }
    let bottom = [String::new(), dim(keys).to_string()];
    // Wrapped at the edge, so nothing a learner needs is cut off.
    let details: Vec<String> = details.iter().flat_map(|l| wrap(l, width)).collect();
    let room = height.saturating_sub(top.len() + bottom.len()).max(1);
    let mut lines = top;
    if details.len() > room {
        lines.extend(details[..room - 1].iter().cloned());
        lines.push(dim("… ([r] shows the full report)").to_string());
    } else {
        lines.extend(details);
    }
    lines.extend(bottom);
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(out, "{}", console::truncate_str(&l, width.max(10), "…"));
    }
    out
}

/// Wraps a line at spaces to `width`, indenting the rest like its start
/// (a hint's, and a check's summary, a little more).
fn wrap(line: &str, width: usize) -> Vec<String> {
    let indent = line.len() - line.trim_start().len();
    if console::measure_text_width(line) <= width || width < 20 {
        return vec![line.to_string()];
    }
    let hanging = line.trim_start().starts_with("Hint:") || line.trim_start().starts_with(&fail().to_string());
    let pad = " ".repeat(indent + if hanging { 2 } else { 0 });
    let mut out = vec![String::new()];
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let last = out.last_mut().expect("one line at least");
        let start = if last.is_empty() { " ".repeat(indent) } else { String::new() };
        if !last.trim().is_empty() && console::measure_text_width(last) + 1 + word.chars().count() > width {
            out.push(format!("{pad}{word}"));
        } else if last.is_empty() {
            *last = format!("{start}{word}");
        } else {
            last.push(' ');
            last.push_str(word);
        }
    }
    out
}

/// A screen drawn in place: each frame replaces the last from the top left,
/// line by line, and nothing is written when the frame did not change.
#[derive(Default)]
pub struct InPlace {
    last: Option<String>,
}

impl InPlace {
    /// Draws `frame` if it differs from the last one drawn.
    pub fn draw(&mut self, frame: &str) {
        if self.last.as_deref() == Some(frame) {
            return;
        }
        let mut text = String::from("\x1b[H");
        for line in frame.lines() {
            // Clear what the last frame left on this line, then go on.
            let _ = write!(text, "{line}\x1b[K\r\n");
        }
        text.push_str("\x1b[J");
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
        self.last = Some(frame.to_string());
    }

    /// Forgets the last frame (something else was written to the screen).
    pub fn invalidate(&mut self) {
        self.last = None;
    }
}
