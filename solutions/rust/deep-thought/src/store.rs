//! The multi-tenant store: tenants own users, workspaces and documents;
//! every read and write names its tenant first, and every table below a
//! tenant lives inside that tenant, so ids only need to be unique per tenant.

use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;

use crate::doc::Document;
use postings::{Key, Postings};

mod postings;
use crate::{DocumentId, Edit, ElementId, IdHasher, IdMap, OpError, Operation, TenantId, UserId, WorkspaceId};

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

impl From<OpError> for StoreError {
    fn from(e: OpError) -> Self {
        StoreError::Op(e)
    }
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

/// How many of the latest operations `Metrics::active_editors` looks at.
pub const ACTIVE_WINDOW: usize = 50;

/// Live collaboration metrics (the analytics extension), kept up to date as
/// operations are applied: reading them never walks the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Metrics {
    /// Operations applied (`bulk_load`: one per element, as in the feed).
    pub operations: u64,
    /// Edits those operations made.
    pub edits: u64,
    /// Operations the store refused (invalid, or forbidden).
    pub refused: u64,
    /// Distinct users among the latest `ACTIVE_WINDOW` applied operations.
    pub active_editors: usize,
}

/// The running counts behind `Metrics`, for a workspace or a document.
#[derive(Debug, Clone, Default)]
struct Tally {
    metrics: Metrics,
    /// The authors of the latest `ACTIVE_WINDOW` operations, oldest first, as
    /// runs of one author: a bulk load's hundred operations are one entry,
    /// not fifty (every document keeps a tally, so this is per-document memory).
    recent: VecDeque<(UserId, u32)>,
    /// Operations in `recent`, at most `ACTIVE_WINDOW`.
    in_recent: u32,
    /// How many of those operations each author made.
    in_window: IdMap<UserId, u32>,
}

impl Tally {
    /// `count` operations by `user`, `edits` edits in all.
    fn record(&mut self, user: UserId, count: u64, edits: u64) {
        self.metrics.operations += count;
        self.metrics.edits += edits;
        // Only the latest ACTIVE_WINDOW of them can stay in the window.
        let added = count.min(ACTIVE_WINDOW as u64) as u32;
        if added == 0 {
            return;
        }
        match self.recent.back_mut() {
            Some((last, n)) if *last == user => *n += added,
            _ => self.recent.push_back((user, added)),
        }
        *self.in_window.entry(user).or_default() += added;
        self.in_recent += added;
        // Drop the oldest operations until the window fits again.
        while self.in_recent > ACTIVE_WINDOW as u32 {
            let (old, n) = self.recent.front_mut().expect("the window holds operations");
            let dropped = (*n).min(self.in_recent - ACTIVE_WINDOW as u32);
            *n -= dropped;
            self.in_recent -= dropped;
            let old = *old;
            if *n == 0 {
                self.recent.pop_front();
            }
            if let Some(k) = self.in_window.get_mut(&old) {
                *k -= dropped;
                if *k == 0 {
                    self.in_window.remove(&old);
                }
            }
        }
        self.metrics.active_editors = self.in_window.len();
    }
}

#[derive(Debug, Clone)]
struct Tenant {
    name: String,
    users: IdMap<UserId, String>,
    workspaces: IdMap<WorkspaceId, Workspace>,
    documents: IdMap<DocumentId, DocEntry>,
}

#[derive(Debug, Clone)]
struct Workspace {
    name: String,
    documents: Vec<DocumentId>,
    words: WordIndex,
    activity: Vec<ActivityRun>,
    tally: Tally,
    operations_by: IdMap<UserId, u64>,
}

/// Changes that differ only in their revision, which counts up: a bulk
/// load of a million elements is one record of a million changes, not a
/// million records of 32 bytes.
#[derive(Debug, Clone)]
struct ActivityRun {
    document: DocumentId,
    user: UserId,
    /// The revision of the newest change in the run.
    revision: u64,
    edits: usize,
    /// How many changes, the newest at `revision`, the one before it at `revision - 1`, ...
    count: u64,
}

impl ActivityRun {
    /// The run's changes, newest first.
    fn newest_first(&self) -> impl Iterator<Item = Activity> + '_ {
        (0..self.count).map(|k| Activity {
            document: self.document,
            user: self.user,
            revision: self.revision - k,
            edits: self.edits,
        })
    }
}

#[derive(Debug, Clone)]
struct DocEntry {
    workspace: WorkspaceId,
    /// Where the document is in its workspace's list: the word index's name for it.
    at: u32,
    title: String,
    doc: Document,
    revision: u64,
    roles: IdMap<UserId, Role>,
    locks: IdMap<ElementId, UserId>,
    tally: Tally,
}

/// Every tenant's data.
#[derive(Debug, Clone, Default)]
pub struct Store {
    tenants: IdMap<TenantId, Tenant>,
}

/// The words of a text: runs of letters and digits, lower-cased.
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| {
        if w.is_ascii() {
            w.to_ascii_lowercase()
        } else {
            w.to_lowercase()
        }
    })
}

/// Adds `key` under each word of `text` (once per word).
fn index_text(words_index: &mut WordIndex, key: Key, text: &str) {
    for raw in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        // Most words are lower-case already: look them up without allocating.
        let lower =
            if raw.is_ascii() { !raw.bytes().any(|b| b.is_ascii_uppercase()) } else { raw.to_lowercase() == raw };
        let list = match words_index.get_mut(raw) {
            Some(list) if lower => list,
            _ => words_index.entry(words(raw).next().unwrap_or_default()).or_default(),
        };
        if !list.ends_with(key) {
            list.push(key);
        }
    }
}

/// Lower-case word -> the elements whose text holds it.
type WordIndex = HashMap<String, Postings, BuildHasherDefault<IdHasher>>;

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    fn tenant(&self, t: TenantId) -> Result<&Tenant, StoreError> {
        self.tenants.get(&t).ok_or(StoreError::UnknownTenant(t))
    }

    fn tenant_mut(&mut self, t: TenantId) -> Result<&mut Tenant, StoreError> {
        self.tenants.get_mut(&t).ok_or(StoreError::UnknownTenant(t))
    }

    fn entry(&self, t: TenantId, d: DocumentId) -> Result<&DocEntry, StoreError> {
        self.tenant(t)?.documents.get(&d).ok_or(StoreError::UnknownDocument(d))
    }

    fn workspace(&self, t: TenantId, w: WorkspaceId) -> Result<&Workspace, StoreError> {
        self.tenant(t)?.workspaces.get(&w).ok_or(StoreError::UnknownWorkspace(w))
    }

    pub fn add_tenant(&mut self, tenant: TenantId, name: &str) -> Result<(), StoreError> {
        if self.tenants.contains_key(&tenant) {
            return Err(StoreError::DuplicateTenant(tenant));
        }
        let t = Tenant {
            name: name.to_string(),
            users: IdMap::default(),
            workspaces: IdMap::default(),
            documents: IdMap::default(),
        };
        self.tenants.insert(tenant, t);
        Ok(())
    }

    pub fn add_user(&mut self, tenant: TenantId, user: UserId, name: &str) -> Result<(), StoreError> {
        let t = self.tenant_mut(tenant)?;
        if t.users.contains_key(&user) {
            return Err(StoreError::DuplicateUser(user));
        }
        t.users.insert(user, name.to_string());
        Ok(())
    }

    pub fn add_workspace(&mut self, tenant: TenantId, workspace: WorkspaceId, name: &str) -> Result<(), StoreError> {
        let t = self.tenant_mut(tenant)?;
        if t.workspaces.contains_key(&workspace) {
            return Err(StoreError::DuplicateWorkspace(workspace));
        }
        let ws = Workspace {
            name: name.to_string(),
            documents: Vec::new(),
            words: WordIndex::default(),
            activity: Vec::new(),
            tally: Tally::default(),
            operations_by: IdMap::default(),
        };
        t.workspaces.insert(workspace, ws);
        Ok(())
    }

    pub fn add_document(
        &mut self,
        tenant: TenantId,
        workspace: WorkspaceId,
        document: DocumentId,
        title: &str,
    ) -> Result<(), StoreError> {
        self.insert_document(tenant, workspace, document, title, Document::new())
    }

    fn insert_document(
        &mut self,
        tenant: TenantId,
        workspace: WorkspaceId,
        document: DocumentId,
        title: &str,
        doc: Document,
    ) -> Result<(), StoreError> {
        let t = self.tenant_mut(tenant)?;
        if t.documents.contains_key(&document) {
            return Err(StoreError::DuplicateDocument(document));
        }
        let ws = t.workspaces.get_mut(&workspace).ok_or(StoreError::UnknownWorkspace(workspace))?;
        let at = ws.documents.len() as u32;
        ws.documents.push(document);
        let entry = DocEntry {
            workspace,
            at,
            title: title.to_string(),
            doc,
            revision: 0,
            roles: IdMap::default(),
            locks: IdMap::default(),
            tally: Tally::default(),
        };
        t.documents.insert(document, entry);
        Ok(())
    }

    /// Creates a document holding `elements`, in order, each appended to its
    /// parent's list, as if `author` had inserted them one operation each.
    /// All or nothing.
    pub fn bulk_load(
        &mut self,
        tenant: TenantId,
        workspace: WorkspaceId,
        document: DocumentId,
        title: &str,
        author: UserId,
        elements: Vec<NewElement>,
    ) -> Result<(), StoreError> {
        let t = self.tenant(tenant)?;
        if !t.users.contains_key(&author) {
            return Err(StoreError::UnknownUser(author));
        }
        if !t.workspaces.contains_key(&workspace) {
            return Err(StoreError::UnknownWorkspace(workspace));
        }
        if t.documents.contains_key(&document) {
            return Err(StoreError::DuplicateDocument(document));
        }
        // Build the document aside, so a bad element leaves the store as it was.
        let count = elements.len();
        let doc = Document::loaded(elements)?;
        let t = self.tenants.get_mut(&tenant).expect("checked above");
        let ws = t.workspaces.get_mut(&workspace).expect("checked above");
        // A pass over the table in memory order, not a lookup per element.
        let at = ws.documents.len() as u32;
        for (slot, el) in doc.elements_by_slot() {
            index_text(&mut ws.words, postings::key(at, slot), &el.text);
        }
        if count > 0 {
            let revision = count as u64;
            ws.activity.push(ActivityRun { document, user: author, revision, edits: 1, count: revision });
        }
        ws.tally.record(author, count as u64, count as u64);
        *ws.operations_by.entry(author).or_default() += count as u64;
        self.insert_document(tenant, workspace, document, title, doc)?;
        let entry = self.tenants.get_mut(&tenant).and_then(|t| t.documents.get_mut(&document)).expect("just inserted");
        entry.revision = count as u64;
        entry.tally.record(author, count as u64, count as u64);
        Ok(())
    }

    /// Applies `op` to a document as `user`, all or nothing, and returns the
    /// document's new revision.
    pub fn apply(
        &mut self,
        tenant: TenantId,
        document: DocumentId,
        user: UserId,
        op: &Operation,
    ) -> Result<u64, StoreError> {
        let t = self.tenants.get_mut(&tenant).ok_or(StoreError::UnknownTenant(tenant))?;
        if !t.users.contains_key(&user) {
            return Err(StoreError::UnknownUser(user));
        }
        let entry = t.documents.get_mut(&document).ok_or(StoreError::UnknownDocument(document))?;
        let ws = t.workspaces.get_mut(&entry.workspace).expect("a document's workspace exists");
        if let Err(refusal) = check_permissions(entry, user, op) {
            entry.tally.metrics.refused += 1;
            ws.tally.metrics.refused += 1;
            return Err(refusal);
        }

        // The words of every element whose text may change, before and after.
        let mut touched: Vec<ElementId> = op
            .edits
            .iter()
            .filter_map(|e| match e {
                Edit::Insert { id, .. } | Edit::InsertText { id, .. } | Edit::DeleteText { id, .. } => Some(*id),
                _ => None,
            })
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let word_set = |doc: &Document, id: ElementId| -> Vec<String> {
            let mut ws: Vec<String> = doc.element(id).map(|e| words(&e.text).collect()).unwrap_or_default();
            ws.sort_unstable();
            ws.dedup();
            ws
        };
        let before: Vec<Vec<String>> = touched.iter().map(|id| word_set(&entry.doc, *id)).collect();
        if let Err(refusal) = entry.doc.apply(op) {
            entry.tally.metrics.refused += 1;
            ws.tally.metrics.refused += 1;
            return Err(refusal.into());
        }
        entry.revision += 1;
        let edits = op.edits.len() as u64;
        entry.tally.record(user, 1, edits);
        ws.tally.record(user, 1, edits);
        *ws.operations_by.entry(user).or_default() += 1;

        // Only the words an element gained or lost touch the index; losing a
        // word costs a pass over that word's list.
        for (id, old) in touched.iter().zip(before) {
            let Some(slot) = entry.doc.slot_of(*id) else { continue };
            let key = postings::key(entry.at, slot);
            let new = word_set(&entry.doc, *id);
            for gone in old.iter().filter(|w| new.binary_search(w).is_err()) {
                if let Some(list) = ws.words.get_mut(gone) {
                    list.remove(key);
                }
            }
            for added in new.into_iter().filter(|w| old.binary_search(w).is_err()) {
                ws.words.entry(added).or_default().push(key);
            }
        }
        ws.activity.push(ActivityRun { document, user, revision: entry.revision, edits: op.edits.len(), count: 1 });
        Ok(entry.revision)
    }

    pub fn document(&self, tenant: TenantId, document: DocumentId) -> Result<&Document, StoreError> {
        Ok(&self.entry(tenant, document)?.doc)
    }

    pub fn workspace_of(&self, tenant: TenantId, document: DocumentId) -> Result<WorkspaceId, StoreError> {
        Ok(self.entry(tenant, document)?.workspace)
    }

    /// The workspace's documents, in the order they were added.
    pub fn documents(&self, tenant: TenantId, workspace: WorkspaceId) -> Result<Vec<DocumentId>, StoreError> {
        Ok(self.workspace(tenant, workspace)?.documents.clone())
    }

    /// A document's visible elements, in document order.
    pub fn document_elements(&self, tenant: TenantId, document: DocumentId) -> Result<Vec<ElementId>, StoreError> {
        Ok(self.entry(tenant, document)?.doc.visible_elements())
    }

    /// An element and its visible descendants, in document order.
    pub fn subtree(
        &self,
        tenant: TenantId,
        document: DocumentId,
        element: ElementId,
    ) -> Result<Vec<ElementId>, StoreError> {
        let doc = &self.entry(tenant, document)?.doc;
        if doc.element(element).is_none() {
            return Err(StoreError::UnknownElement(element));
        }
        Ok(doc.subtree(element))
    }

    /// The visible elements of the workspace whose text holds `word`
    /// (whole words, any case), sorted by document and element id.
    pub fn search(
        &self,
        tenant: TenantId,
        workspace: WorkspaceId,
        word: &str,
    ) -> Result<Vec<(DocumentId, ElementId)>, StoreError> {
        let t = self.tenant(tenant)?;
        let ws = t.workspaces.get(&workspace).ok_or(StoreError::UnknownWorkspace(workspace))?;
        let Some(word) = words(word).next() else { return Ok(Vec::new()) };
        let mut out = hits(t, ws, &word);
        out.sort_unstable();
        Ok(out)
    }

    /// The workspace's latest `limit` changes, newest first.
    pub fn activity(
        &self,
        tenant: TenantId,
        workspace: WorkspaceId,
        limit: usize,
    ) -> Result<Vec<Activity>, StoreError> {
        let mut out = Vec::new();
        // Run by run, newest first: a feed of a few entries reads one run.
        for run in self.workspace(tenant, workspace)?.activity.iter().rev() {
            if out.len() == limit {
                break;
            }
            out.extend(run.newest_first().take(limit - out.len()));
        }
        Ok(out)
    }

    // -- Extension: real-time analytics --------------------------------------

    /// The workspace's live metrics.
    pub fn metrics(&self, tenant: TenantId, workspace: WorkspaceId) -> Result<Metrics, StoreError> {
        Ok(self.workspace(tenant, workspace)?.tally.metrics)
    }

    /// One document's live metrics.
    pub fn document_metrics(&self, tenant: TenantId, document: DocumentId) -> Result<Metrics, StoreError> {
        Ok(self.entry(tenant, document)?.tally.metrics)
    }

    /// How many operations `user` has applied in the workspace.
    pub fn operations_by(&self, tenant: TenantId, workspace: WorkspaceId, user: UserId) -> Result<u64, StoreError> {
        let t = self.tenant(tenant)?;
        if !t.users.contains_key(&user) {
            return Err(StoreError::UnknownUser(user));
        }
        let ws = t.workspaces.get(&workspace).ok_or(StoreError::UnknownWorkspace(workspace))?;
        Ok(ws.operations_by.get(&user).copied().unwrap_or(0))
    }

    // -- Extension: permissions ----------------------------------------------

    /// Gives `user` a role in a document. Once a document has a role, users
    /// without one may not change it.
    pub fn set_role(
        &mut self,
        tenant: TenantId,
        document: DocumentId,
        user: UserId,
        role: Role,
    ) -> Result<(), StoreError> {
        let t = self.tenant_mut(tenant)?;
        if !t.users.contains_key(&user) {
            return Err(StoreError::UnknownUser(user));
        }
        let entry = t.documents.get_mut(&document).ok_or(StoreError::UnknownDocument(document))?;
        entry.roles.insert(user, role);
        Ok(())
    }

    /// Locks an element and its subtree: only `owner` may change them.
    pub fn lock_element(
        &mut self,
        tenant: TenantId,
        document: DocumentId,
        element: ElementId,
        owner: UserId,
    ) -> Result<(), StoreError> {
        let t = self.tenant_mut(tenant)?;
        if !t.users.contains_key(&owner) {
            return Err(StoreError::UnknownUser(owner));
        }
        let entry = t.documents.get_mut(&document).ok_or(StoreError::UnknownDocument(document))?;
        if entry.doc.element(element).is_none() {
            return Err(StoreError::UnknownElement(element));
        }
        entry.locks.insert(element, owner);
        Ok(())
    }

    // -- For the monitor -----------------------------------------------------

    pub(crate) fn census(&self) -> crate::StateAnalysis {
        let mut a = crate::StateAnalysis::default();
        let mut bytes = self.tenants.capacity() * (std::mem::size_of::<(TenantId, Tenant)>() + 1);
        for t in self.tenants.values() {
            a.tenants += 1;
            a.users += t.users.len();
            a.workspaces += t.workspaces.len();
            a.documents += t.documents.len();
            bytes += t.name.capacity() + t.users.capacity() * 48;
            for ws in t.workspaces.values() {
                a.activities += ws.activity.iter().map(|run| run.count as usize).sum::<usize>();
                bytes += ws.name.capacity() + ws.activity.capacity() * std::mem::size_of::<ActivityRun>();
                for (word, list) in &ws.words {
                    bytes += 72 + word.capacity() + list.heap_bytes();
                }
            }
            for entry in t.documents.values() {
                a.elements += entry.doc.len();
                bytes += entry.title.capacity() + entry.doc.approx_bytes() + std::mem::size_of::<DocEntry>();
            }
        }
        // Each element hangs from its parent or its document, each document
        // from its workspace, each workspace from its tenant.
        a.relationships = a.elements + a.documents + a.workspaces;
        a.approx_bytes = bytes;
        a
    }
}

/// The visible elements of `ws` whose text holds `word` (lower-cased), in
/// the index's order.
fn hits(t: &Tenant, ws: &Workspace, word: &str) -> Vec<(DocumentId, ElementId)> {
    let Some(list) = ws.words.get(word) else { return Vec::new() };
    let mut out = Vec::new();
    // Keys come grouped by document: look each document up once.
    let mut last: Option<(u32, DocumentId, &Document)> = None;
    for (at, slot) in list.iter().map(postings::split) {
        let (d, doc) = match last {
            Some((seen, d, doc)) if seen == at => (d, doc),
            _ => {
                let d = ws.documents[at as usize];
                let doc = &t.documents[&d].doc;
                last = Some((at, d, doc));
                (d, doc)
            }
        };
        out.extend(doc.visible_at(slot).map(|e| (d, e)));
    }
    out
}

fn check_permissions(entry: &DocEntry, user: UserId, op: &Operation) -> Result<(), StoreError> {
    if !entry.roles.is_empty() {
        let role = entry.roles.get(&user).ok_or_else(|| StoreError::Forbidden("no role in this document".into()))?;
        for edit in &op.edits {
            let allowed = match role {
                Role::Viewer => false,
                Role::Editor => !matches!(edit, Edit::Delete { .. } | Edit::Move { .. }),
                Role::Owner => true,
            };
            if !allowed {
                return Err(StoreError::Forbidden(format!("a {role:?} may not make this edit: {edit:?}")));
            }
        }
    }
    if !entry.locks.is_empty() {
        for edit in &op.edits {
            for el in edit.touched().into_iter().flatten() {
                if lock_owner(entry, el).is_some_and(|owner| owner != user) {
                    return Err(StoreError::Forbidden(format!("element {el:?} is locked")));
                }
            }
        }
    }
    Ok(())
}

/// The owner of the nearest lock on the element or an ancestor.
fn lock_owner(entry: &DocEntry, element: ElementId) -> Option<UserId> {
    let mut at = Some(element);
    while let Some(id) = at {
        if let Some(owner) = entry.locks.get(&id) {
            return Some(*owner);
        }
        at = entry.doc.element(id).and_then(|e| e.parent);
    }
    None
}
