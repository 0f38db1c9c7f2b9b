#![forbid(unsafe_code)]
//! Deep Thought: a multi-tenant collaboration engine.
//!
//! Reference solution. The modules follow the README's steps:
//! - `doc`: one document's element tree and `apply` (step 2);
//! - `ot`: `transform` and `compose` (step 3);
//! - `sync`: the central sequencer and its clients, online and offline (steps 4-5);
//! - `store`: tenants, workspaces, documents, indexes, permissions and
//!   analytics (steps 1, 6, extensions);
//! - `plugin`: plugins that watch and veto operations (extension);
//! - `cache`: the query cache with dependency tracking (step 7);
//! - `monitor`: the performance monitor (step 8);
//! - `view`: the live document, cursors and the memoized view (step 10).

use std::hash::{BuildHasherDefault, Hasher};

mod cache;
mod doc;
mod monitor;
mod ot;
mod plugin;
mod store;
mod sync;
mod view;

pub use cache::{CacheStats, EntityRef, Query, QueryResult, StateCache};
pub use doc::{Document, Element, OpError};
pub use monitor::{
    InteractionStats, PerformanceMonitor, Regression, StateAnalysis, REGRESSION_FACTOR, REGRESSION_WINDOW,
};
pub use ot::{compose, transform, transform_caret};
pub use plugin::{Change, Plugin, PluginHost};
pub use store::{Activity, Metrics, NewElement, Role, Store, StoreError, ACTIVE_WINDOW};
pub use sync::{Broadcast, Client, Conflict, Server, Submit};
pub use view::{
    make_select_document_with_collaborators, Caret, Collaborator, DocumentSelector, DocumentView, LiveDocument,
    Presence, Readers, Selection, ViewElement,
};

// ---------------------------------------------------------------------------
// Step 1: typed ids
// ---------------------------------------------------------------------------

macro_rules! id_types {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u64);

        impl From<u64> for $name {
            fn from(raw: u64) -> Self {
                $name(raw)
            }
        }

        impl $name {
            /// The number inside, for logs and wire formats.
            pub fn get(self) -> u64 {
                self.0
            }
        }
    )*};
}

id_types!(
    /// An organisation: the unit of isolation.
    TenantId,
    /// A workspace inside a tenant.
    WorkspaceId,
    /// A document inside a workspace.
    DocumentId,
    /// An element of a document's tree.
    ElementId,
    /// A person, known to one tenant.
    UserId,
    /// One connected editor (a browser tab, an app).
    ClientId,
);

/// The largest text, attribute or payload one edit may carry, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// The most edits one operation may hold.
pub const MAX_EDITS: usize = 10_000;

/// Where an element sits: its parent's child list and an index in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// The parent first, then its parent, and so on up to a root element;
    /// empty for the document's own root list.
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

/// One change to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// A new element at `index` in `parent`'s child list (`None`: the root list).
    Insert { id: ElementId, parent: Option<ElementId>, index: usize, text: String },
    /// Hides the element and its subtree. It keeps its place (a tombstone).
    Delete { id: ElementId },
    /// Sets (`Some`) or removes (`None`) one attribute.
    SetAttr { id: ElementId, key: String, value: Option<String> },
    /// Moves the element (and its subtree) from where it is to `to`;
    /// `to.index` counts the list after the element has left it.
    Move { id: ElementId, from: Place, to: Place },
    /// Inserts text at a character position.
    InsertText { id: ElementId, pos: usize, text: String },
    /// Deletes `len` characters from a character position.
    DeleteText { id: ElementId, pos: usize, len: usize },
}

impl Edit {
    /// The elements the edit changes, or puts something into or takes
    /// something out of (`None`: the root list).
    pub(crate) fn touched(&self) -> [Option<ElementId>; 3] {
        match self {
            Edit::Insert { parent, .. } => [*parent, None, None],
            Edit::Move { id, from, to } => [Some(*id), from.parent(), to.parent()],
            Edit::Delete { id }
            | Edit::SetAttr { id, .. }
            | Edit::InsertText { id, .. }
            | Edit::DeleteText { id, .. } => [Some(*id), None, None],
        }
    }
}

/// What kind of element this is, for clients that render only some kinds
/// (the cross-platform extension): no such attribute, or "text", is text.
pub const KIND: &str = "kind";

/// A sequence of edits, applied in order and all or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Operation {
    pub edits: Vec<Edit>,
}

impl Operation {
    pub fn new(edits: Vec<Edit>) -> Operation {
        Operation { edits }
    }

    /// An operation holding one edit.
    pub fn one(edit: Edit) -> Operation {
        Operation { edits: vec![edit] }
    }

    pub fn is_noop(&self) -> bool {
        self.edits.is_empty()
    }
}

/// A fast hasher for our integer ids (SipHash guards against attackers
/// choosing keys; ours are chosen by us).
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type IdMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn e(n: u64) -> ElementId {
        ElementId::from(n)
    }

    fn store_with_doc() -> (Store, TenantId, DocumentId, UserId) {
        let (t, w, d, u) = (TenantId::from(1), WorkspaceId::from(1), DocumentId::from(1), UserId::from(1));
        let mut store = Store::new();
        store.add_tenant(t, "Magrathea").unwrap();
        store.add_user(t, u, "Slartibartfast").unwrap();
        store.add_workspace(t, w, "Planets").unwrap();
        store.add_document(t, w, d, "Earth, Mk II").unwrap();
        (store, t, d, u)
    }

    #[test]
    fn an_element_can_be_inserted_and_read_back() {
        let (mut store, t, d, u) = store_with_doc();
        let insert = Edit::Insert { id: e(1), parent: None, index: 0, text: "fjords".into() };
        store.apply(t, d, u, &Operation::one(insert)).unwrap();
        assert_eq!(store.document_elements(t, d).unwrap(), vec![e(1)]);
        assert_eq!(store.document(t, d).unwrap().element(e(1)).unwrap().text, "fjords");
    }

    #[test]
    fn another_tenant_cannot_see_the_document() {
        let (mut store, _, d, _) = store_with_doc();
        let other = TenantId::from(2);
        store.add_tenant(other, "Magrathea").unwrap();
        assert!(store.document(other, d).is_err());
        assert!(store.document_elements(other, d).is_err());
    }

    #[test]
    fn concurrent_typing_converges() {
        let mut base = Document::new();
        base.apply(&Operation::one(Edit::Insert { id: e(1), parent: None, index: 0, text: "42".into() })).unwrap();
        let a = Operation::one(Edit::InsertText { id: e(1), pos: 0, text: "answer ".into() });
        let b = Operation::one(Edit::InsertText { id: e(1), pos: 2, text: "!".into() });
        let (a2, b2) = transform(&a, &b);
        let (mut left, mut right) = (base.clone(), base);
        left.apply(&a).unwrap();
        left.apply(&b2).unwrap();
        right.apply(&b).unwrap();
        right.apply(&a2).unwrap();
        assert_eq!(left.element(e(1)).unwrap().text, "answer 42!");
        assert_eq!(right.element(e(1)).unwrap().text, "answer 42!");
    }

    #[test]
    fn analytics_count_applied_and_refused_operations() {
        let (mut store, t, d, u) = store_with_doc();
        let w = store.workspace_of(t, d).unwrap();
        let insert = Edit::Insert { id: e(1), parent: None, index: 0, text: "fjords".into() };
        store.apply(t, d, u, &Operation::one(insert.clone())).unwrap();
        store.apply(t, d, u, &Operation::one(Edit::InsertText { id: e(1), pos: 0, text: "deep ".into() })).unwrap();
        assert!(store.apply(t, d, u, &Operation::one(insert)).is_err(), "element 1 exists already");
        let metrics = store.metrics(t, w).unwrap();
        assert_eq!((metrics.operations, metrics.edits, metrics.refused, metrics.active_editors), (2, 2, 1, 1));
        assert_eq!(store.document_metrics(t, d).unwrap(), metrics);
        assert_eq!(store.operations_by(t, w, u).unwrap(), 2);
    }

    /// Counts the operations it is told about; vetoes text with "vogon" in it.
    struct VogonFilter(std::rc::Rc<std::cell::Cell<u64>>);

    impl Plugin for VogonFilter {
        fn check(&mut self, change: &Change<'_>) -> Result<(), String> {
            let vogon =
                change.op.edits.iter().any(|e| matches!(e, Edit::InsertText { text, .. } if text.contains("vogon")));
            if vogon {
                Err("no poetry".into())
            } else {
                Ok(())
            }
        }

        fn applied(&mut self, _change: &Change<'_>, _revision: u64) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[test]
    fn plugin_observes_operations_and_vetoes_poetry() {
        let (store, t, d, u) = store_with_doc();
        let seen = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut host = PluginHost::new(store);
        assert_eq!(host.add_plugin(Box::new(VogonFilter(seen.clone()))), 0);
        let insert = Edit::Insert { id: e(1), parent: None, index: 0, text: "fjords".into() };
        assert_eq!(host.apply(t, d, u, &Operation::one(insert)).unwrap(), 1);
        let poem = Operation::one(Edit::InsertText { id: e(1), pos: 0, text: "vogon ".into() });
        assert!(host.apply(t, d, u, &poem).is_err());
        assert_eq!(seen.get(), 1);
        assert_eq!(host.plugins(), vec![0]);
    }

    #[test]
    fn perf_search_stays_fast_in_a_big_workspace() {
        let (mut store, t, _, u) = store_with_doc();
        let (w, big) = (WorkspaceId::from(1), DocumentId::from(2));
        let elements = (0..100_000u64)
            .map(|i| NewElement {
                id: e(i + 1),
                parent: None,
                text: if i % 10_000 == 0 { format!("needle {i}") } else { format!("hay {i}") },
            })
            .collect();
        store.bulk_load(t, w, big, "haystack", u, elements).unwrap();
        let start = std::time::Instant::now();
        for _ in 0..100 {
            assert_eq!(store.search(t, w, "needle").unwrap().len(), 10);
        }
        // 100 searches over 100,000 elements: an index answers in well under
        // a millisecond each; a scan would take about a second in all.
        assert!(start.elapsed() < std::time::Duration::from_millis(100), "{:?}", start.elapsed());
    }
}
