// Builders shared by the Deep Thought checks: a store with one document, edit
// constructors, calls into the learner's code that freeze what comes back, a
// canonical dump of a document (to compare two states), and the seeded random
// documents and operations of the TP1 and compose checks.
//
// Every state handed to the learner is deep-frozen, as Redux Toolkit's
// dev-mode check would have it.

import type { Rng } from '../gen';
import { crashed, deepFreeze, describe, fail, show } from '../harness';
import * as L from './learner';

export type State = L.CollaborationState;
export type Edit = L.Edit;
export type Operation = L.Operation;

export const T = L.tenantId('magrathea');
export const W = L.workspaceId('planets');
export const D = L.documentId('earth');
export const U = L.userId('slartibartfast');

export const e = (n: number): L.ElementId => L.elementId(`e${n}`);
export const q = (s: string): string => JSON.stringify(s);

export const ot = (): L.OperationalTransform => new L.OperationalTransform();

export function isCollabError(err: unknown): err is L.CollabError {
  return err instanceof L.CollabError;
}

/** Runs a learner update that must succeed; a CollabError fails the check. The result is frozen. */
export function ok(f: () => State, doing: string): State {
  let result: State;
  try {
    result = f();
  } catch (err) {
    if (isCollabError(err)) fail(`${doing}: expected it to succeed, but it threw ${describe(err)}`);
    throw err;
  }
  if (typeof result !== 'object' || result === null) fail(`${doing}: expected a CollaborationState, got ${show(result, 1)}`);
  return deepFreeze(result);
}

/** A learner call that must throw a CollabError with `code` (and `id`, when given). */
export function refuses(f: () => unknown, doing: string, code: string, id?: string): void {
  let result: unknown;
  try {
    result = f();
  } catch (err) {
    if (isCollabError(err)) {
      if (err.code === code && (id === undefined || err.id === id)) return;
      fail(`${doing}\n  expected: CollabError ${code}${id === undefined ? '' : ` ${q(id)}`}\n  actual:   CollabError ${String(err.code)} ${q(String(err.id))}`);
    }
    if (crashed(err)) throw err;
    fail(`${doing}\n  expected: CollabError ${code}\n  actual:   ${describe(err)} (refusals throw a CollabError)`);
  }
  fail(`${doing}\n  expected: CollabError ${code}\n  actual:   it returned ${show(result, 1)}`);
}

/** A store with tenant T, its user U, workspace W and an empty document D. */
export function world(): State {
  let s = ok(() => L.createCollaborationState(), 'createCollaborationState()');
  s = ok(() => L.addTenant(s, T, 'Magrathea'), 'addTenant');
  s = ok(() => L.addUser(s, T, U, 'Slartibartfast'), 'addUser');
  s = ok(() => L.addWorkspace(s, T, W, 'Planets'), 'addWorkspace');
  return ok(() => L.addDocument(s, T, W, D, 'Earth, Mk II'), 'addDocument');
}

export function op(edits: readonly Edit[]): Operation {
  return deepFreeze({ tenantId: T, documentId: D, userId: U, edits: [...edits] });
}

export const insert = (id: number, parent: number | null, index: number, text: string): Edit => ({
  kind: 'insert',
  id: e(id),
  parentId: parent === null ? null : e(parent),
  index,
  text,
});
export const remove = (id: number): Edit => ({ kind: 'delete', id: e(id) });
export const setAttr = (id: number, key: string, value: string | null): Edit => ({ kind: 'setAttribute', id: e(id), key, value });
export const typeText = (id: number, pos: number, text: string): Edit => ({ kind: 'insertText', id: e(id), pos, text });
export const erase = (id: number, pos: number, length: number): Edit => ({ kind: 'deleteText', id: e(id), pos, length });

/** The checks' own view of a document, read through the learner's selectors. */
export function element(s: State, id: L.ElementId): L.DocumentElement | undefined {
  return L.selectElement(s, T, D, id);
}

export function children(s: State, parent: L.ElementId | null): L.ElementId[] {
  return [...L.selectChildren(s, T, D, parent)];
}

export function text(s: State, id: number): string {
  return element(s, e(id))?.text ?? '<missing>';
}

/** The parent chain from `parent` up: the `path` of a Place. */
export function pathOf(s: State, parent: L.ElementId | null): L.ElementId[] {
  const path: L.ElementId[] = [];
  for (let at = parent; at !== null && path.length < 10_000; at = element(s, at)?.parentId ?? null) path.push(at);
  return path;
}

export function placeOf(s: State, id: L.ElementId): L.Place {
  const parent = element(s, id)?.parentId ?? null;
  return { path: pathOf(s, parent), index: children(s, parent).indexOf(id) };
}

/** A move of `id` to index `index` of `to`'s list, from where it is in `s`. */
export function move(s: State, id: number, to: number | null, index: number): Edit {
  const parent = to === null ? null : e(to);
  return { kind: 'move', id: e(id), from: placeOf(s, e(id)), to: { path: pathOf(s, parent), index } };
}

/** What a check was doing, for its failure message: a function when costly to describe, called only on failure. */
export type Doing = string | (() => string);

export const said = (what: Doing): string => (typeof what === 'string' ? what : what());

/** Applies each operation in turn; a refusal fails the check with `what`. */
export function applied(s: State, ops: readonly Operation[], what: Doing): State {
  let now = s;
  ops.forEach((o, i) => {
    try {
      now = deepFreeze(ot().applyOperation(now, o));
    } catch (err) {
      if (isCollabError(err)) fail(`${said(what)}: operation ${i + 1} of ${ops.length} was refused: ${describe(err)}\n  operation: ${show(o.edits, 6)}`);
      throw err;
    }
  });
  return now;
}

/**
 * The whole document as rows in tree order (tombstones and attributes
 * included), read through selectChildren and selectElement. A broken tree (a
 * cycle, an element in two lists, a child whose parentId disagrees) shows as
 * a row starting with "<".
 */
export function dump(s: State): string[] {
  const rows: string[] = [];
  const seen = new Set<string>();
  const stack: [L.ElementId, L.ElementId | null, number][] = children(s, null)
    .reverse()
    .map((id) => [id, null, 0]);
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [id, parent, depth] = next;
    if (seen.has(id) || depth > 1000) {
      rows.push(`<twice or a cycle: ${id}>`);
      continue;
    }
    seen.add(id);
    const el = element(s, id);
    if (!el) {
      rows.push(`<listed but unknown: ${id}>`);
      continue;
    }
    if (el.parentId !== parent) rows.push(`<${id} listed under ${String(parent)} but its parentId is ${String(el.parentId)}>`);
    const attrs = Object.entries(el.attributes)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`);
    rows.push(`${'  '.repeat(depth)}${id}${el.deleted ? ' (deleted)' : ''} ${q(el.text)}${attrs.length ? ` {${attrs.join(', ')}}` : ''}`);
    for (const child of children(s, id).reverse()) stack.push([child, id, depth + 1]);
  }
  return rows;
}

/** Where two dumps first differ, or undefined when they are the same document. */
export function firstDifference(left: readonly string[], right: readonly string[]): string | undefined {
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) return `row ${i + 1} of ${left.length} / ${right.length}: ${left[i] ?? '(none)'} / ${right[i] ?? '(none)'}`;
  }
  return undefined;
}

const WORDS = ['towel', 'fjord', '42', 'whale', 'petunia', 'babel', 'vogon', 'mice', 'dolphin', 'zaphod', 'é', '🐬', 'ñandú'];

function word(rng: Rng): string {
  return rng.pick(WORDS);
}

function chance(rng: Rng, percent: number): boolean {
  return rng.int(100) < percent;
}

/** Every element of the document, tombstones included, in tree order. */
export function allIds(s: State): L.ElementId[] {
  const out: L.ElementId[] = [];
  const stack = children(s, null).reverse();
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    out.push(id);
    stack.push(...children(s, id).reverse());
  }
  return out;
}

/** A random document of `n` elements (ids from `firstId`), some with attributes, some deleted. */
export function randomDoc(rng: Rng, n: number, firstId: number): State {
  let s = world();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const parent = ids.length === 0 || chance(rng, 30) ? null : rng.pick(ids);
    const len = children(s, parent === null ? null : e(parent)).length;
    s = applied(s, [op([insert(firstId + i, parent, rng.int(len + 1), `${word(rng)} ${word(rng)}`)])], 'randomDoc: a valid insert');
    ids.push(firstId + i);
  }
  for (const id of ids) {
    if (chance(rng, 20)) s = applied(s, [op([setAttr(id, 'color', word(rng))])], 'randomDoc: a valid set');
    if (chance(rng, 8)) s = applied(s, [op([remove(id)])], 'randomDoc: a valid delete');
  }
  return s;
}

const num = (id: L.ElementId): number => Number(id.slice(1));

/** A position at a character boundary (never inside a surrogate pair), ends favoured. */
function textPos(rng: Rng, t: string): number {
  const bounds = [0];
  for (const ch of t) bounds.push((bounds[bounds.length - 1] as number) + ch.length);
  return chance(rng, 30) ? rng.pick([0, t.length]) : rng.pick(bounds);
}

/** One valid random edit of `s`: inserts, deletes, attributes, moves and text edits. */
export function randomEdit(rng: Rng, s: State, nextId: { n: number }): Edit {
  const ids = allIds(s).map(num);
  const roll = rng.int(100);
  if (roll < 20 || ids.length === 0) {
    const parent = ids.length === 0 || chance(rng, 30) ? null : rng.pick(ids);
    const len = children(s, parent === null ? null : e(parent)).length;
    const index = chance(rng, 30) ? rng.pick([0, len]) : rng.int(len + 1);
    nextId.n += 1;
    return insert(nextId.n, parent, index, word(rng));
  }
  const target = rng.pick(ids);
  if (roll < 30) return remove(target);
  if (roll < 42) return setAttr(target, rng.pick(['color', 'size']), chance(rng, 20) ? null : word(rng));
  if (roll < 62) {
    const parents: (number | null)[] = [null, ...ids.filter((p) => !pathOf(s, e(p)).includes(e(target)))];
    const to = rng.pick(parents);
    const current = element(s, e(target))?.parentId ?? null;
    const toId = to === null ? null : e(to);
    const len = children(s, toId).length - (toId === current ? 1 : 0);
    return move(s, target, to, chance(rng, 30) ? rng.pick([0, len]) : rng.int(len + 1));
  }
  const t = element(s, e(target))?.text ?? '';
  if (roll < 82 || t.length === 0) return typeText(target, textPos(rng, t), `${word(rng)} `);
  const pos = textPos(rng, t);
  const rest = t.slice(pos);
  const ends = [0];
  for (const ch of rest) ends.push((ends[ends.length - 1] as number) + ch.length);
  const length = ends.length > 1 ? (rng.pick(ends.slice(1)) as number) : 0;
  if (length === 0) return typeText(target, pos, word(rng));
  return erase(target, pos, length);
}

/** A random operation of 1..max valid edits, each valid after the ones before. */
export function randomOp(rng: Rng, s: State, nextId: { n: number }, max: number): Operation {
  let scratch = s;
  const edits: Edit[] = [];
  const count = 1 + rng.int(max);
  for (let i = 0; i < count; i++) {
    const edit = randomEdit(rng, scratch, nextId);
    scratch = applied(scratch, [op([edit])], () => `randomOp: the generated edit ${show(edit)} is valid`);
    edits.push(edit);
  }
  return op(edits);
}
