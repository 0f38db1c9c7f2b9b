//! Production readiness: malicious inputs are refused and change nothing,
//! and the monitor measures, flags and counts what it should.

use super::arch::twins;
use super::data::*;
use super::live_bytes;
use crate::harness::*;
use deep_thought::*;
use std::time::{Duration, Instant};

/// root: 1 "abc" [3 "héllo" [4]], 2
fn small_doc() -> Result<Document, String> {
    let mut doc = Document::new();
    ok(
        doc.apply(&op(vec![
            insert(1, None, 0, "abc"),
            insert(2, None, 1, ""),
            insert(3, Some(1), 0, "héllo"),
            insert(4, Some(3), 0, ""),
        ])),
        "build the document",
    )?;
    Ok(doc)
}

fn refuse_all(doc: &mut Document, cases: Vec<(&str, Operation)>) -> CheckResult {
    for (what, o) in cases {
        let before = dump(doc);
        let result = doc.apply(&o);
        refused(result, &before, &dump(doc), what)?;
    }
    Ok(())
}

/// A store's visible state, for before/after comparisons.
fn store_state(store: &Store, docs: &[(u64, u64)]) -> Vec<String> {
    let mut out = Vec::new();
    for (tn, dn) in docs {
        out.push(format!("{:?}", store.document(t(*tn), d(*dn)).map(dump)));
        out.push(format!("{:?}", store.activity(t(*tn), w(1), usize::MAX).map(|a| a.len())));
        for word in ["alpha", "beta", "shared", "door", "zzz"] {
            out.push(format!("{:?}", store.search(t(*tn), w(1), word)));
        }
    }
    out
}

const TWIN_DOCS: [(u64, u64); 5] = [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)];

fn store_refuses(store: &mut Store, what: &str, tn: u64, dn: u64, un: u64, o: &Operation) -> CheckResult {
    let before = store_state(store, &TWIN_DOCS);
    let result = store.apply(t(tn), d(dn), u(un), o);
    ensure!(result.is_err(), "{what}: expected an error, got {result:?}");
    ensure!(before == store_state(store, &TWIN_DOCS), "{what}: was refused, but the store changed anyway");
    Ok(())
}

// Catches: positions checked with the wrong bound (or not at all), byte
// offsets that panic inside a character, and operations that half-apply.
pub fn malicious_positions() -> CheckResult {
    let mut doc = small_doc()?;
    let m2 = move_edit(&doc, e(2), None, 2);
    let m4 = move_edit(&doc, e(4), None, 3);
    refuse_all(
        &mut doc,
        vec![
            ("insert at index 3 of a 2-element root list", op(vec![insert(9, None, 3, "")])),
            ("insert at index 2 under an element with 1 child", op(vec![insert(9, Some(1), 2, "")])),
            ("insert text at character 4 of \"abc\"", op(vec![type_text(1, 4, "x")])),
            ("insert text at character 6 of \"héllo\" (5 characters, 6 bytes)", op(vec![type_text(3, 6, "x")])),
            ("delete characters 2..4 of \"abc\"", op(vec![erase(1, 2, 2)])),
            ("delete a character at 3 of \"abc\"", op(vec![erase(1, 3, 1)])),
            ("delete 5 characters of \"héllo\" from 1", op(vec![erase(3, 1, 5)])),
            ("delete with a position near usize::MAX", op(vec![erase(1, usize::MAX, 2)])),
            ("delete with a length near usize::MAX", op(vec![erase(1, 1, usize::MAX)])),
            ("move 2 to index 2 of its own list (1 element once it leaves)", op(vec![m2])),
            ("move 4 to index 3 of the 2-element root list", op(vec![m4])),
            (
                "a valid insert followed by one at index 99",
                op(vec![insert(9, None, 0, "ok"), insert(10, None, 99, "")]),
            ),
            ("valid typing followed by a delete past the end", op(vec![type_text(1, 0, "zz"), erase(1, 0, 9)])),
        ],
    )?;
    ok(doc.apply(&op(vec![type_text(3, 5, "!")])), "insert text at character 5 of \"héllo\" (its end)")?;
    ensure_eq!(doc.element(e(3)).map(|el| el.text.clone()), Some("héllo!".to_string()), "text after typing at the end");

    let mut store = twins()?;
    store_refuses(&mut store, "store.apply with an insert past the end", 1, 1, 1, &op(vec![insert(9, None, 7, "")]))?;
    store_refuses(
        &mut store,
        "store.apply: a valid edit then one out of range",
        1,
        1,
        1,
        &op(vec![type_text(1, 0, "zzz "), type_text(1, 99, "x")]),
    )
}

// Catches: edits to ids that do not exist, duplicates accepted, and moves
// whose `from` is trusted without looking.
pub fn malicious_unknown_ids() -> CheckResult {
    let mut doc = small_doc()?;
    let mut wrong_from = move_edit(&doc, e(2), None, 0);
    if let Edit::Move { from, .. } = &mut wrong_from {
        from.index = 0; // 2 is at index 1
    }
    let from2 = place_of(&doc, e(2));
    let mut wrong_path = move_edit(&doc, e(4), None, 0);
    if let Edit::Move { from, .. } = &mut wrong_path {
        from.path = vec![e(3)]; // 3 is not a root
    }
    refuse_all(
        &mut doc,
        vec![
            ("insert under unknown parent 77", op(vec![insert(9, Some(77), 0, "")])),
            ("insert with a taken id", op(vec![insert(2, None, 0, "")])),
            ("insert the same new id twice", op(vec![insert(9, None, 0, ""), insert(9, None, 0, "")])),
            ("delete unknown 77", op(vec![Edit::Delete { id: e(77) }])),
            ("set an attribute on unknown 77", op(vec![Edit::SetAttr { id: e(77), key: "k".into(), value: None }])),
            ("type into unknown 77", op(vec![type_text(77, 0, "x")])),
            ("delete text of unknown 77", op(vec![erase(77, 0, 1)])),
            (
                "move unknown 77",
                op(vec![Edit::Move {
                    id: e(77),
                    from: Place { path: vec![], index: 0 },
                    to: Place { path: vec![], index: 0 },
                }]),
            ),
            (
                "move 2 under unknown 77",
                op(vec![Edit::Move { id: e(2), from: from2, to: Place { path: vec![e(77)], index: 0 } }]),
            ),
            ("move 2 with a `from` index where 2 is not", op(vec![wrong_from])),
            ("move 4 with a `from` path that is not its ancestors", op(vec![wrong_path])),
        ],
    )?;

    let mut store = twins()?;
    store_refuses(&mut store, "store.apply in unknown tenant 9", 9, 1, 1, &op(vec![insert(9, None, 0, "")]))?;
    store_refuses(&mut store, "store.apply to unknown document 7", 1, 7, 1, &op(vec![insert(9, None, 0, "")]))?;
    store_refuses(&mut store, "store.apply by unknown user 7", 1, 1, 7, &op(vec![insert(9, None, 0, "")]))?;
    store_refuses(&mut store, "store.apply typing into unknown element 99", 1, 1, 1, &op(vec![type_text(99, 0, "x")]))
}

// Catches: a move validated only against its direct parent, or against the
// path it claims rather than the real one.
pub fn malicious_move_into_descendant() -> CheckResult {
    let mut doc = small_doc()?;
    let into = |doc: &Document, id: u64, to: u64| move_edit(doc, e(id), Some(e(to)), 0);
    let forged = Edit::Move { id: e(1), from: place_of(&doc, e(1)), to: Place { path: vec![e(4)], index: 0 } };
    let cases = vec![
        ("move 1 into itself", op(vec![into(&doc, 1, 1)])),
        ("move 1 into its child 3", op(vec![into(&doc, 1, 3)])),
        ("move 1 into its grandchild 4", op(vec![into(&doc, 1, 4)])),
        ("move 1 into 4, with a forged path that hides 4's ancestors", op(vec![forged])),
        ("move 2 into 1 and then 1 into 2, in one operation", {
            let first = into(&doc, 2, 1);
            let mut after = doc.clone();
            ok(after.apply(&op(vec![first.clone()])), "moving 2 into 1")?;
            op(vec![first, into(&after, 1, 2)])
        }),
    ];
    refuse_all(&mut doc, cases)?;
    let mut store = twins()?;
    let mut doc1 = ok(store.document(t(1), d(1)), "document")?.clone();
    let m = into(&doc1, 1, 2);
    store_refuses(&mut store, "store.apply moving 1 into its child 2", 1, 1, 1, &op(vec![m]))?;
    ok(doc1.apply(&op(vec![into(&doc1, 3, 2)])), "moving 3 into its sibling 2 is fine")?;
    Ok(())
}

// Catches: payload limits not enforced, so one operation can fill memory.
pub fn malicious_oversized() -> CheckResult {
    let mut doc = small_doc()?;
    let huge = "x".repeat(MAX_PAYLOAD_BYTES + 1);
    let many: Vec<Edit> = (0..MAX_EDITS as u64 + 1).map(|k| insert(1000 + k, None, 0, "")).collect();
    refuse_all(
        &mut doc,
        vec![
            ("insert an element with text over MAX_PAYLOAD_BYTES", op(vec![insert(9, None, 0, &huge)])),
            ("insert text over MAX_PAYLOAD_BYTES", op(vec![type_text(1, 0, &huge)])),
            (
                "an attribute value over MAX_PAYLOAD_BYTES",
                op(vec![Edit::SetAttr { id: e(1), key: "k".into(), value: Some(huge.clone()) }]),
            ),
            (
                "an attribute key over MAX_PAYLOAD_BYTES",
                op(vec![Edit::SetAttr { id: e(1), key: huge.clone(), value: None }]),
            ),
            ("an operation of MAX_EDITS + 1 edits", op(many.clone())),
        ],
    )?;
    let exact = "y".repeat(MAX_PAYLOAD_BYTES);
    ok(doc.apply(&op(vec![type_text(2, 0, &exact)])), "insert text of exactly MAX_PAYLOAD_BYTES")?;
    let mut server = Server::new(small_doc()?);
    let result = server.receive(Submit { client: c(1), seq: 1, base_rev: 0, op: op(many) });
    ensure!(result.is_err(), "server.receive of MAX_EDITS + 1 edits: expected an error");
    ensure_eq!(server.revision(), 0, "the server's revision after refusing an oversized operation");
    Ok(())
}

// Catches: an operation routed by document id alone, so a user of one
// tenant (or another tenant's document id) reaches a twin tenant's data.
pub fn malicious_other_tenant() -> CheckResult {
    let mut store = twins()?;
    ok(store.add_user(t(2), u(5), "Arthur"), "add_user in tenant 2")?;
    let edit = op(vec![type_text(1, 0, "pwned ")]);
    store_refuses(&mut store, "tenant 2's user 5 editing tenant 1's document 1", 1, 1, 5, &edit)?;
    store_refuses(&mut store, "tenant 1 editing document 3, which only tenant 2 has", 1, 3, 1, &edit)?;
    store_refuses(
        &mut store,
        "tenant 1 typing into element 9, which only tenant 2's document has",
        1,
        1,
        1,
        &op(vec![type_text(9, 0, "x")]),
    )?;
    store_refuses(&mut store, "an unknown tenant editing with tenant 1's ids", 3, 1, 1, &edit)?;
    Ok(())
}

// Catches: an undone insert that leaves the element table wrong: the undone
// element still found, or another element lost because the table filled the
// undone one's place carelessly (the garbage cases rarely undo many inserts).
pub fn refused_inserts_leave_no_trace() -> CheckResult {
    let mut rng = Rng::new(0xDEC0DE);
    // Random ids, so that many share a hash bucket in a table keyed by id.
    let mut ids: Vec<u64> = Vec::new();
    while ids.len() < 3000 {
        let id = 1 + rng.next() % 1_000_000_000;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let (kept, undone) = ids.split_at(2000);
    let mut doc = Document::new();
    let roots = kept.iter().enumerate().map(|(i, id)| insert(*id, None, i, &format!("kept {id}"))).collect();
    ok(doc.apply(&op(roots)), "insert 2,000 elements in one operation")?;
    let before = dump(&doc);
    for round in 0..3 {
        // Inserts under kept elements, then an edit that is refused.
        let mut edits: Vec<Edit> =
            undone.iter().enumerate().map(|(i, id)| insert(*id, Some(kept[(i * 7) % 2000]), 0, "undone")).collect();
        edits.push(erase(kept[0], 0, 99));
        refused(
            doc.apply(&op(edits)),
            &before,
            &dump(&doc),
            &format!("1,000 inserts then a bad edit (round {round})"),
        )?;
        for id in kept {
            ensure_eq!(text(&doc, *id), format!("kept {id}"), "element {id} after the refused operation");
        }
        for id in undone {
            ensure!(doc.element(e(*id)).is_none(), "element {id} was inserted by a refused operation, yet is found");
        }
    }
    let children = undone.iter().enumerate().map(|(i, id)| insert(*id, Some(kept[(i * 7) % 2000]), 0, "now")).collect();
    ok(doc.apply(&op(children)), "the same 1,000 inserts without the bad edit")?;
    ensure!(
        undone.iter().all(|id| text(&doc, *id) == "now"),
        "the ids a refused operation undid can be inserted again"
    );
    Ok(())
}

fn text(doc: &Document, id: u64) -> String {
    doc.element(e(id)).map_or_else(|| "<missing>".into(), |el| el.text.clone())
}

// Catches: panics on garbage (slicing inside a character, index arithmetic
// that overflows) and operations that keep their valid first half.
pub fn malicious_garbage() -> CheckResult {
    let mut rng = Rng::new(0x6A_2BA6E);
    let mut doc = random_doc(&mut rng, 30, 1);
    let mut next = 5000;
    let mut refused_count = 0;
    for case in 0..3000 {
        let mut edits = Vec::new();
        if rng.chance(50) {
            let mut scratch = doc.clone();
            for _ in 0..1 + rng.below(2) {
                let edit = random_edit(&mut rng, &scratch, &mut next, EVERYTHING);
                ok(scratch.apply(&op(vec![edit.clone()])), "a generated valid edit")?;
                edits.push(edit);
            }
        }
        for _ in 0..1 + rng.below(2) {
            edits.push(garbage_edit(&mut rng, &doc));
        }
        let o = op(edits);
        let before = dump(&doc);
        if doc.apply(&o).is_err() {
            refused_count += 1;
            let after = dump(&doc);
            ensure!(before == after, "garbage case {case} was refused but changed the document\n  operation: {o:?}");
        }
    }
    ensure!(refused_count > 2000, "only {refused_count} of 3000 garbage operations were refused");

    let mut server = Server::new(doc.clone());
    for case in 0..300 {
        let o = op(vec![garbage_edit(&mut rng, &doc)]);
        let base_rev = if rng.chance(30) { 1 + rng.below(5) as u64 } else { 0 };
        let before = dump(server.document());
        let rev = server.revision();
        if server
            .receive(Submit { client: c(1 + rng.below(3) as u64), seq: case + 1, base_rev, op: o.clone() })
            .is_err()
        {
            ensure!(
                before == dump(server.document()) && rev == server.revision(),
                "server garbage case {case} was refused but changed the server\n  operation: {o:?}"
            );
        }
    }
    Ok(())
}

fn spin(d: Duration) -> u64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < d {
        n = n.wrapping_add(1);
    }
    n
}

/// Runs a timing scenario up to three times. Another process's time slice
/// landing inside a few short timings can make a correct monitor misjudge one
/// run; a wrong rule (a lower quantile, no sliding window, the wrong order)
/// misjudges every run, so retries never let it through.
fn three_tries(scenario: fn() -> CheckResult) -> CheckResult {
    let mut last = scenario();
    for _ in 1..3 {
        if last.is_ok() {
            break;
        }
        last = scenario();
    }
    last
}

// Catches: a monitor that never flags, one that flags everything, and one
// that compares against the last sample instead of a baseline.
pub fn monitor_regression() -> CheckResult {
    three_tries(monitor_regression_once)
}

fn monitor_regression_once() -> CheckResult {
    let mut m = PerformanceMonitor::new();
    // Short timings: a time slice lost to another process then rarely lands
    // inside one, and a median of ten shrugs off the few it does.
    let base = Duration::from_micros(50);
    ensure_eq!(m.measure_selector("answer", || 42), 42, "measure_selector returns what the selector returns");
    for _ in 0..REGRESSION_WINDOW * 3 {
        m.measure_selector("steady", || spin(base));
    }
    for k in 0..REGRESSION_WINDOW * 2 {
        let d = if k < REGRESSION_WINDOW { base } else { base * 5 };
        m.measure_selector("slowed", || spin(d));
        m.measure_selector("mild", || spin(if k < REGRESSION_WINDOW { base } else { base * 3 / 2 }));
    }
    let flagged = m.regressions();
    let names: Vec<&str> = flagged.iter().map(|r| r.selector.as_str()).collect();
    ensure_eq!(names, vec!["slowed"], "regressions() after one selector got 5x slower and one 1.5x");
    let r = &flagged[0];
    ensure!(
        r.baseline >= base && r.baseline < base * 3 && r.recent >= base * 5,
        "the regression's figures: baseline {:?} (expected about {base:?}), recent {:?} (expected about {:?})",
        r.baseline,
        r.recent,
        base * 5
    );
    Ok(())
}

// Catches: counts that skip a kind, relationships not counted, and a byte
// estimate far from what the store really takes.
pub fn monitor_state_size() -> CheckResult {
    let store = twins()?;
    let m = PerformanceMonitor::new();
    let a = m.analyze_state_size(&store);
    let got = (a.tenants, a.users, a.workspaces, a.documents, a.elements, a.activities, a.relationships);
    ensure_eq!(
        got,
        (2, 2, 2, 5, 9, 5, 16),
        "analyze_state_size of the twin tenants: (tenants, users, workspaces, documents, elements, activities, relationships)"
    );
    let before = live_bytes();
    phase("building the test data: a store of 100,000 entities with bulk_load");
    let s = super::perf::scale_store(100_000)?;
    phase("analyze_state_size of the 100,000-entity store");
    let measured = live_bytes() - before;
    let estimate = m.analyze_state_size(&s.store).approx_bytes as isize;
    ensure!(
        estimate * 4 >= measured && estimate <= measured * 4,
        "approx_bytes is {estimate}, but the store takes {measured} bytes (measured); stay within 4x"
    );
    Ok(())
}

/// Builds one store of the shape checks.
type Build = fn() -> Result<Store, String>;

/// Tenant 1, user 1, workspace 1 and document 1 loaded with `elements`.
fn loaded(elements: Vec<NewElement>) -> Result<Store, String> {
    let mut store = Store::new();
    ok(store.add_tenant(t(1), "Megadodo Publications"), "add_tenant")?;
    ok(store.add_user(t(1), u(1), "Zaphod"), "add_user")?;
    ok(store.add_workspace(t(1), w(1), "The Guide"), "add_workspace")?;
    ok(store.bulk_load(t(1), w(1), d(1), "shape", u(1), elements), "bulk_load")?;
    Ok(store)
}

fn short_elements(n: u64) -> Vec<NewElement> {
    (1..=n).map(|k| NewElement { id: e(k), parent: None, text: "a".into() }).collect()
}

fn long_texts() -> Result<Store, String> {
    loaded((1..=1000).map(|k| NewElement { id: e(k), parent: None, text: "lorem ".repeat(700) }).collect())
}

fn big_attributes() -> Result<Store, String> {
    let mut store = loaded(short_elements(100))?;
    let edits = (1..=100)
        .flat_map(|k| {
            (0..10).map(move |j| Edit::SetAttr { id: e(k), key: format!("key{j}"), value: Some("v".repeat(4000)) })
        })
        .collect();
    ok(store.apply(t(1), d(1), u(1), &op(edits)), "apply 1,000 SetAttr edits")?;
    Ok(store)
}

fn long_activity() -> Result<Store, String> {
    let mut store = loaded(short_elements(1))?;
    for i in 0..20_000 {
        let value = Some(if i % 2 == 0 { "on" } else { "off" }.to_string());
        ok(store.apply(t(1), d(1), u(1), &op(vec![Edit::SetAttr { id: e(1), key: "k".into(), value }])), "apply")?;
    }
    Ok(store)
}

fn many_words() -> Result<Store, String> {
    let text = |k: u64| (0..10).map(|j| format!("w{k}x{j}")).collect::<Vec<_>>().join(" ");
    loaded((1..=2000).map(|k| NewElement { id: e(k), parent: None, text: text(k) }).collect())
}

// Catches: a byte estimate that leaves out part of what the store holds (the
// texts, the attributes, the activity log, the word index): the store of
// monitor.state-size holds little of each, so leaving one out stays within
// 4x there. Here each makes up most of a store.
pub fn monitor_state_size_shapes() -> CheckResult {
    let m = PerformanceMonitor::new();
    let shapes: [(&str, Build); 4] = [
        ("1,000 elements of 4,200 characters each (mostly text)", long_texts),
        ("100 elements with ten 4,000-byte attributes each (mostly attributes)", big_attributes),
        ("one element changed by 20,000 operations (mostly the activity log)", long_activity),
        ("2,000 elements of ten words each, 20,000 distinct words (mostly the word index)", many_words),
    ];
    for (what, build) in shapes {
        let before = live_bytes();
        phase(&format!("building the test data: a store of {what}"));
        let store = build()?;
        let measured = live_bytes() - before;
        phase(&format!("analyze_state_size of the store of {what}"));
        let estimate = m.analyze_state_size(&store).approx_bytes as isize;
        ensure!(
            estimate * 4 >= measured && estimate <= measured * 4,
            "a store of {what}: approx_bytes is {estimate}, but the store takes {measured} bytes (measured); stay \
             within 4x by counting everything the store holds"
        );
    }
    Ok(())
}

// Catches: interactions not recorded, or recorded under the wrong action.
pub fn monitor_interactions() -> CheckResult {
    let mut m = PerformanceMonitor::new();
    m.track_user_interaction("open document", Duration::from_millis(10));
    m.track_user_interaction("type", Duration::from_millis(5));
    m.track_user_interaction("open document", Duration::from_millis(30));
    let open = some(m.interaction("open document"), "interaction(\"open document\")")?;
    ensure_eq!(
        (open.count, open.total, open.max),
        (2, Duration::from_millis(40), Duration::from_millis(30)),
        "open document: (count, total, max)"
    );
    let typing = some(m.interaction("type"), "interaction(\"type\")")?;
    ensure_eq!(
        (typing.count, typing.total, typing.max),
        (1, Duration::from_millis(5), Duration::from_millis(5)),
        "type: (count, total, max)"
    );
    ensure!(m.interaction("search").is_none(), "interaction(\"search\") was never tracked");
    Ok(())
}

/// Times `n` calls of about `each` under `name`.
fn timings(m: &mut PerformanceMonitor, name: &str, n: usize, each: Duration) {
    for _ in 0..n {
        m.measure_selector(name, || spin(each));
    }
}

fn flagged(m: &PerformanceMonitor) -> Vec<String> {
    m.regressions().into_iter().map(|r| r.selector).collect()
}

// Catches: a monitor that judges a half-filled window, compares against all
// timings since the baseline instead of the latest window, lets its baseline
// follow the recent timings, flags one slow call, or lists regressions in
// another order than by name.
pub fn monitor_windows() -> CheckResult {
    three_tries(monitor_windows_once)
}

fn monitor_windows_once() -> CheckResult {
    let (fast, slow) = (Duration::from_micros(50), Duration::from_micros(400));
    let n = REGRESSION_WINDOW;
    let mut m = PerformanceMonitor::new();
    timings(&mut m, "partial", n, fast);
    timings(&mut m, "partial", n - 1, slow);
    ensure_eq!(
        flagged(&m),
        Vec::<String>::new(),
        "regressions() after {n} fast timings and {} slow ones: the window of the latest {n} is not full yet",
        n - 1
    );
    timings(&mut m, "partial", 1, slow);
    ensure_eq!(
        flagged(&m),
        vec!["partial".to_string()],
        "regressions() once the window of the latest {n} timings after the baseline is full of slow ones"
    );

    let mut m = PerformanceMonitor::new();
    timings(&mut m, "recovered", n, fast);
    timings(&mut m, "recovered", n, slow);
    timings(&mut m, "recovered", n, fast);
    ensure_eq!(
        flagged(&m),
        Vec::<String>::new(),
        "regressions() after {n} fast, {n} slow, then {n} fast timings: the latest {n} are fast again (the window slides)"
    );

    let mut m = PerformanceMonitor::new();
    timings(&mut m, "sustained", n, fast);
    timings(&mut m, "sustained", 3 * n, slow);
    ensure_eq!(
        flagged(&m),
        vec!["sustained".to_string()],
        "regressions() after {n} fast timings then {} slow ones: the baseline stays the first {n}",
        3 * n
    );

    let mut m = PerformanceMonitor::new();
    timings(&mut m, "blip", n, fast);
    timings(&mut m, "blip", n - 1, fast);
    timings(&mut m, "blip", 1, slow * 10);
    ensure_eq!(
        flagged(&m),
        Vec::<String>::new(),
        "regressions() after one very slow call among {n} fast ones: the median shrugs it off"
    );

    let mut m = PerformanceMonitor::new();
    let names = ["zeta", "alpha", "mu", "omega", "beta", "kappa"];
    for name in names {
        timings(&mut m, name, n, fast);
    }
    for name in names {
        timings(&mut m, name, n, slow);
    }
    let mut sorted: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    sorted.sort();
    ensure_eq!(flagged(&m), sorted, "regressions() of six regressed selectors: sorted by name");
    Ok(())
}

// Catches: a "median" that is not the middle of the window (a lower quantile,
// the fastest timing, the mean). A spin never takes less than asked, so when 6
// of the 10 recent timings spin for `slow`, any median of the window is at
// least `slow`, however busy the machine: a lower bound with no noise in it.
pub fn monitor_median() -> CheckResult {
    let (base, slow) = (Duration::from_micros(50), Duration::from_millis(5));
    let n = REGRESSION_WINDOW;
    let fast = n * 2 / 5;
    let mut m = PerformanceMonitor::new();
    timings(&mut m, "mostly-slow", n, base);
    timings(&mut m, "mostly-slow", fast, base);
    timings(&mut m, "mostly-slow", n - fast, slow);
    let flagged = m.regressions();
    let what = format!(
        "regressions() after a baseline of {n} timings of {base:?}, then a recent window of {fast} at {base:?} and {} \
         at {slow:?}",
        n - fast
    );
    ensure_eq!(flagged.iter().map(|r| r.selector.as_str()).collect::<Vec<_>>(), vec!["mostly-slow"], "{what}");
    ensure!(
        flagged[0].recent >= slow,
        "{what}: the recent median is {:?}, but most of the window took {slow:?} or more, so its median did too",
        flagged[0].recent
    );
    Ok(())
}

// Catches: limits off by one (exactly MAX_EDITS edits, an attribute whose key
// and value together reach MAX_PAYLOAD_BYTES), a key and a value measured
// one at a time, empty text edits accepted, and the store not enforcing the
// limits the document does.
pub fn malicious_limits() -> CheckResult {
    let mut doc = small_doc()?;
    let half = "k".repeat(MAX_PAYLOAD_BYTES / 2 + 1);
    refuse_all(
        &mut doc,
        vec![
            (
                "an attribute whose key and value are each under MAX_PAYLOAD_BYTES but together over it",
                op(vec![Edit::SetAttr { id: e(1), key: half.clone(), value: Some(half.clone()) }]),
            ),
            ("inserting empty text", op(vec![type_text(1, 0, "")])),
            ("deleting 0 characters", op(vec![erase(1, 0, 0)])),
            ("a valid insert followed by empty text", op(vec![insert(9, None, 0, "ok"), type_text(1, 1, "")])),
        ],
    )?;
    let key = "k".repeat(MAX_PAYLOAD_BYTES / 2);
    let value = "v".repeat(MAX_PAYLOAD_BYTES - key.len());
    ok(
        doc.apply(&op(vec![Edit::SetAttr { id: e(1), key, value: Some(value) }])),
        "an attribute whose key and value together are exactly MAX_PAYLOAD_BYTES",
    )?;
    let full = "t".repeat(MAX_PAYLOAD_BYTES);
    ok(doc.apply(&op(vec![insert(500, None, 0, &full)])), "an insert whose text is exactly MAX_PAYLOAD_BYTES")?;
    ok(doc.apply(&op(vec![type_text(500, 0, &full)])), "typing a text of exactly MAX_PAYLOAD_BYTES")?;
    ok(doc.apply(&op(vec![Edit::Delete { id: e(500) }])), "delete element 500")?;
    let exact: Vec<Edit> = (0..MAX_EDITS as u64).map(|k| insert(1000 + k, None, k as usize + 2, "")).collect();
    ok(doc.apply(&op(exact.clone())), "an operation of exactly MAX_EDITS edits")?;
    ensure_eq!(
        doc.len(),
        5 + MAX_EDITS,
        "the element count after an operation of exactly MAX_EDITS inserts (deleted element 500 included)"
    );

    let mut store = twins()?;
    let huge = "x".repeat(MAX_PAYLOAD_BYTES + 1);
    let many: Vec<Edit> = (0..MAX_EDITS as u64 + 1).map(|k| insert(1000 + k, None, 0, "")).collect();
    store_refuses(&mut store, "store.apply of MAX_EDITS + 1 edits", 1, 1, 1, &op(many))?;
    store_refuses(
        &mut store,
        "store.apply of text over MAX_PAYLOAD_BYTES",
        1,
        1,
        1,
        &op(vec![type_text(1, 0, &huge)]),
    )?;
    store_refuses(&mut store, "store.apply of empty text", 1, 1, 1, &op(vec![type_text(1, 0, "")]))?;
    let exact_store: Vec<Edit> = (0..MAX_EDITS as u64).map(|k| insert(1000 + k, None, 0, "")).collect();
    ok(store.apply(t(1), d(2), u(1), &op(exact_store)), "store.apply of exactly MAX_EDITS edits")?;
    Ok(())
}

// Catches: panics on garbage that reaches the store (index upkeep that slices
// text before the document validates it) or that the server transforms past
// a history (position arithmetic in transform), and refusals that change
// something there.
pub fn malicious_garbage_store_and_server() -> CheckResult {
    let mut rng = Rng::new(0x57_0BE);
    let mut store = twins()?;
    for case in 0..1500 {
        let doc = ok(store.document(t(1), d(1)), "document")?.clone();
        let mut edits = Vec::new();
        if rng.chance(40) {
            let mut next = 100_000 + case * 10;
            edits.push(random_edit(&mut rng, &doc, &mut next, EVERYTHING));
        }
        edits.push(garbage_edit(&mut rng, &doc));
        let o = op(edits);
        let before = store_state(&store, &TWIN_DOCS);
        if store.apply(t(1), d(1), u(1), &o).is_err() {
            ensure!(
                before == store_state(&store, &TWIN_DOCS),
                "store garbage case {case} was refused but the store changed\n  operation: {o:?}"
            );
        }
    }

    // A server with a history: garbage based on an old revision is
    // transformed past everything sequenced since.
    let mut doc = random_doc(&mut rng, 20, 1);
    let mut server = Server::new(doc.clone());
    let mut next = 10_000;
    for k in 0..40 {
        let o = random_op(&mut rng, &doc, &mut next, 3, EVERYTHING);
        ok(doc.apply(&o), "a generated valid operation")?;
        ok(
            server.receive(Submit { client: c(1), seq: k + 1, base_rev: k, op: o }),
            "server.receive of a valid operation",
        )?;
    }
    for case in 0..600u64 {
        let base_rev = rng.below(41) as u64;
        let o = op(vec![garbage_edit(&mut rng, &doc), garbage_edit(&mut rng, &doc)]);
        let before = dump(server.document());
        let rev = server.revision();
        let submit = Submit { client: c(2), seq: case + 1, base_rev, op: o.clone() };
        if server.receive(submit).is_err() {
            ensure!(
                before == dump(server.document()) && rev == server.revision(),
                "server garbage case {case} (based on revision {base_rev}) was refused but changed the server\n  operation: {o:?}"
            );
        }
    }
    Ok(())
}
