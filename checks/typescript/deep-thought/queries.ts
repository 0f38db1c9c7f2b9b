// Queries that need no million-entity store: twins of the Rust level's
// queries.* checks (search follows with the scale step).

import { ensureEq } from '../harness';
import { D, T, U, W, applied, e, insert, ok, op, refuses, typeText, world, type Operation, type State } from './data';
import * as L from './learner';

const ARTHUR = L.userId('arthur');
const D2 = L.documentId('heart-of-gold');
const W2 = L.workspaceId('quiet');

type Change = [L.DocumentId, L.UserId, number, number];
const feed = (s: State, workspace: L.WorkspaceId, limit: number): Change[] =>
  L.selectActivity(s, T, workspace, limit).map((a): Change => [a.documentId, a.userId, a.revision, a.edits]);
const on = (document: L.DocumentId, user: L.UserId, edits: Operation['edits']): Operation => ({ ...op(edits), documentId: document, userId: user });

// Catches: a revision counted per workspace or per store, activity oldest
// first or cut from the wrong end, bulkLoad without its activity, and loads
// that accept a later parent, a taken id or an unknown place.
export function activityAndBulkLoad(): void {
  let s = world();
  s = ok(() => L.addUser(s, T, ARTHUR, 'Arthur'), 'addUser arthur');
  s = ok(() => L.addWorkspace(s, T, W2, 'Quiet'), 'addWorkspace quiet');
  s = ok(() => L.addDocument(s, T, W, D2, 'Heart of Gold'), 'addDocument heart-of-gold');
  ensureEq([L.selectRevision(s, T, D), L.selectActivity(s, T, W, 10)], [0, []], 'a new document: [revision, the activity of its workspace]');
  s = applied(s, [on(D, U, [insert(1, null, 0, 'fjord')])], 'apply to earth');
  ensureEq(L.selectRevision(s, T, D), 1, "earth's revision after its first change");
  s = applied(s, [on(D2, ARTHUR, [insert(1, null, 0, 'a'), insert(2, null, 1, 'b')])], 'apply two edits to heart-of-gold');
  ensureEq(L.selectRevision(s, T, D2), 1, "heart-of-gold's revision after its first change (revisions count per document)");
  s = applied(s, [on(D, ARTHUR, [typeText(1, 0, 'deep ')])], 'apply to earth again');
  ensureEq(L.selectRevision(s, T, D), 2, "earth's revision after its second change");
  s = applied(s, [on(D, U, [])], 'apply an operation with no edits to earth');
  ensureEq(L.selectRevision(s, T, D), 2, "earth's revision after an operation with no edits");
  ensureEq(
    feed(s, W, 10),
    [
      [D, ARTHUR, 2, 1],
      [D2, ARTHUR, 1, 2],
      [D, U, 1, 1],
    ],
    'selectActivity(planets, 10), newest first: [document, user, revision, edits]',
  );
  ensureEq(feed(s, W, 0), [], 'selectActivity with a limit of 0');
  ensureEq(feed(s, W, 2), [[D, ARTHUR, 2, 1], [D2, ARTHUR, 1, 2]], 'selectActivity with a limit of 2 (of 3): the latest two');
  ensureEq(feed(s, W2, 10), [], 'the activity of a workspace that saw no change');

  const D5 = L.documentId('d5');
  const el = (id: number, parent: number | null, text: string): L.NewElement => ({ id: e(id), parentId: parent === null ? null : e(parent), text });
  refuses(() => L.bulkLoad(s, T, W, D5, 'x', U, [el(1, 2, 'child first'), el(2, null, 'parent later')]), 'bulkLoad with e1 under e2, later in the list', 'unknown-element', e(2));
  refuses(() => L.bulkLoad(s, T, W, D, 'x', U, [el(7, null, 'a')]), 'bulkLoad into earth, which exists', 'duplicate-document', D);
  const nowhere = L.workspaceId('nowhere');
  refuses(() => L.bulkLoad(s, T, nowhere, D5, 'x', U, [el(7, null, 'a')]), 'bulkLoad into an unknown workspace', 'unknown-workspace', nowhere);
  const ghost = L.userId('ghost');
  refuses(() => L.bulkLoad(s, T, W, D5, 'x', ghost, [el(7, null, 'a')]), 'bulkLoad by an unknown author', 'unknown-user', ghost);
  ensureEq(L.selectDocuments(s, T, W), [D, D2], 'the documents after refused loads');

  s = ok(() => L.bulkLoad(s, T, W, D5, 'empty', ARTHUR, []), 'bulkLoad of an empty list');
  ensureEq([L.selectDocumentElements(s, T, D5), L.selectRevision(s, T, D5), feed(s, W, 10).length], [[], 0, 3], 'after bulk-loading no element: [elements, revision, activity entries]');
  const D6 = L.documentId('d6');
  s = ok(() => L.bulkLoad(s, T, W, D6, 'two', ARTHUR, [el(1, null, 'one'), el(2, 1, 'two')]), 'bulkLoad of two elements');
  ensureEq(feed(s, W, 2), [[D6, ARTHUR, 2, 1], [D6, ARTHUR, 1, 1]], 'activity after bulk-loading two elements as arthur: one insert each, revisions 1 and 2');
  const D7 = L.documentId('d7');
  s = ok(() => L.bulkLoad(s, T, W, D7, 'one', U, [el(1, null, 'alone')]), 'bulkLoad of one element');
  ensureEq(feed(s, W, 1), [[D7, U, 1, 1]], 'activity after bulk-loading one element');
  ensureEq(L.selectDocuments(s, T, W), [D, D2, D5, D6, D7], 'documents in the order they were added');
  s = applied(s, [on(D6, U, [typeText(2, 0, 'x')])], 'apply to the bulk-loaded d6');
  ensureEq(L.selectRevision(s, T, D6), 3, "d6's revision: two loaded elements, then one change");
}
