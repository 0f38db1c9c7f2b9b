//! Builders shared by the Deep Thought checks: ids, a seeded PRNG, a
//! canonical dump of a document read through the public API, places for
//! moves, and generators of random valid and random garbage edits.

use deep_thought::*;
use std::collections::BTreeSet;

pub fn t(n: u64) -> TenantId {
    TenantId::from(n)
}
pub fn w(n: u64) -> WorkspaceId {
    WorkspaceId::from(n)
}
pub fn d(n: u64) -> DocumentId {
    DocumentId::from(n)
}
pub fn e(n: u64) -> ElementId {
    ElementId::from(n)
}
pub fn u(n: u64) -> UserId {
    UserId::from(n)
}
pub fn c(n: u64) -> ClientId {
    ClientId::from(n)
}

pub fn op(edits: Vec<Edit>) -> Operation {
    Operation { edits }
}

pub fn insert(id: u64, parent: Option<u64>, index: usize, text: &str) -> Edit {
    Edit::Insert { id: e(id), parent: parent.map(e), index, text: text.to_string() }
}

pub fn type_text(id: u64, pos: usize, text: &str) -> Edit {
    Edit::InsertText { id: e(id), pos, text: text.to_string() }
}

pub fn erase(id: u64, pos: usize, len: usize) -> Edit {
    Edit::DeleteText { id: e(id), pos, len }
}

/// splitmix64: small, fast, and the same sequence everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &["towel", "mice", "dolphin", "babel", "vogon", "petunia", "whale", "answer", "é✓", "42"];

pub fn word(rng: &mut Rng) -> &'static str {
    WORDS[rng.below(WORDS.len())]
}

pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// One element as the public API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: ElementId,
    pub parent: Option<ElementId>,
    pub text: String,
    pub attrs: Vec<(String, String)>,
    pub deleted: bool,
    pub children: Vec<ElementId>,
}

/// The whole tree, depth first from the root list, tombstones included,
/// plus the element count. Two documents are the same iff their dumps are.
/// Guarded against cycles, so a broken tree is reported, not looped over.
pub fn dump(doc: &Document) -> (usize, Vec<Row>) {
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<ElementId> = doc.children(None).iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) || rows.len() > 1_000_000 {
            rows.push(Row {
                id,
                parent: None,
                text: "<element reached twice: the tree has a cycle>".into(),
                attrs: vec![],
                deleted: false,
                children: vec![],
            });
            break;
        }
        let children = doc.children(Some(id)).to_vec();
        match doc.element(id) {
            Some(el) => rows.push(Row {
                id,
                parent: el.parent,
                text: el.text.clone(),
                attrs: el.attrs.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                deleted: el.deleted,
                children: children.clone(),
            }),
            None => rows.push(Row {
                id,
                parent: None,
                text: "<listed as a child but unknown>".into(),
                attrs: vec![],
                deleted: false,
                children: vec![],
            }),
        }
        stack.extend(children.iter().rev());
    }
    (doc.len(), rows)
}

/// All element ids, tombstones included, in dump order.
pub fn all_ids(doc: &Document) -> Vec<ElementId> {
    dump(doc).1.iter().map(|r| r.id).collect()
}

/// The parent and its ancestors, nearest first (a `Place`'s path).
pub fn path_of(doc: &Document, parent: Option<ElementId>) -> Vec<ElementId> {
    let mut path = Vec::new();
    let mut at = parent;
    while let Some(id) = at {
        if path.len() > 10_000 || path.contains(&id) {
            break;
        }
        path.push(id);
        at = doc.element(id).and_then(|el| el.parent);
    }
    path
}

pub fn place_of(doc: &Document, id: ElementId) -> Place {
    let parent = doc.element(id).and_then(|el| el.parent);
    let index = doc.children(parent).iter().position(|c| *c == id).unwrap_or(usize::MAX);
    Place { path: path_of(doc, parent), index }
}

/// A move of `id` to `index` in `to`'s child list, as the document stands.
pub fn move_edit(doc: &Document, id: ElementId, to: Option<ElementId>, index: usize) -> Edit {
    Edit::Move { id, from: place_of(doc, id), to: Place { path: path_of(doc, to), index } }
}

/// A document from seeded random inserts: `n` elements in a random tree,
/// with words, attributes and a few tombstones. Ids start at `first_id`.
pub fn random_doc(rng: &mut Rng, n: usize, first_id: u64) -> Document {
    let mut doc = Document::new();
    let mut ids: Vec<ElementId> = Vec::new();
    for i in 0..n as u64 {
        let parent = if ids.is_empty() || rng.chance(30) { None } else { Some(rng.pick(&ids)) };
        let len = doc.children(parent).len();
        let index = rng.below(len + 1);
        let text = format!("{} {}", word(rng), word(rng));
        let id = e(first_id + i);
        let edit = Edit::Insert { id, parent, index, text };
        doc.apply(&op(vec![edit])).expect("random_doc: a valid insert");
        ids.push(id);
    }
    for id in &ids {
        if rng.chance(20) {
            let edit = Edit::SetAttr { id: *id, key: "color".into(), value: Some(word(rng).into()) };
            doc.apply(&op(vec![edit])).expect("random_doc: a valid set");
        }
        if rng.chance(8) {
            doc.apply(&op(vec![Edit::Delete { id: *id }])).expect("random_doc: a valid delete");
        }
    }
    doc
}

/// Whether `x` is `p` or one of its ancestors.
fn is_ancestor_or_self(doc: &Document, x: ElementId, p: ElementId) -> bool {
    path_of(doc, Some(p)).contains(&x)
}

/// Which edits `random_edit` may make.
#[derive(Clone, Copy)]
pub struct Mix {
    pub insert: u64,
    pub delete: u64,
    pub set_attr: u64,
    pub moves: u64,
    pub type_text: u64,
    pub erase: u64,
    /// Only visible elements are edited (a person at a screen), or any.
    pub visible_only: bool,
}

pub const EVERYTHING: Mix =
    Mix { insert: 22, delete: 8, set_attr: 12, moves: 18, type_text: 25, erase: 15, visible_only: false };

/// A random edit that is valid on `doc`. New element ids come from `next_id`.
pub fn random_edit(rng: &mut Rng, doc: &Document, next_id: &mut u64, mix: Mix) -> Edit {
    let ids: Vec<ElementId> = if mix.visible_only { doc.visible_elements() } else { all_ids(doc) };
    let total = mix.insert + mix.delete + mix.set_attr + mix.moves + mix.type_text + mix.erase;
    {
        let mut roll = rng.next() % total;
        let mut take = |weight: u64| {
            let hit = roll < weight;
            roll = roll.saturating_sub(weight);
            hit
        };
        let (insert, delete, set_attr, moves, typing) =
            (take(mix.insert), take(mix.delete), take(mix.set_attr), take(mix.moves), take(mix.type_text));
        if insert || ids.is_empty() {
            let parent = if ids.is_empty() || rng.chance(30) { None } else { Some(rng.pick(&ids)) };
            let len = doc.children(parent).len();
            let index = if rng.chance(30) { [0, len][rng.below(2)] } else { rng.below(len + 1) };
            *next_id += 1;
            return Edit::Insert { id: e(*next_id), parent, index, text: word(rng).to_string() };
        }
        let target = rng.pick(&ids);
        if delete {
            return Edit::Delete { id: target };
        }
        if set_attr {
            let value = if rng.chance(20) { None } else { Some(word(rng).to_string()) };
            return Edit::SetAttr { id: target, key: ["color", "size"][rng.below(2)].into(), value };
        }
        if moves {
            let mut parents: Vec<Option<ElementId>> = vec![None];
            parents.extend(ids.iter().filter(|p| !is_ancestor_or_self(doc, target, **p)).map(|p| Some(*p)));
            let to = rng.pick(&parents);
            let current = doc.element(target).and_then(|el| el.parent);
            let len = doc.children(to).len() - usize::from(to == current);
            let index = if rng.chance(30) { [0, len][rng.below(2)] } else { rng.below(len + 1) };
            return move_edit(doc, target, to, index);
        }
        let text_len = char_len(&doc.element(target).map(|el| el.text.clone()).unwrap_or_default());
        if typing || text_len == 0 {
            let pos = if rng.chance(30) { [0, text_len][rng.below(2)] } else { rng.below(text_len + 1) };
            return Edit::InsertText { id: target, pos, text: format!("{} ", word(rng)) };
        }
        let pos = rng.below(text_len);
        let len = 1 + rng.below((text_len - pos).min(6));
        Edit::DeleteText { id: target, pos, len }
    }
}

/// A random operation of 1..=max edits, each valid after the ones before.
pub fn random_op(rng: &mut Rng, doc: &Document, next_id: &mut u64, max: usize, mix: Mix) -> Operation {
    let mut scratch = doc.clone();
    let mut edits = Vec::new();
    for _ in 0..1 + rng.below(max) {
        let edit = random_edit(rng, &scratch, next_id, mix);
        scratch.apply(&op(vec![edit.clone()])).expect("random_op: the generated edit is valid");
        edits.push(edit);
    }
    op(edits)
}

/// A random edit that is most likely invalid: unknown ids, positions past
/// the end, forged places, empty or oversized payloads.
pub fn garbage_edit(rng: &mut Rng, doc: &Document) -> Edit {
    let ids = all_ids(doc);
    let mut id = || if !ids.is_empty() && rng.chance(60) { rng.pick(&ids) } else { e(rng.next() % 1_000_000) };
    let a = id();
    let b = id();
    let big = rng.chance(10);
    let mut rng2 = Rng::new(rng.next());
    let mut n = move || match rng2.below(4) {
        0 => rng2.below(4),
        1 => rng2.below(100),
        2 => usize::MAX - rng2.below(2),
        _ => rng2.below(1 << 20),
    };
    let text =
        if big { "x".repeat(MAX_PAYLOAD_BYTES + 1) } else { ["", "z", "é✓ñ", "\u{0}"][rng.below(4)].to_string() };
    match rng.below(7) {
        0 => Edit::Insert { id: a, parent: Some(b).filter(|_| rng.chance(70)), index: n(), text },
        1 => Edit::Delete { id: e(rng.next() % 1_000_000 + 5_000_000) },
        2 => Edit::SetAttr { id: a, key: if big { text } else { String::new() }, value: None },
        3 => {
            let forged = Place { path: vec![b, a], index: n() };
            Edit::Move { id: a, from: if rng.chance(50) { place_of(doc, a) } else { forged.clone() }, to: forged }
        }
        4 => Edit::Move { id: a, from: place_of(doc, a), to: Place { path: path_of(doc, Some(b)), index: n() } },
        5 => Edit::InsertText { id: a, pos: n(), text },
        _ => Edit::DeleteText { id: a, pos: n(), len: n() },
    }
}

/// Fails unless `result` is an error and the dump did not change.
pub fn refused<T: std::fmt::Debug, E>(
    result: Result<T, E>,
    before: &(usize, Vec<Row>),
    after: &(usize, Vec<Row>),
    what: &str,
) -> Result<(), String> {
    if let Ok(v) = result {
        return Err(format!("{what}: expected an error, got Ok({v:?})"));
    }
    if before != after {
        return Err(format!(
            "{what}: was refused, but the document changed anyway (it must validate before it changes anything)"
        ));
    }
    Ok(())
}

/// "1000000" -> "1,000,000", for labels.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let head = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        r => r,
    };
    let mut out = digits[..head].to_string();
    for group in digits.as_bytes()[head..].chunks(3) {
        out.push(',');
        out.push_str(std::str::from_utf8(group).unwrap_or_default());
    }
    out
}

/// Names the part of a check that runs now. If the check runs out of time,
/// the grader reports the last part named (building the test data, or the
/// timed calls), so the learner knows where to look.
pub fn phase(what: &str) {
    eprintln!("workshop-phase: {what}");
}
