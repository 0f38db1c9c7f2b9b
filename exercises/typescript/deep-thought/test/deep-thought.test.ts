// Your own tests: `npm test` in this folder runs them (node's test runner).
// They are yours to change and extend; `workshop check` runs the hidden checks.
// To add a test file, list it in the "test" script of package.json.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  addDocument,
  addTenant,
  addUser,
  addWorkspace,
  createCollaborationState,
  documentId,
  elementId,
  OperationalTransform,
  selectElement,
  tenantId,
  userId,
  workspaceId,
  type Operation,
} from '../src/index.ts';

const [t, w, d, u] = [tenantId('magrathea'), workspaceId('planets'), documentId('earth'), userId('slartibartfast')];
const e1 = elementId('e1');

test('concurrent typing converges', () => {
  let base = createCollaborationState();
  base = addTenant(base, t, 'Magrathea');
  base = addUser(base, t, u, 'Slartibartfast');
  base = addWorkspace(base, t, w, 'Planets');
  base = addDocument(base, t, w, d, 'Earth, Mk II');
  const ot = new OperationalTransform();
  const op = (edits: Operation['edits']): Operation => ({ tenantId: t, documentId: d, userId: u, edits });
  base = ot.applyOperation(base, op([{ kind: 'insert', id: e1, parentId: null, index: 0, text: '42' }]));
  const a = op([{ kind: 'insertText', id: e1, pos: 0, text: 'answer ' }]);
  const b = op([{ kind: 'insertText', id: e1, pos: 2, text: '!' }]);
  const [a2, b2] = ot.transform(a, b);
  const left = ot.applyOperation(ot.applyOperation(base, a), b2);
  const right = ot.applyOperation(ot.applyOperation(base, b), a2);
  assert.equal(selectElement(left, t, d, e1)?.text, 'answer 42!');
  assert.equal(selectElement(right, t, d, e1)?.text, 'answer 42!');
});
