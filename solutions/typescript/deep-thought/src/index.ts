/**
 * Deep Thought level: Architecting the Ultimate State Machine (reference).
 *
 * A multi-tenant collaborative document store, built as plain immutable
 * updates: every function takes a (frozen) state and returns a new one.
 * Steps 1-3: the tenant hierarchy, `applyOperation`, `transform` and
 * `composeOperations`. Step 6: the word index and the activity feed, in
 * ./search.ts.
 */

import { type DocumentWords, type Feed, type WorkspaceWords, indexElements, latest, reindex, relist, wordsOf } from './search';

// ---------------------------------------------------------------------------
// Step 1: ids, the schema and the tenant hierarchy
// ---------------------------------------------------------------------------

export type TenantId = string & { readonly __brand: 'TenantId' };
export type WorkspaceId = string & { readonly __brand: 'WorkspaceId' };
export type DocumentId = string & { readonly __brand: 'DocumentId' };
export type ElementId = string & { readonly __brand: 'ElementId' };
export type UserId = string & { readonly __brand: 'UserId' };
export type ClientId = string & { readonly __brand: 'ClientId' };

export const tenantId = (raw: string): TenantId => raw as TenantId;
export const workspaceId = (raw: string): WorkspaceId => raw as WorkspaceId;
export const documentId = (raw: string): DocumentId => raw as DocumentId;
export const elementId = (raw: string): ElementId => raw as ElementId;
export const userId = (raw: string): UserId => raw as UserId;
export const clientId = (raw: string): ClientId => raw as ClientId;

export interface Tenant {
  id: TenantId;
  name: string;
}

export interface User {
  id: UserId;
  tenantId: TenantId;
  name: string;
}

export interface Workspace {
  id: WorkspaceId;
  tenantId: TenantId;
  name: string;
}

export interface Document {
  id: DocumentId;
  tenantId: TenantId;
  workspaceId: WorkspaceId;
  title: string;
  /** How many operations changed it: bulkLoad counts one per element. */
  revision: number;
}

/** One change in a workspace's activity feed. */
export interface Activity {
  documentId: DocumentId;
  userId: UserId;
  /** The document's revision after the change. */
  revision: number;
  /** How many edits the change made. */
  edits: number;
}

export interface DocumentElement {
  id: ElementId;
  documentId: DocumentId;
  /** `null` for an element of the document's root list. */
  parentId: ElementId | null;
  text: string;
  attributes: Readonly<Record<string, string>>;
  /** A tombstone: hidden with its subtree, but it keeps its id and its place. */
  deleted: boolean;
}

export interface CollaborationState {
  tenants: Record<TenantId, Tenant>;
  users: Record<UserId, User>;
  workspaces: Record<WorkspaceId, Workspace>;
  documents: Record<DocumentId, Document>;
  /** Per document, its elements: an edit copies one document's table, not every element of the store. */
  elements: Record<DocumentId, Record<ElementId, DocumentElement>>;
  workspaceDocuments: Record<WorkspaceId, DocumentId[]>;
  /** Per document, its root list, tombstones included. */
  documentElements: Record<DocumentId, ElementId[]>;
  /** Per document, each parent's child list, tombstones included. */
  elementChildren: Record<DocumentId, Record<ElementId, ElementId[]>>;
  userWorkspaces: Record<UserId, WorkspaceId[]>;
  /** Per workspace, its changes, newest first (a shared list: appending copies nothing). */
  activity: Record<WorkspaceId, Feed | null>;
  /** Per document, its word index: word -> its elements whose text holds it. */
  documentWords: Record<DocumentId, DocumentWords>;
  /** Extension (permissions): per document, its roles and locks; none means open to the tenant's users. */
  permissions: Record<DocumentId, DocumentPermissions>;
  /** Extension (analytics): the running counts per workspace and per document (absent: nothing yet). */
  workspaceTallies: ReadonlyMap<WorkspaceId, WorkspaceTally>;
  documentTallies: ReadonlyMap<DocumentId, Tally>;
  /** Per workspace, word -> its documents whose index holds it. */
  workspaceWords: Record<WorkspaceId, WorkspaceWords>;
}

export type CollabErrorCode =
  | 'unknown-tenant'
  | 'unknown-workspace'
  | 'unknown-document'
  | 'unknown-user'
  | 'unknown-element'
  | 'duplicate-tenant'
  | 'duplicate-workspace'
  | 'duplicate-document'
  | 'duplicate-user'
  | 'duplicate-element'
  | 'out-of-range'
  | 'cycle'
  | 'wrong-place'
  | 'empty'
  | 'wrong-document'
  | 'too-large'
  // The permissions extension: the user may not make this edit.
  | 'forbidden'
  // The plugins extension: a plugin vetoed the operation, or threw while asked.
  | 'vetoed';

/** Why an update was refused. A refused update changes nothing. */
export class CollabError extends Error {
  constructor(
    readonly code: CollabErrorCode,
    readonly id: string,
  ) {
    super(`${code}: ${JSON.stringify(id)}`);
    this.name = 'CollabError';
  }
}

/** An element for `bulkLoad`: appended to its parent's list (`null`: the root list). */
export interface NewElement {
  id: ElementId;
  parentId: ElementId | null;
  text: string;
}

const NONE: readonly never[] = Object.freeze([]);
/** Every element without attributes shares this one (a million empty objects would cost megabytes). */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

function own<K extends string, V>(table: Readonly<Record<K, V>>, key: K): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function withKey<K extends string, V>(table: Readonly<Record<K, V>>, key: K, value: V): Record<K, V> {
  return { ...table, [key]: value };
}

export function createCollaborationState(): CollaborationState {
  return {
    tenants: {} as Record<TenantId, Tenant>,
    users: {} as Record<UserId, User>,
    workspaces: {} as Record<WorkspaceId, Workspace>,
    documents: {} as Record<DocumentId, Document>,
    elements: {} as Record<DocumentId, Record<ElementId, DocumentElement>>,
    workspaceDocuments: {} as Record<WorkspaceId, DocumentId[]>,
    documentElements: {} as Record<DocumentId, ElementId[]>,
    elementChildren: {} as Record<DocumentId, Record<ElementId, ElementId[]>>,
    userWorkspaces: {} as Record<UserId, WorkspaceId[]>,
    activity: {} as Record<WorkspaceId, Feed | null>,
    documentWords: {} as Record<DocumentId, DocumentWords>,
    workspaceWords: {} as Record<WorkspaceId, WorkspaceWords>,
    permissions: {} as Record<DocumentId, DocumentPermissions>,
    workspaceTallies: new Map(),
    documentTallies: new Map(),
  };
}

function tenantOf(state: CollaborationState, tenant: TenantId): Tenant {
  const found = own(state.tenants, tenant);
  if (!found) throw new CollabError('unknown-tenant', tenant);
  return found;
}

function workspaceOf(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId): Workspace {
  tenantOf(state, tenant);
  const found = own(state.workspaces, workspace);
  if (!found || found.tenantId !== tenant) throw new CollabError('unknown-workspace', workspace);
  return found;
}

function documentOf(state: CollaborationState, tenant: TenantId, document: DocumentId): Document {
  tenantOf(state, tenant);
  const found = own(state.documents, document);
  if (!found || found.tenantId !== tenant) throw new CollabError('unknown-document', document);
  return found;
}

function userOf(state: CollaborationState, tenant: TenantId, user: UserId): User {
  tenantOf(state, tenant);
  const found = own(state.users, user);
  if (!found || found.tenantId !== tenant) throw new CollabError('unknown-user', user);
  return found;
}

export function addTenant(state: CollaborationState, tenant: TenantId, name: string): CollaborationState {
  if (own(state.tenants, tenant)) throw new CollabError('duplicate-tenant', tenant);
  return { ...state, tenants: withKey(state.tenants, tenant, { id: tenant, name }) };
}

export function addUser(state: CollaborationState, tenant: TenantId, user: UserId, name: string): CollaborationState {
  tenantOf(state, tenant);
  if (own(state.users, user)) throw new CollabError('duplicate-user', user);
  return {
    ...state,
    users: withKey(state.users, user, { id: user, tenantId: tenant, name }),
    userWorkspaces: withKey(state.userWorkspaces, user, []),
  };
}

export function addWorkspace(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, name: string): CollaborationState {
  tenantOf(state, tenant);
  if (own(state.workspaces, workspace)) throw new CollabError('duplicate-workspace', workspace);
  return {
    ...state,
    workspaces: withKey(state.workspaces, workspace, { id: workspace, tenantId: tenant, name }),
    workspaceDocuments: withKey(state.workspaceDocuments, workspace, []),
    activity: withKey(state.activity, workspace, null),
    workspaceWords: withKey(state.workspaceWords, workspace, new Map()),
  };
}

export function addDocument(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, document: DocumentId, title: string): CollaborationState {
  return load(state, tenant, workspace, document, title, null, []);
}

/**
 * A new document with its elements, each appended to its parent's list in
 * order; a parent comes earlier in the list. As if `author` had inserted
 * them one operation each: revisions 1, 2, ... in the activity feed. All or
 * nothing.
 */
export function bulkLoad(
  state: CollaborationState,
  tenant: TenantId,
  workspace: WorkspaceId,
  document: DocumentId,
  title: string,
  author: UserId,
  elements: readonly NewElement[],
): CollaborationState {
  userOf(state, tenant, author);
  return load(state, tenant, workspace, document, title, author, elements);
}

function load(
  state: CollaborationState,
  tenant: TenantId,
  workspace: WorkspaceId,
  document: DocumentId,
  title: string,
  author: UserId | null,
  elements: readonly NewElement[],
): CollaborationState {
  workspaceOf(state, tenant, workspace);
  if (own(state.documents, document)) throw new CollabError('duplicate-document', document);
  // Without a prototype, a table's misses are plain undefined (an id may be
  // "constructor"): one lookup per test, where own() takes two.
  const table = Object.create(null) as Record<ElementId, DocumentElement>;
  const children = Object.create(null) as Record<ElementId, ElementId[]>;
  const roots: ElementId[] = [];
  for (const { id, parentId, text } of elements) {
    if (table[id] !== undefined) throw new CollabError('duplicate-element', id);
    if (parentId !== null) {
      if (table[parentId] === undefined) throw new CollabError('unknown-element', parentId);
      const list = children[parentId];
      if (list) list.push(id);
      else children[parentId] = [id];
    } else {
      roots.push(id);
    }
    table[id] = { id, documentId: document, parentId, text, attributes: NO_ATTRIBUTES, deleted: false };
  }
  const words = indexElements(elements);
  const feed = own(state.activity, workspace) ?? null;
  const count = author === null ? 0 : elements.length;
  // Analytics: n elements are n operations of one edit by the author.
  const tallies = author === null ? state : counting(state, workspace, document, author, elements.length, elements.length);
  return {
    ...state,
    workspaceTallies: tallies.workspaceTallies,
    documentTallies: tallies.documentTallies,
    documents: withKey(state.documents, document, { id: document, tenantId: tenant, workspaceId: workspace, title, revision: elements.length }),
    // One record for the whole load: revisions 1..n, one edit each.
    activity: author === null || count === 0 ? state.activity : withKey(state.activity, workspace, { documentId: document, userId: author, revision: count, count, edits: 1, earlier: feed }),
    documentWords: withKey(state.documentWords, document, words),
    workspaceWords: withKey(state.workspaceWords, workspace, relist(own(state.workspaceWords, workspace) ?? new Map(), document, new Map(), words)),
    elements: withKey(state.elements, document, table),
    workspaceDocuments: withKey(state.workspaceDocuments, workspace, [...(own(state.workspaceDocuments, workspace) ?? NONE), document]),
    documentElements: withKey(state.documentElements, document, roots),
    elementChildren: withKey(state.elementChildren, document, children),
  };
}

/** The workspace's documents, in the order they were added. */
export function selectDocuments(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId): readonly DocumentId[] {
  workspaceOf(state, tenant, workspace);
  return own(state.workspaceDocuments, workspace) ?? NONE;
}

/** One element, deleted or not; `undefined` if the document has no such element. */
export function selectElement(state: CollaborationState, tenant: TenantId, document: DocumentId, element: ElementId): DocumentElement | undefined {
  documentOf(state, tenant, document);
  return own(own(state.elements, document) ?? ({} as Record<ElementId, DocumentElement>), element);
}

/** A child list (`null`: the root list), tombstones included; empty for an unknown parent. */
export function selectChildren(state: CollaborationState, tenant: TenantId, document: DocumentId, parent: ElementId | null): readonly ElementId[] {
  documentOf(state, tenant, document);
  return childList(state, document, parent);
}

function childList(state: CollaborationState, document: DocumentId, parent: ElementId | null): readonly ElementId[] {
  if (parent === null) return own(state.documentElements, document) ?? NONE;
  return own(own(state.elementChildren, document) ?? ({} as Record<ElementId, ElementId[]>), parent) ?? NONE;
}

function walkVisible(
  elements: Readonly<Record<ElementId, DocumentElement>>,
  children: Readonly<Record<ElementId, ElementId[]>>,
  start: readonly ElementId[],
): ElementId[] {
  // An explicit stack: a deep tree must not overflow the call stack.
  const out: ElementId[] = [];
  const stack = [...start].reverse();
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    const element = own(elements, id);
    if (!element || element.deleted) continue;
    out.push(id);
    const kids = own(children, id) ?? NONE;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as ElementId);
  }
  return out;
}

/** The visible elements in document order: depth first, parents first, deleted subtrees skipped. */
export function selectDocumentElements(state: CollaborationState, tenant: TenantId, document: DocumentId): ElementId[] {
  documentOf(state, tenant, document);
  const elements = own(state.elements, document) ?? ({} as Record<ElementId, DocumentElement>);
  const children = own(state.elementChildren, document) ?? ({} as Record<ElementId, ElementId[]>);
  return walkVisible(elements, children, own(state.documentElements, document) ?? NONE);
}

/** The document's revision: how many operations changed it. */
export function selectRevision(state: CollaborationState, tenant: TenantId, document: DocumentId): number {
  return documentOf(state, tenant, document).revision;
}

/** The workspace's latest `limit` changes, newest first. */
export function selectActivity(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, limit: number): Activity[] {
  workspaceOf(state, tenant, workspace);
  return latest(own(state.activity, workspace) ?? null, limit);
}

/** One search result. */
export interface SearchHit {
  documentId: DocumentId;
  elementId: ElementId;
}

/** Neither the element nor one of its ancestors is deleted. */
function visible(elements: Readonly<Record<ElementId, DocumentElement>>, element: ElementId): boolean {
  for (let at: ElementId | null = element; at !== null; ) {
    const el: DocumentElement | undefined = own(elements, at);
    if (!el || el.deleted) return false;
    at = el.parentId;
  }
  return true;
}

/**
 * The visible elements of the workspace whose text holds `word` (a run of
 * letters and digits, in any case), sorted by document id, then element id.
 * Costs what the hits cost: two index look-ups, never a scan.
 */
export function selectSearch(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, word: string): SearchHit[] {
  workspaceOf(state, tenant, workspace);
  // Not a word (empty, punctuation): '' is in no index.
  const [key = ''] = wordsOf(word);
  const out: SearchHit[] = [];
  for (let at = own(state.workspaceWords, workspace)?.get(key) ?? null; at !== null; at = at.next) {
    const elements = own(state.elements, at.documentId) ?? ({} as Record<ElementId, DocumentElement>);
    for (const id of own(state.documentWords, at.documentId)?.get(key) ?? NONE) {
      if (visible(elements, id)) out.push({ documentId: at.documentId, elementId: id });
    }
  }
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => order(a.documentId, b.documentId) || order(a.elementId, b.elementId));
}

/** The element and its visible descendants in document order; empty when it is hidden. */
export function selectSubtree(state: CollaborationState, tenant: TenantId, document: DocumentId, element: ElementId): ElementId[] {
  documentOf(state, tenant, document);
  const elements = own(state.elements, document) ?? ({} as Record<ElementId, DocumentElement>);
  if (!own(elements, element)) throw new CollabError('unknown-element', element);
  if (!visible(elements, element)) return [];
  return walkVisible(elements, own(state.elementChildren, document) ?? ({} as Record<ElementId, ElementId[]>), [element]);
}

// ---------------------------------------------------------------------------
// Step 2: operations and applyOperation
// ---------------------------------------------------------------------------

/** Where an element sits: its parent chain (the parent first, up to a root element; empty for the root list) and an index in the parent's list. */
export interface Place {
  path: readonly ElementId[];
  index: number;
}

export type Edit =
  | { kind: 'insert'; id: ElementId; parentId: ElementId | null; index: number; text: string }
  | { kind: 'delete'; id: ElementId }
  | { kind: 'setAttribute'; id: ElementId; key: string; value: string | null }
  | { kind: 'move'; id: ElementId; from: Place; to: Place }
  | { kind: 'insertText'; id: ElementId; pos: number; text: string }
  | { kind: 'deleteText'; id: ElementId; pos: number; length: number };

/** A sequence of edits to one document by one user, applied in order and all or nothing. */
export interface Operation {
  tenantId: TenantId;
  documentId: DocumentId;
  userId: UserId;
  edits: readonly Edit[];
}

/** A mutable working copy of one document; the state is rebuilt from it at the end. */
interface Draft {
  document: DocumentId;
  elements: Record<ElementId, DocumentElement>;
  children: Record<ElementId, ElementId[]>;
  roots: ElementId[];
}

function draftOf(state: CollaborationState, document: DocumentId): Draft {
  return {
    document,
    elements: { ...(own(state.elements, document) ?? ({} as Record<ElementId, DocumentElement>)) },
    children: { ...(own(state.elementChildren, document) ?? ({} as Record<ElementId, ElementId[]>)) },
    roots: [...(own(state.documentElements, document) ?? NONE)],
  };
}

function draftElement(draft: Draft, id: ElementId): DocumentElement {
  const el = own(draft.elements, id);
  if (!el) throw new CollabError('unknown-element', id);
  return el;
}

function draftList(draft: Draft, parent: ElementId | null): readonly ElementId[] {
  return parent === null ? draft.roots : (own(draft.children, parent) ?? NONE);
}

function setList(draft: Draft, parent: ElementId | null, list: ElementId[]): void {
  if (parent === null) draft.roots = list;
  else draft.children[parent] = list;
}

/** `path` is exactly the ancestor chain of its first element. */
function pathIsReal(draft: Draft, path: readonly ElementId[]): boolean {
  return path.every((id, i) => own(draft.elements, id)?.parentId === (path[i + 1] ?? null));
}

/** A position in UTF-16 code units that exists and does not split a surrogate pair. */
function validPos(text: string, pos: number): boolean {
  if (!Number.isSafeInteger(pos) || pos < 0 || pos > text.length) return false;
  if (pos === 0 || pos === text.length) return true;
  const before = text.charCodeAt(pos - 1);
  const after = text.charCodeAt(pos);
  return !(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff);
}

function validIndex(index: number, len: number): boolean {
  return Number.isSafeInteger(index) && index >= 0 && index <= len;
}

function applyEdit(draft: Draft, edit: Edit): void {
  switch (edit.kind) {
    case 'insert': {
      if (own(draft.elements, edit.id)) throw new CollabError('duplicate-element', edit.id);
      if (edit.parentId !== null) draftElement(draft, edit.parentId);
      const list = draftList(draft, edit.parentId);
      if (!validIndex(edit.index, list.length)) throw new CollabError('out-of-range', edit.id);
      setList(draft, edit.parentId, [...list.slice(0, edit.index), edit.id, ...list.slice(edit.index)]);
      draft.elements[edit.id] = { id: edit.id, documentId: draft.document, parentId: edit.parentId, text: edit.text, attributes: NO_ATTRIBUTES, deleted: false };
      return;
    }
    case 'delete': {
      const el = draftElement(draft, edit.id);
      if (!el.deleted) draft.elements[edit.id] = { ...el, deleted: true };
      return;
    }
    case 'setAttribute': {
      const el = draftElement(draft, edit.id);
      if (edit.key === '') throw new CollabError('empty', edit.id);
      const attributes = { ...el.attributes };
      if (edit.value === null) delete attributes[edit.key];
      else Object.defineProperty(attributes, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true });
      draft.elements[edit.id] = { ...el, attributes };
      return;
    }
    case 'move': {
      const el = draftElement(draft, edit.id);
      const fromList = draftList(draft, el.parentId);
      const fromParent = edit.from.path[0] ?? null;
      if (fromParent !== el.parentId || fromList[edit.from.index] !== edit.id || !Number.isSafeInteger(edit.from.index) || !pathIsReal(draft, edit.from.path)) {
        throw new CollabError('wrong-place', edit.id);
      }
      const toParent = edit.to.path[0] ?? null;
      if (toParent !== null) draftElement(draft, toParent);
      if (!pathIsReal(draft, edit.to.path)) throw new CollabError('wrong-place', edit.id);
      if (edit.to.path.includes(edit.id)) throw new CollabError('cycle', edit.id);
      const left = fromList.filter((_, i) => i !== edit.from.index);
      setList(draft, el.parentId, left);
      const toList = draftList(draft, toParent);
      if (!validIndex(edit.to.index, toList.length)) throw new CollabError('out-of-range', edit.id);
      setList(draft, toParent, [...toList.slice(0, edit.to.index), edit.id, ...toList.slice(edit.to.index)]);
      draft.elements[edit.id] = { ...el, parentId: toParent };
      return;
    }
    case 'insertText': {
      const el = draftElement(draft, edit.id);
      if (edit.text === '') throw new CollabError('empty', edit.id);
      if (!validPos(el.text, edit.pos)) throw new CollabError('out-of-range', edit.id);
      draft.elements[edit.id] = { ...el, text: el.text.slice(0, edit.pos) + edit.text + el.text.slice(edit.pos) };
      return;
    }
    case 'deleteText': {
      const el = draftElement(draft, edit.id);
      if (!Number.isSafeInteger(edit.length) || edit.length < 1) throw new CollabError('empty', edit.id);
      const end = edit.pos + edit.length;
      if (!validPos(el.text, edit.pos) || !validPos(el.text, end)) throw new CollabError('out-of-range', edit.id);
      draft.elements[edit.id] = { ...el, text: el.text.slice(0, edit.pos) + el.text.slice(end) };
      return;
    }
  }
}

/** The most edits one operation may hold. */
export const MAX_EDITS = 10_000;

/** The longest text, or attribute key and value together, one edit may carry, in UTF-16 code units. */
export const MAX_PAYLOAD = 64 * 1024;

/** Sizes first: an oversized operation is refused before any edit is looked at. */
function checkLimits(operation: Operation): void {
  if (operation.edits.length > MAX_EDITS) throw new CollabError('too-large', operation.documentId);
  for (const edit of operation.edits) {
    const size = edit.kind === 'insert' || edit.kind === 'insertText' ? edit.text.length : edit.kind === 'setAttribute' ? edit.key.length + (edit.value?.length ?? 0) : 0;
    if (size > MAX_PAYLOAD) throw new CollabError('too-large', edit.id);
  }
}

// ---------------------------------------------------------------------------
// Step 3: transform and compose
// ---------------------------------------------------------------------------

type Prim = { put: boolean; list: ElementId | null; index: number };

function prims(edit: Edit): Prim[] {
  if (edit.kind === 'insert') return [{ put: true, list: edit.parentId, index: edit.index }];
  if (edit.kind === 'move') {
    return [
      { put: false, list: edit.from.path[0] ?? null, index: edit.from.index },
      { put: true, list: edit.to.path[0] ?? null, index: edit.to.index },
    ];
  }
  return [];
}

function withPrims(edit: Edit, ps: readonly Prim[]): Edit {
  if (edit.kind === 'insert') return { ...edit, index: (ps[0] as Prim).index };
  if (edit.kind === 'move') {
    return { ...edit, from: { ...edit.from, index: (ps[0] as Prim).index }, to: { ...edit.to, index: (ps[1] as Prim).index } };
  }
  return edit;
}

/** Two list primitives on the same state; `a` wins ties. */
function transformPrim(a: Prim, b: Prim): [Prim, Prim] {
  if (a.list !== b.list) return [a, b];
  if (a.put && b.put) return a.index <= b.index ? [a, { ...b, index: b.index + 1 }] : [{ ...a, index: a.index + 1 }, b];
  if (a.put && !b.put) return a.index <= b.index ? [a, { ...b, index: b.index + 1 }] : [{ ...a, index: a.index - 1 }, b];
  if (!a.put && b.put) return b.index <= a.index ? [{ ...a, index: a.index + 1 }, b] : [a, { ...b, index: b.index - 1 }];
  if (a.index === b.index) return [a, b];
  return a.index < b.index ? [a, { ...b, index: b.index - 1 }] : [{ ...a, index: a.index - 1 }, b];
}

function shiftLists(a: Edit, b: Edit): [Edit, Edit] {
  const pa = prims(a);
  const pb = prims(b);
  if (pa.length === 0 || pb.length === 0) return [a, b];
  for (let i = 0; i < pa.length; i++) {
    for (let j = 0; j < pb.length; j++) {
      [pa[i], pb[j]] = transformPrim(pa[i] as Prim, pb[j] as Prim);
    }
  }
  return [withPrims(a, pa), withPrims(b, pb)];
}

/** Rewrites the places of `edit` that pass through `moved`, which now sits under `newPath`. */
function repath(edit: Edit, moved: ElementId, newPath: readonly ElementId[]): Edit {
  if (edit.kind !== 'move') return edit;
  const fix = (place: Place): Place => {
    const i = place.path.indexOf(moved);
    return i < 0 ? place : { ...place, path: [...place.path.slice(0, i + 1), ...newPath] };
  };
  return { ...edit, from: fix(edit.from), to: fix(edit.to) };
}

/** The range [p, p+n) after [q, q+m) was deleted; undefined if nothing is left. */
function rangeAfter(p: number, n: number, q: number, m: number): [number, number] | undefined {
  const overlap = Math.max(0, Math.min(p + n, q + m) - Math.max(p, q));
  const len = n - overlap;
  const pos = p < q ? p : Math.max(p - m, q);
  return len > 0 ? [pos, len] : undefined;
}

/** One edit against one edit; `a` wins ties. Either side may vanish. */
function transformEdit(a: Edit, b: Edit): [Edit | undefined, Edit | undefined] {
  if (a.kind === 'move' && b.kind === 'move') {
    // The same element moved twice: the first move wins.
    if (a.id === b.id) return [{ ...a, from: b.to }, undefined];
    // Each would put the other inside itself: undo both.
    if (b.to.path.includes(a.id) && a.to.path.includes(b.id)) {
      return [
        { kind: 'move', id: b.id, from: b.to, to: b.from },
        { kind: 'move', id: a.id, from: a.to, to: a.from },
      ];
    }
  }
  if (a.kind === 'setAttribute' && b.kind === 'setAttribute' && a.id === b.id && a.key === b.key) return [a, undefined];
  if (a.kind === 'insertText' && b.kind === 'insertText' && a.id === b.id) {
    return a.pos <= b.pos ? [a, { ...b, pos: b.pos + a.text.length }] : [{ ...a, pos: a.pos + b.text.length }, b];
  }
  if (a.kind === 'insertText' && b.kind === 'deleteText' && a.id === b.id) {
    if (a.pos <= b.pos) return [a, { ...b, pos: b.pos + a.text.length }];
    if (a.pos >= b.pos + b.length) return [{ ...a, pos: a.pos - b.length }, b];
    // Typed inside a range deleted at the same time: it goes too.
    return [undefined, { ...b, length: b.length + a.text.length }];
  }
  if (a.kind === 'deleteText' && b.kind === 'insertText' && a.id === b.id) {
    if (b.pos <= a.pos) return [{ ...a, pos: a.pos + b.text.length }, b];
    if (b.pos >= a.pos + a.length) return [a, { ...b, pos: b.pos - a.length }];
    return [{ ...a, length: a.length + b.text.length }, undefined];
  }
  if (a.kind === 'deleteText' && b.kind === 'deleteText' && a.id === b.id) {
    const a2 = rangeAfter(a.pos, a.length, b.pos, b.length);
    const b2 = rangeAfter(b.pos, b.length, a.pos, a.length);
    return [a2 && { ...a, pos: a2[0], length: a2[1] }, b2 && { ...b, pos: b2[0], length: b2[1] }];
  }
  // A move changes the ancestors of everything under the moved element.
  const a2 = b.kind === 'move' ? repath(a, b.id, b.to.path) : a;
  const b2 = a.kind === 'move' ? repath(b, a.id, a.to.path) : b;
  return shiftLists(a2, b2);
}

function composeInto(edits: Edit[], next: Edit): void {
  const last = edits[edits.length - 1];
  if (last !== undefined && last.id === next.id) {
    if (last.kind === 'insertText' && next.kind === 'insertText' && last.pos <= next.pos && next.pos <= last.pos + last.text.length) {
      const at = next.pos - last.pos;
      edits[edits.length - 1] = { ...last, text: last.text.slice(0, at) + next.text + last.text.slice(at) };
      return;
    }
    if (last.kind === 'insertText' && next.kind === 'deleteText' && last.pos <= next.pos && next.pos + next.length <= last.pos + last.text.length) {
      const at = next.pos - last.pos;
      const text = last.text.slice(0, at) + last.text.slice(at + next.length);
      if (text === '') edits.pop();
      else edits[edits.length - 1] = { ...last, text };
      return;
    }
    if (last.kind === 'deleteText' && next.kind === 'deleteText' && next.pos === last.pos) {
      edits[edits.length - 1] = { ...last, length: last.length + next.length };
      return;
    }
    if (last.kind === 'deleteText' && next.kind === 'deleteText' && next.pos + next.length === last.pos) {
      edits[edits.length - 1] = { ...last, pos: next.pos, length: last.length + next.length };
      return;
    }
    if (last.kind === 'setAttribute' && next.kind === 'setAttribute' && last.key === next.key) {
      edits[edits.length - 1] = next;
      return;
    }
    if (last.kind === 'insert' && next.kind === 'insertText' && next.pos <= last.text.length) {
      edits[edits.length - 1] = { ...last, text: last.text.slice(0, next.pos) + next.text + last.text.slice(next.pos) };
      return;
    }
  }
  edits.push(next);
}

/** The elements whose text the operation set or changed: [text before (undefined: new), text after]. */
function changedTexts(state: CollaborationState, draft: Draft, operation: Operation): Map<ElementId, [string | undefined, string]> {
  const before = own(state.elements, draft.document) ?? ({} as Record<ElementId, DocumentElement>);
  const out = new Map<ElementId, [string | undefined, string]>();
  for (const edit of operation.edits) {
    if (edit.kind === 'insert' || edit.kind === 'insertText' || edit.kind === 'deleteText') {
      out.set(edit.id, [own(before, edit.id)?.text, draftElement(draft, edit.id).text]);
    }
  }
  return out;
}

/**
 * The operational transform engine. Text positions count UTF-16 code units
 * (JavaScript's string indices): "🐬" is two of them.
 */
export class OperationalTransform {
  /**
   * Transforms two operations made concurrently on the same document.
   * `op1` was sequenced first and wins ties. Returns `[op1', op2']`: `op1'`
   * applies after `op2`, `op2'` after `op1`, and both orders give the same
   * document (TP1).
   */
  public transform(op1: Operation, op2: Operation): [Operation, Operation] {
    if (op1.documentId !== op2.documentId) throw new CollabError('wrong-document', op2.documentId);
    let bNow: Edit[] = [...op2.edits];
    const aOut: Edit[] = [];
    for (const editA of op1.edits) {
      let current: Edit | undefined = editA;
      const bNext: Edit[] = [];
      for (const editB of bNow) {
        if (current === undefined) {
          bNext.push(editB);
          continue;
        }
        const [x, y]: [Edit | undefined, Edit | undefined] = transformEdit(current, editB);
        current = x;
        if (y !== undefined) bNext.push(y);
      }
      if (current !== undefined) aOut.push(current);
      bNow = bNext;
    }
    return [
      { ...op1, edits: aOut },
      { ...op2, edits: bNow },
    ];
  }

  /**
   * Applies every edit of `operation` in order, or none: a refused edit
   * throws a `CollabError` and the state stays as it was.
   */
  public applyOperation(state: CollaborationState, operation: Operation): CollaborationState {
    const row = documentOf(state, operation.tenantId, operation.documentId);
    userOf(state, operation.tenantId, operation.userId);
    checkLimits(operation);
    if (operation.edits.length === 0) return state;
    checkPermissions(state, operation);
    const draft = draftOf(state, operation.documentId);
    for (const edit of operation.edits) applyEdit(draft, edit);
    const document = operation.documentId;
    const revision = row.revision + 1;
    const change: Feed = { documentId: document, userId: operation.userId, revision, count: 1, edits: operation.edits.length, earlier: own(state.activity, row.workspaceId) ?? null };
    const wordsBefore = own(state.documentWords, document) ?? new Map<string, readonly ElementId[]>();
    const words = reindex(wordsBefore, changedTexts(state, draft, operation));
    const tallies = counting(state, row.workspaceId, document, operation.userId, 1, operation.edits.length);
    return {
      ...state,
      workspaceTallies: tallies.workspaceTallies,
      documentTallies: tallies.documentTallies,
      documents: withKey(state.documents, document, { ...row, revision }),
      activity: withKey(state.activity, row.workspaceId, change),
      documentWords: withKey(state.documentWords, document, words),
      workspaceWords: withKey(state.workspaceWords, row.workspaceId, relist(own(state.workspaceWords, row.workspaceId) ?? new Map(), document, wordsBefore, words)),
      elements: withKey(state.elements, document, draft.elements),
      documentElements: withKey(state.documentElements, document, draft.roots),
      elementChildren: withKey(state.elementChildren, document, draft.children),
    };
  }

  /**
   * One operation with the effect of applying `operations` in turn; adjacent
   * edits merge, so a run of keystrokes becomes one edit.
   */
  public composeOperations(operations: readonly Operation[]): Operation {
    const first = operations[0];
    if (first === undefined) throw new CollabError('empty', '');
    const edits: Edit[] = [];
    for (const operation of operations) {
      if (operation.documentId !== first.documentId) throw new CollabError('wrong-document', operation.documentId);
      for (const edit of operation.edits) composeInto(edits, edit);
    }
    return { ...first, edits };
  }
}

// ---------------------------------------------------------------------------
// Extensions: permissions and real-time analytics (time travel: sync.ts)
// ---------------------------------------------------------------------------

/** What a user may do in a document: a viewer nothing, an editor no delete or move, an owner everything. */
export type Role = 'viewer' | 'editor' | 'owner';

/** One document's roles and locks (a lock: the element and its subtree change only by its owner). */
export interface DocumentPermissions {
  readonly roles: Readonly<Record<UserId, Role>>;
  readonly locks: Readonly<Record<ElementId, UserId>>;
}

const OPEN: DocumentPermissions = Object.freeze({ roles: Object.freeze({}) as Record<UserId, Role>, locks: Object.freeze({}) as Record<ElementId, UserId> });

function permissionsOf(state: CollaborationState, document: DocumentId): DocumentPermissions {
  return own(state.permissions, document) ?? OPEN;
}

function hasAny(table: object): boolean {
  for (const _ in table) return true;
  return false;
}

/** Gives `user` a role in the document (replacing any it had). Once a document has a role, users without one may not change it. */
export function setRole(state: CollaborationState, tenant: TenantId, document: DocumentId, user: UserId, role: Role): CollaborationState {
  documentOf(state, tenant, document);
  userOf(state, tenant, user);
  const now = permissionsOf(state, document);
  return { ...state, permissions: withKey(state.permissions, document, { ...now, roles: withKey(now.roles, user, role) }) };
}

/** Locks an element and its subtree for `owner`: nobody else may change them, whatever their role. */
export function lockElement(state: CollaborationState, tenant: TenantId, document: DocumentId, element: ElementId, owner: UserId): CollaborationState {
  if (selectElement(state, tenant, document, element) === undefined) throw new CollabError('unknown-element', element);
  userOf(state, tenant, owner);
  const now = permissionsOf(state, document);
  return { ...state, permissions: withKey(state.permissions, document, { ...now, locks: withKey(now.locks, element, owner) }) };
}

/** The elements an edit changes or puts something under: a lock on any of them (or above) guards the edit. */
function touched(edit: Edit): (ElementId | null)[] {
  if (edit.kind === 'insert') return [edit.parentId];
  // A move's element: walking up from it passes its old parent.
  if (edit.kind === 'move') return [edit.id, edit.to.path[0] ?? null];
  return [edit.id];
}

/** Refuses with 'forbidden' what the user's role or someone else's lock does not allow; every edit is checked before any applies. */
function checkPermissions(state: CollaborationState, operation: Operation): void {
  // Most documents have neither: their operations pay one look-up.
  const permissions = own(state.permissions, operation.documentId);
  if (permissions === undefined) return;
  const { roles, locks } = permissions;
  const user = operation.userId;
  if (hasAny(roles)) {
    const role = own(roles, user);
    for (const edit of operation.edits) {
      const allowed = role === 'owner' || (role === 'editor' && edit.kind !== 'delete' && edit.kind !== 'move');
      if (!allowed) throw new CollabError('forbidden', user);
    }
  }
  if (!hasAny(locks)) return;
  const elements = own(state.elements, operation.documentId) ?? ({} as Record<ElementId, DocumentElement>);
  for (const edit of operation.edits) {
    for (const start of touched(edit)) {
      // The nearest lock on the element or an ancestor decides.
      for (let at = start; at !== null; at = own(elements, at)?.parentId ?? null) {
        const owner = own(locks, at);
        if (owner === undefined) continue;
        if (owner !== user) throw new CollabError('forbidden', at);
        break;
      }
    }
  }
}

/** How many of the latest applied operations `Metrics.activeEditors` looks at. */
export const ACTIVE_WINDOW = 50;

/** Live collaboration metrics, kept up to date by every update: reading them never walks the log. */
export interface Metrics {
  /** Operations applied (a bulkLoad: one per element). */
  operations: number;
  /** Edits those operations made. */
  edits: number;
  /** Operations refused (recorded with recordRefusal). */
  refused: number;
  /** Distinct users among the latest ACTIVE_WINDOW applied operations. */
  activeEditors: number;
}

/** The running counts behind Metrics, for a workspace or a document. */
export interface Tally extends Readonly<Metrics> {
  /** The authors of the latest ACTIVE_WINDOW operations, oldest first, as runs of one author (a bulk load is one run). */
  readonly recent: readonly { readonly user: UserId; readonly count: number }[];
}

/** A workspace's tally also counts each user's operations. */
export interface WorkspaceTally extends Tally {
  readonly byUser: ReadonlyMap<UserId, number>;
}

const NO_TALLY: WorkspaceTally = Object.freeze({ operations: 0, edits: 0, refused: 0, activeEditors: 0, recent: NONE, byUser: new Map<UserId, number>() });

/** A copy of `map` with one more entry. Maps, not objects: a tally table changes on every operation, and a Map is cheap to copy and to freeze. */
function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  return new Map(map).set(key, value);
}

/** `count` operations by `user`, `edits` edits in all. Costs what the window holds, never the log. */
function record(tally: Tally, user: UserId, count: number, edits: number): Tally {
  const recent = [...tally.recent];
  // Only the latest ACTIVE_WINDOW of them can stay in the window.
  const added = Math.min(count, ACTIVE_WINDOW);
  const last = recent[recent.length - 1];
  if (last !== undefined && last.user === user) recent[recent.length - 1] = { user, count: last.count + added };
  else if (added > 0) recent.push({ user, count: added });
  let extra = -ACTIVE_WINDOW;
  for (const run of recent) extra += run.count;
  while (extra > 0) {
    const oldest = recent[0] as { user: UserId; count: number };
    const dropped = Math.min(oldest.count, extra);
    extra -= dropped;
    if (dropped === oldest.count) recent.shift();
    else recent[0] = { user: oldest.user, count: oldest.count - dropped };
  }
  // Runs hold few authors: a scan of the ones before beats building a Set.
  const activeEditors = recent.filter((run, i) => recent.findIndex((r) => r.user === run.user) === i).length;
  return { operations: tally.operations + count, edits: tally.edits + edits, refused: tally.refused, activeEditors, recent };
}

type Tallies = Pick<CollaborationState, 'workspaceTallies' | 'documentTallies'>;

/** The tally tables with `count` applied operations by `user` counted in the workspace and the document. */
function counting(state: Tallies, workspace: WorkspaceId, document: DocumentId, user: UserId, count: number, edits: number): Tallies {
  const ws = state.workspaceTallies.get(workspace) ?? NO_TALLY;
  const byUser = withEntry(ws.byUser, user, (ws.byUser.get(user) ?? 0) + count);
  return {
    workspaceTallies: withEntry(state.workspaceTallies, workspace, { ...record(ws, user, count, edits), byUser }),
    documentTallies: withEntry(state.documentTallies, document, record(state.documentTallies.get(document) ?? NO_TALLY, user, count, edits)),
  };
}

/**
 * Counts one refused operation for its document and workspace. A refusal
 * throws and changes nothing, so applyOperation cannot count it: whoever
 * applies operations calls this with the one it refused.
 */
export function recordRefusal(state: CollaborationState, operation: Operation): CollaborationState {
  const row = documentOf(state, operation.tenantId, operation.documentId);
  userOf(state, operation.tenantId, operation.userId);
  const refused = <T extends Tally>(t: T): T => ({ ...t, refused: t.refused + 1 });
  return {
    ...state,
    workspaceTallies: withEntry(state.workspaceTallies, row.workspaceId, refused(state.workspaceTallies.get(row.workspaceId) ?? NO_TALLY)),
    documentTallies: withEntry(state.documentTallies, row.id, refused(state.documentTallies.get(row.id) ?? NO_TALLY)),
  };
}

const metricsOf = ({ operations, edits, refused, activeEditors }: Tally): Metrics => ({ operations, edits, refused, activeEditors });

/** The workspace's live metrics. */
export function selectMetrics(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId): Metrics {
  workspaceOf(state, tenant, workspace);
  return metricsOf(state.workspaceTallies.get(workspace) ?? NO_TALLY);
}

/** One document's live metrics. */
export function selectDocumentMetrics(state: CollaborationState, tenant: TenantId, document: DocumentId): Metrics {
  documentOf(state, tenant, document);
  return metricsOf(state.documentTallies.get(document) ?? NO_TALLY);
}

/** How many operations `user` applied in the workspace. */
export function selectOperationsBy(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, user: UserId): number {
  workspaceOf(state, tenant, workspace);
  userOf(state, tenant, user);
  return (state.workspaceTallies.get(workspace) ?? NO_TALLY).byUser.get(user) ?? 0;
}

// Steps 4-5 live in their own module.
export * from './sync';
// Steps 7 and 8 live in their own modules.
export * from './cache';
export * from './monitor';
// Extension: plugins, in their own module.
export * from './plugins';
// Step 10: the live document and its memoized view.
export * from './view';
