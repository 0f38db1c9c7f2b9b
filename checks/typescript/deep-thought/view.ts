// Step 10, the seed's "Advanced Selector Architecture": the live document,
// carets that follow every edit, and the memoized, permission-filtered,
// windowed view per viewer. Twins of the Rust level's view.* checks; caret
// offsets count UTF-16 code units here. Every view is compared with one
// built here from the learner's earlier selectors (selectDocumentElements,
// selectElement), so this step is graded on its own.

import { Rng } from '../gen';
import { compare, deepEqual, deepFreeze, ensure, ensureEq, ensureSame, fail, keep, ok as succeeds, phase, show, type Measurement } from '../harness';
import {
  D,
  T,
  U,
  W,
  applied,
  dump,
  e,
  element,
  erase,
  insert,
  isCollabError,
  ok,
  op,
  pathOf,
  randomDoc,
  randomOp,
  refuses,
  remove,
  setAttr,
  typeText,
  world,
  type Edit,
  type Operation,
  type State,
} from './data';
import * as L from './learner';
import { FIXED, HUGE, T1, stores } from './scale';

type Live = L.LiveDocument;

const u = (n: number): L.UserId => L.userId(`u${n}`);
const caret = (el: number, offset: number): L.Caret => ({ element: e(el), offset });
const at = (cursor: L.Caret): L.Presence => ({ cursor, selection: null });
const selecting = (anchor: L.Caret, head: L.Caret): L.Presence => ({ cursor: head, selection: { anchor, head } });
const win = (start: number, end: number): L.ViewWindow => Object.freeze({ start, end });
const ALL = win(0, Infinity);

/** A LiveDocument of document D, deep-frozen as every input the checks hand over. */
function live(content: State, parts: Partial<Live> = {}): Live {
  return deepFreeze({ tenantId: T, documentId: D, content, presence: {}, pending: [], readers: {}, ...parts });
}

/** The same live document with some parts replaced, the others the very same objects. */
function change(s: Live, parts: Partial<Live>): Live {
  return deepFreeze({ ...s, ...parts });
}

function presenceOf(entries: readonly [L.UserId, L.Presence][]): Readonly<Record<L.UserId, L.Presence>> {
  return Object.fromEntries(entries) as Record<L.UserId, L.Presence>;
}

function readable(s: Live, viewer: L.UserId, id: L.ElementId): boolean {
  return !Object.hasOwn(s.readers, id) || (s.readers[id] as readonly L.UserId[]).includes(viewer);
}

/** Visible, and neither it nor an ancestor is kept from `viewer`. */
function sees(s: Live, viewer: L.UserId, id: L.ElementId): boolean {
  const el = element(s.content, id);
  if (!el) return false;
  return [id, ...pathOf(s.content, el.parentId)].every((a) => element(s.content, a)?.deleted === false && readable(s, viewer, a));
}

/** A view reduced to what the contract names (a learner's extra fields are theirs). */
function plain(v: L.DocumentView): L.DocumentView {
  const c = (x: L.Caret): L.Caret => ({ element: x.element, offset: x.offset });
  return {
    total: v.total,
    window: { start: v.window.start, end: v.window.end },
    elements: v.elements.map((x) => ({ id: x.id, depth: x.depth, text: x.text, attributes: { ...x.attributes }, pending: x.pending })),
    collaborators: v.collaborators.map((x) => ({ user: x.user, cursor: c(x.cursor), selection: x.selection && { anchor: c(x.selection.anchor), head: c(x.selection.head) } })),
  };
}

/** The view the contract describes, built the slow and obvious way. */
function expected(s: Live, viewer: L.UserId, window: L.ViewWindow): L.DocumentView {
  const order = L.selectDocumentElements(s.content, T, D).filter((id) => sees(s, viewer, id));
  const pending = new Set(s.pending.flatMap((o) => o.edits.map((x) => x.id)));
  const total = order.length;
  const start = Math.min(window.start, total);
  const end = Math.min(Math.max(window.end, start), total);
  const elements = order.slice(start, end).map((id) => {
    const el = element(s.content, id) as L.DocumentElement;
    return { id, depth: pathOf(s.content, el.parentId).length, text: el.text, attributes: el.attributes, pending: pending.has(id) };
  });
  const users = (Object.keys(s.presence) as L.UserId[]).sort();
  const collaborators = users
    .map((user) => [user, s.presence[user] as L.Presence] as const)
    .filter(([user, p]) => user !== viewer && sees(s, viewer, p.cursor.element))
    .map(([user, p]) => ({
      user,
      cursor: p.cursor,
      selection: p.selection && sees(s, viewer, p.selection.anchor.element) && sees(s, viewer, p.selection.head.element) ? p.selection : null,
    }));
  return plain({ total, window: { start, end }, elements, collaborators });
}

function select(selector: L.DocumentSelector, s: Live, viewer: L.UserId, window: L.ViewWindow): L.DocumentView {
  const view = selector(s, viewer, window);
  if (typeof view !== 'object' || view === null) fail(`the selector returned ${show(view, 1)}, not a DocumentView`);
  return view;
}

function sameView(got: L.DocumentView, want: L.DocumentView, what: string): void {
  const g = plain(got);
  ensureEq(g.total, want.total, `${what}: total (elements the viewer may see)`);
  ensureEq(g.window, want.window, `${what}: the window served`);
  ensureEq(
    g.elements.map((x) => x.id),
    want.elements.map((x) => x.id),
    `${what}: the elements in the window, in document order`,
  );
  ensureEq(g.elements, want.elements, `${what}: the elements (id, depth, text, attributes, pending)`);
  ensureEq(g.collaborators, want.collaborators, `${what}: the collaborators the viewer sees, sorted by user`);
}

const ids = (v: L.DocumentView): L.ElementId[] => v.elements.map((x) => x.id);

/**
 * Elements 1..8 with texts, a tombstone (8) and a nested one (4 under 2):
 * 1 [2 [4], 3], 5, 6 [7], 8 (deleted). Users 1..5 are in it (listed out of
 * order), user 4 in the tombstone and user 5 in an element the document does
 * not have; a second document, "moon", holds the same element ids.
 */
const MOON = L.documentId('moon');
function smallLive(): Live {
  const edits = [
    insert(1, null, 0, 'The Answer'),
    insert(2, 1, 0, 'is forty-two'),
    insert(3, 1, 1, 'said Deep Thought'),
    insert(4, 2, 0, 'after 7.5 million years'),
    insert(5, null, 1, 'Loonquawl'),
    insert(6, null, 2, 'Phouchg'),
    insert(7, 6, 0, 'were not amused'),
    insert(8, null, 3, 'the Question'),
    setAttr(5, 'style', 'bold'),
    remove(8),
  ];
  let content = applied(world(), [op(edits)], 'building the document');
  content = ok(() => L.bulkLoad(content, T, W, MOON, 'Moon', U, [{ id: e(1), parentId: null, text: 'The Answer' }]), 'bulkLoad the document "moon"');
  const presence = presenceOf([
    [u(3), at(caret(7, 4))],
    [u(1), at(caret(1, 3))],
    [u(5), at(caret(99, 0))],
    [u(2), selecting(caret(2, 0), caret(2, 6))],
    [u(4), at(caret(8, 1))],
  ]);
  return live(content, { presence, pending: [op([typeText(3, 0, 'so ')])] });
}

// Catches: a view that lists elements out of document order, misses depth,
// attributes or pending flags, lists the viewer, a cursor in a tombstone or
// collaborators unsorted, or does not follow a remote edit.
export function documentView(): void {
  const s = smallLive();
  const selector = L.makeSelectDocumentWithCollaborators();
  sameView(select(selector, s, u(1), win(0, 100)), expected(s, u(1), win(0, 100)), 'the whole small document as user 1 sees it');

  const rng = new Rng(0x5e1ec7);
  for (let round = 0; round < 25; round++) {
    let content = randomDoc(rng, 16, 1);
    const nextId = { n: 1000 };
    const pending: Operation[] = [];
    for (let k = rng.int(3); k > 0; k--) {
      const o = randomOp(rng, content, nextId, 3);
      content = applied(content, [o], 'a pending operation');
      pending.push(o);
    }
    const all = L.selectDocumentElements(content, T, D);
    const randomCaret = (): L.Caret => {
      const id = rng.pick([...all, e(1000 + rng.int(5))]);
      const t = element(content, id)?.text ?? '';
      return { element: id, offset: rng.pick([0, t.length]) };
    };
    const presence = presenceOf(
      rng.shuffle([1, 2, 3, 4, 5]).map((n): [L.UserId, L.Presence] => {
        const cursor = randomCaret();
        return [u(n), rng.int(2) === 0 ? at(cursor) : selecting(randomCaret(), cursor)];
      }),
    );
    const s = live(content, { presence, pending });
    const viewer = u(1 + rng.int(5));
    sameView(select(selector, s, viewer, ALL), expected(s, viewer, ALL), `random document ${round}`);

    // A remote edit: the next view shows it, cursors moved.
    const remote = randomOp(rng, content, nextId, 3);
    const after = deepFreeze(succeeds(() => L.applyRemote(s, remote), 'applyRemote of a valid operation', isCollabError));
    ensureEq(dump(after.content), dump(applied(content, [remote], 'the same operation with applyOperation')), `random document ${round}: applyRemote's content is not the document with the operation applied`);
    sameView(select(selector, after, viewer, ALL), expected(after, viewer, ALL), `random document ${round} after a remote edit`);
  }
}

// Catches: a selector that never hits, a cache shared between selectors or
// keyed on the window object, one that ignores the viewer or the window.
export function memoSameObject(): void {
  const s = smallLive();
  const mine = L.makeSelectDocumentWithCollaborators();
  const theirs = L.makeSelectDocumentWithCollaborators();
  const first = select(mine, s, u(1), win(0, 4));
  const other = select(theirs, s, u(2), win(0, 4));
  ensureSame(select(mine, change(s, {}), u(1), win(0, 4)), first, 'the same inputs (a copy of the LiveDocument with the very same parts, the same viewer, a window with the same bounds) must give the very same view');
  ensureSame(select(theirs, s, u(2), win(0, 4)), other, "a second selector (user 2's screen) lost its cached view when the first one was used: each selector has its own cache");
  const fresh = L.makeSelectDocumentWithCollaborators();
  ensure(select(fresh, s, u(1), win(0, 4)) !== first, 'a new selector returned the view another selector made: each selector starts with empty caches of its own');
  const moved = select(mine, s, u(1), win(1, 5));
  ensure(moved !== first, 'moving the window from 0..4 to 1..5 gave the same view back');
  sameView(moved, expected(s, u(1), win(1, 5)), 'the window 1..5');
  ensureSame(select(mine, s, u(1), win(1, 5)), moved, 'the same window again');
  const asTwo = select(mine, s, u(2), win(1, 5));
  ensure(asTwo !== moved, "another viewer got the first viewer's view");
  sameView(asTwo, expected(s, u(2), win(1, 5)), 'the window 1..5 as user 2');
}

/** The view before, the changed state, and the view after: a new one, equal to what the contract says. */
function changesView(s: Live, changed: Live, input: string): void {
  const selector = L.makeSelectDocumentWithCollaborators();
  const before = select(selector, s, u(1), win(0, 100));
  ensureSame(select(selector, s, u(1), win(0, 100)), before, 'the same inputs, twice');
  const after = select(selector, changed, u(1), win(0, 100));
  ensure(after !== before, `${input} changed, and the selector returned the old view`);
  const want = expected(changed, u(1), win(0, 100));
  ensure(!deepEqual(expected(s, u(1), win(0, 100)), want), `check bug: the change to ${input} changes nothing visible`);
  sameView(after, want, `after ${input} changed`);
  ensureSame(select(selector, changed, u(1), win(0, 100)), after, `after ${input} changed, the same inputs again`);
  sameView(select(selector, s, u(1), win(0, 100)), expected(s, u(1), win(0, 100)), `after ${input} changed back`);
}

// Catches: a memo or an order cache that does not compare the content.
export function memoContent(): void {
  const s = smallLive();
  const content = applied(s.content, [op([typeText(5, 0, 'Lunkwill and '), insert(9, null, 1, 'Fook')])], 'typing into element 5 and inserting element 9');
  changesView(s, change(s, { content }), 'the content');
}

// Catches: a memo that does not compare the presence.
export function memoPresence(): void {
  const s = smallLive();
  changesView(s, change(s, { presence: { ...s.presence, [u(3)]: at(caret(5, 2)) } }), 'the presence');
}

// Catches: a memo that does not compare the pending operations.
export function memoPending(): void {
  const s = smallLive();
  changesView(s, change(s, { pending: [...s.pending, op([setAttr(6, 'color', 'red')])] }), 'the pending operations');
}

// Catches: a memo or an order cache that does not compare the read permissions.
export function memoPermissions(): void {
  const s = smallLive();
  changesView(s, change(s, { readers: { [e(6)]: [u(2)] } }), 'the read permissions');
}

/**
 * Where each caret ends up, found by following characters, not offsets:
 * each element's text becomes a list of characters (one or two code units)
 * with the carets among them; inserted text goes in right after the
 * characters before its position (so before a caret there: the edit came
 * first), deleted characters leave, and a caret's offset is the code units
 * before it. Also returns the texts, to check the simulation against apply.
 */
function follow(texts: ReadonlyMap<L.ElementId, string>, marks: readonly L.Caret[], o: Operation): [number[], Map<L.ElementId, string>] {
  type Tok = { ch: string } | { mark: number };
  const lines = new Map<L.ElementId, Tok[]>();
  const line = (id: L.ElementId): Tok[] => {
    let toks = lines.get(id);
    if (!toks) lines.set(id, (toks = [...(texts.get(id) ?? '')].map((ch) => ({ ch }))));
    return toks;
  };
  /** The token index of code unit `pos`, after any carets there when `pastMarks`. */
  const indexOf = (toks: Tok[], pos: number, pastMarks: boolean): number => {
    let i = 0;
    for (let seen = 0; i < toks.length; i++) {
      const t = toks[i] as Tok;
      if ('mark' in t ? seen >= pos && !pastMarks : seen >= pos) break;
      if ('ch' in t) seen += t.ch.length;
    }
    return i;
  };
  for (const id of texts.keys()) line(id);
  marks.forEach((m, k) => {
    const toks = line(m.element);
    toks.splice(indexOf(toks, m.offset, true), 0, { mark: k });
  });
  for (const edit of o.edits) {
    if (edit.kind === 'insertText' && lines.has(edit.id)) {
      const toks = line(edit.id);
      toks.splice(indexOf(toks, edit.pos, false), 0, ...[...edit.text].map((ch) => ({ ch })));
    } else if (edit.kind === 'deleteText' && lines.has(edit.id)) {
      let seen = 0;
      lines.set(
        edit.id,
        line(edit.id).filter((t) => {
          if ('mark' in t) return true;
          const from = seen;
          seen += t.ch.length;
          return from < edit.pos || from >= edit.pos + edit.length;
        }),
      );
    }
  }
  const offsets: number[] = marks.map(() => 0);
  const out = new Map<L.ElementId, string>();
  for (const [id, toks] of lines) {
    let text = '';
    for (const t of toks) {
      if ('mark' in t) offsets[t.mark] = text.length;
      else text += t.ch;
    }
    out.set(id, text);
  }
  return [offsets, out];
}

const PIECES = ['towel', '42', ' ', 'é', '🐬', 'ñandú', 'x'];
const CURSORS = L.documentId('cursors');

/** Each position of `t` that is not inside a surrogate pair, the ends favoured. */
function boundary(rng: Rng, t: string): number {
  const bounds = [0];
  for (const ch of t) bounds.push((bounds[bounds.length - 1] as number) + ch.length);
  return rng.int(3) === 0 ? rng.pick([0, t.length]) : rng.pick(bounds);
}

/** A random operation of text edits (with a few others) on `texts`, each valid after the ones before. */
function textOp(rng: Rng, texts: Map<L.ElementId, string>, nextId: { n: number }): Operation {
  const edits: Edit[] = [];
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const id = rng.pick([...texts.keys()]);
    const t = texts.get(id) as string;
    const roll = rng.int(100);
    const pos = boundary(rng, t);
    const rest = [...t.slice(pos)];
    if (roll < 8) {
      nextId.n += 1;
      edits.push({ kind: 'insert', id: e(nextId.n), parentId: null, index: 0, text: 'new' });
      texts.set(e(nextId.n), 'new');
    } else if (roll < 14) {
      edits.push(rng.int(2) === 0 ? { kind: 'delete', id } : { kind: 'setAttribute', id, key: 'color', value: 'red' });
    } else if (roll < 55 || rest.length === 0) {
      const typed = rng.pick(PIECES) + rng.pick(PIECES);
      edits.push({ kind: 'insertText', id, pos, text: typed });
      texts.set(id, t.slice(0, pos) + typed + t.slice(pos));
    } else {
      const length = rest.slice(0, 1 + rng.int(rest.length)).join('').length;
      edits.push({ kind: 'deleteText', id, pos, length });
      texts.set(id, t.slice(0, pos) + t.slice(pos + length));
    }
  }
  return deepFreeze({ ...op(edits), documentId: CURSORS });
}

type Mark = [L.UserId, string, L.Caret | null];

/** Every caret of the presence: cursor, anchor, head, per user in key order. */
function carets(presence: Readonly<Record<L.UserId, L.Presence>>): Mark[] {
  return (Object.keys(presence) as L.UserId[]).sort().flatMap((user): Mark[] => {
    const p = presence[user] as L.Presence;
    return [
      [user, 'cursor', p.cursor],
      [user, 'selection anchor', p.selection?.anchor ?? null],
      [user, 'selection head', p.selection?.head ?? null],
    ];
  });
}

// Catches: cursors or selection ends left where they were, a tie at the
// caret that keeps it before the remote text, a deletion around the caret
// that does not leave it at the range's start, offsets counted in code
// points, parts apply did not change copied, another document's operation.
export function cursorsFollowEdits(): void {
  // Directed cases on "abcdef" (e1) and "é🐬x" (e2: é is one unit, 🐬 two).
  const base = applied(world(), [op([insert(1, null, 0, 'abcdef'), insert(2, null, 1, 'é🐬x')])], 'building the document');
  const cases: [string, Edit, number, number, number][] = [
    ['text typed after it', typeText(1, 4, 'XY'), 1, 3, 3],
    ['text typed exactly at it (the remote edit wins the tie)', typeText(1, 3, 'XY'), 1, 3, 5],
    ['text typed before it', typeText(1, 0, 'XY'), 1, 3, 5],
    ['a deletion before it', erase(1, 0, 2), 1, 3, 1],
    ['a deletion ending at it', erase(1, 1, 2), 1, 3, 1],
    ['a deletion around it', erase(1, 2, 3), 1, 3, 2],
    ['a deletion starting at it', erase(1, 3, 2), 1, 3, 3],
    ['text typed into another element', typeText(2, 0, 'abc'), 1, 3, 3],
    ['the deletion of its element (a tombstone keeps its text)', remove(1), 1, 3, 3],
    ['a 🐬 typed before it (two UTF-16 units)', typeText(2, 0, '🐬'), 2, 3, 5],
    ['the deletion of the 🐬 right before it (two units)', erase(2, 1, 2), 2, 3, 1],
    ['text typed right after the 🐬 that follows it', typeText(2, 3, 'ab'), 2, 1, 1],
    ['text typed at the end, right after it', typeText(2, 4, '🐬'), 2, 4, 6],
  ];
  for (const [what, edit, el, from, want] of cases) {
    ensureEq(L.transformCaret(caret(el, from), op([edit])), caret(el, want), `a caret at offset ${from} of e${el} ("${element(base, e(el))?.text}"), after ${what}`);
  }
  ensureEq(L.transformCaret(caret(1, 3), op([typeText(1, 3, 'XY'), erase(1, 0, 4)])), caret(1, 1), 'a caret at 3 of "abcdef" after typing "XY" at 3, then deleting 0..4');

  // The property, on seeded random edits: every caret stays between the same characters.
  const rng = new Rng(0xc0ffee);
  for (let round = 0; round < 150; round++) {
    const rows: L.NewElement[] = [];
    const texts = new Map<L.ElementId, string>();
    for (let k = 1; k <= 3; k++) {
      const t = Array.from({ length: rng.int(5) }, () => rng.pick(PIECES)).join('');
      rows.push({ id: e(k), parentId: k === 3 ? e(1) : null, text: t });
      texts.set(e(k), t);
    }
    const content = ok(() => L.bulkLoad(base, T, W, CURSORS, 'cursors', U, rows), 'bulkLoad a document of three elements');
    const randomCaret = (): L.Caret => {
      const id = rng.int(8) === 0 ? e(99) : rng.pick([...texts.keys()]);
      return { element: id, offset: boundary(rng, texts.get(id) ?? '') };
    };
    const presence = presenceOf(
      [1, 2, 3, 4].map((n): [L.UserId, L.Presence] => {
        const cursor = randomCaret();
        return [u(n), rng.int(10) < 6 ? { cursor, selection: { anchor: randomCaret(), head: randomCaret() } } : at(cursor)];
      }),
    );
    const s = live(content, { presence, documentId: CURSORS });
    const before = carets(s.presence);
    const marks = before.flatMap(([, , c]) => (c ? [c] : []));
    const known = new Map(texts);
    const remote = textOp(rng, texts, { n: 100 });
    const moved = deepFreeze(succeeds(() => L.applyRemote(s, remote), 'applyRemote of a valid operation', isCollabError));
    ensure(moved.pending === s.pending && moved.readers === s.readers, 'applyRemote must keep the very same pending and readers objects (it does not change them): a copy makes every screen draw again');
    const [offsets, want] = follow(known, marks, remote);
    for (const [id, t] of want) {
      ensureEq(L.selectElement(moved.content, T, CURSORS, id)?.text ?? '', t, `round ${round}: element ${id}'s text after ${show(remote.edits, 4)}`);
    }
    const after = carets(moved.presence);
    ensureEq(
      after.map(([user, what, c]) => `${user} ${what}${c === null ? ' (none)' : ''}`),
      before.map(([user, what, c]) => `${user} ${what}${c === null ? ' (none)' : ''}`),
      `round ${round}: the users and their selections after a remote edit`,
    );
    let k = 0;
    before.forEach(([user, what, was], i) => {
      const now = (after[i] as Mark)[2];
      if (was === null) return;
      const wanted: L.Caret = { element: was.element, offset: offsets[k++] as number };
      ensureEq(now && { element: now.element, offset: now.offset }, wanted, `round ${round}: ${user}'s ${what} was at ${show(was)}; after the remote operation ${show(remote.edits, 4)}`);
    });
  }
  const s = smallLive();
  refuses(() => L.applyRemote(s, op([erase(1, 5, 100)])), 'applyRemote of a deletion past the end of the text', 'out-of-range');
  const moon = deepFreeze({ ...op([typeText(1, 0, 'Full ')]), documentId: MOON });
  refuses(() => L.applyRemote(s, moon), "applyRemote of an operation on another document (\"moon\", which has the same element ids) to earth's live document", 'wrong-document');
}

// Catches: read permissions ignored, a restriction that hides the element
// but not its subtree, or presence that leaks where a hidden collaborator is.
export function permissionsHide(): void {
  const s = smallLive();
  const one = L.makeSelectDocumentWithCollaborators();
  const two = L.makeSelectDocumentWithCollaborators();
  const open = select(one, s, u(1), win(0, 100));
  sameView(open, expected(s, u(1), win(0, 100)), 'no restriction');
  const openView = plain(open);

  // e2 (with e4 under it) for user 2 only; e6 (with e7) for users 1 and 3.
  const closed = change(s, { readers: { [e(2)]: [u(2)], [e(6)]: [u(1), u(3)] } });
  const view = select(one, closed, u(1), win(0, 100));
  ensureEq(ids(view), [e(1), e(3), e(5), e(6), e(7)], 'what user 1 sees with e2 (and e4 under it) kept for user 2');
  ensureEq(view.total, 5, "total for user 1 with e2's subtree hidden");
  ensure(!view.collaborators.some((c) => c.user === u(2)), "user 2's cursor is in e2, which user 1 may not see, and the view shows it");
  sameView(view, expected(closed, u(1), win(0, 100)), 'user 1 with restrictions');
  const theirs = select(two, closed, u(2), win(0, 100));
  ensureEq(ids(theirs), [e(1), e(2), e(4), e(3), e(5)], 'what user 2 sees (e6 and e7 are kept for users 1 and 3)');
  sameView(theirs, expected(closed, u(2), win(0, 100)), 'user 2 with restrictions');

  // A selection from a hidden element into a visible one shows the cursor only.
  const spanning = change(closed, { presence: { ...s.presence, [u(3)]: selecting(caret(4, 2), caret(5, 1)) } });
  const three = plain(select(one, spanning, u(1), win(0, 100))).collaborators.find((c) => c.user === u(3));
  ensureEq(three, { user: u(3), cursor: caret(5, 1), selection: null }, 'user 3 selects from hidden e4 to e5: user 1 sees the cursor, not the selection');

  // Lifted again: everything is back.
  const back = select(one, change(closed, { readers: {} }), u(1), win(0, 100));
  sameView(back, openView, 'the restrictions lifted again');
  const nobody = select(one, change(s, { readers: { [e(1)]: [] } }), u(1), win(0, 100));
  ensureEq(ids(nobody), [e(5), e(6), e(7)], 'e1 readable by nobody (an empty list): user 1 sees');
}

// Catches: a window off by one at either end, one not cut to the document,
// or positions counted in element ids instead of the viewer's order.
export function windowEdges(): void {
  const rng = new Rng(0x3d0c);
  const content = randomDoc(rng, 40, 1);
  const visible = L.selectDocumentElements(content, T, D);
  const s = live(content, { readers: { [visible[3] as L.ElementId]: [u(9)] } });
  const total = expected(s, u(1), ALL).total;
  ensure(total > 20, `check bug: only ${total} elements visible`);
  const selector = L.makeSelectDocumentWithCollaborators();
  const windows: [string, L.ViewWindow][] = [
    ['the first 5', win(0, 5)],
    ['the last 5', win(total - 5, total)],
    ['the last one', win(total - 1, total)],
    ['an empty window inside', win(7, 7)],
    ['one reaching past the end', win(total - 3, total + 10)],
    ['one starting at the end', win(total, total + 10)],
    ['one starting past the end', win(total + 5, total + 9)],
    ['one ending before it starts', win(9, 4)],
    ['everything', ALL],
    ['one in the middle', win(10, 17)],
  ];
  for (const [what, window] of windows) {
    sameView(select(selector, s, u(1), window), expected(s, u(1), window), `${what} (${window.start}..${window.end}, total ${total})`);
  }
}

/**
 * A live view of `document` in the 1M store the perf checks share, with ten
 * carets and a pending edit; frozen at the top, as the store is: deep-freezing
 * 100,000 elements would cost more than the windows measured.
 */
function storeLive(content: State, document: L.DocumentId): Live {
  const presence = presenceOf(Array.from({ length: 10 }, (_, k): [L.UserId, L.Presence] => [u(k + 1), at(caret(k + 1, 2))]));
  const pending = [deepFreeze({ ...op([typeText(5, 0, '42 ')]), tenantId: T1, documentId: document })];
  return Object.freeze({ tenantId: T1, documentId: document, content, presence: deepFreeze(presence), pending, readers: Object.freeze({}) });
}

// Catches: a window that builds the whole document's view and slices it, or
// that walks the whole tree again each time the window moves.
export function windowCost(): Measurement {
  // The store of 1,000,000 elements holds both sizes: "fixed" (1,000) and "huge" (100,000).
  const [, million] = stores();
  const small = storeLive(million.state, FIXED);
  const big = storeLive(million.state, HUGE);
  phase('checking the windows on both documents');
  const starts = Array.from({ length: 95 }, (_, k) => k * 10);
  const a = L.makeSelectDocumentWithCollaborators();
  const b = L.makeSelectDocumentWithCollaborators();
  for (const [s, selector, n] of [
    [small, a, 1_000],
    [big, b, 100_000],
  ] as const) {
    const order = L.selectDocumentElements(s.content, s.tenantId, s.documentId);
    for (const start of [0, 470, 940]) {
      const view = select(selector, s, u(1), win(start, start + 50));
      ensureEq(ids(view), order.slice(start, start + 50), `the window ${start}..${start + 50} of ${n} elements`);
      ensureEq(view.total, n, `total of a document of ${n} elements`);
    }
  }
  phase('the timed calls: a window of 50 sliding over both documents, in turns');
  let i = 0;
  let j = 0;
  return compare(
    'a window of 50 over 1,000 elements',
    () => {
      i = (i + 1) % starts.length;
      keep(a(small, u(1), { start: starts[i] as number, end: (starts[i] as number) + 50 }));
    },
    'a window of 50 over 100,000 elements',
    () => {
      j = (j + 1) % starts.length;
      keep(b(big, u(1), { start: starts[j] as number, end: (starts[j] as number) + 50 }));
    },
  );
}
