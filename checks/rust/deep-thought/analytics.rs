//! The real-time analytics extension: the live metrics must equal a recount
//! from scratch of what happened (kept here, outside the learner's store).
//! That they are cheap to read is `perf.analytics-reads-1m`.

use super::data::*;
use crate::harness::*;
use deep_thought::*;

/// One call of `apply` or one `bulk_load` element: `None` edits if refused.
struct Entry {
    tenant: u64,
    workspace: u64,
    document: u64,
    user: u64,
    edits: Option<u64>,
}

/// The metrics of the entries `keep` selects, counted from scratch.
fn recount(log: &[Entry], keep: impl Fn(&Entry) -> bool) -> Metrics {
    let mut m = Metrics::default();
    let mut recent: Vec<u64> = Vec::new();
    for entry in log.iter().filter(|x| keep(x)) {
        match entry.edits {
            Some(edits) => {
                m.operations += 1;
                m.edits += edits;
                recent.push(entry.user);
            }
            None => m.refused += 1,
        }
    }
    let mut window: Vec<u64> = recent.iter().rev().take(ACTIVE_WINDOW).copied().collect();
    window.sort_unstable();
    window.dedup();
    m.active_editors = window.len();
    m
}

const USERS: u64 = 6;
/// Documents 1 and 2 are in workspace 1; 3 and 4 in workspace 2.
const DOCS: u64 = 4;

fn workspace_of(document: u64) -> u64 {
    if document <= 2 { 1 } else { 2 }
}

fn against_recount(store: &Store, log: &[Entry], when: &str) -> CheckResult {
    for tenant in [1, 2] {
        for ws in [1, 2] {
            let want = recount(log, |x| x.tenant == tenant && x.workspace == ws);
            let got = ok(store.metrics(t(tenant), w(ws)), "metrics")?;
            ensure_eq!(got, want, "{when}: metrics(tenant {tenant}, workspace {ws}) against a recount of the log");
            for user in 1..=USERS {
                let want = recount(log, |x| x.tenant == tenant && x.workspace == ws && x.user == user).operations;
                let got = ok(store.operations_by(t(tenant), w(ws), u(user)), "operations_by")?;
                ensure_eq!(got, want, "{when}: operations_by(tenant {tenant}, workspace {ws}, user {user})");
            }
        }
        // Document 5 is bulk-loaded into tenant 1 halfway through.
        let loaded = tenant == 1 && log.iter().any(|x| x.document == DOCS + 1);
        for doc in 1..=DOCS + u64::from(loaded) {
            let want = recount(log, |x| x.tenant == tenant && x.document == doc);
            let got = ok(store.document_metrics(t(tenant), d(doc)), "document_metrics")?;
            ensure_eq!(got, want, "{when}: document_metrics(tenant {tenant}, document {doc}) against a recount");
        }
    }
    Ok(())
}

// Catches: metrics that drift from what happened: refused operations
// counted as applied (or not at all), a bulk_load left out, active editors
// counted over all time instead of the latest ACTIVE_WINDOW operations, and
// counts shared between tenants with the same ids.
pub fn recount_matches() -> CheckResult {
    let mut rng = Rng::new(0xA7A1);
    let mut store = Store::new();
    for tenant in [1, 2] {
        ok(store.add_tenant(t(tenant), "Infinite Improbability Inc"), "add_tenant")?;
        for user in 1..=USERS {
            ok(store.add_user(t(tenant), u(user), &format!("editor {user}")), "add_user")?;
        }
        for ws in [1, 2] {
            ok(store.add_workspace(t(tenant), w(ws), "Dashboards"), "add_workspace")?;
        }
        for doc in 1..=DOCS {
            ok(store.add_document(t(tenant), w(workspace_of(doc)), d(doc), "Report"), "add_document")?;
        }
    }
    ensure!(store.metrics(t(9), w(1)).is_err(), "metrics of an unknown tenant");
    ensure!(store.metrics(t(1), w(9)).is_err(), "metrics of an unknown workspace");
    ensure!(store.document_metrics(t(1), d(99)).is_err(), "document_metrics of an unknown document");
    ensure!(store.operations_by(t(1), w(1), u(99)).is_err(), "operations_by of an unknown user");
    against_recount(&store, &[], "before any operation")?;

    let mut log: Vec<Entry> = Vec::new();
    let mut next_id = 1_000;
    // A few people edit at a time, and the crowd changes: the latest
    // ACTIVE_WINDOW operations are not everyone who ever edited.
    let mut crowd: Vec<u64> = vec![1];
    for step in 0..1_500 {
        if step % 120 == 0 {
            crowd = (1..=USERS).filter(|_| rng.chance(40)).collect();
            if crowd.is_empty() {
                crowd.push(1 + rng.next() % USERS);
            }
        }
        if step == 700 {
            // A bulk_load counts one operation (of one edit) per element.
            let elements: Vec<NewElement> =
                (1..=120).map(|k| NewElement { id: e(k), parent: None, text: format!("row {k}") }).collect();
            ok(store.bulk_load(t(1), w(2), d(DOCS + 1), "Imported", u(6), elements), "bulk_load")?;
            log.extend((0..120).map(|_| Entry {
                tenant: 1,
                workspace: 2,
                document: DOCS + 1,
                user: 6,
                edits: Some(1),
            }));
        }
        let tenant = if rng.chance(85) { 1 } else { 2 };
        let document = 1 + rng.next() % DOCS;
        let user = crowd[rng.below(crowd.len())];
        let doc = ok(store.document(t(tenant), d(document)), "document")?;
        let o = if rng.chance(20) {
            op(vec![garbage_edit(&mut rng, doc)])
        } else if rng.chance(3) {
            op(vec![])
        } else {
            random_op(&mut rng, doc, &mut next_id, 3, EVERYTHING)
        };
        let edits = o.edits.len() as u64;
        let result = store.apply(t(tenant), d(document), u(user), &o);
        let edits = result.is_ok().then_some(edits);
        log.push(Entry { tenant, workspace: workspace_of(document), document, user, edits });
        if step % 100 == 99 || step == 700 {
            against_recount(&store, &log, &format!("after {} operations", step + 1))?;
        }
    }
    against_recount(&store, &log, "at the end")
}
