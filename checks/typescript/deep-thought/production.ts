// Production readiness: twins of the Rust level's prod.malicious-* checks.
// Every state is frozen, so "a refusal changes nothing" holds by itself
// here; what these grade is that each hostile operation is refused with a
// CollabError (never a TypeError, never accepted), and that what is
// accepted leaves a sound tree. Positions that only JavaScript can send
// (NaN, Infinity, 1.5, beyond MAX_SAFE_INTEGER) are in the mix.

import { Rng } from '../gen';
import { crashed, deepEqual, deepFreeze, describe, ensure, ensureEq, fail, show } from '../harness';
import { D, T, U, W, applied, dump, e, erase, insert, isCollabError, move, ok, op, ot, pathOf, placeOf, randomDoc, randomEdit, randomOp, setAttr, text, typeText, world, type Edit, type Operation, type State } from './data';
import { must } from './collab';
import * as L from './learner';

/** root: e1 "abc" [e3 "héllo" [e4]], e2 "" */
function smallDoc(): State {
  return applied(world(), [op([insert(1, null, 0, 'abc'), insert(2, null, 1, 'x'), insert(3, 1, 0, 'héllo'), insert(4, 3, 0, 'y'), erase(2, 0, 1)])], 'build the document');
}

/** `o` must be refused with a CollabError (`code`, when given), leaving the state as it was. */
function refused(s: State, what: string, o: Operation, code?: L.CollabErrorCode): void {
  const before = dump(s);
  const revision = L.selectRevision(s, T, D);
  try {
    ot().applyOperation(s, o);
  } catch (err) {
    if (!isCollabError(err)) {
      if (crashed(err)) throw err;
      fail(`${what}: expected a CollabError${code ? ` ${code}` : ''}, got ${describe(err)}`);
    }
    if (code !== undefined && err.code !== code) fail(`${what}: expected CollabError ${code}, got ${describe(err)}`);
    ensureEq(dump(s), before, `${what}: refused, but the document changed`);
    ensureEq(L.selectRevision(s, T, D), revision, `${what}: refused, but the revision changed`);
    return;
  }
  fail(`${what}: expected a CollabError${code ? ` ${code}` : ''}, but it was applied`);
}

function refuseAll(s: State, cases: [string, readonly Edit[], L.CollabErrorCode?][]): void {
  for (const [what, edits, code] of cases) refused(s, what, op(edits), code);
}

// Catches: positions checked with the wrong bound (or not at all), numbers
// no index can be (NaN, negative, fractional, huge), positions that split a
// character, and operations that half-apply.
export function maliciousPositions(): void {
  const s = smallDoc();
  const [m2, m4] = [move(s, 2, null, 2), move(s, 4, null, 3)];
  const positions: [string, number][] = [
    ['NaN', Number.NaN],
    ['-1', -1],
    ['1.5', 1.5],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
    ['2^53 + 2', 2 ** 53 + 2],
  ];
  refuseAll(s, [
    ['insert at index 3 of a 2-element root list', [insert(9, null, 3, 'z')], 'out-of-range'],
    ['insert at index 2 under an element with 1 child', [insert(9, 1, 2, 'z')], 'out-of-range'],
    ['insert text at 4 of "abc"', [typeText(1, 4, 'x')], 'out-of-range'],
    ['insert text at 6 of "héllo" (5 code units)', [typeText(3, 6, 'x')], 'out-of-range'],
    ['delete 2..4 of "abc"', [erase(1, 2, 2)], 'out-of-range'],
    ['delete a character at 3 of "abc"', [erase(1, 3, 1)], 'out-of-range'],
    ['delete 5 characters of "héllo" from 1', [erase(3, 1, 5)], 'out-of-range'],
    ['delete with a length near MAX_SAFE_INTEGER', [erase(1, 1, Number.MAX_SAFE_INTEGER)]],
    ['move e2 to index 2 of its own list (1 element once it leaves)', [m2], 'out-of-range'],
    ['move e4 to index 3 of the 2-element root list', [m4], 'out-of-range'],
    ['a valid insert followed by one at index 99', [insert(9, null, 0, 'ok'), insert(10, null, 99, 'z')], 'out-of-range'],
    ['valid typing followed by a delete past the end', [typeText(1, 0, 'zz'), erase(1, 0, 9)], 'out-of-range'],
  ]);
  for (const [name, n] of positions) {
    refuseAll(s, [
      [`insert at index ${name}`, [insert(9, null, n, 'z')]],
      [`insert text at ${name}`, [typeText(1, n, 'x')]],
      [`delete text at ${name}`, [erase(1, n, 1)]],
      [`delete ${name} characters from 0`, [erase(1, 0, n)]],
      [`move e2 to index ${name}`, [{ ...m2, to: { path: [], index: n } } as Edit]],
      [`move e2 from index ${name}`, [{ ...m2, from: { ...placeOf(s, e(2)), index: n }, to: { path: [], index: 0 } } as Edit]],
      [`valid typing, then text inserted at ${name}`, [typeText(1, 0, 'ok '), typeText(1, n, 'x')]],
    ]);
  }
  const after = applied(s, [op([typeText(3, 5, '!')])], 'insert text at 5 of "héllo" (its end)');
  ensureEq(L.selectElement(after, T, D, e(3))?.text, 'héllo!', 'text after typing at the end');
}

// Catches: edits to ids that do not exist, duplicates accepted, and moves
// whose `from` is trusted without looking.
export function maliciousUnknownIds(): void {
  const s = smallDoc();
  const from2 = placeOf(s, e(2));
  const m2 = move(s, 2, null, 0);
  const m4 = move(s, 4, null, 0);
  refuseAll(s, [
    ['insert under unknown parent e77', [insert(9, 77, 0, 'z')], 'unknown-element'],
    ['insert with a taken id', [insert(2, null, 0, 'z')], 'duplicate-element'],
    ['insert the same new id twice', [insert(9, null, 0, 'z'), insert(9, null, 0, 'z')], 'duplicate-element'],
    ['delete unknown e77', [{ kind: 'delete', id: e(77) }], 'unknown-element'],
    ['set an attribute on unknown e77', [setAttr(77, 'k', null)], 'unknown-element'],
    ['type into unknown e77', [typeText(77, 0, 'x')], 'unknown-element'],
    ['delete text of unknown e77', [erase(77, 0, 1)], 'unknown-element'],
    ['move unknown e77', [{ kind: 'move', id: e(77), from: { path: [], index: 0 }, to: { path: [], index: 0 } }], 'unknown-element'],
    ['move e2 under unknown e77', [{ kind: 'move', id: e(2), from: from2, to: { path: [e(77)], index: 0 } }]],
    ['move e2 with a `from` index where e2 is not', [{ ...m2, from: { ...from2, index: 0 } } as Edit], 'wrong-place'],
    ['move e4 with a `from` path that is not its ancestors', [{ ...m4, from: { path: [e(3)], index: 0 } } as Edit], 'wrong-place'],
    ["an element id that is a property of every object ('toString')", [typeText(1, 0, 'x'), { kind: 'delete', id: L.elementId('toString') }]],
    ["a parent id that is a property of every object ('__proto__')", [insert(9, null, 0, 'z'), { kind: 'insert', id: e(10), parentId: L.elementId('__proto__'), index: 0, text: 'z' }]],
  ]);
  const other = L.documentId('elsewhere');
  const s2 = ok(() => L.addDocument(s, T, W, other, 'Elsewhere'), 'addDocument');
  refused(s2, 'typing into e1 of document elsewhere, which has no e1 (earth has)', { ...op([typeText(1, 0, 'x')]), documentId: other }, 'unknown-element');
  refused(s, 'an operation on unknown document d7', { ...op([insert(9, null, 0, 'z')]), documentId: L.documentId('d7') }, 'unknown-document');
  refused(s, 'an operation by unknown user u7', { ...op([insert(9, null, 0, 'z')]), userId: L.userId('u7') }, 'unknown-user');
}

// Catches: a move validated only against its direct parent, or against the
// path it claims rather than the real one.
export function maliciousMoveIntoDescendant(): void {
  const s = smallDoc();
  const into = (at: State, id: number, to: number): Edit => move(at, id, to, 0);
  const first = into(s, 2, 1);
  const after = applied(s, [op([first])], 'moving e2 into e1');
  refuseAll(s, [
    ['move e1 into itself', [into(s, 1, 1)]],
    ['move e1 into its child e3', [into(s, 1, 3)]],
    ['move e1 into its grandchild e4', [into(s, 1, 4)]],
    ['move e1 into e4, with a forged path that hides e4\'s ancestors', [{ kind: 'move', id: e(1), from: placeOf(s, e(1)), to: { path: [e(4)], index: 0 } }]],
    ['move e1 into e4, with a forged path that skips e1', [{ kind: 'move', id: e(1), from: placeOf(s, e(1)), to: { path: [e(4), e(3)], index: 0 } }]],
    ['move e2 into e1 and then e1 into e2, in one operation', [first, into(after, 1, 2)]],
  ]);
  const fine = applied(s, [op([into(s, 4, 1)])], 'moving e4 into e1, its grandparent, is fine');
  ensureEq(pathOf(fine, e(4)), [e(4), e(1)], 'the parent chain of e4 after moving it into e1');
}

// Catches: payload limits not enforced, so one operation can fill memory.
export function maliciousOversized(): void {
  const s = smallDoc();
  const huge = 'x'.repeat(L.MAX_PAYLOAD + 1);
  const many = Array.from({ length: L.MAX_EDITS + 1 }, (_, k) => setAttr(1, 'k', String(k)));
  refuseAll(s, [
    ['insert an element with text over MAX_PAYLOAD', [insert(9, null, 0, huge)], 'too-large'],
    ['insert text over MAX_PAYLOAD', [typeText(1, 0, huge)], 'too-large'],
    ['an attribute value over MAX_PAYLOAD', [setAttr(1, 'k', huge)], 'too-large'],
    ['an attribute key over MAX_PAYLOAD', [setAttr(1, huge, null)], 'too-large'],
    ['an operation of MAX_EDITS + 1 edits', many, 'too-large'],
  ]);
  applied(s, [op([typeText(2, 0, 'y'.repeat(L.MAX_PAYLOAD))])], 'insert text of exactly MAX_PAYLOAD');
  // The server half: it must not let one through either.
  const server = new L.CollaborationServer(s);
  serverRefuses(server, 'server.receive of MAX_EDITS + 1 edits', { clientId: L.clientId('c1'), seq: 1, baseRevision: 0, operation: op(many) }, 'too-large');
}


/**
 * `submit` must be refused with a CollabError (`code`, when given), leaving
 * the server as it was. Returns false when the server accepted it and `code`
 * is undefined (garbage may turn out valid), and fails the check otherwise.
 */
function serverRefuses(server: L.CollaborationServer, what: string, submit: L.Submit, code?: L.CollabErrorCode): boolean {
  // Frozen, a state written in place throws; then the same state object is the same document.
  const state = deepFreeze(server.state());
  const before = [server.revision(), server.historySince(0).length];
  try {
    server.receive(deepFreeze(submit));
  } catch (err) {
    if (!isCollabError(err)) fail(`${what}: expected a CollabError${code ? ` ${code}` : ''}, got ${describe(err)}\n  operation: ${show(submit.operation.edits, 6)}`);
    if (code !== undefined && err.code !== code) fail(`${what}: expected CollabError ${code}, got ${describe(err)}`);
    const after = [server.revision(), server.historySince(0).length];
    // Messages are built on a failure only: show() and dump() cost more than the check.
    const changed = `${what} (based on revision ${submit.baseRevision}): refused, but the server changed\n  operation: ${show(submit.operation.edits, 6)}`;
    if (!deepEqual(after, before)) ensureEq(after, before, `${changed}: its [revision, history length]`);
    if (server.state() !== state) ensureEq(dump(server.state()), dump(state), `${changed}: its document`);
    return true;
  }
  if (code !== undefined) fail(`${what}: expected a CollabError ${code}, but the server applied it`);
  return false;
}

// Catches: limits off by one (exactly MAX_EDITS edits, an attribute whose
// key and value together reach MAX_PAYLOAD), a key and a value measured one
// at a time, and empty text edits accepted.
export function maliciousLimits(): void {
  const s = smallDoc();
  const half = 'k'.repeat(L.MAX_PAYLOAD / 2 + 1);
  refuseAll(s, [
    ['an attribute whose key and value are each under MAX_PAYLOAD but together over it', [setAttr(1, half, half)], 'too-large'],
    ['inserting empty text', [typeText(1, 0, '')], 'empty'],
    ['deleting 0 characters', [erase(1, 0, 0)], 'empty'],
    ['a valid insert followed by empty text', [insert(9, null, 0, 'ok'), typeText(1, 1, '')], 'empty'],
  ]);
  const key = 'k'.repeat(L.MAX_PAYLOAD / 2);
  applied(s, [op([setAttr(1, key, 'v'.repeat(L.MAX_PAYLOAD - key.length))])], 'an attribute whose key and value together are exactly MAX_PAYLOAD');
  applied(s, [op([insert(500, null, 0, 't'.repeat(L.MAX_PAYLOAD))])], 'an insert whose text is exactly MAX_PAYLOAD');
  const exact = Array.from({ length: L.MAX_EDITS }, (_, k) => setAttr(1, 'k', String(k)));
  const big = applied(s, [op(exact)], 'an operation of exactly MAX_EDITS edits');
  ensureEq(L.selectElement(big, T, D, e(1))?.attributes, { k: String(L.MAX_EDITS - 1) }, 'the attributes of e1 after an operation of exactly MAX_EDITS writes of "k"');
}

const T2 = L.tenantId('megadodo');
const U2 = L.userId('zarniwoop');
const W2 = L.workspaceId('guide');
const D2 = L.documentId('entry');

// Catches: an operation routed by document id alone, so a user of one
// tenant (or another tenant's document id) reaches the other's data.
export function maliciousOtherTenant(): void {
  let s = smallDoc();
  s = ok(() => L.addTenant(s, T2, 'Megadodo'), 'addTenant');
  s = ok(() => L.addUser(s, T2, U2, 'Zarniwoop'), 'addUser');
  s = ok(() => L.addWorkspace(s, T2, W2, 'Guide'), 'addWorkspace');
  s = ok(() => L.bulkLoad(s, T2, W2, D2, 'Entry', U2, [{ id: e(9), parentId: null, text: 'mostly harmless' }]), 'bulkLoad');
  const typing = op([typeText(1, 0, 'pwned ')]);
  refused(s, "megadodo's user editing magrathea's document", { ...typing, userId: U2 }, 'unknown-user');
  refused(s, "megadodo editing magrathea's document with its own user", { ...typing, tenantId: T2, userId: U2 }, 'unknown-document');
  refused(s, "magrathea editing megadodo's document", { ...op([typeText(9, 0, 'pwned ')]), documentId: D2 }, 'unknown-document');
  refused(s, 'magrathea typing into e9, which only megadodo\'s document has', op([typeText(9, 0, 'x')]), 'unknown-element');
  refused(s, "an unknown tenant with magrathea's ids", { ...typing, tenantId: L.tenantId('nobody') }, 'unknown-tenant');
  ensureEq(L.selectElement(s, T2, D2, e(9))?.text, 'mostly harmless', "megadodo's element after the refusals");
}

const GARBAGE_NUMBERS = [Number.NaN, -1, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, Number.POSITIVE_INFINITY, -0.5, 1e21];

/** An edit built to be wrong: unknown ids, numbers no index can be, forged places, empty text. */
function garbageEdit(rng: Rng, s: State, ids = dump(s).length): Edit {
  const id = rng.int(100) < 70 ? 1 + rng.int(Math.max(ids, 1) + 2) : 900 + rng.int(5);
  const num = (): number => (rng.int(100) < 60 ? rng.pick(GARBAGE_NUMBERS) : rng.int(12));
  const place = (): L.Place => ({ path: rng.int(100) < 50 ? [] : [e(1 + rng.int(ids + 2))], index: num() });
  switch (rng.int(6)) {
    case 0:
      return insert(rng.int(100) < 50 ? id : 800 + rng.int(5), rng.int(100) < 50 ? null : 1 + rng.int(ids + 2), num(), rng.pick(['', 'x', '🐬']));
    case 1:
      return { kind: 'delete', id: e(id) };
    case 2:
      return setAttr(id, rng.pick(['', 'k', '__proto__']), rng.pick([null, 'v']));
    case 3:
      return { kind: 'move', id: e(id), from: place(), to: place() };
    case 4:
      return typeText(id, num(), rng.pick(['', 'x', '🐬']));
    default:
      return erase(id, num(), num());
  }
}

// Catches: crashes on garbage (a TypeError on an unknown id, a position that
// is NaN or huge) and operations that keep their valid first half or leave
// a broken tree.
export function maliciousGarbage(): void {
  const rng = new Rng(0x6a2ba6e);
  let s = randomDoc(rng, 30, 1);
  const next = { n: 5000 };
  let refusedCount = 0;
  const cases = 1500;
  for (let c = 0; c < cases; c++) {
    const edits: Edit[] = [];
    if (rng.int(100) < 50) edits.push(randomEdit(rng, s, next));
    edits.push(garbageEdit(rng, s));
    const o = op(edits);
    let result: State;
    try {
      result = ot().applyOperation(s, o);
    } catch (err) {
      // The state is frozen: a refusal that wrote to it threw a TypeError here.
      if (!isCollabError(err)) fail(`garbage case ${c} threw ${describe(err)}, not a CollabError\n  operation: ${show(o.edits, 6)}`);
      refusedCount++;
      continue;
    }
    const rows = dump(result);
    ensure(!rows.some((r) => r.trimStart().startsWith('<')), `garbage case ${c} was applied and left a broken tree\n  operation: ${show(o.edits, 6)}\n  rows: ${show(rows)}`);
    s = deepFreeze(result);
  }
  ensure(refusedCount > cases / 2, `only ${refusedCount} of ${cases} garbage operations were refused`);

  // The server half: garbage, some of it on revisions the server has not reached.
  const server = new L.CollaborationServer(s);
  const rows = dump(s).length;
  for (let c = 0; c < 200; c++) {
    const operation = op([garbageEdit(rng, s, rows)]);
    const baseRevision = rng.int(100) < 30 ? 1 + rng.int(5) : 0;
    serverRefuses(server, `server garbage case ${c}`, { clientId: L.clientId(`c${1 + rng.int(3)}`), seq: c + 1, baseRevision, operation });
  }
}

// Catches: a throw other than a CollabError on garbage that reaches a state
// with a search index and two documents (index upkeep that reads text before
// the edit is validated) or that the server transforms past a history
// (position arithmetic in transform), and refusals that change something:
// an index kept in a Map and written in place, the server's revision or its
// history.
export function maliciousGarbageStoreAndServer(): void {
  const rng = new Rng(0x570be);
  const other = L.documentId('moon');
  const built = randomDoc(rng, 20, 1);
  let s = ok(() => L.bulkLoad(built, T, W, other, 'Moon', U, [{ id: e(1), parentId: null, text: 'towel whale' }]), 'bulkLoad a second document');
  const look = (at: State): unknown[] => [
    L.selectRevision(at, T, D),
    L.selectRevision(at, T, other),
    L.selectActivity(at, T, W, 5),
    ...['towel', 'whale', 'x', 'vogon'].map((word) => L.selectSearch(at, T, W, word)),
    L.selectDocumentElements(at, T, other),
  ];
  const next = { n: 100_000 };
  let before = [dump(s), look(s)];
  for (let c = 0; c < 300; c++) {
    const edits: Edit[] = [];
    if (rng.int(100) < 40) edits.push(randomEdit(rng, s, next));
    edits.push(garbageEdit(rng, s, (before[0] as string[]).length));
    const o = op(edits);
    let result: State;
    try {
      result = ot().applyOperation(s, o);
    } catch (err) {
      if (!isCollabError(err)) fail(`state garbage case ${c} threw ${describe(err)}, not a CollabError\n  operation: ${show(o.edits, 6)}`);
      const after = [dump(s), look(s)];
      if (!deepEqual(after, before)) ensureEq(after, before, `state garbage case ${c} was refused, but the state reads differently ([document, [revisions, feed, searches, the other document]])\n  operation: ${show(o.edits, 6)}`);
      continue;
    }
    s = deepFreeze(result);
    before = [dump(s), look(s)];
  }

  // A server with a history: garbage based on an old revision is transformed
  // past everything sequenced since.
  let doc = randomDoc(rng, 20, 1);
  const server = new L.CollaborationServer(doc);
  for (let k = 0; k < 40; k++) {
    const o = randomOp(rng, doc, next, 3);
    doc = applied(doc, [o], 'a generated valid operation');
    const submit = deepFreeze({ clientId: L.clientId('c1'), seq: k + 1, baseRevision: k, operation: o });
    must(() => server.receive(submit), `server.receive of valid operation ${k + 1}, on the revision before`);
  }
  const rows = dump(doc).length;
  for (let c = 0; c < 250; c++) {
    const operation = op([garbageEdit(rng, doc, rows), garbageEdit(rng, doc, rows)]);
    serverRefuses(server, `server garbage case ${c}`, { clientId: L.clientId('c2'), seq: c + 1, baseRevision: rng.int(41), operation });
  }
}

// Catches: an insert of a refused operation that stays behind (found, listed
// under its parent, in the search index, or its id taken), or an element
// lost when a refusal is cleaned up carelessly (the garbage cases rarely
// refuse many inserts at once).
export function refusedInsertsLeaveNoTrace(): void {
  const rng = new Rng(0xdec0de);
  const ids = new Set<number>();
  while (ids.size < 3000) ids.add(1 + rng.int(1_000_000_000));
  const all = [...ids];
  const [kept, undone] = [all.slice(0, 2000), all.slice(2000)];
  const parentOf = (i: number): number => kept[(i * 7) % kept.length] as number;
  const s = applied(world(), [op(kept.map((id, i) => insert(id, null, i, `kept ${id}`)))], 'insert 2,000 elements in one operation');
  const inserts = (t: string): Edit[] => undone.map((id, i) => insert(id, parentOf(i), 0, t));
  for (let round = 0; round < 3; round++) {
    const what = `1,000 inserts, then a delete past the end of a text (round ${round + 1})`;
    refused(s, what, op([...inserts('undone'), erase(kept[0] as number, 0, 99)]));
    for (const id of kept) {
      ensureEq(text(s, id), `kept ${id}`, `${what}: element e${id}, which the operation did not touch`);
      ensureEq(L.selectChildren(s, T, D, e(id)).length, 0, `${what}: the children of e${id} on the state given`);
    }
    for (const id of undone) ensure(text(s, id) === '<missing>', `${what}: element e${id} was inserted by the refused operation, yet it is found`);
    ensureEq(L.selectSearch(s, T, W, 'undone'), [], `${what}: a search for "undone", the refused operation's text`);
  }
  const now = applied(s, [op(inserts('now'))], 'the same 1,000 inserts without the bad edit (the refused ones must leave their ids free)');
  ensure(
    undone.every((id) => text(now, id) === 'now'),
    'the elements of the 1,000 inserts, once applied, should all hold "now"',
  );
  ensureEq(L.selectSearch(now, T, W, 'undone'), [], 'a search for "undone" after the same inserts were applied with the text "now"');
  ensureEq(L.selectSearch(now, T, W, 'now').length, 1000, 'how many elements a search for "now" finds');
}
