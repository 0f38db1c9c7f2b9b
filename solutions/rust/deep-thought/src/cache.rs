//! A query cache with dependency tracking.
//!
//! Each cached result records the keys it depends on; `invalidate` turns
//! changed entities into keys and drops exactly the results filed under
//! them. Use counts outlive invalidation, so `warm_cache` knows what is
//! popular, and results not read for a while are packed into bytes.

use std::collections::{HashMap, HashSet};

use crate::{Activity, DocumentId, ElementId, Store, StoreError, TenantId, UserId, WorkspaceId};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// A document's element list.
    Doc(TenantId, DocumentId),
    /// Every subtree in a document (structure changed).
    Subtrees(TenantId, DocumentId),
    /// One element, for the subtrees holding it.
    Element(TenantId, DocumentId, ElementId),
    /// The text and activity of a workspace.
    Content(TenantId, WorkspaceId),
    /// Everything about a workspace.
    All(TenantId, WorkspaceId),
}

#[derive(Debug, Clone)]
enum Stored {
    Plain(QueryResult),
    Packed(Vec<u8>),
}

#[derive(Debug, Clone)]
struct Entry {
    value: Stored,
    keys: Vec<Key>,
    /// Read (or cached) since the last `compress_cache`.
    active: bool,
}

#[derive(Debug, Clone, Default)]
pub struct StateCache {
    entries: HashMap<Query, Entry>,
    by_key: HashMap<Key, HashSet<Query>>,
    uses: HashMap<Query, u64>,
    hits: u64,
    misses: u64,
}

fn run(store: &Store, query: &Query) -> Result<QueryResult, StoreError> {
    Ok(match query {
        Query::DocumentElements(t, d) => QueryResult::Elements(store.document_elements(*t, *d)?),
        Query::Subtree(t, d, e) => QueryResult::Elements(store.subtree(*t, *d, *e)?),
        Query::Search(t, w, word) => QueryResult::Hits(store.search(*t, *w, word)?),
        Query::Activity(t, w, n) => QueryResult::Activity(store.activity(*t, *w, *n)?),
    })
}

fn workspace_of(store: &Store, query: &Query) -> Result<(TenantId, WorkspaceId), StoreError> {
    match query {
        Query::DocumentElements(t, d) | Query::Subtree(t, d, _) => Ok((*t, store.workspace_of(*t, *d)?)),
        Query::Search(t, w, _) | Query::Activity(t, w, _) => Ok((*t, *w)),
    }
}

fn keys_of(query: &Query, ws: (TenantId, WorkspaceId), result: &QueryResult) -> Vec<Key> {
    let mut keys = vec![Key::All(ws.0, ws.1)];
    match (query, result) {
        (Query::DocumentElements(t, d), _) => keys.push(Key::Doc(*t, *d)),
        (Query::Subtree(t, d, root), QueryResult::Elements(ids)) => {
            keys.push(Key::Subtrees(*t, *d));
            keys.push(Key::Element(*t, *d, *root));
            keys.extend(ids.iter().map(|e| Key::Element(*t, *d, *e)));
        }
        (Query::Search(t, w, _), _) | (Query::Activity(t, w, _), _) => keys.push(Key::Content(*t, *w)),
        _ => {}
    }
    keys
}

impl StateCache {
    pub fn new() -> StateCache {
        StateCache::default()
    }

    /// The cached result, or runs the query and caches it.
    pub fn get(&mut self, store: &Store, query: &Query) -> Result<QueryResult, StoreError> {
        *self.uses.entry(query.clone()).or_insert(0) += 1;
        if let Some(entry) = self.entries.get_mut(query) {
            self.hits += 1;
            entry.active = true;
            return Ok(match &entry.value {
                Stored::Plain(r) => r.clone(),
                Stored::Packed(bytes) => unpack(bytes),
            });
        }
        self.misses += 1;
        let result = self.load(store, query)?;
        Ok(result)
    }

    fn load(&mut self, store: &Store, query: &Query) -> Result<QueryResult, StoreError> {
        let ws = workspace_of(store, query)?;
        let result = run(store, query)?;
        let keys = keys_of(query, ws, &result);
        for key in &keys {
            self.by_key.entry(*key).or_default().insert(query.clone());
        }
        let entry = Entry { value: Stored::Plain(result.clone()), keys, active: true };
        self.entries.insert(query.clone(), entry);
        Ok(result)
    }

    fn drop_key(&mut self, key: Key) {
        let Some(queries) = self.by_key.remove(&key) else { return };
        for query in queries {
            if let Some(entry) = self.entries.remove(&query) {
                for other in entry.keys.iter().filter(|k| **k != key) {
                    if let Some(set) = self.by_key.get_mut(other) {
                        set.remove(&query);
                    }
                }
            }
        }
    }

    /// Drops exactly the results that depend on what changed. When an
    /// element's children change, the element itself counts as changed.
    pub fn invalidate(&mut self, changed: &[EntityRef]) {
        for change in changed {
            match *change {
                EntityRef::Workspace(t, w) => self.drop_key(Key::All(t, w)),
                EntityRef::Document(t, w, d) => {
                    self.drop_key(Key::Doc(t, d));
                    self.drop_key(Key::Subtrees(t, d));
                    self.drop_key(Key::Content(t, w));
                }
                EntityRef::Element(t, w, d, e) => {
                    self.drop_key(Key::Doc(t, d));
                    self.drop_key(Key::Element(t, d, e));
                    self.drop_key(Key::Content(t, w));
                }
            }
        }
    }

    /// Pre-loads the workspace's popular queries (asked at least twice) that
    /// are not cached now. Returns how many it loaded.
    pub fn warm_cache(&mut self, store: &Store, tenant: TenantId, workspace: WorkspaceId) -> Result<usize, StoreError> {
        store.documents(tenant, workspace)?;
        let popular: Vec<Query> = self
            .uses
            .iter()
            .filter(|(q, n)| **n >= 2 && !self.entries.contains_key(*q))
            .filter(|(q, _)| workspace_of(store, q).is_ok_and(|ws| ws == (tenant, workspace)))
            .map(|(q, _)| q.clone())
            .collect();
        let mut loaded = 0;
        for query in popular {
            if self.load(store, &query).is_ok() {
                loaded += 1;
            }
        }
        Ok(loaded)
    }

    /// Packs every result not read since the previous call into a compact
    /// byte form (still readable, a little slower). Returns how many.
    pub fn compress_cache(&mut self) -> usize {
        let mut packed = 0;
        for entry in self.entries.values_mut() {
            if let (false, Stored::Plain(result)) = (entry.active, &entry.value) {
                entry.value = Stored::Packed(pack(result));
                packed += 1;
            }
            entry.active = false;
        }
        packed
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats { hits: self.hits, misses: self.misses, entries: self.entries.len() }
    }
}

// -- Packing: varints, ids as zig-zag deltas (neighbours are usually close) --

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut n = 0u64;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    n
}

fn put_delta(out: &mut Vec<u8>, prev: &mut u64, n: u64) {
    let d = n.wrapping_sub(*prev) as i64;
    put_varint(out, ((d << 1) ^ (d >> 63)) as u64);
    *prev = n;
}

fn get_delta(bytes: &[u8], at: &mut usize, prev: &mut u64) -> u64 {
    let z = get_varint(bytes, at);
    let d = ((z >> 1) as i64) ^ -((z & 1) as i64);
    *prev = prev.wrapping_add(d as u64);
    *prev
}

fn pack(result: &QueryResult) -> Vec<u8> {
    let mut out = Vec::new();
    match result {
        QueryResult::Elements(ids) => {
            out.push(0);
            put_varint(&mut out, ids.len() as u64);
            let mut prev = 0;
            for id in ids {
                put_delta(&mut out, &mut prev, id.get());
            }
        }
        QueryResult::Hits(hits) => {
            out.push(1);
            put_varint(&mut out, hits.len() as u64);
            let (mut pd, mut pe) = (0, 0);
            for (d, e) in hits {
                put_delta(&mut out, &mut pd, d.get());
                put_delta(&mut out, &mut pe, e.get());
            }
        }
        QueryResult::Activity(items) => {
            out.push(2);
            put_varint(&mut out, items.len() as u64);
            let (mut pd, mut pu, mut pr) = (0, 0, 0);
            for a in items {
                put_delta(&mut out, &mut pd, a.document.get());
                put_delta(&mut out, &mut pu, a.user.get());
                put_delta(&mut out, &mut pr, a.revision);
                put_varint(&mut out, a.edits as u64);
            }
        }
    }
    out.shrink_to_fit();
    out
}

fn unpack(bytes: &[u8]) -> QueryResult {
    let mut at = 1;
    let n = get_varint(bytes, &mut at) as usize;
    match bytes.first() {
        Some(0) => {
            let mut prev = 0;
            QueryResult::Elements((0..n).map(|_| ElementId::from(get_delta(bytes, &mut at, &mut prev))).collect())
        }
        Some(1) => {
            let (mut pd, mut pe) = (0, 0);
            QueryResult::Hits(
                (0..n)
                    .map(|_| {
                        let d = DocumentId::from(get_delta(bytes, &mut at, &mut pd));
                        (d, ElementId::from(get_delta(bytes, &mut at, &mut pe)))
                    })
                    .collect(),
            )
        }
        _ => {
            let (mut pd, mut pu, mut pr) = (0, 0, 0);
            QueryResult::Activity(
                (0..n)
                    .map(|_| Activity {
                        document: DocumentId::from(get_delta(bytes, &mut at, &mut pd)),
                        user: UserId::from(get_delta(bytes, &mut at, &mut pu)),
                        revision: get_delta(bytes, &mut at, &mut pr),
                        edits: get_varint(bytes, &mut at) as usize,
                    })
                    .collect(),
            )
        }
    }
}
