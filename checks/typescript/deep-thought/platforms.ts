// The cross-platform sync extension: clients that render only some element
// kinds still keep, sync and pass on every element. Twins of the Rust
// level's extension.cross-platform-* checks; each is exported on its own so
// that an innovation check can run them.

import { Rng } from '../gen';
import { deepFreeze, ensure, ensureEq } from '../harness';
import { D, T, applied, children, dump, e, element, erase, insert, move, op, randomOp, refuses, remove, setAttr, typeText, world, type Edit, type Operation, type State } from './data';
import { Sim, clientName, must } from './collab';
import * as L from './learner';

/** What each client of the simulation renders besides text (`undefined`: every kind). */
const PLATFORMS: readonly (readonly string[] | undefined)[] = [undefined, undefined, [], [], ['image'], ['image', 'table']];

const setKind = (id: number, kind: string | null): Edit => setAttr(id, L.KIND, kind);

const WORDS = ['towel', 'petunia', 'whale', '🐬', 'babel'];

/** Roots 1 (text), 2 (image, holding 3), 4 (video, holding 5 and 6), 7 (table, holding 8), 9 (text); then 10 random elements under them. */
function platformDoc(rng: Rng): State {
  let s = applied(
    world(),
    [
      op([
        insert(1, null, 0, 'welcome aboard'),
        insert(2, null, 1, 'towel.png'),
        setKind(2, 'image'),
        insert(3, 2, 0, 'a towel, caption'),
        insert(4, null, 2, 'launch.mp4'),
        setKind(4, 'video'),
        insert(5, 4, 0, 'subtitles'),
        insert(6, 4, 1, 'chapters'),
        insert(7, null, 3, 'budget'),
        setKind(7, 'table'),
        insert(8, 7, 0, 'row one'),
        insert(9, null, 4, 'the end'),
      ]),
    ],
    'build the document',
  );
  for (let id = 10; id < 20; id++) {
    const parent = rng.int(3) === 0 ? null : 1 + rng.int(id - 1);
    const len = children(s, parent === null ? null : e(parent)).length;
    s = applied(s, [op([insert(id, parent, rng.int(len + 1), rng.pick(WORDS))])], 'build the document');
  }
  return s;
}

/** Shown by a client rendering `kinds` besides text: no kind, "text", or one of `kinds`. */
function renders(kinds: readonly string[] | undefined, el: L.DocumentElement): boolean {
  const kind = Object.hasOwn(el.attributes, L.KIND) ? el.attributes[L.KIND] : undefined;
  return kinds === undefined || kind === undefined || kind === 'text' || kinds.includes(kind);
}

/** The element or an ancestor is of a kind `kinds` does not render. */
function hidden(s: State, kinds: readonly string[] | undefined, id: L.ElementId): boolean {
  for (let at = element(s, id); at !== undefined; at = at.parentId === null ? undefined : element(s, at.parentId)) {
    if (!renders(kinds, at)) return true;
  }
  return false;
}

/** What a client rendering `kinds` shows, worked out here. */
function expectedRendered(s: State, kinds: readonly string[] | undefined): L.ElementId[] {
  return L.selectDocumentElements(s, T, D).filter((id) => !hidden(s, kinds, id));
}

/** The elements an edit touches: the one it names, an insert's parent, a move's element and both parents. */
function touched(edit: Edit): L.ElementId[] {
  if (edit.kind === 'insert') return edit.parentId === null ? [] : [edit.parentId];
  if (edit.kind === 'move') return [edit.id, edit.from.path[0], edit.to.path[0]].filter((id): id is L.ElementId => id !== undefined);
  return [edit.id];
}

/** A random operation touching only what `kinds` renders, if one turns up in a few tries. */
function shownOp(rng: Rng, s: State, kinds: readonly string[] | undefined, nextId: { n: number }): Operation | undefined {
  for (let k = 0; k < 20; k++) {
    const o = randomOp(rng, s, nextId, 2);
    if (o.edits.every((edit) => touched(edit).every((id) => !hidden(s, kinds, id)))) return o;
  }
  return undefined;
}

/** The full clients work on what others cannot render: its text, an attribute, a root's kind. */
function unseenOp(rng: Rng): Operation {
  const target = rng.pick([2, 3, 4, 5, 6, 7, 8]);
  switch (rng.int(3)) {
    case 0:
      return op([typeText(target, 0, `${rng.pick(WORDS)} `)]);
    case 1:
      return op([setAttr(target, 'alt', rng.pick(WORDS))]);
    default:
      return op([setKind(rng.pick([1, 2, 4, 7, 9]), rng.pick([null, 'image', 'video']))]);
  }
}

// Catches: a client that leaves out, or skips the remote edits of, what it
// cannot render: its document no longer converges, and what it cannot show
// does not come through untouched.
export function converge(): void {
  const rng = new Rng(0xc4055);
  const start = platformDoc(rng);
  const sim = new Sim(start, 6, 0xc405, 12, 'the cross-platform simulation (6 clients, 4 rendering only some kinds)');
  PLATFORMS.forEach((kinds, i) => {
    if (kinds !== undefined) sim.clients[i] = must(() => L.CollaborationClient.withCapabilities(clientName(i), start, 0, kinds), `CollaborationClient.withCapabilities(${JSON.stringify(kinds)})`);
  });
  const nextIds = PLATFORMS.map((_, i) => ({ n: (i + 1) * 1_000_000 }));
  for (let tick = 0; tick < 300; tick++) {
    PLATFORMS.forEach((kinds, i) => {
      if (tick >= 250 || rng.int(100) >= 7) return;
      const s = (sim.clients[i] as L.CollaborationClient).state();
      const o = kinds === undefined && rng.int(100) < 40 ? unseenOp(rng) : shownOp(rng, s, kinds, nextIds[i] as { n: number });
      if (o !== undefined) sim.edit(i, o);
    });
    sim.step();
  }
  sim.settle();
  sim.converged();
}

// Catches: a client that shows what it cannot render (or its subtree), or
// whose view does not follow a remote change of kind.
export function rendered(): void {
  const start = platformDoc(new Rng(0x4e4d));
  const server = new L.CollaborationServer(start);
  const clients: [readonly string[] | undefined, L.CollaborationClient][] = [
    [undefined, new L.CollaborationClient(L.clientId('c1'), start, 0)],
    ...([[], ['image'], ['video', 'table']] as const).map((kinds, k): [readonly string[], L.CollaborationClient] => [
      kinds,
      must(() => L.CollaborationClient.withCapabilities(L.clientId(`c${k + 2}`), start, 0, kinds), `CollaborationClient.withCapabilities(${JSON.stringify(kinds)})`),
    ]),
  ];
  const steps: [string, Edit[]][] = [
    ['at the start', []],
    ['after element 9 became a video', [setKind(9, 'video')]],
    ['after element 2 became text (its kind removed)', [setKind(2, null)]],
    ['after element 7 was deleted', [remove(7)]],
    ['after element 4 became "text"', [setKind(4, 'text')]],
    ['after element 3 became a table', [setKind(3, 'table')]],
  ];
  steps.forEach(([when, edits], k) => {
    if (edits.length > 0) {
      const submit = deepFreeze({ clientId: L.clientId('c9'), seq: k, baseRevision: server.revision(), operation: op(edits) });
      const b = deepFreeze(must(() => server.receive(submit), 'the server receives an edit'));
      for (const [, client] of clients) must(() => client.receive(b), `a client receives the broadcast of revision ${b.revision}`);
    }
    for (const [kinds, client] of clients) {
      const want = expectedRendered(server.state(), kinds);
      ensureEq(must(() => client.rendered(T, D), 'rendered()'), want, `${when}: rendered() of a client rendering ${kinds === undefined ? 'every kind' : JSON.stringify(['text', ...kinds])}`);
    }
  });
}

// Catches: a client that lets its user edit what it does not render (or
// inside it), or that half-applies or sends such an operation.
export function edits(): void {
  const start = platformDoc(new Rng(0xed17));
  const phone = must(() => L.CollaborationClient.withCapabilities(L.clientId('c1'), start, 0, []), 'CollaborationClient.withCapabilities([])');
  const tablet = must(() => L.CollaborationClient.withCapabilities(L.clientId('c2'), start, 0, ['image']), "CollaborationClient.withCapabilities(['image'])");
  const cases: [string, Edit[]][] = [
    ['types into image 2', [typeText(2, 0, 'x')]],
    ['types into 3, inside image 2', [typeText(3, 0, 'x')]],
    ['inserts under video 4', [insert(99, 4, 0, 'x')]],
    ['moves 5 out of video 4', [move(start, 5, null, 0)]],
    ['moves 1 into table 7', [move(start, 1, 7, 0)]],
    ['moves video 4 itself', [move(start, 4, null, 0)]],
    ['sets an attribute of table 7', [setAttr(7, 'k', null)]],
    ['deletes 8, inside table 7', [remove(8)]],
    ['erases text of video 4', [erase(4, 0, 3)]],
    ['types into 1, then into image 2, in one operation', [typeText(1, 0, 'ok '), typeText(2, 0, 'x')]],
  ];
  for (const [what, edits] of cases) {
    const before = dump(phone.state());
    refuses(() => phone.edit(op(edits)), `a text-only client ${what}`, 'unknown-element');
    ensureEq(dump(phone.state()), before, `a text-only client ${what}: refused, but its state changed`);
    ensure(phone.nextSubmit() === undefined && phone.syncMetadata().operationsQueue.length === 0, `a text-only client ${what}: refused, but it queued or sent something`);
  }
  must(() => phone.edit(op([typeText(1, 0, 'hello ')])), 'a text-only client types into text element 1');
  must(() => tablet.edit(op([typeText(2, 0, 'big ')])), 'a client that renders images types into image 2');
  const before = dump(tablet.state());
  refuses(() => tablet.edit(op([typeText(5, 0, 'x')])), 'a client that renders images types into 5, inside video 4', 'unknown-element');
  ensureEq(dump(tablet.state()), before, 'a client that renders images types into 5, inside video 4: refused, but its state changed');
}
