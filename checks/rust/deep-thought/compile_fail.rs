//! Compile-fail checks for Deep Thought's typed ids.
//!
//! Not part of the harness. The grader type-checks this file once against the
//! learner's crate. Each section marked "check:" holds exactly one id mix-up
//! and must be refused with a mismatched-types error (E0308): with each id its
//! own type the compiler catches it, with the stub's `u64` aliases it does not.
//! Every pair of the six ids has a section, and every id has one against a
//! bare `u64`: a pair section alone passes as soon as one of its two ids is a
//! newtype, so the `u64` sections make sure that each of them is. The control
//! section uses the API correctly and must compile.

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

// check: types.tenant-is-not-a-element
fn tenant_as_element(store: &mut Store) {
    let _ = store.subtree(TenantId::from(1u64), DocumentId::from(1u64), TenantId::from(1u64));
}

// check: types.tenant-is-not-a-user
fn tenant_as_user(store: &mut Store) {
    let _ = store.add_user(TenantId::from(1u64), TenantId::from(1u64), "Marvin");
}

// check: types.tenant-is-not-a-client
fn tenant_as_client(store: &mut Store) {
    let _ = Client::new(TenantId::from(1u64), Document::new(), 0);
}

// check: types.workspace-is-not-a-document
fn workspace_as_document(store: &mut Store) {
    let _ = store.document(TenantId::from(1u64), WorkspaceId::from(1u64));
}

// check: types.workspace-is-not-a-element
fn workspace_as_element(store: &mut Store) {
    let _ = store.subtree(TenantId::from(1u64), DocumentId::from(1u64), WorkspaceId::from(1u64));
}

// check: types.workspace-is-not-a-user
fn workspace_as_user(store: &mut Store) {
    let _ = store.add_user(TenantId::from(1u64), WorkspaceId::from(1u64), "Marvin");
}

// check: types.workspace-is-not-a-client
fn workspace_as_client(store: &mut Store) {
    let _ = Client::new(WorkspaceId::from(1u64), Document::new(), 0);
}

// check: types.document-is-not-a-user
fn document_as_user(store: &mut Store) {
    let _ = store.add_user(TenantId::from(1u64), DocumentId::from(1u64), "Marvin");
}

// check: types.document-is-not-a-client
fn document_as_client(store: &mut Store) {
    let _ = Client::new(DocumentId::from(1u64), Document::new(), 0);
}

// check: types.element-is-not-a-user
fn element_as_user(store: &mut Store) {
    let _ = store.add_user(TenantId::from(1u64), ElementId::from(1u64), "Marvin");
}

// check: types.element-is-not-a-client
fn element_as_client(store: &mut Store) {
    let _ = Client::new(ElementId::from(1u64), Document::new(), 0);
}

// check: types.tenant-is-not-a-u64
fn u64_as_tenant(store: &mut Store) {
    let _ = store.documents(7u64, WorkspaceId::from(1u64));
}

// check: types.workspace-is-not-a-u64
fn u64_as_workspace(store: &mut Store) {
    let _ = store.documents(TenantId::from(1u64), 7u64);
}

// check: types.document-is-not-a-u64
fn u64_as_document(store: &mut Store) {
    let _ = store.document(TenantId::from(1u64), 7u64);
}

// check: types.element-is-not-a-u64
fn u64_as_element(store: &mut Store) {
    let _ = store.subtree(TenantId::from(1u64), DocumentId::from(1u64), 7u64);
}

// check: types.user-is-not-a-u64
fn u64_as_user(store: &mut Store) {
    let _ = store.add_user(TenantId::from(1u64), 7u64, "Marvin");
}

// check: types.client-is-not-a-u64
fn u64_as_client(store: &mut Store) {
    let _ = Client::new(7u64, Document::new(), 0);
}
