// Type-level checks for Deep Thought's ids and the seed's "zero any".
// Type-checked together with the learner's src/ (strict), never bundled,
// never run. Sections start with "// check: <id>" and run to the next; a
// section passes when tsc reports no error inside it.
// - control uses the API correctly and must compile.
// - An id mix-up sits on one line under `// @ts-expect-error`: with branded
//   ids the directive is used; with plain strings tsc reports it unused.
// - The "no any" sections assert that the public API mentions `any` nowhere.

import * as L from './learner';

/** `true` exactly for `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * `true` (or `boolean`) when `any` appears in T: T itself, a function's
 * parameters or result, an array's elements, a Map's or a Set's keys and
 * values, an object's properties, a few levels deep.
 */
type HasAny<T, Depth extends unknown[] = []> =
  IsAny<T> extends true
    ? true
    : Depth['length'] extends 5
      ? false
      : T extends (...args: infer A) => infer R
        ? HasAny<R, [...Depth, 0]> | HasAny<A[number], [...Depth, 0]>
        : T extends readonly (infer E)[]
          ? HasAny<E, [...Depth, 0]>
          : // A Map or a Set holds `any` only through its keys or values (their own `forEach(..., thisArg?: any)` does not count).
            T extends ReadonlyMap<infer K, infer V>
            ? HasAny<K, [...Depth, 0]> | HasAny<V, [...Depth, 0]>
            : T extends ReadonlySet<infer E>
              ? HasAny<E, [...Depth, 0]>
          : T extends string | number | boolean | bigint | symbol | null | undefined
            ? false
            : T extends object
              ? { [K in keyof T]-?: HasAny<T[K], [...Depth, 0]> }[keyof T]
              : false;

/** Compiles only when T is exactly `false`. */
type Expect<T extends false> = T;

declare const state: L.CollaborationState;
declare const aTenant: L.TenantId;
declare const aWorkspace: L.WorkspaceId;
declare const aDocument: L.DocumentId;
declare const aElement: L.ElementId;
declare const aUser: L.UserId;
declare const aClient: L.ClientId;
declare const aString: string;
declare const anOp: L.Operation;
declare const aWorkspaceRow: L.Workspace;

// check: control
{
  const t = L.tenantId('t');
  const w = L.workspaceId('w');
  const d = L.documentId('d');
  const u = L.userId('u');
  const c: L.ClientId = L.clientId('c');
  const x = L.elementId('x');
  let s: L.CollaborationState = L.createCollaborationState();
  s = L.addTenant(s, t, 'Magrathea');
  s = L.addUser(s, t, u, 'Slartibartfast');
  s = L.addWorkspace(s, t, w, 'Planets');
  s = L.addDocument(s, t, w, d, 'Earth');
  s = L.bulkLoad(s, t, w, L.documentId('d2'), 'Earth, Mk II', u, [{ id: x, parentId: null, text: 'fjords' }]);
  const edits: L.Edit[] = [
    { kind: 'insert', id: L.elementId('y'), parentId: x, index: 0, text: 'a' },
    { kind: 'delete', id: x },
    { kind: 'setAttribute', id: x, key: 'k', value: null },
    { kind: 'move', id: x, from: { path: [], index: 0 }, to: { path: [], index: 0 } },
    { kind: 'insertText', id: x, pos: 0, text: 'b' },
    { kind: 'deleteText', id: x, pos: 0, length: 1 },
  ];
  const op: L.Operation = { tenantId: t, documentId: d, userId: u, edits };
  const engine = new L.OperationalTransform();
  s = engine.applyOperation(s, op);
  const pair: [L.Operation, L.Operation] = engine.transform(op, op);
  const one: L.Operation = engine.composeOperations([op, op]);
  const docs: readonly L.DocumentId[] = L.selectDocuments(s, t, w);
  const el: L.DocumentElement | undefined = L.selectElement(s, t, d, x);
  const kids: readonly L.ElementId[] = L.selectChildren(s, t, d, null);
  const order: L.ElementId[] = L.selectDocumentElements(s, t, d);
  const sub: L.ElementId[] = L.selectSubtree(s, t, d, x);
  const revision: number = L.selectRevision(s, t, d);
  const feed: L.Activity[] = L.selectActivity(s, t, w, 10);
  const change: [L.DocumentId, L.UserId, number, number] | undefined = feed[0] && [feed[0].documentId, feed[0].userId, feed[0].revision, feed[0].edits];
  const err: L.CollabError = new L.CollabError('unknown-element', x);
  const code: L.CollabErrorCode = err.code;
  const place: L.Place = { path: [x], index: 0 };
  const rows: [L.Tenant | undefined, L.User | undefined, L.Workspace | undefined, L.Document | undefined] = [s.tenants[t], s.users[u], s.workspaces[w], s.documents[d]];
  void [c, pair, one, revision, change, docs, el?.text, el?.parentId, el?.deleted, el?.attributes, kids, order, sub, code, place, rows];
  const found: L.SearchHit[] = L.selectSearch(s, t, w, 'fjords');
  void found;
}

// check: types.tenant-is-not-a-document
{
  // @ts-expect-error aTenant is not a DocumentId
  const asDocumentId0: L.DocumentId = aTenant;
  // @ts-expect-error aTenant is not a DocumentId
  L.selectDocumentElements(state, aTenant, aTenant);
  // @ts-expect-error aTenant is not a DocumentId
  L.addDocument(state, aTenant, aWorkspace, aTenant, 't');
  // @ts-expect-error aTenant is not a DocumentId
  const op3: L.Operation = { ...anOp, documentId: aTenant };
  void [asDocumentId0, op3];
}

// check: types.element-is-not-a-document
{
  // @ts-expect-error aElement is not a DocumentId
  const asDocumentId0: L.DocumentId = aElement;
  // @ts-expect-error aElement is not a DocumentId
  L.selectDocumentElements(state, aTenant, aElement);
  // @ts-expect-error aElement is not a DocumentId
  L.addDocument(state, aTenant, aWorkspace, aElement, 't');
  // @ts-expect-error aElement is not a DocumentId
  const op3: L.Operation = { ...anOp, documentId: aElement };
  void [asDocumentId0, op3];
}

// check: types.workspace-is-not-a-tenant
{
  // @ts-expect-error aWorkspace is not a TenantId
  const asTenantId0: L.TenantId = aWorkspace;
  // @ts-expect-error aWorkspace is not a TenantId
  L.addTenant(state, aWorkspace, 'n');
  // @ts-expect-error aWorkspace is not a TenantId
  L.selectDocuments(state, aWorkspace, aWorkspace);
  // @ts-expect-error aWorkspace is not a TenantId
  const op3: L.Operation = { ...anOp, tenantId: aWorkspace };
  void [asTenantId0, op3];
}

// check: types.user-is-not-a-client
{
  // @ts-expect-error aUser is not a ClientId
  const asClientId0: L.ClientId = aUser;
  void [asClientId0];
}

// check: types.tenant-is-not-a-element
{
  // @ts-expect-error aTenant is not an ElementId
  const asElementId0: L.ElementId = aTenant;
  // @ts-expect-error aTenant is not an ElementId
  L.selectSubtree(state, aTenant, aDocument, aTenant);
  // @ts-expect-error aTenant is not an ElementId
  const edit2: L.Edit = { kind: 'delete', id: aTenant };
  // @ts-expect-error aTenant is not an ElementId
  const n3: L.NewElement = { id: aElement, parentId: aTenant, text: '' };
  void [asElementId0, edit2, n3];
}

// check: types.tenant-is-not-a-user
{
  // @ts-expect-error aTenant is not a UserId
  const asUserId0: L.UserId = aTenant;
  // @ts-expect-error aTenant is not a UserId
  L.addUser(state, aTenant, aTenant, 'n');
  // @ts-expect-error aTenant is not a UserId
  const op2: L.Operation = { ...anOp, userId: aTenant };
  void [asUserId0, op2];
}

// check: types.tenant-is-not-a-client
{
  // @ts-expect-error aTenant is not a ClientId
  const asClientId0: L.ClientId = aTenant;
  void [asClientId0];
}

// check: types.workspace-is-not-a-document
{
  // @ts-expect-error aWorkspace is not a DocumentId
  const asDocumentId0: L.DocumentId = aWorkspace;
  // @ts-expect-error aWorkspace is not a DocumentId
  L.selectDocumentElements(state, aTenant, aWorkspace);
  // @ts-expect-error aWorkspace is not a DocumentId
  L.addDocument(state, aTenant, aWorkspace, aWorkspace, 't');
  // @ts-expect-error aWorkspace is not a DocumentId
  const op3: L.Operation = { ...anOp, documentId: aWorkspace };
  void [asDocumentId0, op3];
}

// check: types.workspace-is-not-a-element
{
  // @ts-expect-error aWorkspace is not an ElementId
  const asElementId0: L.ElementId = aWorkspace;
  // @ts-expect-error aWorkspace is not an ElementId
  L.selectSubtree(state, aTenant, aDocument, aWorkspace);
  // @ts-expect-error aWorkspace is not an ElementId
  const edit2: L.Edit = { kind: 'delete', id: aWorkspace };
  // @ts-expect-error aWorkspace is not an ElementId
  const n3: L.NewElement = { id: aElement, parentId: aWorkspace, text: '' };
  void [asElementId0, edit2, n3];
}

// check: types.workspace-is-not-a-user
{
  // @ts-expect-error aWorkspace is not a UserId
  const asUserId0: L.UserId = aWorkspace;
  // @ts-expect-error aWorkspace is not a UserId
  L.addUser(state, aTenant, aWorkspace, 'n');
  // @ts-expect-error aWorkspace is not a UserId
  const op2: L.Operation = { ...anOp, userId: aWorkspace };
  void [asUserId0, op2];
}

// check: types.workspace-is-not-a-client
{
  // @ts-expect-error aWorkspace is not a ClientId
  const asClientId0: L.ClientId = aWorkspace;
  void [asClientId0];
}

// check: types.document-is-not-a-user
{
  // @ts-expect-error aDocument is not a UserId
  const asUserId0: L.UserId = aDocument;
  // @ts-expect-error aDocument is not a UserId
  L.addUser(state, aTenant, aDocument, 'n');
  // @ts-expect-error aDocument is not a UserId
  const op2: L.Operation = { ...anOp, userId: aDocument };
  void [asUserId0, op2];
}

// check: types.document-is-not-a-client
{
  // @ts-expect-error aDocument is not a ClientId
  const asClientId0: L.ClientId = aDocument;
  void [asClientId0];
}

// check: types.element-is-not-a-user
{
  // @ts-expect-error aElement is not a UserId
  const asUserId0: L.UserId = aElement;
  // @ts-expect-error aElement is not a UserId
  L.addUser(state, aTenant, aElement, 'n');
  // @ts-expect-error aElement is not a UserId
  const op2: L.Operation = { ...anOp, userId: aElement };
  void [asUserId0, op2];
}

// check: types.element-is-not-a-client
{
  // @ts-expect-error aElement is not a ClientId
  const asClientId0: L.ClientId = aElement;
  void [asClientId0];
}

// check: types.string-is-not-a-tenant
{
  // @ts-expect-error aString is not a TenantId
  const asTenantId0: L.TenantId = aString;
  // @ts-expect-error aString is not a TenantId
  L.addTenant(state, aString, 'n');
  // @ts-expect-error aString is not a TenantId
  L.selectDocuments(state, aString, aWorkspace);
  // @ts-expect-error aString is not a TenantId
  const op3: L.Operation = { ...anOp, tenantId: aString };
  void [asTenantId0, op3];
}

// check: types.string-is-not-a-workspace
{
  // @ts-expect-error aString is not a WorkspaceId
  const asWorkspaceId0: L.WorkspaceId = aString;
  // @ts-expect-error aString is not a WorkspaceId
  L.addWorkspace(state, aTenant, aString, 'n');
  // @ts-expect-error aString is not a WorkspaceId
  L.selectDocuments(state, aTenant, aString);
  // @ts-expect-error aString is not a WorkspaceId
  const w3: L.Workspace = { ...aWorkspaceRow, id: aString };
  void [asWorkspaceId0, w3];
}

// check: types.string-is-not-a-document
{
  // @ts-expect-error aString is not a DocumentId
  const asDocumentId0: L.DocumentId = aString;
  // @ts-expect-error aString is not a DocumentId
  L.selectDocumentElements(state, aTenant, aString);
  // @ts-expect-error aString is not a DocumentId
  L.addDocument(state, aTenant, aWorkspace, aString, 't');
  // @ts-expect-error aString is not a DocumentId
  const op3: L.Operation = { ...anOp, documentId: aString };
  void [asDocumentId0, op3];
}

// check: types.string-is-not-a-element
{
  // @ts-expect-error aString is not an ElementId
  const asElementId0: L.ElementId = aString;
  // @ts-expect-error aString is not an ElementId
  L.selectSubtree(state, aTenant, aDocument, aString);
  // @ts-expect-error aString is not an ElementId
  const edit2: L.Edit = { kind: 'delete', id: aString };
  // @ts-expect-error aString is not an ElementId
  const n3: L.NewElement = { id: aElement, parentId: aString, text: '' };
  void [asElementId0, edit2, n3];
}

// check: types.string-is-not-a-user
{
  // @ts-expect-error aString is not a UserId
  const asUserId0: L.UserId = aString;
  // @ts-expect-error aString is not a UserId
  L.addUser(state, aTenant, aString, 'n');
  // @ts-expect-error aString is not a UserId
  const op2: L.Operation = { ...anOp, userId: aString };
  void [asUserId0, op2];
}

// check: types.string-is-not-a-client
{
  // @ts-expect-error aString is not a ClientId
  const asClientId0: L.ClientId = aString;
  void [asClientId0];
}

// check: types.no-any-in-state
{
  type State = Expect<HasAny<L.CollaborationState>>;
  type Rows = Expect<HasAny<[L.Tenant, L.User, L.Workspace, L.Document, L.DocumentElement, L.NewElement, L.Activity]>>;
  type Ops = Expect<HasAny<[L.Edit, L.Operation, L.Place]>>;
  type Ids = Expect<HasAny<[L.TenantId, L.WorkspaceId, L.DocumentId, L.ElementId, L.UserId, L.ClientId]>>;
  type Constructors = Expect<HasAny<[typeof L.tenantId, typeof L.workspaceId, typeof L.documentId, typeof L.elementId, typeof L.userId, typeof L.clientId]>>;
  type Sync = Expect<HasAny<[L.Submit, L.Broadcast, L.ConflictResolution, L.SyncMetadata]>>;
}

// check: types.no-any-in-api
{
  type Updates = Expect<HasAny<[typeof L.createCollaborationState, typeof L.addTenant, typeof L.addUser, typeof L.addWorkspace, typeof L.addDocument, typeof L.bulkLoad]>>;
  type Selects = Expect<HasAny<[typeof L.selectDocuments, typeof L.selectElement, typeof L.selectChildren, typeof L.selectDocumentElements, typeof L.selectSubtree, typeof L.selectRevision, typeof L.selectActivity]>>;
  type Search = Expect<HasAny<[typeof L.selectSearch, L.SearchHit]>>;
  type Engine = Expect<HasAny<[L.OperationalTransform['transform'], L.OperationalTransform['applyOperation'], L.OperationalTransform['composeOperations']]>>;
  // A Promise's own `then` takes `reason: any` (lib.es5.d.ts): warmCache is checked without it.
  type Cache = Expect<HasAny<[ConstructorParameters<typeof L.StateCache>, L.StateCache['get'], L.StateCache['invalidateCache'], Parameters<L.StateCache['warmCache']>, Awaited<ReturnType<L.StateCache['warmCache']>>, L.StateCache['compressCache'], L.StateCache['stats'], L.CacheQuery, L.QueryResult, L.EntityRef, L.CacheStats]>>;
  type Monitor = Expect<HasAny<[ConstructorParameters<typeof L.PerformanceMonitor>, L.PerformanceMonitor['measureSelector'], L.PerformanceMonitor['regressions'], L.PerformanceMonitor['analyzeStateSize'], L.PerformanceMonitor['trackUserInteraction'], L.PerformanceMonitor['interaction'], L.Regression, L.StateAnalysis, L.InteractionStats]>>;
  type Limits = Expect<HasAny<[typeof L.MAX_EDITS, typeof L.MAX_PAYLOAD, typeof L.REGRESSION_WINDOW, typeof L.REGRESSION_FACTOR]>>;
  type Server = Expect<HasAny<[ConstructorParameters<typeof L.CollaborationServer>, L.CollaborationServer['revision'], L.CollaborationServer['state'], L.CollaborationServer['receive'], L.CollaborationServer['historySince'], L.CollaborationServer['conflictLog']]>>;
  type Client = Expect<HasAny<[ConstructorParameters<typeof L.CollaborationClient>, L.CollaborationClient['id'], L.CollaborationClient['state'], L.CollaborationClient['syncMetadata'], L.CollaborationClient['edit'], L.CollaborationClient['nextSubmit']]>>;
  type ClientSync = Expect<HasAny<[L.CollaborationClient['receive'], L.CollaborationClient['disconnect'], L.CollaborationClient['reconnect'], L.CollaborationClient['conflictLog']]>>;
  // The extensions: time travel, permissions, analytics.
  type TimeTravelPermissionsAnalytics = Expect<HasAny<[L.CollaborationServer['stateAt'], typeof L.setRole, typeof L.lockElement, L.Role, typeof L.recordRefusal, typeof L.selectMetrics, typeof L.selectDocumentMetrics, typeof L.selectOperationsBy, L.Metrics, typeof L.ACTIVE_WINDOW]>>;
  // Extensions: plugins and cross-platform sync.
  type Plugins = Expect<HasAny<[ConstructorParameters<typeof L.PluginHost>, L.PluginHost['state'], L.PluginHost['addPlugin'], L.PluginHost['plugins'], L.PluginHost['apply'], L.Plugin, NonNullable<L.Plugin['check']>, NonNullable<L.Plugin['applied']>]>>;
  type CrossPlatform = Expect<HasAny<[typeof L.CollaborationClient.withCapabilities, L.CollaborationClient['rendered'], typeof L.KIND]>>;
  // Step 10: the live document and its view.
  type View = Expect<HasAny<[typeof L.transformCaret, typeof L.applyRemote, typeof L.makeSelectDocumentWithCollaborators, L.DocumentSelector, L.LiveDocument, L.DocumentView, L.ViewWindow, L.ViewElement, L.Collaborator, L.Presence, L.Selection, L.Caret, L.Readers]>>;
}
