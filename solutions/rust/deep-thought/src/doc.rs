//! One document: an element tree with tombstones, and `apply`.

use std::collections::BTreeMap;

use crate::{Edit, ElementId, NewElement, Operation, Place, MAX_EDITS, MAX_PAYLOAD_BYTES};

/// One element of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub id: ElementId,
    /// `None` for an element in the document's root list.
    pub parent: Option<ElementId>,
    pub text: String,
    pub attrs: BTreeMap<String, String>,
    /// A deleted element is a tombstone: hidden, with its subtree, but it
    /// keeps its id and its place, so positions never shift under a delete.
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

#[derive(Debug, Clone)]
struct Node {
    element: Element,
    /// A boxed slice, not a `Vec`: no spare room and no capacity field (16
    /// bytes, not 24). Child lists are read far more often than changed.
    children: Box<[ElementId]>,
}

/// The nodes in a dense vector, found through a compact id -> slot index: a
/// million elements load with sequential writes, and a pass over all of
/// them reads memory in order. A node keeps its slot for good (a delete
/// leaves a tombstone), so the word index can name elements by slot.
#[derive(Debug, Clone, Default)]
struct Nodes {
    index: SlotIndex,
    list: Vec<Node>,
}

impl Nodes {
    fn slot(&self, id: &ElementId) -> Option<u32> {
        self.index.get(*id, &self.list)
    }
    fn get(&self, id: &ElementId) -> Option<&Node> {
        self.slot(id).map(|s| &self.list[s as usize])
    }
    fn get_mut(&mut self, id: &ElementId) -> Option<&mut Node> {
        self.slot(id).map(|s| &mut self.list[s as usize])
    }
    fn contains_key(&self, id: &ElementId) -> bool {
        self.slot(id).is_some()
    }
    fn insert(&mut self, id: ElementId, node: Node) {
        self.index.insert(id, self.list.len() as u32, &self.list);
        self.list.push(node);
    }
    /// Takes back an inserted element. Only an undone insert removes one,
    /// and undo runs newest first, so it is always the last node: popping
    /// it leaves every other node in its slot.
    fn remove_newest(&mut self, id: &ElementId) {
        if self.list.last().is_some_and(|n| n.element.id == *id) {
            self.index.forget_newest(*id, &self.list);
            self.list.pop();
        }
    }
    fn len(&self) -> usize {
        self.list.len()
    }
    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    fn values(&self) -> std::slice::Iter<'_, Node> {
        self.list.iter()
    }
    fn reserve(&mut self, n: usize) {
        self.list.reserve(n);
        self.index.reserve(self.list.len() + n, &self.list);
    }
    fn approx_bytes(&self) -> usize {
        self.index.buckets.capacity() * 4 + self.list.capacity() * std::mem::size_of::<Node>()
    }
}

/// A free bucket of a `SlotIndex`.
const EMPTY: u32 = u32::MAX;

/// Element id -> slot, as a hash table of bare slots: 4 bytes a bucket,
/// where a `HashMap<ElementId, u32>` takes 17. The id a bucket stands for
/// is read from the node its slot points at. Open addressing with linear
/// probing: an id lives in its home bucket or in the first free one after.
#[derive(Debug, Clone, Default)]
struct SlotIndex {
    /// Empty, or a power of two long and at most half full, so that a
    /// search rarely walks past more than a bucket or two.
    buckets: Vec<u32>,
}

impl SlotIndex {
    /// Where the search for `id` starts. Multiplying by 2^64 / phi and
    /// keeping the top bits (Fibonacci hashing) spreads consecutive ids
    /// over the whole table.
    fn home(&self, id: ElementId) -> usize {
        let bits = self.buckets.len().trailing_zeros();
        (id.get().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// `Ok(bucket holding id)`, or `Err(the free bucket where it would go)`.
    fn probe(&self, id: ElementId, list: &[Node]) -> Result<usize, usize> {
        let mask = self.buckets.len() - 1;
        let mut at = self.home(id);
        loop {
            match self.buckets[at] {
                EMPTY => return Err(at),
                slot if list[slot as usize].element.id == id => return Ok(at),
                _ => at = (at + 1) & mask,
            }
        }
    }

    fn get(&self, id: ElementId, list: &[Node]) -> Option<u32> {
        if self.buckets.is_empty() {
            return None;
        }
        self.probe(id, list).ok().map(|at| self.buckets[at])
    }

    /// Records the slot of a new id (`list` holds the nodes before it).
    fn insert(&mut self, id: ElementId, slot: u32, list: &[Node]) {
        self.reserve(list.len() + 1, list);
        if let Err(free) = self.probe(id, list) {
            self.buckets[free] = slot;
        }
    }

    /// Room for `n` ids at most half full; growing re-files every node.
    fn reserve(&mut self, n: usize, list: &[Node]) {
        if n * 2 <= self.buckets.len() {
            return;
        }
        self.buckets = vec![EMPTY; (n * 2).next_power_of_two().max(8)];
        for (slot, node) in list.iter().enumerate() {
            if let Err(free) = self.probe(node.element.id, list) {
                self.buckets[free] = slot as u32;
            }
        }
    }

    /// Forgets the id filed last. Each id filed before it found its bucket
    /// while this one was still free, so no search for them passes through
    /// it: freeing it hides nothing. (Freeing another bucket could, which
    /// is why a general-purpose remove has to move entries back.)
    fn forget_newest(&mut self, id: ElementId, list: &[Node]) {
        if let Ok(at) = self.probe(id, list) {
            self.buckets[at] = EMPTY;
        }
    }
}

/// One document's element tree.
#[derive(Debug, Clone, Default)]
pub struct Document {
    nodes: Nodes,
    roots: Vec<ElementId>,
}

/// How to take one applied edit back, for all-or-nothing operations.
enum Undo {
    Insert { id: ElementId, parent: Option<ElementId>, index: usize },
    Delete { id: ElementId, was: bool },
    SetAttr { id: ElementId, key: String, old: Option<String> },
    Move { id: ElementId, from: (Option<ElementId>, usize), to: (Option<ElementId>, usize) },
    InsertText { id: ElementId, pos: usize, chars: usize },
    DeleteText { id: ElementId, pos: usize, removed: String },
}

/// Byte offset of character `pos` in `s`, if `pos <= char count`.
pub(crate) fn byte_at(s: &str, pos: usize) -> Option<usize> {
    if s.is_ascii() {
        return (pos <= s.len()).then_some(pos);
    }
    if pos == 0 {
        return Some(0);
    }
    let mut chars = 0;
    for (at, _) in s.char_indices() {
        if chars == pos {
            return Some(at);
        }
        chars += 1;
    }
    (chars == pos).then_some(s.len())
}

pub(crate) fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

impl Document {
    pub fn new() -> Document {
        Document::default()
    }

    pub fn element(&self, id: ElementId) -> Option<&Element> {
        self.nodes.get(&id).map(|n| &n.element)
    }

    /// The child list of `parent` (`None`: the root list), tombstones included.
    pub fn children(&self, parent: Option<ElementId>) -> &[ElementId] {
        match parent {
            None => &self.roots,
            Some(p) => self.nodes.get(&p).map_or(&[], |n| &n.children),
        }
    }

    /// Every element, deleted ones included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The visible elements in document order (depth first, parents before
    /// children); a deleted element hides its whole subtree.
    pub fn visible_elements(&self) -> Vec<ElementId> {
        let mut out = Vec::new();
        self.walk_visible(&self.roots, &mut out);
        out
    }

    /// The element and its visible descendants in document order; empty if
    /// the element is unknown or hidden.
    pub fn subtree(&self, id: ElementId) -> Vec<ElementId> {
        let mut out = Vec::new();
        if self.is_visible(id) {
            self.walk_visible(std::slice::from_ref(&id), &mut out);
        }
        out
    }

    fn walk_visible(&self, start: &[ElementId], out: &mut Vec<ElementId>) {
        // An explicit stack: a deep tree must not overflow the call stack.
        let mut stack: Vec<ElementId> = start.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            let Some(node) = self.nodes.get(&id) else { continue };
            if node.element.deleted {
                continue;
            }
            out.push(id);
            stack.extend(node.children.iter().rev());
        }
    }

    /// Known, and neither it nor an ancestor is deleted.
    pub fn is_visible(&self, id: ElementId) -> bool {
        let mut at = Some(id);
        while let Some(id) = at {
            match self.nodes.get(&id) {
                Some(n) if !n.element.deleted => at = n.element.parent,
                _ => return false,
            }
        }
        true
    }

    /// The parent and its ancestors, nearest first: the `path` of a `Place`.
    pub(crate) fn path_of(&self, parent: Option<ElementId>) -> Vec<ElementId> {
        let mut path = Vec::new();
        let mut at = parent;
        while let Some(id) = at {
            path.push(id);
            at = self.nodes.get(&id).and_then(|n| n.element.parent);
        }
        path
    }

    /// Where `id` sits now.
    pub fn place_of(&self, id: ElementId) -> Option<Place> {
        let parent = self.nodes.get(&id)?.element.parent;
        let index = self.children(parent).iter().position(|c| *c == id)?;
        Some(Place { path: self.path_of(parent), index })
    }

    /// Applies every edit in order, or none: on the first refused edit the
    /// ones already applied are undone and the error is returned.
    pub fn apply(&mut self, op: &Operation) -> Result<(), OpError> {
        if op.edits.len() > MAX_EDITS {
            return Err(OpError::TooLarge);
        }
        if let [edit] = op.edits.as_slice() {
            // One edit validates completely before it changes anything.
            return self.apply_edit(edit).map(drop);
        }
        let mut done = Vec::with_capacity(op.edits.len());
        for edit in &op.edits {
            match self.apply_edit(edit) {
                Ok(undo) => done.push(undo),
                Err(e) => {
                    for undo in done.into_iter().rev() {
                        self.undo(undo);
                    }
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// A document holding `elements`, in order, each appended to its
    /// parent's list (bulk loading). The child lists grow in scratch
    /// vectors, one per element, and are boxed once at their final length.
    pub(crate) fn loaded(elements: Vec<NewElement>) -> Result<Document, OpError> {
        let mut doc = Document::new();
        doc.nodes.reserve(elements.len());
        let mut children: Vec<Vec<ElementId>> = Vec::with_capacity(elements.len());
        for NewElement { id, parent, text } in elements {
            if text.len() > MAX_PAYLOAD_BYTES {
                return Err(OpError::TooLarge);
            }
            let parent_slot = match parent {
                None => None,
                Some(p) if p == id => return Err(OpError::UnknownElement(p)),
                Some(p) => Some(doc.nodes.slot(&p).ok_or(OpError::UnknownElement(p))?),
            };
            if doc.nodes.contains_key(&id) {
                return Err(OpError::DuplicateElement(id));
            }
            match parent_slot {
                None => doc.roots.push(id),
                Some(slot) => children[slot as usize].push(id),
            }
            let element = Element { id, parent, text, attrs: BTreeMap::new(), deleted: false };
            doc.nodes.insert(id, Node { element, children: Box::default() });
            children.push(Vec::new());
        }
        for (node, list) in doc.nodes.list.iter_mut().zip(children) {
            node.children = list.into_boxed_slice();
        }
        doc.roots.shrink_to_fit();
        Ok(doc)
    }

    /// Every element with its slot, in slot order.
    pub(crate) fn elements_by_slot(&self) -> impl Iterator<Item = (u32, &Element)> {
        self.nodes.values().enumerate().map(|(slot, n)| (slot as u32, &n.element))
    }

    /// Where the element sits in the node table; it keeps that slot for good.
    pub(crate) fn slot_of(&self, id: ElementId) -> Option<u32> {
        self.nodes.slot(&id)
    }

    /// The element in `slot`, if it is visible.
    pub(crate) fn visible_at(&self, slot: u32) -> Option<ElementId> {
        let id = self.nodes.list.get(slot as usize)?.element.id;
        self.is_visible(id).then_some(id)
    }

    /// Changes `parent`'s child list (`None`: the root list) with `change`.
    /// A boxed slice cannot grow: it becomes a `Vec` for the change (free)
    /// and a boxed slice again after it (one reallocation).
    fn edit_list(&mut self, parent: Option<ElementId>, change: impl FnOnce(&mut Vec<ElementId>)) {
        match parent {
            None => change(&mut self.roots),
            Some(p) => {
                let node = self.nodes.get_mut(&p).expect("validated parent");
                let mut list = std::mem::take(&mut node.children).into_vec();
                change(&mut list);
                node.children = list.into_boxed_slice();
            }
        }
    }

    fn node(&self, id: ElementId) -> Result<&Node, OpError> {
        self.nodes.get(&id).ok_or(OpError::UnknownElement(id))
    }

    fn node_mut(&mut self, id: ElementId) -> Result<&mut Node, OpError> {
        self.nodes.get_mut(&id).ok_or(OpError::UnknownElement(id))
    }

    /// `path` is exactly the ancestor chain of its first element.
    fn path_is_real(&self, path: &[ElementId]) -> bool {
        path.iter()
            .enumerate()
            .all(|(i, id)| self.nodes.get(id).is_some_and(|n| n.element.parent == path.get(i + 1).copied()))
    }

    /// Validates one edit, then applies it.
    fn apply_edit(&mut self, edit: &Edit) -> Result<Undo, OpError> {
        match edit {
            Edit::Insert { id, parent, index, text } => {
                if text.len() > MAX_PAYLOAD_BYTES {
                    return Err(OpError::TooLarge);
                }
                if self.nodes.contains_key(id) {
                    return Err(OpError::DuplicateElement(*id));
                }
                if let Some(p) = parent {
                    self.node(*p)?;
                }
                let len = self.children(*parent).len();
                if *index > len {
                    return Err(OpError::OutOfRange { index: *index, len });
                }
                self.edit_list(*parent, |list| list.insert(*index, *id));
                let element =
                    Element { id: *id, parent: *parent, text: text.clone(), attrs: BTreeMap::new(), deleted: false };
                self.nodes.insert(*id, Node { element, children: Box::default() });
                Ok(Undo::Insert { id: *id, parent: *parent, index: *index })
            }
            Edit::Delete { id } => {
                let node = self.node_mut(*id)?;
                let was = std::mem::replace(&mut node.element.deleted, true);
                Ok(Undo::Delete { id: *id, was })
            }
            Edit::SetAttr { id, key, value } => {
                if key.len() + value.as_ref().map_or(0, String::len) > MAX_PAYLOAD_BYTES {
                    return Err(OpError::TooLarge);
                }
                if key.is_empty() {
                    return Err(OpError::Empty);
                }
                let attrs = &mut self.node_mut(*id)?.element.attrs;
                let old = match value {
                    Some(v) => attrs.insert(key.clone(), v.clone()),
                    None => attrs.remove(key),
                };
                Ok(Undo::SetAttr { id: *id, key: key.clone(), old })
            }
            Edit::Move { id, from, to } => {
                let parent = self.node(*id)?.element.parent;
                let from_list = self.children(parent);
                if from.parent() != parent || from_list.get(from.index) != Some(id) || !self.path_is_real(&from.path) {
                    return Err(OpError::WrongPlace(*id));
                }
                if let Some(p) = to.parent() {
                    self.node(p)?;
                }
                if !self.path_is_real(&to.path) {
                    return Err(OpError::WrongPlace(*id));
                }
                if to.path.contains(id) {
                    return Err(OpError::Cycle(*id));
                }
                let len = self.children(to.parent()).len() - usize::from(to.parent() == parent);
                if to.index > len {
                    return Err(OpError::OutOfRange { index: to.index, len });
                }
                self.relocate(*id, (parent, from.index), (to.parent(), to.index));
                Ok(Undo::Move { id: *id, from: (parent, from.index), to: (to.parent(), to.index) })
            }
            Edit::InsertText { id, pos, text } => {
                if text.len() > MAX_PAYLOAD_BYTES {
                    return Err(OpError::TooLarge);
                }
                if text.is_empty() {
                    return Err(OpError::Empty);
                }
                let current = &mut self.node_mut(*id)?.element.text;
                let at = byte_at(current, *pos).ok_or(OpError::OutOfRange { index: *pos, len: char_len(current) })?;
                current.insert_str(at, text);
                Ok(Undo::InsertText { id: *id, pos: *pos, chars: char_len(text) })
            }
            Edit::DeleteText { id, pos, len } => {
                if *len == 0 {
                    return Err(OpError::Empty);
                }
                let current = &mut self.node_mut(*id)?.element.text;
                let out_of_range = || OpError::OutOfRange { index: pos.saturating_add(*len), len: char_len(current) };
                let end = pos.checked_add(*len).ok_or_else(out_of_range)?;
                let (Some(start), Some(stop)) = (byte_at(current, *pos), byte_at(current, end)) else {
                    return Err(out_of_range());
                };
                let removed = current[start..stop].to_string();
                current.replace_range(start..stop, "");
                Ok(Undo::DeleteText { id: *id, pos: *pos, removed })
            }
        }
    }

    fn relocate(&mut self, id: ElementId, from: (Option<ElementId>, usize), to: (Option<ElementId>, usize)) {
        self.edit_list(from.0, |list| {
            list.remove(from.1);
        });
        self.edit_list(to.0, |list| list.insert(to.1, id));
        self.nodes.get_mut(&id).expect("moved element exists").element.parent = to.0;
    }

    fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::Insert { id, parent, index } => {
                self.edit_list(parent, |list| {
                    list.remove(index);
                });
                self.nodes.remove_newest(&id);
            }
            Undo::Delete { id, was } => {
                if let Some(n) = self.nodes.get_mut(&id) {
                    n.element.deleted = was;
                }
            }
            Undo::SetAttr { id, key, old } => {
                if let Some(n) = self.nodes.get_mut(&id) {
                    match old {
                        Some(v) => n.element.attrs.insert(key, v),
                        None => n.element.attrs.remove(&key),
                    };
                }
            }
            Undo::Move { id, from, to } => self.relocate(id, to, from),
            Undo::InsertText { id, pos, chars } => {
                if let Some(n) = self.nodes.get_mut(&id) {
                    let text = &mut n.element.text;
                    if let (Some(a), Some(b)) = (byte_at(text, pos), byte_at(text, pos + chars)) {
                        text.replace_range(a..b, "");
                    }
                }
            }
            Undo::DeleteText { id, pos, removed } => {
                if let Some(n) = self.nodes.get_mut(&id) {
                    let text = &mut n.element.text;
                    if let Some(a) = byte_at(text, pos) {
                        text.insert_str(a, &removed);
                    }
                }
            }
        }
    }

    /// Approximate heap bytes, for the monitor.
    pub(crate) fn approx_bytes(&self) -> usize {
        let mut bytes = self.nodes.approx_bytes() + self.roots.capacity() * 8;
        for node in self.nodes.values() {
            bytes += node.element.text.capacity() + node.children.len() * 8;
            bytes += node.element.attrs.iter().map(|(k, v)| k.capacity() + v.capacity() + 64).sum::<usize>();
        }
        bytes
    }
}
