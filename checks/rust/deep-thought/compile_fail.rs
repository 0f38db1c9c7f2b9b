//! Compile-fail checks for Deep Thought's typed ids.
//!
//! Not part of the harness. The grader type-checks this file once against the
//! learner's crate. Each section marked "check:" holds exactly one id mix-up
//! and must be refused with a mismatched-types error (E0308): with each id its
//! own type the compiler catches it, with the stub's `u64` aliases it does not.
//! The control section uses the API correctly and must compile.

#![allow(dead_code, unused_variables)]

use deep_thought::*;

// control
fn control(store: &Store, doc: Document) {
    let tenant = TenantId::from(1u64);
    let workspace = WorkspaceId::from(1u64);
    let document = DocumentId::from(1u64);
    let element = ElementId::from(1u64);
    let _ = store.document(tenant, document);
    let _ = store.subtree(tenant, document, element);
    let _ = store.search(tenant, workspace, "towel");
    let _ = store.activity(tenant, workspace, 10);
    let _ = Client::new(ClientId::from(1u64), doc, 0);
    let _ = EntityRef::Element(tenant, workspace, document, element);
}

// check: types.tenant-is-not-a-document
fn tenant_as_document(store: &Store) {
    let tenant = TenantId::from(1u64);
    let _ = store.document(tenant, TenantId::from(2u64));
}

// check: types.element-is-not-a-document
fn element_as_document(store: &Store) {
    let tenant = TenantId::from(1u64);
    let element = ElementId::from(1u64);
    let _ = store.subtree(tenant, element, element);
}

// check: types.workspace-is-not-a-tenant
fn workspace_as_tenant(store: &Store) {
    let workspace = WorkspaceId::from(1u64);
    let _ = store.search(workspace, workspace, "towel");
}

// check: types.user-is-not-a-client
fn user_as_client(doc: Document) {
    let _ = Client::new(UserId::from(1u64), doc, 0);
}
