//! Deep Thought level: Architecting the Ultimate State Machine.
//!
//! A multi-tenant collaboration engine: tenants own workspaces, workspaces
//! own documents, documents hold trees of elements. People edit the same
//! document at once through a central sequencer, go offline and come back,
//! and the queries stay fast at a million entities. Read `README.md` first;
//! it walks through the steps in order.
//!
//! Keep the public names and signatures below as they are: the hidden checks
//! call them. Everything inside the bodies and inside the structs marked
//! "yours to design" is yours. Split the crate into modules if you like,
//! as long as these names stay reachable from the crate root.

// TODO(step 9): this crate has no business with `unsafe`. Make that a
// promise the compiler keeps: add the crate-level attribute that forbids
// the `unsafe_code` lint, as the first line of this file. Keep every value
// typed, too: no `dyn Any`, no `serde_json::Value` (the README says why).

// The stub's unused arguments would only be noise; delete this line when done.
#![allow(unused_variables, unused_imports, dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

// ---------------------------------------------------------------------------
// Step 1: typed ids
// ---------------------------------------------------------------------------

// TODO(step 1): these aliases let a `TenantId` slip in wherever a `DocumentId`
// is expected, which is how data leaks between tenants. Make each one its own
// type. The checks build ids with `DocumentId::from(7u64)`, so keep
// `From<u64>`, and derive what a map key and a sort need (Debug, Clone, Copy,
// PartialEq, Eq, Hash, PartialOrd, Ord).
pub type TenantId = u64;
pub type WorkspaceId = u64;
pub type DocumentId = u64;
pub type ElementId = u64;
pub type UserId = u64;
pub type ClientId = u64;

/// The largest text, attribute (key plus value) or payload one edit may
/// carry, in bytes. Exactly this much is allowed.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// The most edits one operation may hold (exactly this many is allowed).
pub const MAX_EDITS: usize = 10_000;

// ---------------------------------------------------------------------------
// Step 2: operations and the document tree
// ---------------------------------------------------------------------------

/// Where an element sits: an index in its parent's child list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// The parent first, then the parent's parent, and so on up to a root
    /// element; empty for the document's own root list. Carrying the whole
    /// chain lets `transform` see, without the document, when two moves
    /// would nest two elements inside each other.
    pub path: Vec<ElementId>,
    /// The index in the parent's child list (deleted children count).
    pub index: usize,
}

impl Place {
    /// The parent element; `None` for the document's root list.
    pub fn parent(&self) -> Option<ElementId> {
        self.path.first().copied()
    }
}

/// One change to a document. Text positions count characters (Unicode scalar
/// values: "é" and "🐬" are one character each), not bytes and not UTF-16
/// code units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// A new element at `index` in `parent`'s child list (`None`: the
    /// document's root list). `index` may equal the list's length.
    Insert { id: ElementId, parent: Option<ElementId>, index: usize, text: String },
    /// Hides the element and its whole subtree. The element stays, marked
    /// deleted (a tombstone): it keeps its id and its place in its parent's
    /// list, so no position shifts under a delete. Deleting twice is fine.
    Delete { id: ElementId },
    /// Sets (`Some`) or removes (`None`) one attribute.
    SetAttr { id: ElementId, key: String, value: Option<String> },
    /// Moves the element (and its subtree) from where it is to `to`.
    /// `from` must describe where it is now; `to.index` counts the target
    /// list after the element has left it. Moving an element into itself or
    /// into its own subtree is refused.
    Move { id: ElementId, from: Place, to: Place },
    /// Inserts non-empty text at a character position (0..=length).
    InsertText { id: ElementId, pos: usize, text: String },
    /// Deletes `len` (at least 1) characters from a character position.
    DeleteText { id: ElementId, pos: usize, len: usize },
}

/// A sequence of edits, applied in order, all or nothing. An operation with
/// no edits is a no-op (a transform may reduce an operation to one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Operation {
    pub edits: Vec<Edit>,
}

impl Operation {
    /// An operation holding one edit.
    pub fn one(edit: Edit) -> Operation {
        Operation { edits: vec![edit] }
    }
}

/// One element of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub id: ElementId,
    /// `None` for an element in the document's root list.
    pub parent: Option<ElementId>,
    pub text: String,
    pub attrs: BTreeMap<String, String>,
    /// A tombstone: hidden, with its subtree, but still there.
    pub deleted: bool,
}

/// Why an operation was refused. A refused operation changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpError {
    UnknownElement(ElementId),
    DuplicateElement(ElementId),
    /// A child index or a character position past the end.
    OutOfRange {
        index: usize,
        len: usize,
    },
    /// A move into the element itself or into its own subtree.
    Cycle(ElementId),
    /// A move whose `from` or `to` does not describe the document.
    WrongPlace(ElementId),
    /// Too many edits, or a payload over `MAX_PAYLOAD_BYTES`.
    TooLarge,
    /// Empty text to insert, or nothing to delete.
    Empty,
    /// A revision or sequence number the server cannot accept.
    Stale,
}

/// One document's element tree. Yours to design.
#[derive(Debug, Clone, Default)]
pub struct Document {}

impl Document {
    pub fn new() -> Document {
        Document::default()
    }

    /// Applies every edit in order, or none: validate before you change
    /// anything, or undo what you changed, but never leave half an operation.
    pub fn apply(&mut self, op: &Operation) -> Result<(), OpError> {
        todo!("validate, then apply each edit")
    }

    /// The element, deleted or not.
    pub fn element(&self, id: ElementId) -> Option<&Element> {
        todo!("look the element up, deleted or not")
    }

    /// `parent`'s child list (`None`: the root list), tombstones included.
    /// Empty for an unknown parent.
    pub fn children(&self, parent: Option<ElementId>) -> &[ElementId] {
        todo!("the parent's child list (the root list for None), tombstones included; empty for an unknown parent")
    }

    /// How many elements, deleted ones included.
    pub fn len(&self) -> usize {
        todo!("count every element, deleted ones included")
    }

    /// No element at all, deleted or not.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The visible elements in document order: depth first, a parent before
    /// its children, siblings in list order; a deleted element hides its
    /// whole subtree.
    pub fn visible_elements(&self) -> Vec<ElementId> {
        todo!("walk the tree depth first with a stack, skipping deleted subtrees")
    }

    /// The element and its visible descendants, in document order. Empty if
    /// the element is unknown or hidden.
    pub fn subtree(&self, id: ElementId) -> Vec<ElementId> {
        todo!("the element and its visible descendants, walked with a stack; empty if unknown or hidden")
    }
}

// ---------------------------------------------------------------------------
// Step 3: transform and compose
// ---------------------------------------------------------------------------

/// Transforms two operations made concurrently on the same document.
///
/// `a` was sequenced first and wins ties: at the same list index or text
/// position, `a`'s insert comes first; when both set one attribute, or move
/// one element, `a`'s value or destination stays. Returns `(a2, b2)`: `a2`
/// applies after `b`, `b2` after `a`, and both orders reach the same
/// document (TP1). New element ids are unique across clients.
///
/// Text typed strictly inside a range that the other side deletes goes with
/// the range; text typed at either end of it stays.
pub fn transform(a: &Operation, b: &Operation) -> (Operation, Operation) {
    todo!("transform each edit of a past each edit of b")
}

/// One operation with the effect of `a` then `b`:
/// `apply(apply(s, a), b) == apply(s, compose(a, b))`. Merge neighbouring
/// edits where you can: a run of keystrokes should become one edit.
pub fn compose(a: &Operation, b: &Operation) -> Operation {
    todo!("concatenate the edits and merge neighbours (a run of keystrokes becomes one edit)")
}

// ---------------------------------------------------------------------------
// Steps 4 and 5: the central sequencer, its clients, offline queues
// ---------------------------------------------------------------------------

/// A client's operation, sent to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submit {
    pub client: ClientId,
    /// Counts the client's submits from 1; a resend keeps its number.
    pub seq: u64,
    /// The server revision the operation was made on.
    pub base_rev: u64,
    pub op: Operation,
}

/// An operation as the server sequenced it, sent to every client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// The server's revision after this operation (the first is 1).
    pub rev: u64,
    pub client: ClientId,
    pub seq: u64,
    /// The operation as applied: transformed onto revision `rev - 1`.
    pub op: Operation,
}

/// An edit that could not be applied as its author made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub client: ClientId,
    /// The submit it belongs to; 0 for edits still in the client's queue.
    pub seq: u64,
    /// Why, in words.
    pub reason: String,
    pub submitted: Operation,
    /// What was applied instead (empty if nothing was).
    pub applied: Operation,
}

/// The central sequencer for one document. Yours to design.
#[derive(Debug, Clone)]
pub struct Server {}

impl Server {
    pub fn new(doc: Document) -> Server {
        todo!("keep the document, an empty history and the conflict log")
    }

    /// How many operations it has sequenced.
    pub fn revision(&self) -> u64 {
        todo!("how many operations the server has sequenced")
    }

    pub fn document(&self) -> &Document {
        todo!("the server's current document")
    }

    /// Sequences one operation: transforms it past everything sequenced
    /// since its base revision, applies it and returns what to broadcast to
    /// every client (its author included: that is the acknowledgement).
    /// A refused operation changes nothing; record it in the conflict log.
    ///
    /// A base revision the server has not reached is refused (`Stale`). A
    /// submit whose (client, seq) was already sequenced is a resend: never
    /// apply it twice (answer with its broadcast again, or refuse it).
    pub fn receive(&mut self, msg: Submit) -> Result<Broadcast, OpError> {
        todo!("refuse stale or oversized submits, transform past history[base_rev..], apply, append the broadcast")
    }

    /// Every broadcast after revision `rev`, in order; none past the end.
    pub fn history_since(&self, rev: u64) -> Vec<Broadcast> {
        todo!("the broadcasts after revision rev (none past the end)")
    }

    /// Operations the server could not apply as submitted, and why.
    pub fn conflicts(&self) -> &[Conflict] {
        todo!("the server's conflict log")
    }

    /// Extension (time travel): the document as it was at revision `rev`,
    /// by replaying the first `rev` operations; `None` past the last one.
    pub fn state_at(&self, rev: u64) -> Option<Document> {
        todo!("bonus: replay the history")
    }
}

/// One editor of the document. Yours to design.
#[derive(Debug, Clone)]
pub struct Client {}

impl Client {
    /// A client joining at `rev` with the server's document at that revision.
    pub fn new(id: ClientId, doc: Document, rev: u64) -> Client {
        todo!("keep the id, the document and the revision; nothing in flight")
    }

    /// The last server revision this client has seen.
    pub fn revision(&self) -> u64 {
        todo!("the last server revision this client has seen")
    }

    /// What this client shows: the server's state plus its own pending edits.
    pub fn document(&self) -> &Document {
        todo!("the server's state plus this client's pending edits")
    }

    /// A local edit: applied at once and queued for the server.
    pub fn edit(&mut self, op: Operation) -> Result<(), OpError> {
        todo!("apply the operation locally, then compose it into the buffer")
    }

    /// The next message to send, if any. Nothing while offline, and nothing
    /// while an operation is in flight (sent, not yet acknowledged): what is
    /// edited meanwhile waits, composed into one operation. An operation
    /// that must be sent again keeps its sequence number.
    pub fn next_submit(&mut self) -> Option<Submit> {
        todo!("nothing offline or while one is in flight; else the in-flight operation to (re)send, or the buffer")
    }

    /// A broadcast from the server, delivered in revision order.
    pub fn receive(&mut self, msg: &Broadcast) {
        todo!("your own broadcast is the acknowledgement; others are transformed past the in-flight operation and the buffer, then applied")
    }

    /// The connection is gone (messages in flight are lost with it); edits
    /// queue up locally from now on.
    pub fn disconnect(&mut self) {
        todo!("go offline: what is in flight must be sent again later")
    }

    /// Back online with the broadcasts missed meanwhile (everything after
    /// `revision()`): catch up, rebase the queue, and get ready to send.
    pub fn reconnect(&mut self, missed: &[Broadcast]) {
        todo!("replay the missed broadcasts through receive, then get ready to resend what is unacknowledged")
    }

    /// This client's edits that were dropped or changed while rebasing, and why.
    pub fn conflicts(&self) -> &[Conflict] {
        todo!("the edits of this client that a rebase dropped or changed")
    }

    /// Nothing waits to be sent or acknowledged.
    pub fn is_synced(&self) -> bool {
        todo!("true when nothing is in flight and the buffer is empty")
    }

    /// Extension (cross-platform sync): a client that renders text and the
    /// element kinds in `kinds` only (a phone that shows no video, say). An
    /// element's kind is its `KIND` attribute; without one, or "text", it is
    /// text. The client still keeps, receives and syncs every element, so
    /// its document converges with everyone else's and the elements it
    /// cannot render come through untouched. `edit` refuses, with
    /// `OpError::UnknownElement`, an operation with an edit that touches an
    /// element it does not render, or one inside such an element's subtree
    /// (the element named, an insert's parent, a move's element and both
    /// parents); the document stays as it was and nothing is sent.
    pub fn with_capabilities(id: ClientId, doc: Document, rev: u64, kinds: &[&str]) -> Client {
        todo!("bonus: Client::new plus the kinds it renders")
    }

    /// Extension (cross-platform sync): what this client shows: the visible
    /// elements in document order, without the elements of a kind it does
    /// not render and their subtrees. A client made with `new` renders all.
    pub fn rendered(&self) -> Vec<ElementId> {
        todo!("bonus: visible_elements, skipping the subtrees of kinds it does not render")
    }
}

/// Extension (cross-platform sync): the attribute that names an element's
/// kind ("image", "video", ...). No such attribute, or "text", is text,
/// which every client renders.
pub const KIND: &str = "kind";

// ---------------------------------------------------------------------------
// Steps 1 and 6: the multi-tenant store and its queries
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    UnknownTenant(TenantId),
    UnknownWorkspace(WorkspaceId),
    UnknownDocument(DocumentId),
    UnknownUser(UserId),
    UnknownElement(ElementId),
    DuplicateTenant(TenantId),
    DuplicateWorkspace(WorkspaceId),
    DuplicateDocument(DocumentId),
    DuplicateUser(UserId),
    /// The user may not make this change (the permissions extension).
    Forbidden(String),
    /// The operation itself was refused.
    Op(OpError),
}

/// An element for `Store::bulk_load`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewElement {
    pub id: ElementId,
    /// `None` for the root list; otherwise an element earlier in the list.
    pub parent: Option<ElementId>,
    pub text: String,
}

/// One entry of a workspace's activity feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub document: DocumentId,
    pub user: UserId,
    /// The document's revision after the change.
    pub revision: u64,
    /// How many edits the change made.
    pub edits: usize,
}

/// What a user may do in a document (the permissions extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Reads only.
    Viewer,
    /// Inserts elements, edits text and attributes; never deletes or moves.
    Editor,
    /// Everything.
    Owner,
}

/// Every tenant's data. Yours to design.
#[derive(Debug, Clone, Default)]
pub struct Store {}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    /// Tenant names need not be unique; ids must be.
    pub fn add_tenant(&mut self, tenant: TenantId, name: &str) -> Result<(), StoreError> {
        todo!("refuse a taken tenant id, then add an empty tenant")
    }

    /// User, workspace, document and element ids are unique within their
    /// tenant only: two tenants may both have a document 1.
    pub fn add_user(&mut self, tenant: TenantId, user: UserId, name: &str) -> Result<(), StoreError> {
        todo!("add the user under its tenant; refuse an unknown tenant or a taken user id")
    }

    pub fn add_workspace(&mut self, tenant: TenantId, workspace: WorkspaceId, name: &str) -> Result<(), StoreError> {
        todo!("add the workspace under its tenant; refuse an unknown tenant or a taken id")
    }

    pub fn add_document(
        &mut self,
        tenant: TenantId,
        workspace: WorkspaceId,
        document: DocumentId,
        title: &str,
    ) -> Result<(), StoreError> {
        todo!("add an empty document to the workspace; refuse unknown places and taken ids")
    }

    /// Creates a document holding `elements`, each appended to its parent's
    /// list in order, as if `author` had inserted them one operation each
    /// (one activity per element, revisions 1, 2, ...). All or nothing, and
    /// fast: the checks load a million elements this way.
    pub fn bulk_load(
        &mut self,
        tenant: TenantId,
        workspace: WorkspaceId,
        document: DocumentId,
        title: &str,
        author: UserId,
        elements: Vec<NewElement>,
    ) -> Result<(), StoreError> {
        todo!("build the whole document aside (each parent earlier in the list), then index it and record one activity per element")
    }

    /// Applies `op` to a document as `user` (a user of this tenant), all or
    /// nothing, keeps the indexes and the activity feed up to date, and
    /// returns the document's new revision.
    pub fn apply(
        &mut self,
        tenant: TenantId,
        document: DocumentId,
        user: UserId,
        op: &Operation,
    ) -> Result<u64, StoreError> {
        todo!("check tenant, user and document, apply all or nothing, re-index the changed texts, record the activity")
    }

    pub fn document(&self, tenant: TenantId, document: DocumentId) -> Result<&Document, StoreError> {
        todo!("the tenant's document, or an error")
    }

    pub fn workspace_of(&self, tenant: TenantId, document: DocumentId) -> Result<WorkspaceId, StoreError> {
        todo!("the workspace the tenant's document belongs to")
    }

    /// The workspace's documents, in the order they were added.
    pub fn documents(&self, tenant: TenantId, workspace: WorkspaceId) -> Result<Vec<DocumentId>, StoreError> {
        todo!("the workspace's documents, in the order they were added")
    }

    /// A document's visible elements, in document order.
    pub fn document_elements(&self, tenant: TenantId, document: DocumentId) -> Result<Vec<ElementId>, StoreError> {
        todo!("the document's visible elements, in document order")
    }

    /// An element and its visible descendants, in document order; an error
    /// if the document has no such element.
    pub fn subtree(
        &self,
        tenant: TenantId,
        document: DocumentId,
        element: ElementId,
    ) -> Result<Vec<ElementId>, StoreError> {
        todo!("the element and its visible descendants; an error if the document has no such element")
    }

    /// The visible elements of the workspace whose text holds `word` (whole
    /// words: runs of letters and digits, in any case, beyond ASCII too),
    /// sorted by document and element id. Text edits change what is found.
    pub fn search(
        &self,
        tenant: TenantId,
        workspace: WorkspaceId,
        word: &str,
    ) -> Result<Vec<(DocumentId, ElementId)>, StoreError> {
        todo!("look the lower-cased word up in the workspace's index; keep visible hits, sorted")
    }

    /// The workspace's latest `limit` changes, newest first.
    pub fn activity(
        &self,
        tenant: TenantId,
        workspace: WorkspaceId,
        limit: usize,
    ) -> Result<Vec<Activity>, StoreError> {
        todo!("the workspace's latest `limit` activities, newest first")
    }

    /// Extension (permissions): gives `user` a role in a document. A document
    /// with no roles is open to every user of its tenant; once it has one,
    /// users without a role may not change it.
    pub fn set_role(
        &mut self,
        tenant: TenantId,
        document: DocumentId,
        user: UserId,
        role: Role,
    ) -> Result<(), StoreError> {
        todo!("bonus")
    }

    /// Extension (permissions): locks an element and its subtree, so that
    /// only `owner` may change them (or insert into, or move into or out of them).
    pub fn lock_element(
        &mut self,
        tenant: TenantId,
        document: DocumentId,
        element: ElementId,
        owner: UserId,
    ) -> Result<(), StoreError> {
        todo!("bonus")
    }

    /// Extension (real-time analytics): the workspace's live metrics. They
    /// are kept up to date as operations are applied (or refused): reading
    /// them must not walk the activity log, however long it grows.
    pub fn metrics(&self, tenant: TenantId, workspace: WorkspaceId) -> Result<Metrics, StoreError> {
        todo!("bonus: counts kept up to date by apply and bulk_load")
    }

    /// Extension (real-time analytics): the same metrics for one document.
    pub fn document_metrics(&self, tenant: TenantId, document: DocumentId) -> Result<Metrics, StoreError> {
        todo!("bonus: counts kept up to date by apply and bulk_load")
    }

    /// Extension (real-time analytics): how many operations `user` has
    /// applied in the workspace (0 for a user of the tenant who has none; an
    /// error for an unknown tenant, workspace or user).
    pub fn operations_by(&self, tenant: TenantId, workspace: WorkspaceId, user: UserId) -> Result<u64, StoreError> {
        todo!("bonus: a count per user, kept up to date by apply and bulk_load")
    }
}

/// Extension (real-time analytics): how many of the latest applied
/// operations `Metrics::active_editors` looks at.
pub const ACTIVE_WINDOW: usize = 50;

/// Extension (real-time analytics): what a live dashboard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Metrics {
    /// Operations applied: each `apply` that succeeded (one with no edits
    /// too), and one per element of a `bulk_load`, as in the activity feed.
    pub operations: u64,
    /// The edits those operations made (one per `bulk_load` element).
    pub edits: u64,
    /// Operations on this tenant's document, by this tenant's user, that
    /// the store refused: invalid, or forbidden by the permissions.
    pub refused: u64,
    /// Distinct users among the latest `ACTIVE_WINDOW` applied operations.
    pub active_editors: usize,
}

// ---------------------------------------------------------------------------
// Extension: plugins
// ---------------------------------------------------------------------------

/// An operation on its way into the store, as plugins see it.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub tenant: TenantId,
    pub document: DocumentId,
    pub user: UserId,
    pub op: &'a Operation,
}

/// A third-party integration. Both hooks do nothing unless a plugin
/// overrides them.
pub trait Plugin {
    /// Asked before an operation is applied; `Err(reason)` vetoes it.
    fn check(&mut self, _change: &Change<'_>) -> Result<(), String> {
        Ok(())
    }

    /// Told after an operation was applied, with the document's new revision.
    fn applied(&mut self, _change: &Change<'_>, _revision: u64) {}
}

/// A store with plugins around its `apply`. Yours to design.
pub struct PluginHost {}

impl PluginHost {
    pub fn new(store: Store) -> PluginHost {
        todo!("bonus: keep the store and an empty list of plugins")
    }

    pub fn store(&self) -> &Store {
        todo!("bonus")
    }

    /// The store itself, for what plugins do not watch (tenants, roles...).
    pub fn store_mut(&mut self) -> &mut Store {
        todo!("bonus")
    }

    /// Adds a plugin after the others; returns its number: 0, 1, 2, ... in
    /// the order added (a removed plugin's number is never reused).
    pub fn add_plugin(&mut self, plugin: Box<dyn Plugin>) -> usize {
        todo!("bonus")
    }

    /// The numbers of the plugins still installed, in the order added.
    pub fn plugins(&self) -> Vec<usize> {
        todo!("bonus")
    }

    /// `Store::apply` with the plugins around it. First every plugin's
    /// `check`, in the order added: the first veto refuses the operation
    /// (`StoreError::Forbidden`), and the store, its revisions and its feed
    /// stay as they were. Then the store applies it; only if it did, every
    /// plugin's `applied` in the same order. A plugin that panics (see
    /// `std::panic::catch_unwind`) is removed at once and never called
    /// again; a panic in `check` refuses the operation, a panic in
    /// `applied` comes after the fact and the operation stands.
    pub fn apply(
        &mut self,
        tenant: TenantId,
        document: DocumentId,
        user: UserId,
        op: &Operation,
    ) -> Result<u64, StoreError> {
        todo!("bonus: ask every plugin, apply, tell every plugin; a panicking plugin is removed")
    }
}

// ---------------------------------------------------------------------------
// Step 7: the state cache
// ---------------------------------------------------------------------------

/// A cacheable read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    DocumentElements(TenantId, DocumentId),
    Subtree(TenantId, DocumentId, ElementId),
    Search(TenantId, WorkspaceId, String),
    Activity(TenantId, WorkspaceId, usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryResult {
    Elements(Vec<ElementId>),
    Hits(Vec<(DocumentId, ElementId)>),
    Activity(Vec<Activity>),
}

/// Something that changed, named with everything above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityRef {
    Workspace(TenantId, WorkspaceId),
    Document(TenantId, WorkspaceId, DocumentId),
    Element(TenantId, WorkspaceId, DocumentId, ElementId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    /// Results held now.
    pub entries: usize,
}

/// Query results with dependency tracking. Yours to design.
#[derive(Debug, Clone, Default)]
pub struct StateCache {}

impl StateCache {
    pub fn new() -> StateCache {
        StateCache::default()
    }

    /// The cached result (a hit), or runs the query on `store` and caches it
    /// (a miss). Every call counts exactly one hit or one miss.
    pub fn get(&mut self, store: &Store, query: &Query) -> Result<QueryResult, StoreError> {
        todo!("a hit returns the cached result; a miss runs the query and files it under the keys it depends on")
    }

    /// Drops exactly the results that depend on what changed:
    /// - `Element`: that document's `DocumentElements`, the `Subtree`s whose
    ///   result holds the element (or is rooted at it), and the workspace's
    ///   `Search`es and `Activity`;
    /// - `Document`: everything about the document, and the workspace's
    ///   `Search`es and `Activity`;
    /// - `Workspace`: everything about the workspace and its documents.
    ///
    /// Whoever reports a structural change (an insert, a move) names the
    /// parents whose child lists changed, as well as the element.
    pub fn invalidate(&mut self, changed: &[EntityRef]) {
        todo!("turn each EntityRef into keys and drop exactly the results filed under them")
    }

    /// Pre-loads the workspace's popular queries (asked at least twice, even
    /// if invalidated since) that are not cached now. Returns how many.
    pub fn warm_cache(&mut self, store: &Store, tenant: TenantId, workspace: WorkspaceId) -> Result<usize, StoreError> {
        todo!("re-run this workspace's queries asked at least twice that are not cached now; return how many")
    }

    /// Packs the results not read since the previous call into a compact
    /// form that takes much less memory and is still readable (a result
    /// cached since the previous call counts as read). Returns how many it
    /// packed.
    pub fn compress_cache(&mut self) -> usize {
        todo!("pack the results not read since the previous call; return how many")
    }

    pub fn stats(&self) -> CacheStats {
        todo!("hits, misses and the number of results held now")
    }
}

// ---------------------------------------------------------------------------
// Step 8: the performance monitor
// ---------------------------------------------------------------------------

/// How many timings make a selector's baseline, and how many recent ones
/// are compared with it. The baseline is a selector's first
/// `REGRESSION_WINDOW` timings, for good; the recent window is its latest
/// `REGRESSION_WINDOW` timings after those, sliding. A selector is judged
/// only once that recent window is full.
pub const REGRESSION_WINDOW: usize = 10;

/// A selector is flagged when the median of its recent window exceeds the
/// median of its baseline by more than this factor.
pub const REGRESSION_FACTOR: f64 = 3.0;

/// A selector that got slower.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    pub selector: String,
    /// Median of its first `REGRESSION_WINDOW` timings.
    pub baseline: Duration,
    /// Median of its latest `REGRESSION_WINDOW` timings.
    pub recent: Duration,
}

/// Entity counts and an approximate size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateAnalysis {
    pub tenants: usize,
    pub users: usize,
    pub workspaces: usize,
    pub documents: usize,
    /// Every element, deleted ones included (they still take memory).
    pub elements: usize,
    /// Activity feed entries, all workspaces together.
    pub activities: usize,
    /// Parent links: each element to its parent element or document, each
    /// document to its workspace, each workspace to its tenant.
    pub relationships: usize,
    /// Approximate heap bytes of the whole store.
    pub approx_bytes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InteractionStats {
    pub count: u64,
    pub total: Duration,
    pub max: Duration,
}

/// Yours to design.
#[derive(Debug, Clone, Default)]
pub struct PerformanceMonitor {}

impl PerformanceMonitor {
    pub fn new() -> PerformanceMonitor {
        PerformanceMonitor::default()
    }

    /// Runs `f`, records how long it took under `name`, returns its result.
    pub fn measure_selector<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        todo!("time f, record the timing under name, return what f returned")
    }

    /// The selectors that regressed (see `REGRESSION_FACTOR`), sorted by name.
    pub fn regressions(&self) -> Vec<Regression> {
        todo!("compare each full recent window's median with the baseline median")
    }

    /// Counts entities per kind and estimates the store's size in bytes.
    pub fn analyze_state_size(&self, store: &Store) -> StateAnalysis {
        todo!("walk the store once: count each kind and estimate the bytes")
    }

    /// Records one user interaction: an action and how long it took.
    pub fn track_user_interaction(&mut self, action: &str, duration: Duration) {
        todo!("add one to the count, add to the total, keep the maximum")
    }

    /// What was recorded for `action`; `None` if it never happened.
    pub fn interaction(&self, action: &str) -> Option<InteractionStats> {
        todo!("what was recorded for this action, if anything")
    }
}

// ---------------------------------------------------------------------------
// Step 10: the live document and its memoized view
// ---------------------------------------------------------------------------

/// A position in an element's text, counted in characters like every text
/// position: `offset` characters of the element's text come before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Caret {
    pub element: ElementId,
    pub offset: usize,
}

/// A selected range: from `anchor` (where it started) to `head` (where the
/// cursor is now). Either may come first, and they may sit in different
/// elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Selection {
    pub anchor: Caret,
    pub head: Caret,
}

/// Where one collaborator is: a cursor, and maybe a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Presence {
    pub cursor: Caret,
    pub selection: Option<Selection>,
}

/// Element-level read permissions: element id -> the only users who may
/// read it. For everyone else the element and its whole subtree are hidden,
/// as if deleted. An element not listed is readable by all.
pub type Readers = BTreeMap<ElementId, BTreeSet<UserId>>;

/// One open document as a client's screen holds it. Every part is an `Arc`:
/// an update replaces only the parts it changes, so a selector can tell
/// what changed by pointer (`Arc::ptr_eq`), as in the earlier levels.
#[derive(Debug, Clone, Default)]
pub struct LiveDocument {
    /// The document, with every edit applied as it arrives.
    pub content: Arc<Document>,
    /// Each collaborator's cursor and selection, by user.
    pub presence: Arc<BTreeMap<UserId, Presence>>,
    /// Operations applied to `content` that the server has not acknowledged
    /// yet, oldest first.
    pub pending: Arc<Vec<Operation>>,
    /// Who may read what.
    pub readers: Arc<Readers>,
}

impl LiveDocument {
    /// A remote operation arrives, already transformed for this content (as
    /// `Client::receive` applies it). Returns a new state: `content` with the
    /// operation applied, and every cursor and every selection end moved
    /// with it (`transform_caret`); `pending` and `readers` stay the very same
    /// `Arc`s, and `self` is unchanged. A refused operation is an error.
    pub fn apply_remote(&self, op: &Operation) -> Result<LiveDocument, OpError> {
        todo!("apply op to a copy of the content, move every cursor and selection end, share the rest")
    }
}

/// Where `caret` is once `op` has been applied, its edits in order. A caret
/// is a position like any other, and it moves by the text rules of
/// `transform`, as a zero-width insert sequenced after `op` would:
/// - text inserted into its element before it, or exactly at it, pushes it
///   right by the inserted length (the operation came first: it wins the tie);
/// - a deletion before it pulls it left; a deletion around it (starting
///   before it and ending at or after it) leaves it where the range began;
/// - nothing else moves it: other elements' text, and element edits (a
///   deleted element keeps its text, and the caret stays in it).
pub fn transform_caret(caret: Caret, op: &Operation) -> Caret {
    todo!("walk op's text edits on the caret's element and shift the offset")
}

/// One element as the viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewElement {
    pub id: ElementId,
    /// 0 for an element of the root list, 1 for its children, and so on.
    pub depth: usize,
    pub text: String,
    pub attrs: BTreeMap<String, String>,
    /// Some pending operation has an edit whose `id` is this element.
    pub pending: bool,
}

/// Another user, where the viewer may see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collaborator {
    pub user: UserId,
    pub cursor: Caret,
    /// `None` when they select nothing, or when the viewer may not see both
    /// ends of their selection.
    pub selection: Option<Selection>,
}

/// What one viewer's screen shows of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentView {
    /// How many elements the viewer may see in the whole document: the
    /// length of the virtual list (what a scroll bar is sized by).
    pub total: usize,
    /// The window served: the one asked for, cut to `0..total` (an empty
    /// range at `total` when it starts past the end).
    pub window: Range<usize>,
    /// The elements at those positions of the viewer's document order.
    pub elements: Vec<ViewElement>,
    /// The other users whose cursor sits in an element the viewer sees,
    /// sorted by user. The viewer is never listed.
    pub collaborators: Vec<Collaborator>,
}

/// A memoized document view. Yours to design.
pub struct DocumentSelector {}

impl DocumentSelector {
    /// The document as `viewer` sees it, cut to `window`.
    ///
    /// The viewer's document order is `visible_elements`' order without the
    /// elements `readers` hides from the viewer (with their subtrees); the
    /// view holds positions `window.start..window.end` of it. With the same
    /// inputs as the last call (the same `Arc`s, viewer and window) it
    /// returns the same `Arc`; when any part it reads changed, a new one.
    ///
    /// Moving the window over an unchanged document must cost what the
    /// window holds, not what the document holds: the checks slide a window
    /// of 50 over a document of 100,000 elements.
    pub fn select(&mut self, doc: &LiveDocument, viewer: UserId, window: Range<usize>) -> Arc<DocumentView> {
        todo!("the same Arc for the same inputs; else the viewer's order (cached), sliced to the window")
    }
}

/// A new document selector with its own, empty caches: one per screen.
pub fn make_select_document_with_collaborators() -> DocumentSelector {
    todo!("a DocumentSelector with empty caches")
}

// Your own tests: `cargo test --release` in this folder runs them, and
// `workshop check` runs them too. Write at least three that pass, including
// at least one performance test whose name contains "perf" (for example,
// 100 searches in a workspace of 100,000 elements finish in well under a
// second). Start by making this one pass.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_element_can_be_inserted_and_read_back() {
        let mut doc = Document::new();
        let insert = Edit::Insert { id: ElementId::from(1u64), parent: None, index: 0, text: "42".into() };
        doc.apply(&Operation::one(insert)).unwrap();
        assert_eq!(doc.visible_elements(), vec![ElementId::from(1u64)]);
        assert_eq!(doc.element(ElementId::from(1u64)).unwrap().text, "42");
    }
}
