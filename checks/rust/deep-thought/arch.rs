//! Multi-tenant isolation: tenants -> workspaces -> documents -> elements,
//! every read scoped to a tenant, and ids that only need to be unique
//! inside their tenant.

use super::data::*;
use crate::harness::*;
use deep_thought::*;

/// Two tenants built alike: the same tenant name, user, workspace and
/// document ids and names, the same element ids; only the words differ.
/// Tenant 2 also has a document 3 that tenant 1 lacks.
pub fn twins() -> Result<Store, String> {
    let mut store = Store::new();
    for (tenant, secret) in [(1, "alpha"), (2, "beta")] {
        let tn = t(tenant);
        ok(store.add_tenant(tn, "Sirius Cybernetics"), "add_tenant (two tenants may share a name)")?;
        ok(store.add_user(tn, u(1), "Marvin"), "add_user (user ids are per tenant)")?;
        ok(store.add_workspace(tn, w(1), "Complaints"), "add_workspace (workspace ids are per tenant)")?;
        ok(store.add_document(tn, w(1), d(1), "Manual"), "add_document (document ids are per tenant)")?;
        ok(store.add_document(tn, w(1), d(2), "Warranty"), "add_document")?;
        let edits = vec![
            insert(1, None, 0, &format!("{secret} shared")),
            insert(2, Some(1), 0, &format!("{secret} child")),
            insert(3, Some(1), 1, "door"),
        ];
        ok(store.apply(tn, d(1), u(1), &op(edits)), "apply (element ids are per document)")?;
        ok(store.apply(tn, d(2), u(1), &op(vec![insert(1, None, 0, &format!("{secret} warranty"))])), "apply")?;
    }
    ok(store.add_document(t(2), w(1), d(3), "Only in tenant 2"), "add_document")?;
    ok(store.apply(t(2), d(3), u(1), &op(vec![insert(9, None, 0, "beta hidden")])), "apply")?;
    Ok(store)
}

// Catches: tables keyed by document or element id alone (the second tenant
// overwrites the first or is refused as a duplicate), and a search index
// or activity feed shared by all tenants.
pub fn tenant_collisions() -> CheckResult {
    let mut store = twins()?;
    for (tenant, secret, other) in [(1, "alpha", "beta"), (2, "beta", "alpha")] {
        let tn = t(tenant);
        let doc = ok(store.document(tn, d(1)), "document")?;
        ensure_eq!(
            doc.element(e(1)).map(|el| el.text.clone()),
            Some(format!("{secret} shared")),
            "tenant {tenant}'s element 1 in document 1"
        );
        ensure_eq!(
            ok(store.document_elements(tn, d(1)), "document_elements")?,
            vec![e(1), e(2), e(3)],
            "tenant {tenant}'s document 1"
        );
        ensure_eq!(ok(store.subtree(tn, d(1), e(1)), "subtree")?, vec![e(1), e(2), e(3)], "tenant {tenant}'s subtree");
        ensure_eq!(
            ok(store.search(tn, w(1), "shared"), "search")?,
            vec![(d(1), e(1))],
            "search(tenant {tenant}, \"shared\"): both tenants have this word, each must see only its own element"
        );
        ensure_eq!(
            ok(store.search(tn, w(1), other), "search")?,
            vec![],
            "search(tenant {tenant}, {other:?}): that word is only in the other tenant's documents"
        );
        ensure_eq!(
            ok(store.search(tn, w(1), secret), "search")?.len(),
            if tenant == 1 { 3 } else { 4 },
            "search(tenant {tenant}, {secret:?}) counts only this tenant's elements"
        );
    }
    ensure_eq!(ok(store.activity(t(1), w(1), 100), "activity")?.len(), 2, "tenant 1's activity feed (2 changes)");
    ensure_eq!(ok(store.activity(t(2), w(1), 100), "activity")?.len(), 3, "tenant 2's activity feed (3 changes)");
    ensure_eq!(ok(store.documents(t(1), w(1)), "documents")?, vec![d(1), d(2)], "tenant 1's documents");
    ensure_eq!(ok(store.documents(t(2), w(1)), "documents")?, vec![d(1), d(2), d(3)], "tenant 2's documents");

    // A change in one tenant leaves its twin alone.
    ok(store.apply(t(2), d(1), u(1), &op(vec![type_text(1, 0, "changed ")])), "apply in tenant 2")?;
    let text = ok(store.document(t(1), d(1)), "document")?.element(e(1)).map(|el| el.text.clone());
    ensure_eq!(text, Some("alpha shared".to_string()), "tenant 1's element after tenant 2 edited its own element 1");
    ensure!(
        ok(store.search(t(1), w(1), "changed"), "search")?.is_empty(),
        "tenant 1 finds a word that only tenant 2 typed"
    );
    Ok(())
}

// Catches: a read that falls back to another tenant's data, or that panics
// on an id it does not know.
pub fn cross_tenant_errors() -> CheckResult {
    let store = twins()?;
    ensure!(store.document(t(1), d(3)).is_err(), "document(tenant 1, document 3): that document is tenant 2's");
    ensure!(store.document_elements(t(1), d(3)).is_err(), "document_elements(tenant 1, tenant 2's document)");
    ensure!(store.subtree(t(1), d(3), e(9)).is_err(), "subtree(tenant 1, tenant 2's document)");
    ensure!(store.subtree(t(1), d(1), e(9)).is_err(), "subtree of an element that is not in the document");
    ensure!(store.workspace_of(t(1), d(3)).is_err(), "workspace_of(tenant 1, tenant 2's document)");
    ensure!(store.search(t(1), w(2), "beta").is_err(), "search in a workspace tenant 1 does not have");
    ensure!(store.activity(t(1), w(2), 10).is_err(), "activity of a workspace tenant 1 does not have");
    ensure!(store.documents(t(1), w(2)).is_err(), "documents of a workspace tenant 1 does not have");
    ensure!(store.document(t(3), d(1)).is_err(), "document(unknown tenant)");
    ensure!(store.search(t(3), w(1), "alpha").is_err(), "search(unknown tenant)");
    ensure!(store.activity(t(3), w(1), 1).is_err(), "activity(unknown tenant)");
    Ok(())
}

// Catches: creation that accepts dangling parents or duplicates, and a bulk
// load that keeps half a document when an element is bad.
pub fn hierarchy() -> CheckResult {
    let mut store = twins()?;
    ensure!(store.add_tenant(t(1), "again").is_err(), "add_tenant with a taken id");
    ensure!(store.add_user(t(1), u(1), "again").is_err(), "add_user with a taken id");
    ensure!(store.add_user(t(7), u(5), "nobody").is_err(), "add_user in an unknown tenant");
    ensure!(store.add_workspace(t(1), w(1), "again").is_err(), "add_workspace with a taken id");
    ensure!(store.add_workspace(t(7), w(5), "x").is_err(), "add_workspace in an unknown tenant");
    ensure!(store.add_document(t(1), w(1), d(1), "again").is_err(), "add_document with a taken id");
    ensure!(store.add_document(t(1), w(9), d(9), "x").is_err(), "add_document in an unknown workspace");

    let dangling = vec![el(1, None, "a"), el(2, Some(7), "b")];
    ensure!(
        store.bulk_load(t(1), w(1), d(5), "x", u(1), dangling).is_err(),
        "bulk_load with a parent not loaded before"
    );
    let twice = vec![el(1, None, "a"), el(1, None, "b")];
    ensure!(store.bulk_load(t(1), w(1), d(5), "x", u(1), twice).is_err(), "bulk_load with an id used twice");
    ensure!(
        store.bulk_load(t(1), w(1), d(5), "x", u(9), vec![el(1, None, "a")]).is_err(),
        "bulk_load by an unknown user"
    );
    ensure!(store.document(t(1), d(5)).is_err(), "a refused bulk_load left document 5 behind");

    // Each element is appended to its parent's list, in order.
    let good = vec![
        el(10, None, "root"),
        el(11, Some(10), "b"),
        el(12, None, "c"),
        el(13, Some(10), "d"),
        el(14, Some(11), "e"),
    ];
    ok(store.bulk_load(t(1), w(1), d(5), "loaded", u(1), good), "bulk_load")?;
    ensure_eq!(
        ok(store.document_elements(t(1), d(5)), "document_elements")?,
        vec![e(10), e(11), e(14), e(13), e(12)],
        "document_elements after bulk_load: parents before children, siblings in load order"
    );
    ensure_eq!(ok(store.workspace_of(t(1), d(5)), "workspace_of")?, w(1), "workspace_of the loaded document");
    ensure_eq!(ok(store.activity(t(1), w(1), 100), "activity")?.len(), 2 + 5, "activity after loading 5 elements");
    Ok(())
}

/// An element to bulk-load.
fn el(id: u64, parent: Option<u64>, text: &str) -> NewElement {
    NewElement { id: e(id), parent: parent.map(e), text: text.into() }
}

/// Tenant 1 with workspace 1 (documents 1 and 2) and workspace 2 (document
/// 3), users 1 and 2.
fn small_store() -> Result<Store, String> {
    let mut store = Store::new();
    ok(store.add_tenant(t(1), "Magrathea"), "add_tenant")?;
    ok(store.add_user(t(1), u(1), "Slartibartfast"), "add_user")?;
    ok(store.add_user(t(1), u(2), "Zarniwoop"), "add_user")?;
    ok(store.add_workspace(t(1), w(1), "Coastlines"), "add_workspace")?;
    ok(store.add_workspace(t(1), w(2), "Fjords"), "add_workspace")?;
    ok(store.add_document(t(1), w(1), d(1), "Norway"), "add_document")?;
    ok(store.add_document(t(1), w(1), d(2), "Africa"), "add_document")?;
    ok(store.add_document(t(1), w(2), d(3), "Earth, Mk II"), "add_document")?;
    Ok(store)
}

fn hits(store: &Store, word: &str) -> Result<Vec<(DocumentId, ElementId)>, String> {
    ok(store.search(t(1), w(1), word), &format!("search({word:?})"))
}

// Catches: a case-sensitive index, substring matches, hits in index order
// rather than sorted, tombstones found, and an index that text edits never
// update (typed words not found, deleted words still found).
pub fn search_words() -> CheckResult {
    let mut store = small_store()?;
    // Inserted in an order that is not the sorted one.
    let doc2 =
        vec![insert(30, None, 0, "towel Towels"), insert(5, None, 1, "TOWEL-42"), insert(12, None, 2, "a towel42")];
    ok(store.apply(t(1), d(2), u(1), &op(doc2)), "apply to document 2")?;
    let doc1 = vec![
        insert(9, None, 0, "Don't PANIC, Ñandú"),
        insert(3, Some(9), 0, "towel"),
        insert(4, None, 1, "towel again"),
    ];
    ok(store.apply(t(1), d(1), u(1), &op(doc1)), "apply to document 1")?;
    ok(
        store.apply(t(1), d(3), u(1), &op(vec![insert(1, None, 0, "towel in another workspace")])),
        "apply to document 3",
    )?;

    let want = vec![(d(1), e(3)), (d(1), e(4)), (d(2), e(5)), (d(2), e(30))];
    ensure_eq!(
        hits(&store, "towel")?,
        want.clone(),
        "search(\"towel\"): whole words in any case, sorted by (document, element); \"Towels\" and \"towel42\" are other words, workspace 2 is elsewhere"
    );
    ensure_eq!(hits(&store, "TOWEL")?, want, "search(\"TOWEL\"): any case");
    ensure_eq!(hits(&store, "panic")?, vec![(d(1), e(9))], "search(\"panic\") for the text \"Don't PANIC, Ñandú\"");
    ensure_eq!(
        hits(&store, "ñandú")?,
        vec![(d(1), e(9))],
        "search(\"ñandú\") for the text \"Don't PANIC, Ñandú\": any case, beyond ASCII too"
    );
    ensure_eq!(
        hits(&store, "42")?,
        vec![(d(2), e(5))],
        "search(\"42\"): digits make words too (\"TOWEL-42\" holds it, \"towel42\" does not)"
    );
    ensure_eq!(
        hits(&store, "towel42")?,
        vec![(d(2), e(12))],
        "search(\"towel42\"): a run of letters and digits is one word"
    );

    // Text edits keep the index up to date.
    ok(
        store.apply(t(1), d(1), u(2), &op(vec![type_text(4, 11, " zaphod")])),
        "type \" zaphod\" at the end of element 4",
    )?;
    ensure_eq!(hits(&store, "zaphod")?, vec![(d(1), e(4))], "search(\"zaphod\") after typing it into element 4");
    ok(store.apply(t(1), d(1), u(2), &op(vec![erase(4, 0, 6)])), "delete \"towel \" from the start of element 4")?;
    ensure_eq!(
        hits(&store, "towel")?,
        vec![(d(1), e(3)), (d(2), e(5)), (d(2), e(30))],
        "search(\"towel\") after deleting the word from element 4"
    );
    ok(
        store.apply(t(1), d(2), u(2), &op(vec![erase(30, 0, 6)])),
        "delete \"towel \" from element 30, which still holds \"Towels\"",
    )?;
    ensure_eq!(
        hits(&store, "towels")?,
        vec![(d(2), e(30))],
        "search(\"towels\") after deleting the other word of element 30"
    );
    ensure_eq!(hits(&store, "towel")?, vec![(d(1), e(3)), (d(2), e(5))], "search(\"towel\") after element 30 lost it");
    ok(store.apply(t(1), d(1), u(2), &op(vec![erase(3, 2, 1)])), "delete the \"w\" of \"towel\" in element 3")?;
    ensure_eq!(hits(&store, "towel")?, vec![(d(2), e(5))], "search(\"towel\") after element 3's text became \"toel\"");
    ensure_eq!(hits(&store, "toel")?, vec![(d(1), e(3))], "search(\"toel\"), the word element 3 holds now");

    // Only visible elements are found.
    ok(
        store.apply(t(1), d(1), u(1), &op(vec![insert(20, Some(9), 1, "towel under nine")])),
        "insert element 20 under 9",
    )?;
    ensure_eq!(hits(&store, "nine")?, vec![(d(1), e(20))], "search(\"nine\") before any delete");
    ok(
        store.apply(t(1), d(1), u(1), &op(vec![Edit::Delete { id: e(9) }])),
        "delete element 9 (the parent of 3 and 20)",
    )?;
    ensure_eq!(hits(&store, "panic")?, vec![], "search(\"panic\") after its element 9 was deleted");
    ensure_eq!(hits(&store, "nine")?, vec![], "search(\"nine\") after the parent of element 20 was deleted");
    let doc = ok(store.document(t(1), d(1)), "document")?.clone();
    ok(
        store.apply(t(1), d(1), u(1), &op(vec![move_edit(&doc, e(20), None, 0)])),
        "move element 20 out of deleted 9, to the root list",
    )?;
    ensure_eq!(
        hits(&store, "nine")?,
        vec![(d(1), e(20))],
        "search(\"nine\") after element 20 moved out of the deleted element 9"
    );
    Ok(())
}

// Catches: a word index that lists an element twice: for a word repeated in
// one text (in any case), for an operation that inserts an element and then
// types into it, or for a bulk-loaded text that repeats a word.
pub fn search_each_element_once() -> CheckResult {
    let mut store = small_store()?;
    ok(store.apply(t(1), d(2), u(1), &op(vec![insert(7, None, 0, "so long")])), "apply to document 2")?;
    ok(
        store.apply(
            t(1),
            d(2),
            u(1),
            &op(vec![insert(40, None, 1, "Vogon vogon VOGON"), type_text(40, 17, " poetry"), type_text(7, 7, " long")]),
        ),
        "one operation: insert element 40 with \"Vogon vogon VOGON\", type \" poetry\" into it, type \" long\" into element 7",
    )?;
    ensure_eq!(
        hits(&store, "vogon")?,
        vec![(d(2), e(40))],
        "search(\"vogon\") for element 40, \"Vogon vogon VOGON poetry\": each element once, however often it holds the word"
    );
    ensure_eq!(
        hits(&store, "poetry")?,
        vec![(d(2), e(40))],
        "search(\"poetry\") after one operation inserted element 40 and typed the word into it: each element once"
    );
    ensure_eq!(
        hits(&store, "long")?,
        vec![(d(2), e(7))],
        "search(\"long\") for element 7, \"so long long\": each element once"
    );

    let loaded =
        vec![el(1, None, "Vogon poetry, VOGON poetry"), el(2, Some(1), "Éclair éclair ÉCLAIR"), el(3, None, "poetry")];
    ok(store.bulk_load(t(1), w(1), d(6), "loaded", u(1), loaded), "bulk_load document 6")?;
    ensure_eq!(
        hits(&store, "vogon")?,
        vec![(d(2), e(40)), (d(6), e(1))],
        "search(\"vogon\") after bulk-loading \"Vogon poetry, VOGON poetry\" as element 1 of document 6: each element once"
    );
    ensure_eq!(
        hits(&store, "poetry")?,
        vec![(d(2), e(40)), (d(6), e(1)), (d(6), e(3))],
        "search(\"poetry\") after the bulk load: each element once"
    );
    ensure_eq!(
        hits(&store, "ÉCLAIR")?,
        vec![(d(6), e(2))],
        "search(\"ÉCLAIR\") for the bulk-loaded \"Éclair éclair ÉCLAIR\": any case, each element once"
    );
    ok(store.apply(t(1), d(6), u(2), &op(vec![erase(1, 0, 6)])), "delete \"Vogon \" from element 1 of document 6")?;
    ensure_eq!(
        hits(&store, "vogon")?,
        vec![(d(2), e(40)), (d(6), e(1))],
        "search(\"vogon\") after deleting the first of the two from element 1 of document 6 (\"poetry, VOGON poetry\" is left)"
    );
    Ok(())
}

// Catches: revisions counted per workspace instead of per document, activity
// fields left out, a limit of 0 or past the end mishandled, and bulk loads
// that accept a parent listed later, an empty list badly, or a taken id.
pub fn activity_and_bulk_load() -> CheckResult {
    let mut store = small_store()?;
    let r = ok(store.apply(t(1), d(1), u(1), &op(vec![insert(1, None, 0, "fjord")])), "apply to document 1")?;
    ensure_eq!(r, 1, "store.apply returns the document's new revision (document 1's first change)");
    let r = ok(
        store.apply(t(1), d(2), u(2), &op(vec![insert(1, None, 0, "a"), insert(2, None, 1, "b")])),
        "apply to document 2",
    )?;
    ensure_eq!(r, 1, "store.apply returns the document's new revision (document 2's first change)");
    let r = ok(store.apply(t(1), d(1), u(2), &op(vec![type_text(1, 0, "deep ")])), "apply to document 1 again")?;
    ensure_eq!(r, 2, "store.apply returns the document's new revision (document 1's second change)");
    let feed: Vec<(DocumentId, UserId, u64, usize)> = ok(store.activity(t(1), w(1), 10), "activity")?
        .iter()
        .map(|a| (a.document, a.user, a.revision, a.edits))
        .collect();
    ensure_eq!(
        feed,
        vec![(d(1), u(2), 2, 1), (d(2), u(2), 1, 2), (d(1), u(1), 1, 1)],
        "activity(workspace 1, 10), newest first: (document, user, the document's revision, edits)"
    );
    ensure_eq!(ok(store.activity(t(1), w(1), 0), "activity")?.len(), 0, "activity with a limit of 0");
    ensure_eq!(ok(store.activity(t(1), w(1), 2), "activity")?.len(), 2, "activity with a limit of 2 (of 3)");
    ensure_eq!(
        ok(store.activity(t(1), w(2), 10), "activity")?.len(),
        0,
        "activity of workspace 2, which saw no change"
    );

    ensure!(
        store
            .bulk_load(t(1), w(1), d(5), "x", u(1), vec![el(1, Some(2), "child first"), el(2, None, "parent later")])
            .is_err(),
        "bulk_load with element 1 under element 2, which comes later in the list: a parent must come earlier"
    );
    ensure!(
        store.bulk_load(t(1), w(1), d(5), "x", u(1), vec![el(1, Some(1), "its own parent")]).is_err(),
        "bulk_load with element 1 as its own parent"
    );
    ensure!(
        store.bulk_load(t(1), w(1), d(1), "x", u(1), vec![el(7, None, "a")]).is_err(),
        "bulk_load into document 1, which exists"
    );
    ensure!(
        store.bulk_load(t(1), w(9), d(5), "x", u(1), vec![el(7, None, "a")]).is_err(),
        "bulk_load into the unknown workspace 9"
    );
    ensure!(
        store.bulk_load(t(9), w(1), d(5), "x", u(1), vec![el(7, None, "a")]).is_err(),
        "bulk_load into the unknown tenant 9"
    );
    ensure!(store.document(t(1), d(5)).is_err(), "refused bulk loads left document 5 behind");
    ok(store.bulk_load(t(1), w(1), d(5), "empty", u(2), vec![]), "bulk_load of an empty list")?;
    ensure_eq!(
        ok(store.document_elements(t(1), d(5)), "document_elements")?,
        vec![],
        "the elements of a document bulk-loaded from an empty list"
    );
    ensure_eq!(
        ok(store.activity(t(1), w(1), 10), "activity")?.len(),
        3,
        "activity after bulk-loading no element (no change, no activity)"
    );
    ok(
        store.bulk_load(t(1), w(1), d(6), "two", u(2), vec![el(1, None, "one"), el(2, Some(1), "two")]),
        "bulk_load of two elements",
    )?;
    let feed: Vec<(DocumentId, UserId, u64, usize)> = ok(store.activity(t(1), w(1), 2), "activity")?
        .iter()
        .map(|a| (a.document, a.user, a.revision, a.edits))
        .collect();
    ensure_eq!(
        feed,
        vec![(d(6), u(2), 2, 1), (d(6), u(2), 1, 1)],
        "activity after bulk-loading two elements as user 2: one insert each, revisions 1 and 2"
    );
    ensure_eq!(
        ok(store.documents(t(1), w(1)), "documents")?,
        vec![d(1), d(2), d(5), d(6)],
        "documents of workspace 1, in the order they were added"
    );
    let r = ok(store.apply(t(1), d(6), u(1), &op(vec![type_text(2, 0, "x")])), "apply to the bulk-loaded document 6")?;
    ensure_eq!(r, 3, "the revision after one change to a document bulk-loaded with 2 elements");

    ok(store.apply(t(1), d(6), u(1), &op(vec![Edit::Delete { id: e(1) }])), "delete element 1 of document 6")?;
    ensure_eq!(
        ok(store.subtree(t(1), d(6), e(1)), "subtree of a deleted element")?,
        vec![],
        "subtree of deleted element 1: the document has it, hidden, so it is empty, not an error"
    );
    ensure_eq!(
        ok(store.subtree(t(1), d(6), e(2)), "subtree under a deleted element")?,
        vec![],
        "subtree of element 2, under deleted 1"
    );
    ensure!(store.subtree(t(1), d(6), e(77)).is_err(), "subtree of element 77, which document 6 does not have");
    Ok(())
}
