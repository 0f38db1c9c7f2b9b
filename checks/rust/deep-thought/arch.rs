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

    let el = |id: u64, parent: Option<u64>, text: &str| NewElement { id: e(id), parent: parent.map(e), text: text.into() };
    let dangling = vec![el(1, None, "a"), el(2, Some(7), "b")];
    ensure!(store.bulk_load(t(1), w(1), d(5), "x", u(1), dangling).is_err(), "bulk_load with a parent not loaded before");
    let twice = vec![el(1, None, "a"), el(1, None, "b")];
    ensure!(store.bulk_load(t(1), w(1), d(5), "x", u(1), twice).is_err(), "bulk_load with an id used twice");
    ensure!(store.bulk_load(t(1), w(1), d(5), "x", u(9), vec![el(1, None, "a")]).is_err(), "bulk_load by an unknown user");
    ensure!(store.document(t(1), d(5)).is_err(), "a refused bulk_load left document 5 behind");

    // Each element is appended to its parent's list, in order.
    let good = vec![el(10, None, "root"), el(11, Some(10), "b"), el(12, None, "c"), el(13, Some(10), "d"), el(14, Some(11), "e")];
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
