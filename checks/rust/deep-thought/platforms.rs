//! The cross-platform sync extension: clients that render only some element
//! kinds still keep, sync and pass on every element.

use super::collab::Sim;
use super::data::*;
use crate::harness::*;
use deep_thought::*;

/// What each client of the simulation renders besides text (`None`: all).
const PLATFORMS: [Option<&[&str]>; 6] = [None, None, Some(&[]), Some(&[]), Some(&["image"]), Some(&["image", "table"])];

fn set_kind(id: u64, kind: Option<&str>) -> Edit {
    Edit::SetAttr { id: e(id), key: KIND.into(), value: kind.map(str::to_string) }
}

/// Roots 1 (text), 2 (image, holding 3), 4 (video, holding 5 and 6),
/// 7 (table, holding 8), 9 (text); then 10 random elements under them.
fn platform_doc(rng: &mut Rng) -> Result<Document, String> {
    let mut doc = Document::new();
    let edits = vec![
        insert(1, None, 0, "welcome aboard"),
        insert(2, None, 1, "towel.png"),
        set_kind(2, Some("image")),
        insert(3, Some(2), 0, "a towel, caption"),
        insert(4, None, 2, "launch.mp4"),
        set_kind(4, Some("video")),
        insert(5, Some(4), 0, "subtitles"),
        insert(6, Some(4), 1, "chapters"),
        insert(7, None, 3, "budget"),
        set_kind(7, Some("table")),
        insert(8, Some(7), 0, "row one"),
        insert(9, None, 4, "the end"),
    ];
    ok(doc.apply(&op(edits)), "building the document")?;
    let mut next = 10;
    for _ in 0..10 {
        let o = random_op(rng, &doc, &mut next, 1, Mix { insert: 1, ..NOTHING });
        ok(doc.apply(&o), "building the document")?;
    }
    Ok(doc)
}

const NOTHING: Mix = Mix { insert: 0, delete: 0, set_attr: 0, moves: 0, type_text: 0, erase: 0, visible_only: false };

fn renders(kinds: Option<&[&str]>, el: &Element) -> bool {
    match (kinds, el.attrs.get(KIND).map(String::as_str)) {
        (None, _) | (_, None | Some("text")) => true,
        (Some(kinds), Some(kind)) => kinds.contains(&kind),
    }
}

/// The element or an ancestor is of a kind `kinds` does not render.
fn hidden(doc: &Document, kinds: Option<&[&str]>, id: ElementId) -> bool {
    path_of(doc, Some(id)).iter().any(|a| doc.element(*a).is_some_and(|el| !renders(kinds, el)))
}

/// What a client rendering `kinds` shows, worked out here.
fn expected_rendered(doc: &Document, kinds: Option<&[&str]>) -> Vec<ElementId> {
    doc.visible_elements().into_iter().filter(|id| !hidden(doc, kinds, *id)).collect()
}

/// The elements an edit touches: the one named, an insert's parent, a
/// move's element and both parents.
fn touched(edit: &Edit) -> Vec<ElementId> {
    match edit {
        Edit::Insert { parent, .. } => parent.iter().copied().collect(),
        Edit::Move { id, from, to } => [Some(*id), from.parent(), to.parent()].into_iter().flatten().collect(),
        Edit::Delete { id } | Edit::SetAttr { id, .. } | Edit::InsertText { id, .. } | Edit::DeleteText { id, .. } => {
            vec![*id]
        }
    }
}

/// A random operation that touches only what `kinds` renders, if one turns
/// up in a few tries.
fn shown_op(rng: &mut Rng, doc: &Document, kinds: Option<&[&str]>, next: &mut u64) -> Option<Operation> {
    let mix = Mix { visible_only: true, ..EVERYTHING };
    (0..20).map(|_| random_op(rng, doc, next, 2, mix)).find(|o| {
        o.edits.iter().all(|edit| touched(edit).iter().all(|id| doc.element(*id).is_none() || !hidden(doc, kinds, *id)))
    })
}

// Catches: a client that leaves out, or skips the remote edits of, what it
// cannot render: its document no longer converges, and what it cannot show
// does not come through untouched.
pub fn converge() -> CheckResult {
    let mut rng = Rng::new(0xC4055);
    let base = platform_doc(&mut rng)?;
    let mut sim = Sim::new(base.clone(), 6, 0xC405, 12).named("the cross-platform simulation (6 clients)");
    for (i, kinds) in PLATFORMS.iter().enumerate() {
        if let Some(kinds) = kinds {
            sim.clients[i] = Client::with_capabilities(c(i as u64 + 1), base.clone(), 0, kinds);
        }
    }
    let mut next: Vec<u64> = (0..6).map(|i| (i + 1) * 1_000_000).collect();
    for tick in 0..300 {
        for (i, next_id) in next.iter_mut().enumerate() {
            if tick >= 250 || !rng.chance(7) {
                continue;
            }
            let doc = sim.clients[i].document();
            let o = if PLATFORMS[i].is_none() && rng.chance(40) {
                // The full clients work on what others cannot render.
                let target = rng.pick(&[2, 3, 4, 5, 6, 7, 8]);
                match rng.below(3) {
                    0 => op(vec![type_text(target, 0, word(&mut rng))]),
                    1 => {
                        op(vec![Edit::SetAttr { id: e(target), key: "alt".into(), value: Some(word(&mut rng).into()) }])
                    }
                    _ => op(vec![set_kind(
                        rng.pick(&[1, 2, 4, 7, 9]),
                        [None, Some("image"), Some("video")][rng.below(3)],
                    )]),
                }
            } else {
                match shown_op(&mut rng, doc, PLATFORMS[i], next_id) {
                    Some(o) => o,
                    None => continue,
                }
            };
            sim.edit(i, o)?;
        }
        sim.step()?;
    }
    sim.settle()?;
    sim.converged()
}

// Catches: a client that shows what it cannot render (or its subtree), or
// whose view does not follow a remote change of kind.
pub fn rendered() -> CheckResult {
    let mut rng = Rng::new(0x4E4D);
    let base = platform_doc(&mut rng)?;
    let mut server = Server::new(base.clone());
    let mut clients: Vec<(Option<&[&str]>, Client)> = vec![
        (None, Client::new(c(1), base.clone(), 0)),
        (Some(&[]), Client::with_capabilities(c(2), base.clone(), 0, &[])),
        (Some(&["image"]), Client::with_capabilities(c(3), base.clone(), 0, &["image"])),
        (Some(&["video", "table"]), Client::with_capabilities(c(4), base.clone(), 0, &["video", "table"])),
    ];
    let steps: Vec<(&str, Vec<Edit>)> = vec![
        ("at the start", vec![]),
        ("after element 9 became a video", vec![set_kind(9, Some("video"))]),
        ("after element 2 became text", vec![set_kind(2, None)]),
        ("after element 7 was deleted", vec![Edit::Delete { id: e(7) }]),
        ("after element 4 became \"text\"", vec![set_kind(4, Some("text"))]),
        ("after element 3 became a table", vec![set_kind(3, Some("table"))]),
    ];
    for (k, (when, edits)) in steps.into_iter().enumerate() {
        if !edits.is_empty() {
            let submit = Submit { client: c(9), seq: k as u64, base_rev: server.revision(), op: op(edits) };
            let b = ok(server.receive(submit), "the server receives an edit")?;
            for (_, client) in clients.iter_mut() {
                client.receive(&b);
            }
        }
        for (kinds, client) in &clients {
            let want = expected_rendered(server.document(), *kinds);
            let got = client.rendered();
            ensure_eq!(got, want, "{when}: rendered() of a client rendering {kinds:?} besides text (None: all)");
        }
    }
    Ok(())
}

// Catches: a client that lets its user edit what it does not render (or
// inside it), or that half-applies or sends such an operation.
pub fn edits_refused() -> CheckResult {
    let mut rng = Rng::new(0xED17);
    let base = platform_doc(&mut rng)?;
    let mut phone = Client::with_capabilities(c(1), base.clone(), 0, &[]);
    let mut tablet = Client::with_capabilities(c(2), base.clone(), 0, &["image"]);
    let cases: Vec<(&str, Vec<Edit>)> = vec![
        ("types into image 2", vec![type_text(2, 0, "x")]),
        ("types into 3, inside image 2", vec![type_text(3, 0, "x")]),
        ("inserts under video 4", vec![insert(99, Some(4), 0, "x")]),
        ("moves 5 out of video 4", vec![move_edit(&base, e(5), None, 0)]),
        ("moves 1 into table 7", vec![move_edit(&base, e(1), Some(e(7)), 0)]),
        ("moves video 4 itself", vec![move_edit(&base, e(4), None, 0)]),
        ("sets an attribute of table 7", vec![Edit::SetAttr { id: e(7), key: "k".into(), value: None }]),
        ("deletes 8, inside table 7", vec![Edit::Delete { id: e(8) }]),
        ("erases text of video 4", vec![erase(4, 0, 3)]),
        ("types into 1, then into image 2, in one operation", vec![type_text(1, 0, "ok "), type_text(2, 0, "x")]),
    ];
    for (what, edits) in cases {
        let before = dump(phone.document());
        let result = phone.edit(op(edits));
        refused(result, &before, &dump(phone.document()), &format!("a text-only client {what}"))?;
        ensure!(phone.next_submit().is_none(), "a text-only client {what}: refused, but it sent something");
    }
    ok(phone.edit(op(vec![type_text(1, 0, "hello ")])), "a text-only client types into text element 1")?;
    ok(tablet.edit(op(vec![type_text(2, 0, "big ")])), "a client that renders images types into image 2")?;
    let before = dump(tablet.document());
    let result = tablet.edit(op(vec![type_text(5, 0, "x")]));
    refused(result, &before, &dump(tablet.document()), "a client that renders images types into 5, inside video 4")
}
