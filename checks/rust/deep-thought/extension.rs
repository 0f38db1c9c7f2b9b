//! The extensions: time-travel debugging and permissions here, analytics,
//! plugins and cross-platform sync in their own files. Innovation is proven
//! when at least two of the five work (and by the learner's own tests of
//! them, a `learner-tests` check).

use super::collab::Sim;
use super::data::*;
use super::{analytics, platforms, plugins};
use crate::harness::*;
use deep_thought::*;

// Catches: a replay that is off by one, or that replays the operations as
// submitted instead of as the server applied them.
pub fn time_travel_replay() -> CheckResult {
    let mut rng = Rng::new(0x71_3E);
    let base = random_doc(&mut rng, 10, 1);
    let mut sim = Sim::new(base.clone(), 6, 0x7137, 15).named("the time-travel simulation (6 clients)");
    sim.trail = Some(Vec::new());
    let mut next: Vec<u64> = (0..6).map(|i| (i + 1) * 1_000_000).collect();
    let mix = Mix { visible_only: true, ..EVERYTHING };
    for tick in 0..300 {
        for (i, next_id) in next.iter_mut().enumerate() {
            if tick < 250 && rng.chance(6) {
                let o = random_op(&mut rng, sim.clients[i].document(), next_id, 2, mix);
                sim.edit(i, o)?;
            }
        }
        sim.step()?;
    }
    sim.settle()?;
    let trail = sim.trail.take().unwrap_or_default();
    let n = sim.server.revision();
    ensure_eq!(n as usize, trail.len(), "the server's revision after {} sequenced operations", trail.len());
    let at0 = some(sim.server.state_at(0), "state_at(0)")?;
    ensure!(dump(&at0) == dump(&base), "state_at(0) is not the initial document");
    for (k, want) in trail.iter().enumerate() {
        let rev = k as u64 + 1;
        let got = some(sim.server.state_at(rev), &format!("state_at({rev})"))?;
        ensure!(dump(&got) == *want, "state_at({rev}) is not the document as it was at revision {rev} (of {n})");
    }
    ensure!(sim.server.state_at(n + 1).is_none(), "state_at({}) is past the last revision {n}", n + 1);
    Ok(())
}

/// Tenant 1, workspace 1, document 1: 1 [3], 2. Users 1..=5.
pub fn permissions_store() -> Result<Store, String> {
    let mut store = Store::new();
    ok(store.add_tenant(t(1), "Vogon Constructor Fleet"), "add_tenant")?;
    for k in 1..=5 {
        ok(store.add_user(t(1), u(k), &format!("Vogon {k}")), "add_user")?;
    }
    ok(store.add_workspace(t(1), w(1), "Poetry"), "add_workspace")?;
    ok(store.add_document(t(1), w(1), d(1), "Ode"), "add_document")?;
    let edits = vec![
        insert(1, None, 0, "oh freddled"),
        insert(2, None, 1, "gruntbuggly"),
        insert(3, Some(1), 0, "thy micturations"),
    ];
    ok(store.apply(t(1), d(1), u(1), &op(edits)), "apply")?;
    Ok(store)
}

pub fn snapshot(store: &Store) -> String {
    format!("{:?}", store.document(t(1), d(1)).map(dump))
}

fn allowed(store: &mut Store, user: u64, o: Operation, what: &str) -> CheckResult {
    ok(store.apply(t(1), d(1), u(user), &o), what).map(drop)
}

fn forbidden(store: &mut Store, user: u64, o: Operation, what: &str) -> CheckResult {
    let before = snapshot(store);
    let result = store.apply(t(1), d(1), u(user), &o);
    ensure!(result.is_err(), "{what}: expected a refusal, got {result:?}");
    ensure!(before == snapshot(store), "{what}: was refused but changed the document");
    Ok(())
}

// Catches: roles that are stored but never consulted.
pub fn permissions_document() -> CheckResult {
    let mut store = permissions_store()?;
    allowed(&mut store, 4, op(vec![type_text(2, 0, "open ")]), "user 4 edits a document that has no roles yet")?;
    ok(store.set_role(t(1), d(1), u(1), Role::Owner), "set_role")?;
    ok(store.set_role(t(1), d(1), u(2), Role::Editor), "set_role")?;
    ok(store.set_role(t(1), d(1), u(3), Role::Viewer), "set_role")?;
    ensure!(store.set_role(t(1), d(1), u(9), Role::Owner).is_err(), "set_role for an unknown user");
    ensure!(store.set_role(t(1), d(7), u(1), Role::Owner).is_err(), "set_role on an unknown document");
    forbidden(&mut store, 4, op(vec![type_text(2, 0, "x")]), "user 4, with no role, edits once roles exist")?;
    forbidden(&mut store, 3, op(vec![type_text(2, 0, "x")]), "user 3, a Viewer, types")?;
    allowed(&mut store, 2, op(vec![type_text(2, 0, "edited ")]), "user 2, an Editor, types")?;
    allowed(&mut store, 1, op(vec![type_text(2, 0, "owned ")]), "user 1, an Owner, types")
}

// Catches: permission checks on the first edit only, or on the kind of
// operation ignored.
pub fn permissions_operation() -> CheckResult {
    let mut store = permissions_store()?;
    ok(store.set_role(t(1), d(1), u(1), Role::Owner), "set_role")?;
    ok(store.set_role(t(1), d(1), u(2), Role::Editor), "set_role")?;
    let doc = ok(store.document(t(1), d(1)), "document")?.clone();
    let mv = move_edit(&doc, e(2), Some(e(1)), 1);
    forbidden(&mut store, 2, op(vec![Edit::Delete { id: e(2) }]), "an Editor deletes")?;
    forbidden(&mut store, 2, op(vec![mv.clone()]), "an Editor moves")?;
    forbidden(
        &mut store,
        2,
        op(vec![type_text(2, 0, "x"), Edit::Delete { id: e(2) }]),
        "an Editor types, then deletes, in one operation",
    )?;
    allowed(&mut store, 2, op(vec![insert(4, Some(1), 1, "new")]), "an Editor inserts")?;
    allowed(
        &mut store,
        2,
        op(vec![Edit::SetAttr { id: e(2), key: "font".into(), value: Some("vogon".into()) }]),
        "an Editor sets an attribute",
    )?;
    allowed(&mut store, 2, op(vec![erase(2, 0, 5)]), "an Editor deletes text")?;
    allowed(&mut store, 1, op(vec![mv]), "an Owner moves")?;
    allowed(&mut store, 1, op(vec![Edit::Delete { id: e(4) }]), "an Owner deletes")
}

// Catches: a lock that protects the element but not its subtree, or that
// anyone with a strong role can override.
pub fn permissions_element() -> CheckResult {
    let mut store = permissions_store()?;
    ok(store.lock_element(t(1), d(1), e(1), u(1)), "lock_element")?;
    ensure!(store.lock_element(t(1), d(1), e(99), u(1)).is_err(), "lock_element of an unknown element");
    ok(store.set_role(t(1), d(1), u(1), Role::Editor), "set_role")?;
    ok(store.set_role(t(1), d(1), u(2), Role::Editor), "set_role")?;
    ok(store.set_role(t(1), d(1), u(5), Role::Owner), "set_role")?;
    forbidden(&mut store, 2, op(vec![type_text(1, 0, "x")]), "user 2 types into element 1, locked by user 1")?;
    forbidden(&mut store, 2, op(vec![type_text(3, 0, "x")]), "user 2 types into 3, inside locked 1")?;
    forbidden(&mut store, 2, op(vec![insert(4, Some(3), 0, "x")]), "user 2 inserts under 3, inside locked 1")?;
    let doc = ok(store.document(t(1), d(1)), "document")?.clone();
    forbidden(
        &mut store,
        5,
        op(vec![move_edit(&doc, e(2), Some(e(1)), 0)]),
        "user 5, an Owner, moves 2 into locked 1",
    )?;
    forbidden(&mut store, 5, op(vec![move_edit(&doc, e(3), None, 0)]), "user 5, an Owner, moves 3 out of locked 1")?;
    allowed(&mut store, 1, op(vec![type_text(3, 0, "mine ")]), "user 1 types inside its own lock")?;
    allowed(&mut store, 2, op(vec![type_text(2, 0, "free ")]), "user 2 types into unlocked 2")
}

/// Runs one extension's checks; a panic (say, a `todo!()`) counts as a failure.
fn suite(name: &str, checks: &[fn() -> CheckResult]) -> CheckResult {
    for check in checks {
        match std::panic::catch_unwind(check) {
            Ok(Ok(())) => {}
            Ok(Err(m)) => return Err(format!("{name}: {m}")),
            Err(_) => return Err(format!("{name}: panicked (is it still a todo!()?)")),
        }
    }
    Ok(())
}

/// An extension's name and its correctness checks.
type Suite = (&'static str, &'static [fn() -> CheckResult]);

/// The extensions, the quickest to check first.
const EXTENSIONS: &[Suite] = &[
    ("permissions", &[permissions_document, permissions_operation, permissions_element, permissions_every_edit]),
    ("plugins", &[plugins::observe_order, plugins::veto_changes_nothing, plugins::panic_isolated]),
    ("analytics", &[analytics::recount_matches]),
    ("cross-platform sync", &[platforms::converge, platforms::rendered, platforms::edits_refused]),
    ("time travel", &[time_travel_replay]),
];

// Catches: a level finished with fewer than two working extensions.
pub fn two_extensions_work() -> CheckResult {
    let mut broken = Vec::new();
    let mut working = Vec::new();
    for (name, checks) in EXTENSIONS {
        match suite(name, checks) {
            Ok(()) => working.push(*name),
            Err(why) => broken.push(why),
        }
        if working.len() == 2 {
            return Ok(());
        }
    }
    let working = if working.is_empty() { "none".to_string() } else { working.join(", ") };
    Err(format!(
        "Innovation needs two working extensions; working: {working}. Not working yet:\n  {}",
        broken.join("\n  ")
    ))
}

// Catches: a lock that guards only some kinds of edit (a Delete, a SetAttr or
// a DeleteText of a locked element slips through), a Viewer who may still
// restructure the document, and roles that reach other documents.
pub fn permissions_every_edit() -> CheckResult {
    let mut store = permissions_store()?;
    ok(store.add_document(t(1), w(1), d(2), "Another ode"), "add_document")?;
    ok(store.apply(t(1), d(2), u(1), &op(vec![insert(1, None, 0, "open")])), "apply to document 2")?;
    ok(store.set_role(t(1), d(1), u(5), Role::Owner), "set_role")?;
    ok(store.set_role(t(1), d(1), u(3), Role::Viewer), "set_role")?;
    ok(store.lock_element(t(1), d(1), e(1), u(1)), "lock_element")?;
    ok(store.set_role(t(1), d(1), u(1), Role::Owner), "set_role")?;
    forbidden(
        &mut store,
        5,
        op(vec![Edit::Delete { id: e(3) }]),
        "user 5, an Owner, deletes 3, inside 1, locked by user 1",
    )?;
    forbidden(
        &mut store,
        5,
        op(vec![Edit::SetAttr { id: e(1), key: "k".into(), value: Some("v".into()) }]),
        "user 5, an Owner, sets an attribute of locked 1",
    )?;
    forbidden(&mut store, 5, op(vec![erase(3, 0, 3)]), "user 5, an Owner, deletes text of 3, inside locked 1")?;
    forbidden(
        &mut store,
        5,
        op(vec![type_text(2, 0, "ok "), Edit::Delete { id: e(1) }]),
        "user 5 types into unlocked 2, then deletes locked 1, in one operation",
    )?;
    let doc = ok(store.document(t(1), d(1)), "document")?.clone();
    for (what, edit) in [
        ("inserts", insert(9, None, 0, "x")),
        ("sets an attribute", Edit::SetAttr { id: e(2), key: "k".into(), value: None }),
        ("deletes", Edit::Delete { id: e(2) }),
        ("moves", move_edit(&doc, e(2), None, 0)),
    ] {
        forbidden(&mut store, 3, op(vec![edit]), &format!("user 3, a Viewer, {what}"))?;
    }
    allowed(&mut store, 5, op(vec![Edit::Delete { id: e(2) }]), "user 5, an Owner, deletes unlocked 2")?;
    ok(
        store.apply(t(1), d(2), u(3), &op(vec![type_text(1, 0, "still ")])),
        "user 3, a Viewer of document 1, edits document 2, which has no roles",
    )?;
    ok(
        store.apply(t(1), d(2), u(4), &op(vec![type_text(1, 0, "quite ")])),
        "user 4 edits document 2, which has no roles",
    )?;
    Ok(())
}
