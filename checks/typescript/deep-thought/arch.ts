// The tenant hierarchy: twins of the Rust level's arch.* checks. Ids are
// unique across the store here (the seed's flat tables), so "the same ids in
// two tenants" becomes "the same names, and one tenant's ids refused in the
// other" (CONTRACT.md).

import { ensureEq } from '../harness';
import { D, T, U, W, applied, children, e, insert, ok, op, ot, q, refuses, world, type State } from './data';
import * as L from './learner';

const T2 = L.tenantId('vogsphere');
const W2 = L.workspaceId('vogon-poetry');
const D2 = L.documentId('ode');
const U2 = L.userId('jeltz');

/** The world plus a second tenant with the same names as the first, and a document of its own. */
function twoTenants(): State {
  let s = world();
  s = ok(() => L.addTenant(s, T2, 'Magrathea'), 'addTenant, a second tenant with the same name');
  s = ok(() => L.addUser(s, T2, U2, 'Slartibartfast'), 'addUser, a user of the same name in the second tenant');
  s = ok(() => L.addWorkspace(s, T2, W2, 'Planets'), 'addWorkspace, same name in the second tenant');
  s = ok(() => L.bulkLoad(s, T2, W2, D2, 'Earth, Mk II', U2, [{ id: e(1), parentId: null, text: 'oh freddled gruntbuggly' }]), 'bulkLoad in the second tenant');
  return applied(s, [op([insert(1, null, 0, 'fjords')])], 'insert e1 into the first tenant\'s document');
}

// Catches: a lookup by name, or tables shared between tenants.
export function tenantCollisions(): void {
  const s = twoTenants();
  ensureEq(L.selectDocuments(s, T, W), [D], "the first tenant's documents");
  ensureEq(L.selectDocuments(s, T2, W2), [D2], "the second tenant's documents");
  ensureEq(L.selectElement(s, T2, D2, e(1))?.text, 'oh freddled gruntbuggly', "the second tenant's element");
  ensureEq(L.selectElement(s, T, D, e(1))?.text, 'fjords', "the first tenant's element of the same id");
  ensureEq(L.selectDocumentElements(s, T2, D2), [e(1)], "the second tenant's visible elements");
}

// Catches: a query or an update that finds another tenant's entity by its id.
export function crossTenantErrors(): void {
  const s = twoTenants();
  const x = (f: () => unknown, doing: string, code: string, id: string): void => refuses(f, `${doing} (another tenant's id)`, code, id);
  x(() => L.selectDocuments(s, T2, W), 'selectDocuments(vogsphere, planets)', 'unknown-workspace', W);
  x(() => L.selectElement(s, T2, D, e(1)), 'selectElement(vogsphere, earth, e1)', 'unknown-document', D);
  x(() => L.selectChildren(s, T2, D, null), 'selectChildren(vogsphere, earth, null)', 'unknown-document', D);
  x(() => L.selectDocumentElements(s, T2, D), 'selectDocumentElements(vogsphere, earth)', 'unknown-document', D);
  x(() => L.selectSubtree(s, T, D2, e(1)), 'selectSubtree(magrathea, ode, e1)', 'unknown-document', D2);
  x(() => L.addDocument(s, T2, W, L.documentId('new'), 'x'), 'addDocument(vogsphere, planets, ...)', 'unknown-workspace', W);
  x(() => L.bulkLoad(s, T, W2, L.documentId('new'), 'x', U, []), 'bulkLoad(magrathea, vogon-poetry, ...)', 'unknown-workspace', W2);
  const write = (tenant: L.TenantId, document: L.DocumentId, user: L.UserId): L.Operation => ({ tenantId: tenant, documentId: document, userId: user, edits: [insert(9, null, 0, 'x')] });
  x(() => ot().applyOperation(s, write(T2, D, U2)), 'applyOperation on earth in the name of vogsphere', 'unknown-document', D);
  x(() => ot().applyOperation(s, write(T, D, U2)), 'applyOperation on earth by jeltz, a user of vogsphere', 'unknown-user', U2);
  // Every entry point names an unknown tenant as such, before looking at what it holds.
  const ghost = L.tenantId('ghost');
  const g = (f: () => unknown, doing: string): void => refuses(f, `${doing} of an unknown tenant, with the first tenant's ids`, 'unknown-tenant', ghost);
  g(() => L.selectDocuments(s, ghost, W), 'selectDocuments');
  g(() => L.selectElement(s, ghost, D, e(1)), 'selectElement');
  g(() => L.selectChildren(s, ghost, D, null), 'selectChildren');
  g(() => L.selectDocumentElements(s, ghost, D), 'selectDocumentElements');
  g(() => L.selectSubtree(s, ghost, D, e(1)), 'selectSubtree');
  g(() => L.selectRevision(s, ghost, D), 'selectRevision');
  g(() => L.selectActivity(s, ghost, W, 5), 'selectActivity');
  g(() => L.selectSearch(s, ghost, W, 'fjords'), 'selectSearch');
  g(() => ot().applyOperation(s, write(ghost, D, U)), 'applyOperation');
  ensureEq(children(s, null), [e(1)], "the first tenant's document after the refusals");
}

// Catches: duplicates accepted, dangling parents, and a bulkLoad that keeps
// part of a refused list.
export function hierarchy(): void {
  let s = world();
  refuses(() => L.addTenant(s, T, 'again'), 'addTenant with a taken id', 'duplicate-tenant', T);
  refuses(() => L.addUser(s, T, U, 'again'), 'addUser with a taken id', 'duplicate-user', U);
  refuses(() => L.addWorkspace(s, T, W, 'again'), 'addWorkspace with a taken id', 'duplicate-workspace', W);
  refuses(() => L.addDocument(s, T, W, D, 'again'), 'addDocument with a taken id', 'duplicate-document', D);
  const ghost = L.tenantId('ghost');
  refuses(() => L.addUser(s, ghost, L.userId('u9'), 'x'), 'addUser in an unknown tenant', 'unknown-tenant', ghost);
  refuses(() => L.addWorkspace(s, ghost, L.workspaceId('w9'), 'x'), 'addWorkspace in an unknown tenant', 'unknown-tenant', ghost);
  const nowhere = L.workspaceId('nowhere');
  refuses(() => L.addDocument(s, T, nowhere, L.documentId('d9'), 'x'), 'addDocument in an unknown workspace', 'unknown-workspace', nowhere);

  const D3 = L.documentId('big');
  const el = (id: number, parent: number | null): L.NewElement => ({ id: e(id), parentId: parent === null ? null : e(parent), text: `t${id}` });
  refuses(() => L.bulkLoad(s, T, W, D3, 'x', U, [el(1, null), el(2, 3), el(3, null)]), 'bulkLoad with a parent later in the list', 'unknown-element', e(3));
  refuses(() => L.bulkLoad(s, T, W, D3, 'x', U, [el(1, null), el(2, 2)]), 'bulkLoad with an element its own parent', 'unknown-element', e(2));
  refuses(() => L.bulkLoad(s, T, W, D3, 'x', U, [el(1, null), el(1, null)]), 'bulkLoad with an id twice', 'duplicate-element', e(1));
  ensureEq(L.selectDocuments(s, T, W), [D], 'the documents after refused loads (all or nothing)');

  s = ok(() => L.bulkLoad(s, T, W, D3, 'big', U, [el(1, null), el(2, 1), el(3, null), el(4, 1), el(5, 2)]), 'bulkLoad five elements');
  ensureEq(L.selectDocuments(s, T, W), [D, D3], 'documents in the order added');
  ensureEq(L.selectChildren(s, T, D3, null), [e(1), e(3)], 'the loaded root list, in order');
  ensureEq(L.selectChildren(s, T, D3, e(1)), [e(2), e(4)], "e1's loaded children, in order");
  ensureEq(L.selectDocumentElements(s, T, D3), [e(1), e(2), e(5), e(4), e(3)], 'visible elements: depth first, parents first');
  ensureEq(L.selectSubtree(s, T, D3, e(2)), [e(2), e(5)], 'subtree of e2');
  refuses(() => L.selectSubtree(s, T, D3, e(99)), 'selectSubtree of an element the document does not have', 'unknown-element', e(99));
  ensureEq(L.selectElement(s, T, D3, e(5))?.text, 't5', `selectElement(big, e5).text, loaded as ${q('t5')}`);
}
