//! The seed's "Advanced Selector Architecture" (step 10): one open document
//! as a client holds it, collaborators' cursors that follow every edit, and
//! a memoized, permission-filtered, windowed view of it per viewer.
//!
//! The state is a set of `Arc`s, as in the earlier levels: an update replaces
//! only the parts it changes, so the selector tells what changed by pointer.
//! The selector keeps two caches, each keyed by exactly what it reads:
//! - the viewer's document order (content, readers, viewer): a walk of the
//!   whole tree, redone only when one of those changes;
//! - the last view (everything, window included).
//!
//! The rest is built again on each miss, because it costs what the window,
//! the pending operations and the presence hold, never what the document does.
//!
//! Moving the window therefore costs what the window holds, not what the
//! document holds: that is the seed's "virtual rendering".

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::sync::Arc;

use crate::doc::{Document, OpError};
use crate::ot::transform_caret;
use crate::{ElementId, Operation, UserId};

/// A position in an element's text, counted in characters like every text
/// position: `offset` characters come before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Caret {
    pub element: ElementId,
    pub offset: usize,
}

/// A selected range: from `anchor` (where it started) to `head` (where the
/// cursor is now). Either may come first in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Selection {
    pub anchor: Caret,
    pub head: Caret,
}

/// Where one collaborator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Presence {
    pub cursor: Caret,
    pub selection: Option<Selection>,
}

/// Element id -> the only users who may read it. Everyone else sees neither
/// the element nor anything under it.
pub type Readers = BTreeMap<ElementId, BTreeSet<UserId>>;

/// One open document, as a client holds it.
#[derive(Debug, Clone, Default)]
pub struct LiveDocument {
    /// The document with every edit applied as it arrives.
    pub content: Arc<Document>,
    /// Each collaborator's cursor and selection.
    pub presence: Arc<BTreeMap<UserId, Presence>>,
    /// Operations applied to `content` that the server has not acknowledged.
    pub pending: Arc<Vec<Operation>>,
    /// Element-level read permissions.
    pub readers: Arc<Readers>,
}

impl LiveDocument {
    /// A remote operation arrives (already transformed for this content, as
    /// `Client::receive` applies it): a new state whose content has it applied
    /// and whose cursors and selections all follow it. `pending` and `readers`
    /// stay the very same `Arc`s. A refused operation is an error, and
    /// nothing changes.
    pub fn apply_remote(&self, op: &Operation) -> Result<LiveDocument, OpError> {
        let mut content = Document::clone(&self.content);
        content.apply(op)?;
        let presence = self
            .presence
            .iter()
            .map(|(user, p)| {
                let moved = Presence {
                    cursor: transform_caret(p.cursor, op),
                    selection: p.selection.map(|s| Selection {
                        anchor: transform_caret(s.anchor, op),
                        head: transform_caret(s.head, op),
                    }),
                };
                (*user, moved)
            })
            .collect();
        Ok(LiveDocument {
            content: Arc::new(content),
            presence: Arc::new(presence),
            pending: Arc::clone(&self.pending),
            readers: Arc::clone(&self.readers),
        })
    }
}

/// One element as the viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewElement {
    pub id: ElementId,
    /// 0 for an element of the root list, 1 for its children, and so on.
    pub depth: usize,
    pub text: String,
    pub attrs: BTreeMap<String, String>,
    /// Some unacknowledged operation names this element.
    pub pending: bool,
}

/// Another user in the document, where the viewer may see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collaborator {
    pub user: UserId,
    pub cursor: Caret,
    pub selection: Option<Selection>,
}

/// What one viewer's screen shows of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentView {
    /// How many elements the viewer may see in the whole document.
    pub total: usize,
    /// The window served: the one asked for, cut to `0..total`.
    pub window: Range<usize>,
    /// The elements of the window, in document order.
    pub elements: Vec<ViewElement>,
    /// The other users whose cursor the viewer may see, sorted by user.
    pub collaborators: Vec<Collaborator>,
}

/// The viewer's document order: (element, depth) for every element they may see.
type Order = Arc<Vec<(ElementId, usize)>>;

struct OrderKey {
    content: Arc<Document>,
    readers: Arc<Readers>,
    viewer: UserId,
}

struct ViewKey {
    content: Arc<Document>,
    presence: Arc<BTreeMap<UserId, Presence>>,
    pending: Arc<Vec<Operation>>,
    readers: Arc<Readers>,
    viewer: UserId,
    window: Range<usize>,
}

impl ViewKey {
    fn of(doc: &LiveDocument, viewer: UserId, window: &Range<usize>) -> ViewKey {
        ViewKey {
            content: Arc::clone(&doc.content),
            presence: Arc::clone(&doc.presence),
            pending: Arc::clone(&doc.pending),
            readers: Arc::clone(&doc.readers),
            viewer,
            window: window.clone(),
        }
    }

    fn same(&self, doc: &LiveDocument, viewer: UserId, window: &Range<usize>) -> bool {
        Arc::ptr_eq(&self.content, &doc.content)
            && Arc::ptr_eq(&self.presence, &doc.presence)
            && Arc::ptr_eq(&self.pending, &doc.pending)
            && Arc::ptr_eq(&self.readers, &doc.readers)
            && self.viewer == viewer
            && self.window == *window
    }
}

/// A memoized document view, with its own caches: one per viewer's screen.
#[derive(Default)]
pub struct DocumentSelector {
    order: Option<(OrderKey, Order)>,
    last: Option<(ViewKey, Arc<DocumentView>)>,
}

impl DocumentSelector {
    /// The document as `viewer` sees it, cut to `window`. With the same
    /// inputs as the last call (the same `Arc`s, viewer and window), returns
    /// the same `Arc`.
    pub fn select(&mut self, doc: &LiveDocument, viewer: UserId, window: Range<usize>) -> Arc<DocumentView> {
        if let Some((key, view)) = &self.last {
            if key.same(doc, viewer, &window) {
                return Arc::clone(view);
            }
        }
        let order = self.order(doc, viewer);
        let pending: HashSet<ElementId> = doc.pending.iter().flat_map(|op| &op.edits).map(edited_element).collect();
        let total = order.len();
        let start = window.start.min(total);
        let end = window.end.clamp(start, total);
        let elements = order[start..end]
            .iter()
            .filter_map(|&(id, depth)| {
                let el = doc.content.element(id)?;
                Some(ViewElement {
                    id,
                    depth,
                    text: el.text.clone(),
                    attrs: el.attrs.clone(),
                    pending: pending.contains(&id),
                })
            })
            .collect();
        let sees = |caret: &Caret| can_see(&doc.content, &doc.readers, viewer, caret.element);
        let collaborators = doc
            .presence
            .iter()
            .filter(|(user, p)| **user != viewer && sees(&p.cursor))
            .map(|(user, p)| Collaborator {
                user: *user,
                cursor: p.cursor,
                selection: p.selection.filter(|s| sees(&s.anchor) && sees(&s.head)),
            })
            .collect();
        let view = Arc::new(DocumentView { total, window: start..end, elements, collaborators });
        self.last = Some((ViewKey::of(doc, viewer, &window), Arc::clone(&view)));
        view
    }

    /// The viewer's document order, walked again only when the content, the
    /// readers or the viewer changed.
    fn order(&mut self, doc: &LiveDocument, viewer: UserId) -> Order {
        if let Some((key, order)) = &self.order {
            if Arc::ptr_eq(&key.content, &doc.content)
                && Arc::ptr_eq(&key.readers, &doc.readers)
                && key.viewer == viewer
            {
                return Arc::clone(order);
            }
        }
        let order = Arc::new(walk(&doc.content, &doc.readers, viewer));
        let key = OrderKey { content: Arc::clone(&doc.content), readers: Arc::clone(&doc.readers), viewer };
        self.order = Some((key, Arc::clone(&order)));
        order
    }
}

/// A new document selector with its own, empty caches.
pub fn make_select_document_with_collaborators() -> DocumentSelector {
    DocumentSelector::default()
}

fn edited_element(edit: &crate::Edit) -> ElementId {
    use crate::Edit::*;
    match edit {
        Insert { id, .. }
        | Delete { id }
        | SetAttr { id, .. }
        | Move { id, .. }
        | InsertText { id, .. }
        | DeleteText { id, .. } => *id,
    }
}

/// May `viewer` read `element` itself (its ancestors aside)? Not when it
/// is restricted to other readers.
fn readable(readers: &Readers, viewer: UserId, element: ElementId) -> bool {
    readers.get(&element).is_none_or(|allowed| allowed.contains(&viewer))
}

/// Does `element` appear in the viewer's document? A walk up its ancestors.
fn can_see(doc: &Document, readers: &Readers, viewer: UserId, element: ElementId) -> bool {
    let mut at = Some(element);
    while let Some(id) = at {
        let Some(el) = doc.element(id) else { return false };
        if el.deleted || !readable(readers, viewer, id) {
            return false;
        }
        at = el.parent;
    }
    true
}

/// The elements `viewer` may see, in document order, with their depth: a
/// depth-first walk with a stack of our own that skips deleted and
/// unreadable subtrees.
fn walk(doc: &Document, readers: &Readers, viewer: UserId) -> Vec<(ElementId, usize)> {
    let mut out = Vec::new();
    let mut stack: Vec<(ElementId, usize)> = doc.children(None).iter().rev().map(|id| (*id, 0)).collect();
    while let Some((id, depth)) = stack.pop() {
        let Some(el) = doc.element(id) else { continue };
        if el.deleted || !readable(readers, viewer, id) {
            continue;
        }
        out.push((id, depth));
        stack.extend(doc.children(Some(id)).iter().rev().map(|child| (*child, depth + 1)));
    }
    out
}
