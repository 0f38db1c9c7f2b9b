//! Step 10, the seed's "Advanced Selector Architecture": the live document,
//! cursors and selections that follow every edit, and the memoized,
//! permission-filtered, windowed view per viewer. Every view is compared
//! with one built here from the public `Document` API.

use super::data::*;
use crate::harness::*;
use deep_thought::*;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

fn live(doc: Document) -> LiveDocument {
    LiveDocument { content: Arc::new(doc), ..LiveDocument::default() }
}

fn caret(element: u64, offset: usize) -> Caret {
    Caret { element: e(element), offset }
}

fn at(cursor: Caret) -> Presence {
    Presence { cursor, selection: None }
}

fn selecting(anchor: Caret, head: Caret) -> Presence {
    Presence { cursor: head, selection: Some(Selection { anchor, head }) }
}

fn edited(edit: &Edit) -> ElementId {
    match edit {
        Edit::Insert { id, .. }
        | Edit::Delete { id }
        | Edit::SetAttr { id, .. }
        | Edit::Move { id, .. }
        | Edit::InsertText { id, .. }
        | Edit::DeleteText { id, .. } => *id,
    }
}

/// Visible, and neither it nor an ancestor is kept from `viewer`.
fn sees(s: &LiveDocument, viewer: UserId, id: ElementId) -> bool {
    let Some(el) = s.content.element(id) else { return false };
    let mut chain = path_of(&s.content, el.parent);
    chain.push(id);
    chain.iter().all(|a| {
        s.content.element(*a).is_some_and(|x| !x.deleted) && s.readers.get(a).is_none_or(|r| r.contains(&viewer))
    })
}

/// The view the contract describes, built the slow and obvious way.
fn expected(s: &LiveDocument, viewer: UserId, window: Range<usize>) -> DocumentView {
    let order: Vec<ElementId> = s.content.visible_elements().into_iter().filter(|id| sees(s, viewer, *id)).collect();
    let pending: BTreeSet<ElementId> = s.pending.iter().flat_map(|o| &o.edits).map(edited).collect();
    let total = order.len();
    let start = window.start.min(total);
    let end = window.end.clamp(start, total);
    let elements = order[start..end]
        .iter()
        .map(|id| {
            let el = s.content.element(*id).expect("visible");
            ViewElement {
                id: *id,
                depth: path_of(&s.content, el.parent).len(),
                text: el.text.clone(),
                attrs: el.attrs.clone(),
                pending: pending.contains(id),
            }
        })
        .collect();
    let collaborators = s
        .presence
        .iter()
        .filter(|(user, p)| **user != viewer && sees(s, viewer, p.cursor.element))
        .map(|(user, p)| Collaborator {
            user: *user,
            cursor: p.cursor,
            selection: p.selection.filter(|x| sees(s, viewer, x.anchor.element) && sees(s, viewer, x.head.element)),
        })
        .collect();
    DocumentView { total, window: start..end, elements, collaborators }
}

fn same_view(got: &DocumentView, want: &DocumentView, what: &str) -> CheckResult {
    ensure_eq!(got.total, want.total, "{what}: total (elements the viewer may see)");
    ensure_eq!(got.window.clone(), want.window.clone(), "{what}: the window served");
    let ids = |v: &DocumentView| v.elements.iter().map(|x| x.id).collect::<Vec<_>>();
    ensure_eq!(ids(got), ids(want), "{what}: the elements in the window, in document order");
    for (g, x) in got.elements.iter().zip(&want.elements) {
        ensure_eq!(g, x, "{what}: element {:?}", x.id);
    }
    ensure_eq!(got.collaborators.clone(), want.collaborators.clone(), "{what}: the collaborators the viewer sees");
    Ok(())
}

/// Elements 1..=8 with texts, a tombstone (8) and a nested one (4 under 2).
/// 1 [2 [4], 3], 5, 6 [7], 8 (deleted). Users 1..=5 are in it, user 4 in
/// the tombstone and user 5 in an element this client does not know.
fn small_live() -> Result<LiveDocument, String> {
    let mut doc = Document::new();
    let edits = vec![
        insert(1, None, 0, "The Answer"),
        insert(2, Some(1), 0, "is forty-two"),
        insert(3, Some(1), 1, "said Deep Thought"),
        insert(4, Some(2), 0, "after 7.5 million years"),
        insert(5, None, 1, "Loonquawl"),
        insert(6, None, 2, "Phouchg"),
        insert(7, Some(6), 0, "were not amused"),
        insert(8, None, 3, "the Question"),
        Edit::SetAttr { id: e(5), key: "style".into(), value: Some("bold".into()) },
        Edit::Delete { id: e(8) },
    ];
    ok(doc.apply(&op(edits)), "building the document")?;
    let mut presence = BTreeMap::new();
    presence.insert(u(1), at(caret(1, 3)));
    presence.insert(u(2), selecting(caret(2, 0), caret(2, 6)));
    presence.insert(u(3), at(caret(7, 4)));
    presence.insert(u(4), at(caret(8, 1)));
    presence.insert(u(5), at(caret(99, 0)));
    let pending = vec![op(vec![type_text(3, 0, "so ")])];
    Ok(LiveDocument { presence: Arc::new(presence), pending: Arc::new(pending), ..live(doc) })
}

// Catches: a view that lists elements out of document order, misses depth,
// attributes or pending flags, lists the viewer or a cursor in a tombstone,
// or does not follow a remote edit.
pub fn document_view() -> CheckResult {
    let s = small_live()?;
    let mut select = make_select_document_with_collaborators();
    let view = select.select(&s, u(1), 0..100);
    same_view(&view, &expected(&s, u(1), 0..100), "the whole small document as user 1 sees it")?;

    // Random documents, presence and pending operations.
    let mut rng = Rng::new(0x5E_1EC7);
    for round in 0..40 {
        let base = random_doc(&mut rng, 30, 1);
        let mut next_id = 1_000;
        let mix = Mix { visible_only: true, ..EVERYTHING };
        let mut content = base.clone();
        let mut pending = Vec::new();
        for _ in 0..rng.below(3) {
            let o = random_op(&mut rng, &content, &mut next_id, 3, mix);
            ok(content.apply(&o), "a pending operation")?;
            pending.push(o);
        }
        let ids = all_ids(&content);
        let mut presence = BTreeMap::new();
        for user in 1..=5 {
            let at_random = |rng: &mut Rng| {
                let id = rng.pick(&ids);
                let len = char_len(&content.element(id).map(|x| x.text.clone()).unwrap_or_default());
                Caret { element: id, offset: rng.below(len + 1) }
            };
            let cursor = at_random(&mut rng);
            let selection = rng.chance(50).then(|| Selection { anchor: at_random(&mut rng), head: cursor });
            presence.insert(u(user), Presence { cursor, selection });
        }
        let s = LiveDocument {
            content: Arc::new(content),
            presence: Arc::new(presence),
            pending: Arc::new(pending),
            ..LiveDocument::default()
        };
        let viewer = u(1 + rng.below(5) as u64);
        let view = select.select(&s, viewer, 0..usize::MAX);
        same_view(&view, &expected(&s, viewer, 0..usize::MAX), &format!("random document {round}"))?;

        // A remote edit: the next view shows it, cursors moved.
        let remote = random_op(&mut rng, &s.content, &mut next_id, 3, mix);
        let next = ok(s.apply_remote(&remote), "apply_remote of a valid operation")?;
        let mut want = Document::clone(&s.content);
        ok(want.apply(&remote), "the same operation on a copy")?;
        ensure!(
            dump(&next.content) == dump(&want),
            "random document {round}: apply_remote's content is not the document with the operation applied"
        );
        let view = select.select(&next, viewer, 0..usize::MAX);
        same_view(
            &view,
            &expected(&next, viewer, 0..usize::MAX),
            &format!("random document {round} after a remote edit"),
        )?;
    }
    Ok(())
}

// Catches: a selector that never hits, a cache shared between selectors, or
// one that ignores the viewer or the window.
pub fn memo_same_object() -> CheckResult {
    let s = small_live()?;
    let mut mine = make_select_document_with_collaborators();
    let mut theirs = make_select_document_with_collaborators();
    let first = mine.select(&s, u(1), 0..4);
    let other = theirs.select(&s, u(2), 0..4);
    let again = mine.select(&s.clone(), u(1), 0..4);
    ensure!(
        Arc::ptr_eq(&first, &again),
        "the same inputs (the very same Arcs, viewer and window) gave a new view: the selector must return the same Arc"
    );
    ensure!(
        Arc::ptr_eq(&other, &theirs.select(&s, u(2), 0..4)),
        "a second selector (user 2's screen) lost its cached view when the first one was used: each selector has its own cache"
    );
    let moved = mine.select(&s, u(1), 1..5);
    ensure!(!Arc::ptr_eq(&first, &moved), "moving the window from 0..4 to 1..5 gave the same view back");
    same_view(&moved, &expected(&s, u(1), 1..5), "the window 1..5")?;
    ensure!(Arc::ptr_eq(&moved, &mine.select(&s, u(1), 1..5)), "the same window again gave a new view");
    let as_two = mine.select(&s, u(2), 1..5);
    ensure!(!Arc::ptr_eq(&moved, &as_two), "another viewer got the first viewer's view");
    same_view(&as_two, &expected(&s, u(2), 1..5), "the window 1..5 as user 2")?;
    Ok(())
}

/// Runs a check of one input: the view before, the changed state, and the
/// view after must be a new one, equal to what the contract says.
fn changes_view(s: &LiveDocument, changed: &LiveDocument, input: &str) -> CheckResult {
    let mut select = make_select_document_with_collaborators();
    let before = select.select(s, u(1), 0..100);
    ensure!(Arc::ptr_eq(&before, &select.select(s, u(1), 0..100)), "the same inputs gave a new view");
    let after = select.select(changed, u(1), 0..100);
    ensure!(!Arc::ptr_eq(&before, &after), "{input} changed, and the selector returned the old view");
    let want = expected(changed, u(1), 0..100);
    ensure!(*before != want, "check bug: the change to {input} changes nothing visible");
    same_view(&after, &want, &format!("after {input} changed"))?;
    ensure!(
        Arc::ptr_eq(&after, &select.select(changed, u(1), 0..100)),
        "after {input} changed, the same inputs again gave a new view"
    );
    // Back to the first state: the view follows again.
    same_view(&select.select(s, u(1), 0..100), &expected(s, u(1), 0..100), &format!("after {input} changed back"))
}

// Catches: a memo that does not compare the content.
pub fn memo_content() -> CheckResult {
    let s = small_live()?;
    let mut doc = Document::clone(&s.content);
    let edits = vec![type_text(5, 0, "Lunkwill and "), insert(9, None, 1, "Fook")];
    ok(doc.apply(&op(edits)), "typing into element 5 and inserting element 9")?;
    changes_view(&s, &LiveDocument { content: Arc::new(doc), ..s.clone() }, "the content")
}

// Catches: a memo that does not compare the presence.
pub fn memo_presence() -> CheckResult {
    let s = small_live()?;
    let mut presence = BTreeMap::clone(&s.presence);
    presence.insert(u(3), at(caret(5, 2)));
    changes_view(&s, &LiveDocument { presence: Arc::new(presence), ..s.clone() }, "the presence")
}

// Catches: a memo that does not compare the pending operations.
pub fn memo_pending() -> CheckResult {
    let s = small_live()?;
    let mut pending = Vec::clone(&s.pending);
    pending.push(op(vec![Edit::SetAttr { id: e(6), key: "color".into(), value: Some("red".into()) }]));
    changes_view(&s, &LiveDocument { pending: Arc::new(pending), ..s.clone() }, "the pending operations")
}

// Catches: a memo that does not compare the read permissions.
pub fn memo_permissions() -> CheckResult {
    let s = small_live()?;
    let mut readers = Readers::new();
    readers.insert(e(6), BTreeSet::from([u(2)]));
    changes_view(&s, &LiveDocument { readers: Arc::new(readers), ..s.clone() }, "the read permissions")
}

/// Every caret of the presence, in a fixed order: cursor, anchor, head.
fn carets(presence: &BTreeMap<UserId, Presence>) -> Vec<(UserId, &'static str, Option<Caret>)> {
    let mut out = Vec::new();
    for (user, p) in presence {
        out.push((*user, "cursor", Some(p.cursor)));
        out.push((*user, "selection anchor", p.selection.map(|s| s.anchor)));
        out.push((*user, "selection head", p.selection.map(|s| s.head)));
    }
    out
}

enum Tok {
    Char(char),
    Caret(usize),
}

/// Where each caret ends up, found by following characters, not offsets:
/// each element's text becomes a list of characters with the carets among
/// them; inserted text goes in right after the characters before its
/// position (so before a caret there: the edit came first), deleted
/// characters leave, and a caret's offset is the characters before it.
/// Also returns the texts so the simulation can be checked against `apply`.
fn follow(doc: &Document, marks: &[Caret], o: &Operation) -> (Vec<usize>, BTreeMap<ElementId, String>) {
    let mut lines: BTreeMap<ElementId, Vec<Tok>> = BTreeMap::new();
    for (k, mark) in marks.iter().enumerate() {
        let line = lines.entry(mark.element).or_insert_with(|| {
            doc.element(mark.element).map(|el| el.text.chars().map(Tok::Char).collect()).unwrap_or_default()
        });
        let mut i = 0;
        let mut seen = 0;
        while i < line.len() && (seen < mark.offset || matches!(line[i], Tok::Caret(_))) {
            if matches!(line[i], Tok::Char(_)) {
                seen += 1;
            }
            i += 1;
        }
        line.insert(i, Tok::Caret(k));
    }
    for edit in &o.edits {
        match edit {
            Edit::InsertText { id, pos, text } => {
                let Some(line) = lines.get_mut(id) else { continue };
                let (mut i, mut seen) = (0, 0);
                while seen < *pos {
                    if matches!(line[i], Tok::Char(_)) {
                        seen += 1;
                    }
                    i += 1;
                }
                for (k, ch) in text.chars().enumerate() {
                    line.insert(i + k, Tok::Char(ch));
                }
            }
            Edit::DeleteText { id, pos, len } => {
                let Some(line) = lines.get_mut(id) else { continue };
                let mut seen = 0;
                line.retain(|tok| match tok {
                    Tok::Caret(_) => true,
                    Tok::Char(_) => {
                        seen += 1;
                        !(*pos < seen && seen <= pos + len)
                    }
                });
            }
            _ => {}
        }
    }
    let mut offsets = vec![0; marks.len()];
    let mut texts = BTreeMap::new();
    for (id, line) in &lines {
        let mut seen = 0;
        let mut text = String::new();
        for tok in line {
            match tok {
                Tok::Char(ch) => {
                    seen += 1;
                    text.push(*ch);
                }
                Tok::Caret(k) => offsets[*k] = seen,
            }
        }
        texts.insert(*id, text);
    }
    (offsets, texts)
}

// Catches: cursors or selection ends left where they were, a tie at the
// caret that keeps it before the remote text, a deletion around the caret
// that does not leave it at the range's start, offsets counted in bytes.
pub fn cursors_follow_edits() -> CheckResult {
    // Directed cases on "abcdef" (element 1) and "é🐬x" (element 2), caret at 3.
    let mut doc = Document::new();
    ok(doc.apply(&op(vec![insert(1, None, 0, "abcdef"), insert(2, None, 1, "é🐬x")])), "building the document")?;
    let cases: [(&str, Edit, u64, usize); 10] = [
        ("text typed after it", type_text(1, 4, "XY"), 1, 3),
        ("text typed exactly at it (the remote edit wins the tie)", type_text(1, 3, "XY"), 1, 5),
        ("text typed before it", type_text(1, 0, "XY"), 1, 5),
        ("a deletion before it", erase(1, 0, 2), 1, 1),
        ("a deletion ending at it", erase(1, 1, 2), 1, 1),
        ("a deletion around it", erase(1, 2, 3), 1, 2),
        ("a deletion starting at it", erase(1, 3, 2), 1, 3),
        ("text typed into another element", type_text(2, 0, "abc"), 1, 3),
        ("a 🐬 typed before it (one character)", type_text(2, 0, "🐬"), 2, 4),
        ("the deletion of its element (a tombstone keeps its text)", Edit::Delete { id: e(1) }, 1, 3),
    ];
    for (what, edit, element, want) in cases {
        let got = transform_caret(caret(element, 3), &op(vec![edit]));
        ensure_eq!(got, caret(element, want), "a caret at offset 3 of element {element}, after {what}");
    }
    let two = op(vec![type_text(1, 3, "XY"), erase(1, 0, 4)]);
    ensure_eq!(transform_caret(caret(1, 3), &two), caret(1, 1), "a caret at 3 after typing 2 at 3, then deleting 0..4");

    // The property, on seeded random edits: every caret stays between the
    // same characters.
    let mut rng = Rng::new(0xC0_FFEE);
    let mix = Mix { insert: 5, delete: 5, set_attr: 3, moves: 5, type_text: 45, erase: 37, visible_only: false };
    for round in 0..400 {
        let doc = random_doc(&mut rng, 5, 1);
        let ids = all_ids(&doc);
        let mut presence = BTreeMap::new();
        for user in 1..=4 {
            let at_random = |rng: &mut Rng| {
                let id = rng.pick(&ids);
                let len = char_len(&doc.element(id).map(|x| x.text.clone()).unwrap_or_default());
                let offset = match rng.below(4) {
                    0 => 0,
                    1 => len,
                    _ => rng.below(len + 1),
                };
                Caret { element: id, offset }
            };
            let cursor = at_random(&mut rng);
            let selection =
                rng.chance(60).then(|| Selection { anchor: at_random(&mut rng), head: at_random(&mut rng) });
            presence.insert(u(user), Presence { cursor, selection });
        }
        let s = LiveDocument { presence: Arc::new(presence), ..live(doc) };
        let mut next_id = 100;
        let remote = random_op(&mut rng, &s.content, &mut next_id, 4, mix);
        let next = ok(s.apply_remote(&remote), "apply_remote of a valid operation")?;
        ensure!(
            Arc::ptr_eq(&next.pending, &s.pending) && Arc::ptr_eq(&next.readers, &s.readers),
            "apply_remote must keep the very same pending and readers Arcs (it does not change them)"
        );
        let before = carets(&s.presence);
        let after = carets(&next.presence);
        let marks: Vec<Caret> = before.iter().filter_map(|(_, _, c)| *c).collect();
        let (offsets, texts) = follow(&s.content, &marks, &remote);
        for (id, text) in &texts {
            let real = next.content.element(*id).map(|el| el.text.clone()).unwrap_or_default();
            ensure_eq!(real, text.clone(), "round {round}: element {id:?}'s text after {remote:?}");
        }
        let mut k = 0;
        for ((user, what, was), (_, _, now)) in before.iter().zip(&after) {
            let Some(was) = was else {
                ensure!(
                    now.is_none(),
                    "round {round}: user {user:?} selected nothing, and has a selection after an edit"
                );
                continue;
            };
            let want = Caret { element: was.element, offset: offsets[k] };
            k += 1;
            ensure!(
                *now == Some(want),
                "round {round}: user {user:?}'s {what} was at {was:?}; after the remote operation\n  {remote:?}\n  expected: {want:?}\n  actual:   {now:?}"
            );
        }
        ensure_eq!(after.len(), before.len(), "round {round}: the users in the presence after a remote edit");
    }
    let s = small_live()?;
    ensure!(
        s.apply_remote(&op(vec![erase(1, 5, 100)])).is_err(),
        "apply_remote accepted a deletion past the end of the text"
    );
    Ok(())
}

// Catches: read permissions ignored, a restriction that hides the element
// but not its subtree, or the presence that leaks where a hidden
// collaborator is.
pub fn permissions_hide() -> CheckResult {
    let s = small_live()?;
    let mut one = make_select_document_with_collaborators();
    let mut two = make_select_document_with_collaborators();
    let open = one.select(&s, u(1), 0..100);
    same_view(&open, &expected(&s, u(1), 0..100), "no restriction")?;

    // Element 2 (with 4 under it) for user 2 only; element 6 (with 7) for
    // users 1 and 3.
    let mut readers = Readers::new();
    readers.insert(e(2), BTreeSet::from([u(2)]));
    readers.insert(e(6), BTreeSet::from([u(1), u(3)]));
    let closed = LiveDocument { readers: Arc::new(readers), ..s.clone() };
    let view = one.select(&closed, u(1), 0..100);
    let ids: Vec<ElementId> = view.elements.iter().map(|x| x.id).collect();
    ensure_eq!(
        ids,
        vec![e(1), e(3), e(5), e(6), e(7)],
        "what user 1 sees with element 2 (and 4 under it) kept for user 2"
    );
    ensure_eq!(view.total, 5, "total for user 1 with element 2's subtree hidden");
    ensure!(
        !view.collaborators.iter().any(|c| c.user == u(2)),
        "user 2's cursor is in element 2, which user 1 may not see, and the view shows it"
    );
    same_view(&view, &expected(&closed, u(1), 0..100), "user 1 with restrictions")?;
    let theirs = two.select(&closed, u(2), 0..100);
    let ids: Vec<ElementId> = theirs.elements.iter().map(|x| x.id).collect();
    ensure_eq!(
        ids,
        vec![e(1), e(2), e(4), e(3), e(5)],
        "what user 2 sees (element 6 and 7 are kept for users 1 and 3)"
    );
    same_view(&theirs, &expected(&closed, u(2), 0..100), "user 2 with restrictions")?;

    // A selection from a visible element into a hidden one shows the cursor only.
    let mut presence = BTreeMap::clone(&s.presence);
    presence.insert(u(3), selecting(caret(4, 2), caret(5, 1)));
    let spanning = LiveDocument { presence: Arc::new(presence), ..closed.clone() };
    let view = one.select(&spanning, u(1), 0..100);
    let three = view.collaborators.iter().find(|c| c.user == u(3));
    ensure_eq!(
        three.copied(),
        Some(Collaborator { user: u(3), cursor: caret(5, 1), selection: None }),
        "user 3 selects from hidden element 4 to element 5: user 1 sees the cursor, not the selection"
    );

    // Lifted again: everything is back.
    let lifted = LiveDocument { readers: Arc::new(Readers::new()), ..closed.clone() };
    let back = one.select(&lifted, u(1), 0..100);
    same_view(&back, &open, "the restrictions lifted again")?;
    let nobody = LiveDocument { readers: Arc::new(Readers::from([(e(1), BTreeSet::new())])), ..s.clone() };
    let view = one.select(&nobody, u(1), 0..100);
    let ids: Vec<ElementId> = view.elements.iter().map(|x| x.id).collect();
    ensure_eq!(ids, vec![e(5), e(6), e(7)], "element 1 readable by nobody: user 1 sees");
    Ok(())
}

// Catches: a window off by one at either end, one that panics or wraps past
// the end, or positions counted in element ids instead of the viewer's order.
pub fn window_edges() -> CheckResult {
    let mut rng = Rng::new(0x3D_0C);
    let doc = random_doc(&mut rng, 60, 1);
    let visible = doc.visible_elements();
    let mut readers = Readers::new();
    readers.insert(visible[3], BTreeSet::from([u(9)]));
    let s = LiveDocument { readers: Arc::new(readers), ..live(doc) };
    let total = expected(&s, u(1), 0..usize::MAX).total;
    ensure!(total > 20, "check bug: only {total} elements visible");
    let mut select = make_select_document_with_collaborators();
    let windows = [
        ("the first 5", 0..5),
        ("the last 5", total - 5..total),
        ("the last one", total - 1..total),
        ("an empty window inside", 7..7),
        ("one reaching past the end", total - 3..total + 10),
        ("one starting at the end", total..total + 10),
        ("one starting past the end", total + 5..total + 9),
        ("everything", 0..usize::MAX),
        ("one in the middle", 10..17),
    ];
    for (what, window) in windows {
        let view = select.select(&s, u(1), window.clone());
        same_view(&view, &expected(&s, u(1), window.clone()), &format!("{what} ({window:?}, total {total})"))?;
    }
    Ok(())
}

/// A document of `n` elements (ids 1..=n, 10 in the root list, the rest
/// under random earlier ones, appended), built with `apply` in batches of
/// 1,000 (well inside `MAX_EDITS`: the limit is graded elsewhere).
fn big_live(n: u64) -> Result<LiveDocument, String> {
    let mut rng = Rng::new(0x100_000);
    let mut doc = Document::new();
    let mut children = vec![0usize; n as usize + 1];
    let mut roots = 0;
    let mut batch = Vec::new();
    for k in 1..=n {
        let parent = if k <= 10 { None } else { Some(1 + rng.next() % (k - 1)) };
        let slot = match parent {
            None => &mut roots,
            Some(p) => &mut children[p as usize],
        };
        batch.push(insert(k, parent, *slot, "so long and thanks"));
        *slot += 1;
        if batch.len() == 1_000 || k == n {
            ok(doc.apply(&op(std::mem::take(&mut batch))), "building the document")?;
        }
    }
    let presence = (1..=10).map(|k| (u(k), at(caret(k, 2)))).collect();
    let pending = vec![op(vec![type_text(5, 0, "42 ")])];
    Ok(LiveDocument { presence: Arc::new(presence), pending: Arc::new(pending), ..live(doc) })
}

// Catches: a window that builds the whole document's view and slices it, or
// that walks the whole tree again each time the window moves.
pub fn window_cost() -> Result<Measurement, String> {
    phase("building the test data: documents of 1,000 and 100,000 elements");
    let small = big_live(1_000)?;
    let big = big_live(100_000)?;
    phase("checking the windows on both documents");
    let starts: Vec<usize> = (0..95).map(|k| k * 10).collect();
    let (mut a, mut b) = (make_select_document_with_collaborators(), make_select_document_with_collaborators());
    for (s, select, n) in [(&small, &mut a, 1_000), (&big, &mut b, 100_000)] {
        let order = s.content.visible_elements();
        for start in [0, 470, 940] {
            let view = select.select(s, u(1), start..start + 50);
            let ids: Vec<ElementId> = view.elements.iter().map(|x| x.id).collect();
            ensure_eq!(ids, order[start..start + 50].to_vec(), "the window {start}..{} of {n} elements", start + 50);
            ensure_eq!(view.total, n as usize, "total of a document of {n} elements");
        }
    }
    phase("the timed calls: a window of 50 sliding over both documents, in turns");
    let (mut i, mut j) = (0, 0);
    let m = compare(
        "a window of 50 over 1,000 elements",
        &mut || {
            i = (i + 1) % starts.len();
            keep(a.select(&small, u(1), starts[i]..starts[i] + 50));
        },
        "a window of 50 over 100,000 elements",
        &mut || {
            j = (j + 1) % starts.len();
            keep(b.select(&big, u(1), starts[j]..starts[j] + 50));
        },
    );
    leave(big);
    Ok(m)
}
