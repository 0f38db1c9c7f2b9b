// The extensions: time-travel debugging and permissions here, analytics in
// analytics.ts. Twins of the Rust level's extension.* checks. Each
// extension's checks are exported as a list too, so that Innovation can run
// them and count the extensions that work.

import { Rng } from '../gen';
import { CheckFailure, deepFreeze, describe, ensure, ensureEq, fail } from '../harness';
import { D, T, U, W, applied, dump, e, erase, insert, isCollabError, move, ok, op, ot, randomDoc, randomOp, refuses, remove, setAttr, text, typeText, world, type Edit, type Operation, type State } from './data';
import * as L from './learner';

/** A learner call that must not throw a CollabError (a crash propagates). */
function must<R>(f: () => R, doing: string): R {
  try {
    return f();
  } catch (err) {
    if (isCollabError(err)) fail(`${doing}: expected it to succeed, but it threw ${describe(err)}`);
    throw err;
  }
}

/** The document and its revision: what time travel must give back. */
function snapshot(s: State): string[] {
  return [`revision ${L.selectRevision(s, T, D)}`, ...dump(s)];
}

// Catches: a replay that is off by one, that replays the operations as
// submitted instead of as the server applied them (operations made on older
// revisions, so the server transformed them), or that changes the server.
export function timeTravelReplay(): void {
  const rng = new Rng(0x713e);
  const base = randomDoc(rng, 10, 1);
  const server = new L.CollaborationServer(base);
  // The server's own state after each revision, as it had it then.
  const states: State[] = [base];
  const seqs = [0, 0, 0, 0, 0];
  const nextId = { n: 1_000_000 };
  for (let i = 0; i < 45; i++) {
    const now = server.revision();
    // Made on a revision up to three behind, so the server must transform it.
    const made = Math.max(0, now - rng.int(4));
    let operation: Operation;
    try {
      operation = randomOp(rng, states[made] as State, nextId, 2);
    } catch (err) {
      // The learner's applyOperation refused a generated edit: other checks say so; time travel grades only what the server did.
      if (err instanceof CheckFailure) continue;
      throw err;
    }
    const client = rng.int(seqs.length);
    seqs[client] = (seqs[client] as number) + 1;
    const submit = deepFreeze({ clientId: L.clientId(`c${client + 1}`), seq: seqs[client] as number, baseRevision: made, operation });
    try {
      server.receive(submit);
    } catch (err) {
      if (isCollabError(err)) continue;
      throw err;
    }
    states[server.revision()] = deepFreeze(server.state());
  }
  const n = server.revision();
  ensure(states.length === n + 1, `the server's revision went from ${states.length - 1} to ${n}: each sequenced operation adds one`);
  for (let k = 0; k <= n; k++) {
    const at = must(() => server.stateAt(k), `stateAt(${k}) (the server is at revision ${n})`);
    if (at === undefined) fail(`stateAt(${k}): expected the state at revision ${k} (the server is at ${n}), got undefined`);
    ensureEq(snapshot(deepFreeze(at)), snapshot(states[k] as State), `stateAt(${k}) against the server's state right after revision ${k} (of ${n}; ${k === 0 ? 'the state it started from' : 'operations made on older revisions were transformed before they applied'})`);
  }
  for (const k of [n + 1, -1, 1.5]) ensureEq(must(() => server.stateAt(k), `stateAt(${k})`), undefined, `stateAt(${k}), a revision the server has not reached (it is at ${n})`);
  ensureEq([server.revision(), snapshot(server.state())], [n, snapshot(states[n] as State)], 'the server (its revision and state) after the time travel: looking back changes nothing');
}

/** Users 1-5 of tenant T, and one named "constructor" (a plain-object table has one already). */
const user = (k: number): L.UserId => (k === 0 ? L.userId('constructor') : L.userId(`vogon-${k}`));
const D2 = L.documentId('another-ode');

/** Document D: e1 [e3], e2. Users 0 ("constructor") to 5, besides the world's own. */
export function permissionsStore(): State {
  let s = world();
  for (let k = 0; k <= 5; k++) s = ok(() => L.addUser(s, T, user(k), `Vogon ${k}`), `addUser(${String(user(k))})`);
  return applied(s, [op([insert(1, null, 0, 'oh freddled'), insert(2, null, 1, 'gruntbuggly'), insert(3, 1, 0, 'thy micturations')])], 'build the document');
}

const by = (k: number, edits: readonly Edit[], document = D): Operation => deepFreeze({ ...op(edits), documentId: document, userId: user(k) });

function allowed(s: State, k: number, edits: readonly Edit[], what: string, document = D): State {
  return ok(() => ot().applyOperation(s, by(k, edits, document)), what);
}

function forbidden(s: State, k: number, edits: readonly Edit[], what: string): void {
  refuses(() => ot().applyOperation(s, by(k, edits)), `${what}: expected a refusal`, 'forbidden');
}

function role(s: State, k: number, r: L.Role): State {
  return ok(() => L.setRole(s, T, D, user(k), r), `setRole(${String(user(k))}, '${r}')`);
}

function lock(s: State, element: number, k: number): State {
  return ok(() => L.lockElement(s, T, D, e(element), user(k)), `lockElement(e${element}, ${String(user(k))})`);
}

// Catches: roles that are stored but never consulted, and a user without a
// role who may still edit once the document has roles.
export function permissionsDocument(): void {
  let s = permissionsStore();
  s = allowed(s, 4, [typeText(2, 0, 'open ')], 'user 4 types into a document that has no roles yet');
  s = role(s, 1, 'owner');
  forbidden(s, 4, [typeText(2, 0, 'x')], 'user 4, with no role, types once the document has one role (user 1 an owner)');
  s = role(s, 2, 'editor');
  s = role(s, 3, 'viewer');
  refuses(() => L.setRole(s, T, D, L.userId('nobody'), 'owner'), 'setRole for an unknown user', 'unknown-user');
  refuses(() => L.setRole(s, T, L.documentId('no-such-ode'), user(1), 'owner'), 'setRole on an unknown document', 'unknown-document');
  forbidden(s, 4, [typeText(2, 0, 'x')], 'user 4, with no role, types once the document has roles');
  forbidden(s, 0, [typeText(2, 0, 'x')], 'user "constructor", with no role, types once the document has roles');
  forbidden(s, 3, [typeText(2, 0, 'x')], 'user 3, a viewer, types');
  s = allowed(s, 2, [typeText(2, 0, 'edited ')], 'user 2, an editor, types');
  s = allowed(s, 1, [typeText(2, 0, 'owned ')], 'user 1, an owner, types');
  ensureEq(text(s, 2), 'owned edited open gruntbuggly', "e2's text after the edits allowed");
  s = role(s, 3, 'editor');
  allowed(s, 3, [typeText(2, 0, 'promoted ')], 'user 3, made an editor after being a viewer, types');
}

// Catches: permission checks on the first edit only, or that ignore the kind
// of edit.
export function permissionsOperation(): void {
  let s = permissionsStore();
  s = role(s, 1, 'owner');
  s = role(s, 2, 'editor');
  const mv = move(s, 2, 1, 1);
  forbidden(s, 2, [remove(2)], 'an editor deletes');
  forbidden(s, 2, [mv], 'an editor moves');
  forbidden(s, 2, [typeText(2, 0, 'x'), remove(2)], 'an editor types, then deletes, in one operation');
  s = allowed(s, 2, [insert(4, 1, 1, 'new')], 'an editor inserts');
  s = allowed(s, 2, [setAttr(2, 'font', 'vogon')], 'an editor sets an attribute');
  s = allowed(s, 2, [erase(2, 0, 5)], 'an editor deletes text');
  s = allowed(s, 1, [move(s, 2, 1, 1)], 'an owner moves');
  s = allowed(s, 1, [remove(4)], 'an owner deletes');
  const e2 = L.selectElement(s, T, D, e(2));
  ensureEq([L.selectDocumentElements(s, T, D), e2?.text, e2?.attributes], [[e(1), e(3), e(2)], 'buggly', { font: 'vogon' }], "the visible elements, e2's text and attributes after the edits allowed");
}

// Catches: a lock that protects the element but not its subtree, or that an
// owner (or anyone with a strong role) can override.
export function permissionsElement(): void {
  let s = permissionsStore();
  s = lock(s, 1, 1);
  refuses(() => L.lockElement(s, T, D, e(99), user(1)), 'lockElement of an unknown element', 'unknown-element');
  refuses(() => L.lockElement(s, T, D, e(2), L.userId('nobody')), 'lockElement for an unknown user', 'unknown-user');
  s = role(s, 1, 'editor');
  s = role(s, 2, 'editor');
  s = role(s, 5, 'owner');
  forbidden(s, 2, [typeText(1, 0, 'x')], 'user 2 types into e1, locked by user 1');
  forbidden(s, 2, [typeText(3, 0, 'x')], 'user 2 types into e3, inside e1, locked by user 1');
  forbidden(s, 2, [insert(4, 3, 0, 'x')], 'user 2 inserts under e3, inside locked e1');
  forbidden(s, 5, [move(s, 2, 1, 0)], 'user 5, an owner, moves e2 into locked e1');
  forbidden(s, 5, [move(s, 3, null, 0)], 'user 5, an owner, moves e3 out of locked e1');
  s = allowed(s, 1, [typeText(3, 0, 'mine ')], 'user 1 types inside its own lock');
  s = allowed(s, 2, [typeText(2, 0, 'free ')], 'user 2 types into e2, which no lock covers');
  ensureEq([text(s, 3), text(s, 2)], ['mine thy micturations', 'free gruntbuggly'], 'the texts of e3 and e2 after the edits allowed');
  // Nested locks: the nearest one above an element decides.
  s = lock(s, 3, 2);
  allowed(s, 2, [typeText(3, 0, 'x')], 'user 2 types into e3, which it locked, inside e1, locked by user 1');
  forbidden(s, 1, [typeText(3, 0, 'x')], 'user 1 types into e3, locked by user 2 inside its own lock on e1');
}

// Catches: a lock that guards only some kinds of edit (a delete, an
// attribute or a text deletion of a locked element slips through), a viewer
// who may still restructure the document, and roles that reach other
// documents.
export function permissionsEveryEdit(): void {
  let s = permissionsStore();
  s = ok(() => L.addDocument(s, T, W, D2, 'Another ode'), 'addDocument');
  s = ok(() => ot().applyOperation(s, { tenantId: T, documentId: D2, userId: U, edits: [insert(1, null, 0, 'open')] }), 'an insert into the second document');
  s = role(s, 5, 'owner');
  s = role(s, 3, 'viewer');
  s = lock(s, 1, 1);
  s = role(s, 1, 'owner');
  forbidden(s, 5, [remove(3)], 'user 5, an owner, deletes e3, inside e1, locked by user 1');
  forbidden(s, 5, [setAttr(1, 'k', 'v')], 'user 5, an owner, sets an attribute of locked e1');
  forbidden(s, 5, [erase(3, 0, 3)], 'user 5, an owner, deletes text of e3, inside locked e1');
  forbidden(s, 5, [typeText(2, 0, 'ok '), remove(1)], 'user 5 types into unlocked e2, then deletes locked e1, in one operation');
  const viewer: [string, Edit][] = [
    ['inserts', insert(9, null, 0, 'x')],
    ['sets an attribute', setAttr(2, 'k', null)],
    ['deletes', remove(2)],
    ['moves', move(s, 2, null, 0)],
    ['deletes text', erase(2, 0, 1)],
  ];
  for (const [what, edit] of viewer) forbidden(s, 3, [edit], `user 3, a viewer, ${what}`);
  s = allowed(s, 5, [remove(2)], 'user 5, an owner, deletes e2, which no lock covers');
  s = allowed(s, 3, [typeText(1, 0, 'still ')], 'user 3, a viewer of the first document, types into the second, which has no roles', D2);
  allowed(s, 4, [typeText(1, 0, 'quite ')], 'user 4, with no role in the first document, types into the second, which has no roles', D2);
}

/** Each extension's correctness checks: Innovation asks for two extensions whose checks all pass. */
export const TIME_TRAVEL_CHECKS: readonly (() => void)[] = [timeTravelReplay];
export const PERMISSIONS_CHECKS: readonly (() => void)[] = [permissionsDocument, permissionsOperation, permissionsElement, permissionsEveryEdit];
