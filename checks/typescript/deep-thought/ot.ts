// Operations: applyOperation, transform (TP1) and composeOperations. Twins of
// the Rust level's ot.* checks; text positions count UTF-16 code units here.

import { Rng } from '../gen';
import { ensure, ensureEq, fail, show } from '../harness';
import {
  D,
  T,
  U,
  applied,
  children,
  dump,
  e,
  firstDifference,
  element,
  erase,
  insert,
  move,
  ok,
  op,
  ot,
  placeOf,
  randomDoc,
  randomOp,
  refuses,
  remove,
  said,
  setAttr,
  text,
  typeText,
  world,
  type Doing,
  type Operation,
  type State,
} from './data';
import * as L from './learner';

const visible = (s: State): L.ElementId[] => L.selectDocumentElements(s, T, D);
const subtree = (s: State, id: number): L.ElementId[] => L.selectSubtree(s, T, D, e(id));
const ids = (...ns: number[]): L.ElementId[] => ns.map(e);

/** Both orders of a transformed pair; they must reach the same document, which is returned. */
function bothOrders(base: State, a: Operation, b: Operation, what: Doing): State {
  const [a2, b2] = ot().transform(a, b);
  const left = applied(base, [a, b2], () => `${said(what)}: apply(apply(s, a), b')`);
  const right = applied(base, [b, a2], () => `${said(what)}: apply(apply(s, b), a')`);
  const l = dump(left);
  const r = dump(right);
  const differ = firstDifference(l, r);
  if (differ !== undefined) {
    fail(`${said(what)}: the two orders give different documents (${differ})\n  s.a.b': ${show(l, 8)}\n  s.b.a': ${show(r, 8)}\n  a': ${show(a2.edits, 6)}\n  b': ${show(b2.edits, 6)}`);
  }
  return left;
}

// Catches: insert positions counted without tombstones, a move index counted
// before the element left its list, and a delete that removes the element.
export function applyEdits(): void {
  let s = world();
  s = applied(s, [op([insert(1, null, 0, 'one'), insert(3, null, 1, 'three'), insert(2, null, 1, 'two')])], 'insert three roots');
  ensureEq(children(s, null), ids(1, 2, 3), 'root list after inserting at 0, 1, then 1');
  s = applied(s, [op([insert(4, 1, 0, 'héllo'), insert(5, 4, 0, 'deep')])], 'insert a child, then a grandchild in the same operation');
  ensureEq(element(s, e(5))?.parentId, e(4), "element e5's parentId");
  s = applied(s, [op([typeText(4, 2, 'XY')])], 'insert text at position 2 of "héllo"');
  ensureEq(text(s, 4), 'héXYllo', 'text after inserting "XY" at position 2 of "héllo" (é is one UTF-16 unit, two bytes)');
  s = applied(s, [op([erase(4, 1, 3)])], 'delete 3 units from position 1');
  ensureEq(text(s, 4), 'hllo', 'after deleting positions 1..4');
  s = applied(s, [op([setAttr(2, 'color', 'red')]), op([setAttr(2, 'size', 'xl')]), op([setAttr(2, 'color', null)])], 'set two attributes, remove one');
  ensureEq({ ...element(s, e(2))?.attributes }, { size: 'xl' }, "element e2's attributes");

  // Move 1 to the end of its own list: the index counts the list without it.
  s = applied(s, [op([move(s, 1, null, 2)])], 'move e1 to index 2 of the root list');
  ensureEq(children(s, null), ids(2, 3, 1), 'root list after moving e1 to the end');
  s = applied(s, [op([move(s, 4, 3, 0)])], 'move e4 (with its child) under e3');
  ensureEq(children(s, e(3)), ids(4), "e3's children");
  ensureEq(children(s, e(1)), [], "e1's children after the move");
  ensureEq(element(s, e(4))?.parentId, e(3), "e4's parentId after the move");
  ensureEq(subtree(s, 3), ids(3, 4, 5), 'subtree of e3');

  // Delete is a tombstone: hidden with its subtree, still in its list.
  s = applied(s, [op([remove(3)])], 'delete e3');
  ensureEq(visible(s), ids(2, 1), 'visible elements after deleting e3 (its subtree hides too)');
  ensureEq(children(s, null), ids(2, 3, 1), 'the root list keeps the tombstone');
  ensure(element(s, e(3))?.deleted === true, 'e3 is still readable, marked deleted');
  ensureEq(subtree(s, 4), [], 'subtree of an element under a deleted one');
  s = applied(s, [op([insert(6, null, 2, 'after the tombstone')])], 'insert at index 2 of the root list');
  ensureEq(children(s, null), ids(2, 3, 6, 1), 'positions count tombstones');

  // Refused edits throw their code and change nothing, even after a valid edit of the same operation.
  const before = dump(s);
  const place = (path: number[], index: number): L.Place => ({ path: path.map(e), index });
  for (const [what, edit, code] of [
    ['insert an id the document has', insert(2, null, 0, 'again'), 'duplicate-element'],
    ['insert under an unknown parent', insert(9, 77, 0, 'x'), 'unknown-element'],
    ['insert at index 5 of a root list of 4', insert(9, null, 5, 'x'), 'out-of-range'],
    ['move e2 from a place where it is not', { kind: 'move', id: e(2), from: place([], 1), to: place([], 0) }, 'wrong-place'],
    ['move e4 with a forged destination path', { kind: 'move', id: e(4), from: placeOf(s, e(4)), to: place([5, 2], 0) }, 'wrong-place'],
    ['move e2 to index 4 of a root list of 4 (3 once it has left)', { kind: 'move', id: e(2), from: placeOf(s, e(2)), to: place([], 4) }, 'out-of-range'],
    ['insert empty text', typeText(2, 0, ''), 'empty'],
    ['delete 0 units of text', erase(2, 0, 0), 'empty'],
    ['set an attribute with an empty key', setAttr(2, '', 'v'), 'empty'],
    ['insert text at position 4 of "two"', typeText(2, 4, 'x'), 'out-of-range'],
    ['delete 4 units of "two"', erase(2, 0, 4), 'out-of-range'],
    ['insert text at position -1', typeText(2, -1, 'x'), 'out-of-range'],
    ['insert text at position 0.5', typeText(2, 0.5, 'x'), 'out-of-range'],
    ['insert an element at index -1', insert(9, null, -1, 'x'), 'out-of-range'],
    ['edit the unknown element e77', remove(77), 'unknown-element'],
  ] as const) {
    refuses(() => ot().applyOperation(s, op([typeText(6, 0, 'ok '), edit])), `${what} (after a valid edit in the same operation)`, code);
  }
  ensureEq(dump(s), before, 'the document after refused operations');
}

// Catches: positions counted in code points (Array.from) or in bytes
// (Buffer): in JavaScript "🐬" is two UTF-16 units, so "a🐬b" has 4 positions
// past its start, and position 2 falls inside the dolphin.
export function unicodePositions(): void {
  let s = world();
  s = applied(s, [op([insert(1, null, 0, 'a🐬b'), insert(2, null, 1, '🐬🐬')])], 'insert "a🐬b" and "🐬🐬"');
  s = applied(s, [op([typeText(1, 3, 'X')])], 'insert "X" at position 3 of "a🐬b" (after the dolphin)');
  ensureEq(text(s, 1), 'a🐬Xb', 'text after inserting at position 3 of "a🐬b" (the dolphin is two UTF-16 units)');
  s = applied(s, [op([typeText(1, 5, '!')])], 'insert "!" at position 5 of "a🐬Xb" (its end)');
  ensureEq(text(s, 1), 'a🐬Xb!', 'text after inserting at its end');
  s = applied(s, [op([erase(1, 1, 2)])], 'delete positions 1..3 of "a🐬Xb!" (the dolphin)');
  ensureEq(text(s, 1), 'aXb!', 'text after deleting the dolphin');
  s = applied(s, [op([erase(2, 2, 2)])], 'delete positions 2..4 of "🐬🐬"');
  ensureEq(text(s, 2), '🐬', 'text after deleting the second of two dolphins');
  const before = dump(s);
  for (const [what, edit] of [
    ['insert at position 1 of "🐬" (between the halves of its surrogate pair)', typeText(2, 1, 'x')],
    ['insert at position 3 of "🐬" (2 UTF-16 units long)', typeText(2, 3, 'x')],
    ['delete 1 unit of "🐬" (half a character)', erase(2, 0, 1)],
    ['delete 3 units of "🐬"', erase(2, 0, 3)],
  ] as const) {
    refuses(() => ot().applyOperation(s, op([edit])), what, 'out-of-range');
  }
  ensureEq(dump(s), before, 'the document after refused edits');
  // The surrogate ranges' edges: 𐀀 is D800 DC00, 🏿 D83C DFFF, U+10FFFD DBFF DFFD.
  const edges = '\u{10000}\u{1F3FF}\u{10FFFD}';
  s = applied(s, [op([insert(3, null, 2, edges)])], 'insert "\\u{10000}\\u{1F3FF}\\u{10FFFD}"');
  for (const pos of [1, 3, 5]) {
    refuses(() => ot().applyOperation(s, op([typeText(3, pos, 'x')])), `insert at position ${pos} of "\\u{10000}\\u{1F3FF}\\u{10FFFD}" (inside a surrogate pair)`, 'out-of-range');
  }
  s = applied(s, [op([typeText(3, 4, '|'), typeText(3, 2, '|')])], 'insert "|" at positions 4 and 2, between the pairs');
  ensureEq(text(s, 3), '\u{10000}|\u{1F3FF}|\u{10FFFD}', 'text after typing between the pairs');

  // Concurrent typing around an emoji converges, and keystrokes compose.
  const base = applied(world(), [op([insert(1, null, 0, '🐬🐬')])], 'build the base');
  const merged = bothOrders(base, op([typeText(1, 2, 'é')]), op([erase(1, 0, 2), typeText(1, 2, '✓')]), 'typing between two dolphins while the first is deleted');
  ensureEq(text(merged, 1), 'é🐬✓', 'the text after both');
  let doc = base;
  const keys: Operation[] = [];
  let pos = 4;
  for (const ch of ['🐬', 'é', '✓', '🚀']) {
    const key = op([typeText(1, pos, ch)]);
    pos += ch.length;
    doc = applied(doc, [key], 'a keystroke');
    keys.push(key);
  }
  ensureEq(text(doc, 1), '🐬🐬🐬é✓🚀', 'the typed text');
  const total = ot().composeOperations(keys);
  ensureEq(text(applied(base, [total], 'apply(s, the composed keystrokes)'), 1), '🐬🐬🐬é✓🚀', 'the composed keystrokes applied at once');
  ensureEq(total.edits.length, 1, `edits in the composition of 4 keystrokes outside ASCII: ${show(total.edits, 6)}`);
}

// Catches: a second delete refused, edits of a tombstone refused, an empty
// operation that changes something, and unknown ids that throw on read.
export function tombstonesAndEmpty(): void {
  let s = world();
  s = applied(s, [op([insert(1, null, 0, 'ab'), insert(2, 1, 0, 'child'), insert(3, null, 1, '')])], 'build the document');
  const before = dump(s);
  s = applied(s, [op([])], 'apply an operation with no edits');
  ensureEq(dump(s), before, 'the document after an operation with no edits');
  s = applied(s, [op([remove(1)])], 'delete e1');
  s = applied(s, [op([remove(1)])], 'delete e1 again (deleting twice is fine)');
  s = applied(s, [op([remove(2)])], 'delete e2, already hidden under deleted e1');
  s = applied(s, [op([typeText(1, 2, 'c')])], 'type into deleted e1');
  s = applied(s, [op([setAttr(1, 'k', 'v')])], 'set an attribute of deleted e1');
  s = applied(s, [op([insert(4, 1, 1, 'late')])], 'insert under deleted e1');
  s = applied(s, [op([move(s, 1, null, 1)])], 'move deleted e1 after e3');
  const el = element(s, e(1));
  ensureEq([el?.text, el?.deleted, el?.attributes.k], ['abc', true, 'v'], 'deleted e1 after edits: [text, deleted, attribute k]');
  ensureEq(children(s, null), ids(3, 1), 'the root list after moving the tombstone e1');
  ensureEq(children(s, e(1)), ids(2, 4), "e1's children (tombstones included)");
  ensureEq(visible(s), ids(3), 'visible elements: e1 is deleted, and hides e2 and e4');
  ensureEq(children(s, e(77)), [], 'children of the unknown element e77');
  ensureEq(element(s, e(77)), undefined, 'selectElement of an unknown element');
  ensureEq(subtree(s, 4), [], 'subtree of e4, under deleted e1');
  const empty = world();
  ensureEq([visible(empty), children(empty, null)], [[], []], 'a new document: [visible elements, root list]');
}

function tp1Case(rng: Rng, n: number): void {
  const base = randomDoc(rng, 2 + rng.int(8), 1);
  const a = randomOp(rng, base, { n: 1000 }, 3);
  const b = randomOp(rng, base, { n: 2000 }, 3);
  bothOrders(base, a, b, () => `case ${n}\n  base: ${show(dump(base), 8)}\n  a: ${show(a.edits, 6)}\n  b: ${show(b.edits, 6)}\n `);
}

// Catches: ties broken differently on the two sides, positions shifted by the
// wrong edit, moves that forget the other side's list, and cycles.
export function transformTp1(): void {
  const rng = new Rng(0xd33f7407);
  for (let n = 0; n < 1500; n++) tp1Case(rng, n);
}

// Catches: a tie rule that lets each side go first (the classic divergence).
export function transformTies(): void {
  const base = applied(world(), [op([insert(1, null, 0, 'ab'), insert(2, null, 1, '')])], 'build the base');
  const a = op([insert(10, null, 1, 'from a')]);
  const b = op([insert(20, null, 1, 'from b')]);
  ensureEq(children(bothOrders(base, a, b, 'two inserts at the same index'), null), ids(1, 10, 20, 2), 'a was sequenced first, so its element comes first');
  ensureEq(children(bothOrders(base, b, a, 'the same inserts, b sequenced first'), null), ids(1, 20, 10, 2), 'b was sequenced first, so its element comes first');
  const x = op([typeText(1, 1, 'X')]);
  const y = op([typeText(1, 1, 'Y')]);
  ensureEq(text(bothOrders(base, x, y, 'two text inserts at the same position'), 1), 'aXYb', "the first sequenced operation's text first");
  ensureEq(text(bothOrders(base, y, x, 'the same, Y first'), 1), 'aYXb', "the first sequenced operation's text first");
  const merged = bothOrders(base, op([setAttr(2, 'k', 'a')]), op([setAttr(2, 'k', 'b')]), 'two writes of one attribute');
  ensureEq(element(merged, e(2))?.attributes.k, 'a', 'the first write sequenced wins');

  // Each transformed operation keeps its own tenant, document and user.
  const arthur = L.userId('arthur');
  const s = ok(() => L.addUser(base, T, arthur, 'Arthur'), 'addUser arthur');
  const theirs: Operation = { ...y, userId: arthur };
  const [x2, y2] = ot().transform(x, theirs);
  ensureEq([x2.tenantId, x2.documentId, x2.userId, y2.tenantId, y2.documentId, y2.userId], [T, D, U, T, D, arthur], "transform's results: [tenant, document, user] of each");
  bothOrders(s, x, theirs, 'two users typing at the same position');
  const other: Operation = { ...x, documentId: L.documentId('elsewhere') };
  refuses(() => ot().transform(x, other), 'transform two operations on two documents', 'wrong-document');
}

// Catches: concurrent moves that nest two elements in each other (a cycle),
// or leave an element in two lists.
export function transformMoves(): void {
  // root: 1 [2 [3]], 4 [5], 6
  const base = applied(
    world(),
    [op([insert(1, null, 0, ''), insert(2, 1, 0, ''), insert(3, 2, 0, ''), insert(4, null, 1, ''), insert(5, 4, 0, ''), insert(6, null, 2, '')])],
    'build the base',
  );
  const mv = (id: number, to: number | null, index: number): Operation => op([move(base, id, to, index)]);
  const acyclic = (s: State, what: string): void => {
    const rows = dump(s);
    const broken = rows.filter((r) => r.startsWith('<'));
    ensure(broken.length === 0 && rows.length === 6, `${what}: the tree is broken (a cycle, or an element in two lists or none): ${show(rows, 8)}`);
  };
  let merged = bothOrders(base, mv(5, 6, 0), mv(5, 2, 1), 'one element moved to two places');
  acyclic(merged, 'one element moved to two places');
  ensureEq(element(merged, e(5))?.parentId, e(6), 'the move sequenced first wins');
  merged = bothOrders(base, mv(1, 4, 0), mv(4, 1, 0), 'e1 into e4 while e4 into e1');
  acyclic(merged, 'e1 into e4 while e4 into e1');
  merged = bothOrders(base, mv(1, 5, 0), mv(4, 3, 0), 'e1 into e5 (under e4) while e4 into e3 (under e1)');
  acyclic(merged, 'e1 into e5 while e4 into e3');
  merged = bothOrders(base, mv(3, null, 0), mv(6, 3, 0), 'e3 moves to the root while e6 moves into e3');
  acyclic(merged, 'e3 moves to the root while e6 moves into e3');
  ensureEq(subtree(merged, 3), ids(3, 6), 'e6 follows e3 to the root');
  merged = bothOrders(base, op([remove(4)]), mv(6, 4, 1), 'e4 deleted while e6 moves into it');
  ensureEq(visible(merged), ids(1, 2, 3), 'e6 is hidden with its new parent');
  merged = bothOrders(base, op([insert(7, null, 1, '')]), mv(6, null, 0), 'an insert and a move in the root list');
  ensureEq(children(merged, null), ids(6, 1, 7, 4), 'the root list after both');
  // A move into the element's own subtree is refused, concurrent or not.
  refuses(() => ot().applyOperation(base, op([move(base, 1, 3, 0)])), 'move e1 into e3, its own grandchild', 'cycle');
}

// Catches: text typed at either end of a range deleted concurrently swallowed
// with it (only text typed strictly inside goes), in either order.
export function transformTextBoundaries(): void {
  const base = applied(world(), [op([insert(1, null, 0, '0123456789')])], 'build the base');
  const del = op([erase(1, 3, 3)]);
  for (const [pos, want] of [
    [3, '012[]6789'],
    [6, '012[]6789'],
    [4, '0126789'],
    [0, '[]0126789'],
    [10, '0126789[]'],
  ] as const) {
    const ins = op([typeText(1, pos, '[]')]);
    const what = `"[]" typed at ${pos} while 3..6 is deleted`;
    ensureEq(text(bothOrders(base, ins, del, `${what}, the insert first`), 1), want, `${what}, the insert sequenced first`);
    ensureEq(text(bothOrders(base, del, ins, `${what}, the delete first`), 1), want, `${what}, the delete sequenced first`);
  }
}

// Catches: a compose that drops, reorders or mis-merges edits, and one that
// only concatenates (a run of keystrokes must become one edit).
export function compose(): void {
  const rng = new Rng(0xc04405e);
  for (let n = 0; n < 1000; n++) {
    const base = randomDoc(rng, 2 + rng.int(8), 1);
    const next = { n: 1000 };
    const a = randomOp(rng, base, next, 3);
    const afterA = applied(base, [a], 'apply(s, a)');
    const b = randomOp(rng, afterA, next, 3);
    const ab = ot().composeOperations([a, b]);
    const want = dump(applied(afterA, [b], 'apply(apply(s, a), b)'));
    const got = dump(applied(base, [ab], () => `case ${n}: apply(s, compose([a, b]))\n  a: ${show(a.edits, 6)}\n  b: ${show(b.edits, 6)}\n  compose: ${show(ab.edits, 6)}\n `));
    const differ = firstDifference(got, want);
    if (differ !== undefined) {
      fail(`case ${n}: apply(s, compose([a, b])) differs from apply(apply(s, a), b) (${differ})\n  a: ${show(a.edits, 6)}\n  b: ${show(b.edits, 6)}\n  compose: ${show(ab.edits, 6)}\n  expected: ${show(want, 8)}\n  actual:   ${show(got, 8)}`);
    }
  }
  // Typing "don't panic" a key at a time, two typos fixed by backspace.
  const base = applied(world(), [op([insert(1, null, 0, '> ')])], 'build the base');
  let doc = base;
  const keys: Operation[] = [];
  let pos = 2;
  for (const ch of "don't pq\banic!!\b") {
    let key: Operation;
    if (ch === '\b') {
      pos -= 1;
      key = op([erase(1, pos, 1)]);
    } else {
      key = op([typeText(1, pos, ch)]);
      pos += 1;
    }
    doc = applied(doc, [key], 'a keystroke');
    keys.push(key);
  }
  ensureEq(text(doc, 1), "> don't panic!", 'the typed text');
  const total = ot().composeOperations(keys);
  ensureEq(text(applied(base, [total], 'apply(s, the composed keystrokes)'), 1), "> don't panic!", 'the composed keystrokes applied at once');
  ensureEq(total.edits.length, 1, `edits in the composition of 16 keystrokes: ${show(total.edits, 6)}`);
  ensureEq([total.tenantId, total.documentId, total.userId], [T, D, U], "the composition's [tenant, document, user]");
  // A backspace at the very start of what was just typed still merges.
  const typedThenCut = ot().composeOperations([op([typeText(1, 2, 'xy')]), op([erase(1, 2, 1)])]);
  ensureEq(text(applied(base, [typedThenCut], 'apply(s, compose of typing "xy" at 2, then deleting position 2)'), 1), '> y', 'the composed edit applied');
  ensureEq(typedThenCut.edits.length, 1, `edits in the composition of typing "xy" at 2, then deleting position 2: ${show(typedThenCut.edits, 6)}`);
  refuses(() => ot().composeOperations([]), 'compose no operation', 'empty');
  const other: Operation = { ...(keys[0] as Operation), documentId: L.documentId('elsewhere') };
  refuses(() => ot().composeOperations([(keys[0] as Operation), other]), 'compose operations on two documents', 'wrong-document');
}
