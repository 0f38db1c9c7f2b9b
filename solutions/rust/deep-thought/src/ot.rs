//! Operational transformation: `transform` (TP1) and `compose`.
//!
//! Positions in child lists shift like characters in a string, so list
//! edits reduce to two primitives, Put (an element enters a list) and Rem (an
//! element leaves it), transformed pairwise. Moves carry the ancestor paths
//! of both places, which is all it takes to spot, without the document, two
//! concurrent moves that would nest two elements inside each other.

use crate::doc::{byte_at, char_len};
use crate::{Edit, ElementId, Operation, Place};

/// Transforms two operations made concurrently on the same document.
///
/// `a` was sequenced first and wins ties. Returns `(a2, b2)`: `a2` applies
/// after `b`, `b2` after `a`, and both orders reach the same document (TP1).
pub fn transform(a: &Operation, b: &Operation) -> (Operation, Operation) {
    transform_noting(a, b, &mut |_| {})
}

/// `transform`, telling `lost` each time part of `b` is dropped or undone.
pub(crate) fn transform_noting(
    a: &Operation,
    b: &Operation,
    lost: &mut dyn FnMut(&'static str),
) -> (Operation, Operation) {
    // The grid: each edit of `a` is transformed past every edit of `b` in
    // turn, and each edit of `b` past every edit of `a`.
    let mut b_now: Vec<Edit> = b.edits.clone();
    let mut a_out = Vec::with_capacity(a.edits.len());
    for edit_a in &a.edits {
        let mut current = Some(edit_a.clone());
        let mut b_next = Vec::with_capacity(b_now.len());
        for edit_b in b_now {
            match current.take() {
                None => b_next.push(edit_b),
                Some(x) => {
                    let (x2, y2) = transform_edit(&x, &edit_b, lost);
                    current = x2;
                    b_next.extend(y2);
                }
            }
        }
        a_out.extend(current);
        b_now = b_next;
    }
    (Operation { edits: a_out }, Operation { edits: b_now })
}

fn inverse_move(id: ElementId, from: &Place, to: &Place) -> Edit {
    Edit::Move { id, from: to.clone(), to: from.clone() }
}

/// One edit against one edit; `a` wins ties. Either side may vanish.
fn transform_edit(a: &Edit, b: &Edit, lost: &mut dyn FnMut(&'static str)) -> (Option<Edit>, Option<Edit>) {
    use Edit::*;
    match (a, b) {
        // The same element moved twice: the first move wins.
        (Move { id: x, to: ta, .. }, Move { id: y, to: tb, .. }) if x == y => {
            lost("moved an element that a concurrent move had already moved");
            (Some(Move { id: *x, from: tb.clone(), to: ta.clone() }), None)
        }
        // Each move would put the other element inside itself: undo both.
        (Move { id: x, from: fa, to: ta }, Move { id: y, from: fb, to: tb })
            if tb.path.contains(x) && ta.path.contains(y) =>
        {
            lost("concurrent moves would have nested two elements in each other; both were undone");
            (Some(inverse_move(*y, fb, tb)), Some(inverse_move(*x, fa, ta)))
        }
        (SetAttr { id: x, key: k, .. }, SetAttr { id: y, key: j, .. }) if x == y && k == j => {
            lost("set an attribute that a concurrent edit had already set");
            (Some(a.clone()), None)
        }
        (InsertText { id: x, pos: p, text: s }, InsertText { id: y, pos: q, text: t }) if x == y => {
            if p <= q {
                (Some(a.clone()), Some(InsertText { id: *y, pos: q + char_len(s), text: t.clone() }))
            } else {
                (Some(InsertText { id: *x, pos: p + char_len(t), text: s.clone() }), Some(b.clone()))
            }
        }
        (InsertText { id: x, pos: p, text: s }, DeleteText { id: y, pos: q, len: n }) if x == y => {
            let (p, q, n) = (*p, *q, *n);
            if p <= q {
                (Some(a.clone()), Some(DeleteText { id: *y, pos: q + char_len(s), len: n }))
            } else if p >= q + n {
                (Some(InsertText { id: *x, pos: p - n, text: s.clone() }), Some(b.clone()))
            } else {
                // Typed inside a range deleted at the same time: it goes too.
                (None, Some(DeleteText { id: *y, pos: q, len: n + char_len(s) }))
            }
        }
        (DeleteText { id: x, pos: q, len: n }, InsertText { id: y, pos: p, text: s }) if x == y => {
            let (p, q, n) = (*p, *q, *n);
            if p <= q {
                (Some(DeleteText { id: *x, pos: q + char_len(s), len: n }), Some(b.clone()))
            } else if p >= q + n {
                (Some(a.clone()), Some(InsertText { id: *y, pos: p - n, text: s.clone() }))
            } else {
                lost("typed inside text that a concurrent edit deleted");
                (Some(DeleteText { id: *x, pos: q, len: n + char_len(s) }), None)
            }
        }
        (DeleteText { id: x, pos: p, len: n }, DeleteText { id: y, pos: q, len: m }) if x == y => {
            let a2 = range_after(*p, *n, *q, *m).map(|(pos, len)| DeleteText { id: *x, pos, len });
            let b2 = range_after(*q, *m, *p, *n).map(|(pos, len)| DeleteText { id: *y, pos, len });
            (a2, b2)
        }
        _ => {
            let (mut a2, mut b2) = (a.clone(), b.clone());
            // A move changes the ancestors of everything under the moved element.
            if let Move { id, to, .. } = a {
                repath(&mut b2, *id, &to.path);
            }
            if let Move { id, to, .. } = b {
                repath(&mut a2, *id, &to.path);
            }
            shift_lists(&mut a2, &mut b2);
            (Some(a2), Some(b2))
        }
    }
}

/// The range `[p, p+n)` after `[q, q+m)` was deleted; `None` if nothing is left.
fn range_after(p: usize, n: usize, q: usize, m: usize) -> Option<(usize, usize)> {
    let overlap = (p + n).min(q + m).saturating_sub(p.max(q));
    let len = n - overlap;
    let pos = if p < q { p } else { (p.saturating_sub(m)).max(q) };
    (len > 0).then_some((pos, len))
}

/// Rewrites the places of `edit` that pass through `moved`, which now sits
/// under `new_path`.
fn repath(edit: &mut Edit, moved: ElementId, new_path: &[ElementId]) {
    if let Edit::Move { from, to, .. } = edit {
        for place in [from, to] {
            if let Some(i) = place.path.iter().position(|id| *id == moved) {
                place.path.truncate(i + 1);
                place.path.extend_from_slice(new_path);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Prim {
    /// An element enters `list` at `index`.
    Put { list: Option<ElementId>, index: usize },
    /// The element at `index` leaves `list`.
    Rem { list: Option<ElementId>, index: usize },
}

fn prims(edit: &Edit) -> Vec<Prim> {
    match edit {
        Edit::Insert { parent, index, .. } => vec![Prim::Put { list: *parent, index: *index }],
        Edit::Move { from, to, .. } => {
            vec![Prim::Rem { list: from.parent(), index: from.index }, Prim::Put { list: to.parent(), index: to.index }]
        }
        _ => Vec::new(),
    }
}

fn set_prims(edit: &mut Edit, prims: &[Prim]) {
    let index = |p: &Prim| match p {
        Prim::Put { index, .. } | Prim::Rem { index, .. } => *index,
    };
    match edit {
        Edit::Insert { index: i, .. } => *i = index(&prims[0]),
        Edit::Move { from, to, .. } => {
            from.index = index(&prims[0]);
            to.index = index(&prims[1]);
        }
        _ => {}
    }
}

/// Two list primitives on the same state; `a` wins ties.
fn transform_prim(a: Prim, b: Prim) -> (Prim, Prim) {
    use Prim::*;
    match (a, b) {
        (Put { list: la, index: k }, Put { list: lb, index: j }) if la == lb => {
            if k <= j {
                (a, Put { list: lb, index: j + 1 })
            } else {
                (Put { list: la, index: k + 1 }, b)
            }
        }
        (Put { list: la, index: k }, Rem { list: lb, index: r }) if la == lb => {
            if k <= r {
                (a, Rem { list: lb, index: r + 1 })
            } else {
                (Put { list: la, index: k - 1 }, b)
            }
        }
        (Rem { list: la, index: r }, Put { list: lb, index: k }) if la == lb => {
            if k <= r {
                (Rem { list: la, index: r + 1 }, b)
            } else {
                (a, Put { list: lb, index: k - 1 })
            }
        }
        (Rem { list: la, index: r }, Rem { list: lb, index: q }) if la == lb && r != q => {
            if r < q {
                (a, Rem { list: lb, index: q - 1 })
            } else {
                (Rem { list: la, index: r - 1 }, b)
            }
        }
        _ => (a, b),
    }
}

/// Shifts the list positions of two edits past each other.
fn shift_lists(a: &mut Edit, b: &mut Edit) {
    let (mut pa, mut pb) = (prims(a), prims(b));
    if pa.is_empty() || pb.is_empty() {
        return;
    }
    for x in pa.iter_mut() {
        for y in pb.iter_mut() {
            let (x2, y2) = transform_prim(*x, *y);
            *x = x2;
            *y = y2;
        }
    }
    set_prims(a, &pa);
    set_prims(b, &pb);
}

/// One operation with the effect of `a` then `b`: apply(apply(s, a), b) ==
/// apply(s, compose(a, b)). Adjacent edits merge, so a run of keystrokes
/// becomes one edit.
pub fn compose(a: &Operation, b: &Operation) -> Operation {
    let mut edits = a.edits.clone();
    for edit in &b.edits {
        push_merged(&mut edits, edit.clone());
    }
    Operation { edits }
}

fn push_merged(edits: &mut Vec<Edit>, next: Edit) {
    use Edit::*;
    let Some(last) = edits.last_mut() else {
        edits.push(next);
        return;
    };
    match (last, &next) {
        (InsertText { id: x, pos: p, text: s }, InsertText { id: y, pos: q, text: t })
            if x == y && *p <= *q && *q <= *p + char_len(s) =>
        {
            let at = byte_at(s, *q - *p).expect("inside the inserted text");
            s.insert_str(at, t);
        }
        (InsertText { id: x, pos: p, text: s }, DeleteText { id: y, pos: q, len: n })
            if x == y && *p <= *q && *q + *n <= *p + char_len(s) =>
        {
            let (from, to) = (byte_at(s, *q - *p).expect("inside"), byte_at(s, *q - *p + *n).expect("inside"));
            s.replace_range(from..to, "");
            if s.is_empty() {
                edits.pop();
            }
        }
        (DeleteText { id: x, pos: p, len: n }, DeleteText { id: y, pos: q, len: m }) if x == y && *q == *p => {
            *n += *m;
        }
        (DeleteText { id: x, pos: p, len: n }, DeleteText { id: y, pos: q, len: m }) if x == y && *q + *m == *p => {
            *p = *q;
            *n += *m;
        }
        (SetAttr { id: x, key: k, value: v }, SetAttr { id: y, key: j, value: w }) if x == y && k == j => {
            *v = w.clone();
        }
        (Insert { id: x, text: s, .. }, InsertText { id: y, pos: q, text: t }) if x == y && *q <= char_len(s) => {
            let at = byte_at(s, *q).expect("inside the new element's text");
            s.insert_str(at, t);
        }
        _ => edits.push(next),
    }
}

/// Where a caret ends up after `op`: the text rules of `transform` for a
/// zero-width insert sequenced after `op`. Text typed before the caret, or
/// exactly at it (the operation was sequenced first and wins the tie),
/// pushes it right; a deletion before it pulls it left, and one around it
/// leaves it where the deleted range began. Other edits move no text.
pub fn transform_caret(caret: crate::Caret, op: &Operation) -> crate::Caret {
    let mut offset = caret.offset;
    for edit in &op.edits {
        match edit {
            Edit::InsertText { id, pos, text } if *id == caret.element && *pos <= offset => {
                offset = offset.saturating_add(char_len(text));
            }
            Edit::DeleteText { id, pos, len } if *id == caret.element && *pos < offset => {
                offset = offset.saturating_sub(*len).max(*pos);
            }
            _ => {}
        }
    }
    crate::Caret { element: caret.element, offset }
}
