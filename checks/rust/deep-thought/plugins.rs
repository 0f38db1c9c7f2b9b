//! The plugin extension: plugins observe operations in order, may veto
//! them, and a panicking plugin leaves the store consistent and usable.

use super::data::*;
use super::extension::{permissions_store, snapshot};
use crate::harness::*;
use deep_thought::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

/// Every call the probes saw, in order, shared with the check.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, line: String) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// A plugin that writes down each call. It may veto text holding `veto`,
/// and panic on its n-th call of a hook.
struct Probe {
    name: &'static str,
    log: Log,
    veto: Option<&'static str>,
    panic_in_check: Option<usize>,
    panic_in_applied: Option<usize>,
    checks: usize,
    applieds: usize,
}

impl Probe {
    fn new(name: &'static str, log: &Log) -> Probe {
        Probe {
            name,
            log: log.clone(),
            veto: None,
            panic_in_check: None,
            panic_in_applied: None,
            checks: 0,
            applieds: 0,
        }
    }
}

fn line(name: &str, hook: &str, document: DocumentId, user: UserId, edits: usize) -> String {
    format!("{name} {hook} {document:?} {user:?} {edits} edits")
}

impl Plugin for Probe {
    fn check(&mut self, change: &Change<'_>) -> Result<(), String> {
        self.checks += 1;
        self.log.push(line(self.name, "check", change.document, change.user, change.op.edits.len()));
        if self.panic_in_check == Some(self.checks) {
            panic!("plugin {} fails in check", self.name);
        }
        let vetoed = self.veto.is_some_and(|word| {
            change.op.edits.iter().any(|e| matches!(e, Edit::InsertText { text, .. } if text.contains(word)))
        });
        if vetoed { Err(format!("{} vetoes it", self.name)) } else { Ok(()) }
    }

    fn applied(&mut self, change: &Change<'_>, revision: u64) {
        self.applieds += 1;
        let seen = line(self.name, "applied", change.document, change.user, change.op.edits.len());
        self.log.push(format!("{seen} rev {revision}"));
        if self.panic_in_applied == Some(self.applieds) {
            panic!("plugin {} fails in applied", self.name);
        }
    }
}

fn told(log: &Log) -> Vec<String> {
    log.take().into_iter().filter(|l| l.contains(" applied ")).collect()
}

fn typing(text: &str) -> Operation {
    op(vec![type_text(2, 0, text)])
}

// Catches: plugins called in another order than added, told before their
// checks, told of operations the store refused, or numbered otherwise.
pub fn observe_order() -> CheckResult {
    let log = Log::default();
    let mut host = PluginHost::new(permissions_store()?);
    for (k, name) in ["A", "B", "C"].into_iter().enumerate() {
        ensure_eq!(host.add_plugin(Box::new(Probe::new(name, &log))), k, "add_plugin's number for plugin {name}");
    }
    ensure_eq!(host.plugins(), vec![0, 1, 2], "plugins() after adding three");
    let o = op(vec![type_text(2, 0, "so "), insert(4, None, 2, "long")]);
    ensure_eq!(ok(host.apply(t(1), d(1), u(2), &o), "apply through the host")?, 2, "the revision (the store was at 1)");
    let mut want: Vec<String> = ["A", "B", "C"].iter().map(|n| line(n, "check", d(1), u(2), 2)).collect();
    want.extend(["A", "B", "C"].iter().map(|n| format!("{} rev 2", line(n, "applied", d(1), u(2), 2))));
    ensure_eq!(log.take(), want, "the plugins' calls for one operation: every check in order, then every applied");
    let doc = ok(host.store().document(t(1), d(1)), "document")?;
    ensure!(doc.element(e(4)).is_some(), "the operation applied through the host is not in the store");

    let bad = op(vec![type_text(99, 0, "x")]);
    ensure!(host.apply(t(1), d(1), u(3), &bad).is_err(), "an edit of an unknown element, through the host");
    let wrongly = told(&log);
    ensure!(wrongly.is_empty(), "an operation the store refused was reported as applied: {wrongly:?}");

    ensure_eq!(ok(host.apply(t(1), d(1), u(3), &typing("and ")), "apply")?, 3, "the next revision");
    let want: Vec<String> =
        ["A", "B", "C"].iter().map(|n| format!("{} rev 3", line(n, "applied", d(1), u(3), 1))).collect();
    ensure_eq!(told(&log), want, "the plugins told of the next operation (user 3's), in order");
    Ok(())
}

// Catches: a veto that comes after the change (the document, its revision
// or the feed already changed), or a vetoed operation reported as applied.
pub fn veto_changes_nothing() -> CheckResult {
    let log = Log::default();
    let mut host = PluginHost::new(permissions_store()?);
    host.add_plugin(Box::new(Probe::new("A", &log)));
    host.add_plugin(Box::new(Probe { veto: Some("vogon"), ..Probe::new("B", &log) }));
    host.add_plugin(Box::new(Probe::new("C", &log)));
    let before = snapshot(host.store());
    let feed = ok(host.store().activity(t(1), w(1), 10), "activity")?;
    let poem = op(vec![type_text(1, 0, "fine "), type_text(2, 0, "vogon ")]);
    let result = host.apply(t(1), d(1), u(2), &poem);
    ensure!(result.is_err(), "plugin 1 vetoes text holding \"vogon\": expected a refusal, got {result:?}");
    ensure!(snapshot(host.store()) == before, "a vetoed operation changed the document");
    ensure_eq!(ok(host.store().activity(t(1), w(1), 10), "activity")?, feed, "the feed after a vetoed operation");
    let wrongly = told(&log);
    ensure!(wrongly.is_empty(), "a vetoed operation was reported as applied: {wrongly:?}");
    ensure_eq!(host.plugins(), vec![0, 1, 2], "plugins() after a veto (a veto is not a failure)");
    let rev = ok(host.apply(t(1), d(1), u(2), &typing("fine ")), "apply after the veto")?;
    ensure_eq!(rev, 2, "the revision after a vetoed operation (the veto must not use one up)");
    Ok(())
}

// Catches: a plugin's panic that escapes apply, that leaves the operation
// half-done or the plugin installed, or that stops the others.
pub fn panic_isolated() -> CheckResult {
    let log = Log::default();
    let mut host = PluginHost::new(permissions_store()?);
    host.add_plugin(Box::new(Probe::new("A", &log)));
    host.add_plugin(Box::new(Probe { panic_in_check: Some(2), ..Probe::new("P", &log) }));
    host.add_plugin(Box::new(Probe::new("C", &log)));
    ok(host.apply(t(1), d(1), u(2), &typing("one ")), "apply")?;
    log.take();

    let before = snapshot(host.store());
    let result = catch_unwind(AssertUnwindSafe(|| host.apply(t(1), d(1), u(2), &typing("two "))))
        .map_err(|_| "plugin 1 panicked in check and the panic escaped apply: catch it and remove the plugin")?;
    ensure!(result.is_err(), "plugin 1 panicked in check: the operation must be refused, got {result:?}");
    ensure!(snapshot(host.store()) == before, "plugin 1 panicked in check, and the document changed anyway");
    ensure_eq!(host.plugins(), vec![0, 2], "plugins() after plugin 1 panicked");
    let rev = ok(host.apply(t(1), d(1), u(2), &typing("three ")), "apply after plugin 1 panicked")?;
    ensure_eq!(rev, 3, "the revision after the refused operation");
    let want: Vec<String> = ["A", "C"].iter().map(|n| format!("{} rev 3", line(n, "applied", d(1), u(2), 1))).collect();
    ensure_eq!(told(&log), want, "the plugins told of the next operation");
    ensure!(log.take().iter().all(|l| !l.starts_with('P')), "plugin 1 was called again after it panicked");

    let q = host.add_plugin(Box::new(Probe { panic_in_applied: Some(1), ..Probe::new("Q", &log) }));
    ensure_eq!(q, 3, "add_plugin's number for the fourth plugin added (numbers are not reused)");
    let result = catch_unwind(AssertUnwindSafe(|| host.apply(t(1), d(1), u(2), &typing("four "))))
        .map_err(|_| "plugin 3 panicked in applied and the panic escaped apply")?;
    let rev = ok(result, "apply, whose operation was applied before plugin 3 panicked in applied")?;
    ensure_eq!(rev, 4, "the revision of the operation plugin 3 panicked after");
    let doc = ok(host.store().document(t(1), d(1)), "document")?;
    let text = some(doc.element(e(2)), "element 2")?.text.clone();
    ensure!(text.starts_with("four three one "), "element 2 after the operation plugin 3 panicked after: {text:?}");
    ensure_eq!(host.plugins(), vec![0, 2], "plugins() after plugin 3 panicked in applied");
    log.take();
    ensure_eq!(ok(host.apply(t(1), d(1), u(2), &typing("five ")), "apply")?, 5, "the next revision");
    let want: Vec<String> = ["A", "C"].iter().map(|n| format!("{} rev 5", line(n, "applied", d(1), u(2), 1))).collect();
    ensure_eq!(told(&log), want, "the plugins told of the operation after plugin 3 panicked");
    Ok(())
}
