//! Operations, `apply`, `transform` (TP1) and `compose`.

use super::data::*;
use crate::harness::*;
use deep_thought::*;

fn applied(doc: &Document, ops: &[&Operation], what: &str) -> Result<Document, String> {
    let mut doc = doc.clone();
    for (i, o) in ops.iter().enumerate() {
        doc.apply(o).map_err(|err| {
            format!("{what}: operation {} of {} was refused: {err:?}\n  operation: {o:?}", i + 1, ops.len())
        })?;
    }
    Ok(doc)
}

fn text(doc: &Document, id: u64) -> String {
    doc.element(e(id)).map(|el| el.text.clone()).unwrap_or_else(|| "<missing>".into())
}

// Catches: insert positions counted without tombstones, byte offsets used as
// character positions, a move index counted before the element left its list,
// and a delete that removes the element instead of hiding it.
pub fn apply_edits() -> CheckResult {
    let mut doc = Document::new();
    ok(
        doc.apply(&op(vec![insert(1, None, 0, "one"), insert(3, None, 1, "three"), insert(2, None, 1, "two")])),
        "insert three roots",
    )?;
    ensure_eq!(doc.children(None).to_vec(), vec![e(1), e(2), e(3)], "root list after inserting at 0, 1, then 1");
    ok(
        doc.apply(&op(vec![insert(4, Some(1), 0, "héllo"), insert(5, Some(4), 0, "deep")])),
        "insert a child, then a grandchild in the same operation",
    )?;
    ensure_eq!(doc.element(e(5)).and_then(|el| el.parent), Some(e(4)), "element 5's parent");

    ok(doc.apply(&op(vec![type_text(4, 2, "XY")])), "insert text at character 2 of \"héllo\"")?;
    ensure_eq!(text(&doc, 4), "héXYllo", "text positions count characters, not bytes");
    ok(doc.apply(&op(vec![erase(4, 1, 3)])), "delete 3 characters from character 1")?;
    ensure_eq!(text(&doc, 4), "hllo", "after deleting characters 1..4");

    ok(
        doc.apply(&op(vec![Edit::SetAttr { id: e(2), key: "color".into(), value: Some("red".into()) }])),
        "set an attribute",
    )?;
    ok(doc.apply(&op(vec![Edit::SetAttr { id: e(2), key: "size".into(), value: Some("xl".into()) }])), "set another")?;
    ok(doc.apply(&op(vec![Edit::SetAttr { id: e(2), key: "color".into(), value: None }])), "remove an attribute")?;
    let attrs: Vec<(String, String)> =
        doc.element(e(2)).map(|el| el.attrs.clone().into_iter().collect()).unwrap_or_default();
    ensure_eq!(attrs, vec![("size".to_string(), "xl".to_string())], "element 2's attributes");

    // Move 1 to the end of its own list: the index counts the list without it.
    let m = move_edit(&doc, e(1), None, 2);
    ok(doc.apply(&op(vec![m])), "move element 1 to index 2 of the root list")?;
    ensure_eq!(doc.children(None).to_vec(), vec![e(2), e(3), e(1)], "root list after moving 1 to the end");
    let m = move_edit(&doc, e(4), Some(e(3)), 0);
    ok(doc.apply(&op(vec![m])), "move element 4 (with its child) under element 3")?;
    ensure_eq!(doc.children(Some(e(3))).to_vec(), vec![e(4)], "element 3's children");
    ensure_eq!(doc.children(Some(e(1))).to_vec(), vec![], "element 1's children after the move");
    ensure_eq!(doc.element(e(4)).and_then(|el| el.parent), Some(e(3)), "element 4's parent after the move");
    ensure_eq!(doc.subtree(e(3)), vec![e(3), e(4), e(5)], "subtree of 3");

    // Delete is a tombstone: hidden with its subtree, still in its list.
    ok(doc.apply(&op(vec![Edit::Delete { id: e(3) }])), "delete element 3")?;
    ensure_eq!(doc.visible_elements(), vec![e(2), e(1)], "visible elements after deleting 3 (its subtree hides too)");
    ensure_eq!(doc.children(None).to_vec(), vec![e(2), e(3), e(1)], "the root list keeps the tombstone");
    ensure!(doc.element(e(3)).is_some_and(|el| el.deleted), "element 3 is still readable, marked deleted");
    ensure_eq!(doc.subtree(e(4)), vec![], "subtree of an element under a deleted one");
    ok(doc.apply(&op(vec![insert(6, None, 2, "after the tombstone")])), "insert at index 2 of the root list")?;
    ensure_eq!(doc.children(None).to_vec(), vec![e(2), e(3), e(6), e(1)], "positions count tombstones");
    ensure_eq!(doc.len(), 6, "len counts every element, deleted ones too");
    Ok(())
}

fn tp1_case(rng: &mut Rng, case: usize) -> CheckResult {
    let size = 2 + rng.below(8);
    let base = random_doc(rng, size, 1);
    let (mut ids_a, mut ids_b) = (1000u64, 2000u64);
    let a = random_op(rng, &base, &mut ids_a, 3, EVERYTHING);
    let b = random_op(rng, &base, &mut ids_b, 3, EVERYTHING);
    let (a2, b2) = transform(&a, &b);
    let describe =
        || format!("case {case}\n  base: {:?}\n  a:  {a:?}\n  b:  {b:?}\n  a': {a2:?}\n  b': {b2:?}", dump(&base).1);
    let left = applied(&base, &[&a, &b2], "apply(apply(s, a), b')").map_err(|m| format!("{m}\n{}", describe()))?;
    let right = applied(&base, &[&b, &a2], "apply(apply(s, b), a')").map_err(|m| format!("{m}\n{}", describe()))?;
    ensure!(
        dump(&left) == dump(&right),
        "TP1 broken: the two orders give different documents\n  s.a.b': {:?}\n  s.b.a': {:?}\n{}",
        dump(&left).1,
        dump(&right).1,
        describe()
    );
    Ok(())
}

// Catches: ties broken differently on the two sides, positions shifted by
// bytes or by the wrong edit, moves that forget the other side's list, and
// concurrent moves that build a cycle.
pub fn transform_tp1() -> CheckResult {
    let mut rng = Rng::new(0xD33F_7407);
    for case in 0..3000 {
        tp1_case(&mut rng, case)?;
    }
    Ok(())
}

fn both_orders(base: &Document, a: &Operation, b: &Operation, what: &str) -> Result<Document, String> {
    let (a2, b2) = transform(a, b);
    let left = applied(base, &[a, &b2], what)?;
    let right = applied(base, &[b, &a2], what)?;
    ensure!(
        dump(&left) == dump(&right),
        "{what}: the two orders give different documents\n  s.a.b': {:?}\n  s.b.a': {:?}",
        dump(&left).1,
        dump(&right).1
    );
    Ok(left)
}

// Catches: a tie rule that lets each side go first (the classic divergence).
pub fn transform_ties() -> CheckResult {
    let mut base = Document::new();
    ok(base.apply(&op(vec![insert(1, None, 0, "ab"), insert(2, None, 1, "")])), "build the base")?;
    let a = op(vec![insert(10, None, 1, "from a")]);
    let b = op(vec![insert(20, None, 1, "from b")]);
    let merged = both_orders(&base, &a, &b, "two inserts at the same index")?;
    ensure_eq!(
        merged.children(None).to_vec(),
        vec![e(1), e(10), e(20), e(2)],
        "a was sequenced first, so its element comes first"
    );
    let merged = both_orders(&base, &b, &a, "the same inserts, b sequenced first")?;
    ensure_eq!(
        merged.children(None).to_vec(),
        vec![e(1), e(20), e(10), e(2)],
        "b was sequenced first, so its element comes first"
    );

    let a = op(vec![type_text(1, 1, "X")]);
    let b = op(vec![type_text(1, 1, "Y")]);
    ensure_eq!(
        text(&both_orders(&base, &a, &b, "two text inserts at the same position")?, 1),
        "aXYb",
        "a's text first"
    );
    ensure_eq!(text(&both_orders(&base, &b, &a, "the same, b first")?, 1), "aYXb", "b's text first");
    let a = op(vec![Edit::SetAttr { id: e(2), key: "k".into(), value: Some("a".into()) }]);
    let b = op(vec![Edit::SetAttr { id: e(2), key: "k".into(), value: Some("b".into()) }]);
    let merged = both_orders(&base, &a, &b, "two writes of one attribute")?;
    ensure_eq!(
        merged.element(e(2)).and_then(|el| el.attrs.get("k").cloned()),
        Some("a".to_string()),
        "the first write sequenced wins"
    );
    Ok(())
}

// Catches: concurrent moves that nest two elements in each other (a cycle),
// or that leave an element in two lists.
pub fn transform_moves() -> CheckResult {
    // root: 1 [2 [3]], 4 [5], 6
    let mut base = Document::new();
    ok(
        base.apply(&op(vec![
            insert(1, None, 0, ""),
            insert(2, Some(1), 0, ""),
            insert(3, Some(2), 0, ""),
            insert(4, None, 1, ""),
            insert(5, Some(4), 0, ""),
            insert(6, None, 2, ""),
        ])),
        "build the base",
    )?;
    let mv = |id: u64, to: Option<u64>, index: usize| op(vec![move_edit(&base, e(id), to.map(e), index)]);
    let acyclic = |doc: &Document, what: &str| -> CheckResult {
        let (n, rows) = dump(doc);
        ensure!(
            rows.len() == n && rows.iter().all(|r| !r.text.starts_with('<')),
            "{what}: the tree is broken (a cycle, or an element in two lists): {rows:?}"
        );
        Ok(())
    };

    let merged = both_orders(&base, &mv(5, Some(6), 0), &mv(5, Some(2), 1), "one element moved to two places")?;
    acyclic(&merged, "one element moved to two places")?;
    ensure_eq!(merged.element(e(5)).and_then(|el| el.parent), Some(e(6)), "the move sequenced first wins");

    let merged = both_orders(&base, &mv(1, Some(4), 0), &mv(4, Some(1), 0), "1 into 4 while 4 into 1")?;
    acyclic(&merged, "1 into 4 while 4 into 1")?;
    let merged =
        both_orders(&base, &mv(1, Some(5), 0), &mv(4, Some(3), 0), "1 into 5 (under 4) while 4 into 3 (under 1)")?;
    acyclic(&merged, "1 into 5 while 4 into 3")?;
    let merged = both_orders(&base, &mv(3, None, 0), &mv(6, Some(3), 0), "3 moves to the root while 6 moves into 3")?;
    acyclic(&merged, "3 moves to the root while 6 moves into 3")?;
    ensure_eq!(merged.subtree(e(3)), vec![e(3), e(6)], "6 follows 3 to the root");
    let merged = both_orders(
        &base,
        &op(vec![Edit::Delete { id: e(4) }]),
        &mv(6, Some(4), 1),
        "4 deleted while 6 moves into it",
    )?;
    acyclic(&merged, "4 deleted while 6 moves into it")?;
    ensure_eq!(merged.visible_elements(), vec![e(1), e(2), e(3)], "6 is hidden with its new parent");
    let merged = both_orders(
        &base,
        &op(vec![insert(7, None, 1, "")]),
        &mv(6, None, 0),
        "an insert and a move in the root list",
    )?;
    ensure_eq!(merged.children(None).to_vec(), vec![e(6), e(1), e(7), e(4)], "the root list after both");
    Ok(())
}

// Catches: a compose that drops, reorders or mis-merges edits, and a compose
// that only concatenates (a run of keystrokes must become one edit).
pub fn compose_checks() -> CheckResult {
    let mut rng = Rng::new(0xC0_4405E);
    for case in 0..2000 {
        let size = 2 + rng.below(8);
        let base = random_doc(&mut rng, size, 1);
        let mut next = 1000;
        let a = random_op(&mut rng, &base, &mut next, 3, EVERYTHING);
        let after_a = applied(&base, &[&a], "apply(s, a)")?;
        let b = random_op(&mut rng, &after_a, &mut next, 3, EVERYTHING);
        let ab = compose(&a, &b);
        let want = applied(&after_a, &[&b], "apply(apply(s, a), b)")?;
        let got = applied(&base, &[&ab], "apply(s, compose(a, b))")
            .map_err(|m| format!("case {case}: {m}\n  a: {a:?}\n  b: {b:?}\n  compose: {ab:?}"))?;
        ensure!(
            dump(&got) == dump(&want),
            "case {case}: apply(s, compose(a, b)) differs from apply(apply(s, a), b)\n  a: {a:?}\n  b: {b:?}\n  compose: {ab:?}\n  expected: {:?}\n  actual:   {:?}",
            dump(&want).1,
            dump(&got).1
        );
    }

    // Typing "don't panic" a key at a time, with two typos fixed by backspace.
    let mut base = Document::new();
    ok(base.apply(&op(vec![insert(1, None, 0, "> ")])), "build the base")?;
    let mut doc = base.clone();
    let mut total = Operation::default();
    let mut pos = 2;
    for ch in "don't pq\u{8}anic!!\u{8}".chars() {
        let key = if ch == '\u{8}' {
            pos -= 1;
            op(vec![erase(1, pos, 1)])
        } else {
            pos += 1;
            op(vec![type_text(1, pos - 1, &ch.to_string())])
        };
        ok(doc.apply(&key), "a keystroke")?;
        total = compose(&total, &key);
    }
    ensure_eq!(text(&doc, 1), "> don't panic!", "the typed text");
    let replayed = applied(&base, &[&total], "apply(s, the composed keystrokes)")?;
    ensure_eq!(text(&replayed, 1), "> don't panic!", "the composed keystrokes applied at once");
    ensure_eq!(total.edits.len(), 1, "edits in the composition of 15 keystrokes: {:?}", total.edits);
    Ok(())
}

// Catches: positions counted in bytes or in UTF-16 code units (as JavaScript
// does): an emoji outside the Basic Multilingual Plane is one character, so
// "a🐬b" has 3 positions past its start, not 4 or 6.
pub fn unicode_positions() -> CheckResult {
    let mut doc = Document::new();
    ok(doc.apply(&op(vec![insert(1, None, 0, "a🐬b"), insert(2, None, 1, "🐬🐬")])), "insert \"a🐬b\" and \"🐬🐬\"")?;
    ok(doc.apply(&op(vec![type_text(1, 2, "X")])), "insert \"X\" at character 2 of \"a🐬b\"")?;
    ensure_eq!(
        text(&doc, 1),
        "a🐬Xb",
        "text after inserting at character 2 of \"a🐬b\" (the dolphin is one character)"
    );
    ok(doc.apply(&op(vec![type_text(1, 4, "!")])), "insert \"!\" at character 4 of \"a🐬Xb\" (its end)")?;
    ensure_eq!(text(&doc, 1), "a🐬Xb!", "text after inserting at its end");
    ok(doc.apply(&op(vec![erase(1, 1, 1)])), "delete character 1 of \"a🐬Xb!\"")?;
    ensure_eq!(text(&doc, 1), "aXb!", "text after deleting the dolphin, character 1");
    ok(doc.apply(&op(vec![erase(2, 1, 1)])), "delete character 1 of \"🐬🐬\"")?;
    ensure_eq!(text(&doc, 2), "🐬", "text after deleting the second of two dolphins");
    let before = dump(&doc);
    for (what, edit) in [
        ("insert at character 2 of \"🐬\" (1 character, 2 UTF-16 units, 4 bytes)", type_text(2, 2, "x")),
        ("delete 2 characters of \"🐬\"", erase(2, 0, 2)),
        ("delete character 1 of \"🐬\"", erase(2, 1, 1)),
    ] {
        let result = doc.apply(&op(vec![edit]));
        refused(result, &before, &dump(&doc), what)?;
    }

    // Concurrent typing around an emoji converges, and keystrokes compose.
    let mut base = Document::new();
    ok(base.apply(&op(vec![insert(1, None, 0, "🐬🐬")])), "build the base")?;
    let merged = both_orders(
        &base,
        &op(vec![type_text(1, 1, "é")]),
        &op(vec![erase(1, 0, 1), type_text(1, 1, "✓")]),
        "typing between two dolphins while one is deleted",
    )?;
    ensure_eq!(text(&merged, 1), "é🐬✓", "the text after both");
    let mut doc = base.clone();
    let mut total = Operation::default();
    for (i, ch) in "🐬é✓🚀".chars().enumerate() {
        let key = op(vec![type_text(1, 2 + i, &ch.to_string())]);
        ok(doc.apply(&key), "a keystroke")?;
        total = compose(&total, &key);
    }
    ensure_eq!(text(&doc, 1), "🐬🐬🐬é✓🚀", "the typed text");
    let replayed = applied(&base, &[&total], "apply(s, the composed keystrokes)")?;
    ensure_eq!(text(&replayed, 1), "🐬🐬🐬é✓🚀", "the composed keystrokes applied at once");
    ensure_eq!(
        total.edits.len(),
        1,
        "edits in the composition of 4 keystrokes of multi-byte characters: {:?}",
        total.edits
    );
    Ok(())
}

// Catches: a second delete refused, edits of a deleted element refused (a
// tombstone keeps its place so that concurrent edits still apply), and an
// empty operation that changes something.
pub fn tombstones_and_empty_operations() -> CheckResult {
    let mut doc = Document::new();
    ensure!(doc.is_empty(), "Document::new().is_empty(): a new document has no element");
    ok(
        doc.apply(&op(vec![insert(1, None, 0, "ab"), insert(2, Some(1), 0, "child"), insert(3, None, 1, "")])),
        "build the document",
    )?;
    let before = dump(&doc);
    ok(doc.apply(&Operation::default()), "apply an operation with no edits")?;
    ensure!(dump(&doc) == before, "an operation with no edits should change nothing");
    ok(doc.apply(&op(vec![Edit::Delete { id: e(1) }])), "delete element 1")?;
    ok(doc.apply(&op(vec![Edit::Delete { id: e(1) }])), "delete element 1 again (deleting twice is fine)")?;
    ok(doc.apply(&op(vec![Edit::Delete { id: e(2) }])), "delete element 2, already hidden under deleted 1")?;
    let mut gone = Document::new();
    ok(gone.apply(&op(vec![insert(1, None, 0, "x")])), "insert element 1 into a new document")?;
    ok(gone.apply(&op(vec![Edit::Delete { id: e(1) }])), "delete it")?;
    ensure!(!gone.is_empty(), "is_empty() of a document whose only element is deleted: tombstones count");
    ok(doc.apply(&op(vec![type_text(1, 2, "c")])), "type into deleted element 1")?;
    ok(
        doc.apply(&op(vec![Edit::SetAttr { id: e(1), key: "k".into(), value: Some("v".into()) }])),
        "set an attribute of deleted element 1",
    )?;
    ok(doc.apply(&op(vec![insert(4, Some(1), 1, "late")])), "insert under deleted element 1")?;
    let m = move_edit(&doc, e(1), None, 1);
    ok(doc.apply(&op(vec![m])), "move deleted element 1 after element 3")?;
    let el = some(doc.element(e(1)), "element 1")?;
    ensure_eq!(
        (el.text.as_str(), el.deleted, el.attrs.get("k").cloned()),
        ("abc", true, Some("v".to_string())),
        "deleted element 1 after edits: (text, deleted, attribute k)"
    );
    ensure_eq!(doc.children(None).to_vec(), vec![e(3), e(1)], "the root list after moving the tombstone 1");
    ensure_eq!(doc.children(Some(e(1))).to_vec(), vec![e(2), e(4)], "element 1's children (tombstones included)");
    ensure_eq!(doc.visible_elements(), vec![e(3)], "visible elements: 1 is deleted, and hides 2 and 4");
    ensure_eq!(doc.len(), 4, "len counts tombstones");
    ensure_eq!(doc.children(Some(e(77))).to_vec(), vec![], "children of the unknown element 77");
    ensure_eq!(doc.subtree(e(77)), vec![], "subtree of the unknown element 77");
    ensure_eq!(doc.subtree(e(4)), vec![], "subtree of element 4, under deleted 1");
    ensure!(doc.element(e(77)).is_none(), "element(77) of a document without it should be None");
    let empty = Document::new();
    ensure_eq!(
        (empty.len(), empty.visible_elements(), empty.children(None).to_vec()),
        (0, vec![], vec![]),
        "a new document: (len, visible elements, root list)"
    );
    Ok(())
}

// Catches: text typed at either end of a range deleted at the same time
// swallowed with it (only text typed strictly inside goes), in either order.
pub fn transform_text_boundaries() -> CheckResult {
    let mut base = Document::new();
    ok(base.apply(&op(vec![insert(1, None, 0, "0123456789")])), "build the base")?;
    // The other side deletes "345" (positions 3..6).
    let del = op(vec![erase(1, 3, 3)]);
    for (pos, want) in [(3, "012[]6789"), (6, "012[]6789"), (4, "0126789"), (0, "[]0126789"), (10, "0126789[]")] {
        let ins = op(vec![type_text(1, pos, "[]")]);
        let what = format!("\"[]\" typed at {pos} while 3..6 is deleted");
        ensure_eq!(
            text(&both_orders(&base, &ins, &del, &format!("{what}, the insert first"))?, 1),
            want,
            "{what}, the insert sequenced first"
        );
        ensure_eq!(
            text(&both_orders(&base, &del, &ins, &format!("{what}, the delete first"))?, 1),
            want,
            "{what}, the delete sequenced first"
        );
    }
    Ok(())
}
