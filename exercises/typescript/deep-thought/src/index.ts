/**
 * Deep Thought level: Architecting the Ultimate State Machine.
 *
 * A multi-tenant collaborative document store. Read `README.md` first, then
 * replace every `throw new NotImplemented(...)`. Run `workshop check` whenever
 * you like, and `npm test` for your own tests.
 *
 * Keep the exported names and signatures: the hidden checks call them. The
 * checks build every state through these functions and read it only through
 * the select functions, so the tables inside `CollaborationState` are yours to
 * design; the ones below are the seed's, with one change: elements, root lists
 * and child lists are kept per document, so that an edit copies one
 * document's tables rather than a million-entry one.
 *
 * Every update takes a frozen state and returns a new one; the state it was
 * given stays as it was. A refused update throws a `CollabError` (a code and
 * the offending id) and changes nothing.
 */

/** Thrown by the parts you have not written yet. Delete it when you are done. */
export class NotImplemented extends Error {
  constructor(what: string) {
    super(`not implemented: ${what}`);
    this.name = 'NotImplemented';
  }
}

// ---------------------------------------------------------------------------
// Step 1: ids, the schema and the tenant hierarchy
// ---------------------------------------------------------------------------

// Six kinds of id, all strings: nothing stops a TenantId where a DocumentId
// belongs, or any string at all. Brand each one so that a mix-up does not
// compile, and keep the constructors (the checks make their ids with them):
//   export type TenantId = string & { readonly __brand: 'TenantId' };
//   export const tenantId = (raw: string): TenantId => raw as TenantId;
export type TenantId = string;
export type WorkspaceId = string;
export type DocumentId = string;
export type ElementId = string;
export type UserId = string;
export type ClientId = string;

export const tenantId = (raw: string): TenantId => raw;
export const workspaceId = (raw: string): WorkspaceId => raw;
export const documentId = (raw: string): DocumentId => raw;
export const elementId = (raw: string): ElementId => raw;
export const userId = (raw: string): UserId => raw;
export const clientId = (raw: string): ClientId => raw;

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
  /** Per workspace, its changes, oldest first. */
  activity: Record<WorkspaceId, Activity[]>;

  // Design additional structures as needed (the seed's line; zero `any` is the goal).
  [key: string]: any;
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

/** An empty store: no tenant, no user, no workspace, no document. */
export function createCollaborationState(): CollaborationState {
  throw new NotImplemented('an empty CollaborationState');
}

// Ids are unique across the store. Every read and write names its tenant, and
// an id that belongs to another tenant is refused exactly as an unknown one
// is ('unknown-workspace', 'unknown-document', ...): it never gives its data.

/** A new tenant. Throws 'duplicate-tenant' if the id is taken. */
export function addTenant(state: CollaborationState, tenant: TenantId, name: string): CollaborationState {
  throw new NotImplemented('add a tenant');
}

/** A new user of the tenant. Throws 'unknown-tenant', or 'duplicate-user' if the id is taken (by any tenant). */
export function addUser(state: CollaborationState, tenant: TenantId, user: UserId, name: string): CollaborationState {
  throw new NotImplemented('add a user');
}

/** A new workspace of the tenant. Throws 'unknown-tenant' or 'duplicate-workspace'. */
export function addWorkspace(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, name: string): CollaborationState {
  throw new NotImplemented('add a workspace');
}

/** A new, empty document in the tenant's workspace, at revision 0. Throws like bulkLoad. */
export function addDocument(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, document: DocumentId, title: string): CollaborationState {
  throw new NotImplemented('add a document');
}

/**
 * A new document with its elements: each is appended to its parent's list
 * (`null`: the root list), in the order given, and a parent must come earlier
 * in the list than its children. As if `author` had inserted them one
 * operation each: the document's revision is the number of elements, and the
 * workspace's activity gains one entry per element (revisions 1, 2, ..., by
 * `author`, one edit each). Throws 'unknown-tenant', 'unknown-user' (the
 * author), 'unknown-workspace' (another tenant's too), 'duplicate-document',
 * 'duplicate-element', or 'unknown-element' for a parent not (yet) loaded, its
 * own id included. All or nothing. An empty list is an empty document, with
 * no activity.
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
  throw new NotImplemented('load a document');
}

/** The document's revision: how many operations changed it. Throws 'unknown-tenant' or 'unknown-document'. */
export function selectRevision(state: CollaborationState, tenant: TenantId, document: DocumentId): number {
  throw new NotImplemented('read a revision');
}

/**
 * The workspace's latest `limit` changes, newest first (fewer when it has
 * fewer). Throws 'unknown-tenant' or 'unknown-workspace'.
 */
export function selectActivity(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, limit: number): Activity[] {
  throw new NotImplemented('read the activity feed');
}

/** The workspace's documents, in the order they were added. Throws 'unknown-tenant' or 'unknown-workspace'. */
export function selectDocuments(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId): readonly DocumentId[] {
  throw new NotImplemented('list the documents');
}

/** One element, deleted or not; `undefined` if the document has no such element. Throws 'unknown-tenant' or 'unknown-document'. */
export function selectElement(state: CollaborationState, tenant: TenantId, document: DocumentId, element: ElementId): DocumentElement | undefined {
  throw new NotImplemented('read an element');
}

/** A child list (`null`: the root list), tombstones included, in order; empty for an unknown parent. Throws like selectElement. */
export function selectChildren(state: CollaborationState, tenant: TenantId, document: DocumentId, parent: ElementId | null): readonly ElementId[] {
  throw new NotImplemented('read a child list');
}

/**
 * The visible elements in document order: depth first, a parent before its
 * children, siblings in list order; a deleted element hides its whole
 * subtree. Throws like selectElement. A chain of 50,000 nested elements must
 * work too, so walk with a stack of your own, not with recursion.
 */
export function selectDocumentElements(state: CollaborationState, tenant: TenantId, document: DocumentId): ElementId[] {
  throw new NotImplemented('list the visible elements');
}

/**
 * The element and its visible descendants, in document order; empty when the
 * element or one of its ancestors is deleted. Throws 'unknown-element' when
 * the document has no such element, and like selectElement.
 */
export function selectSubtree(state: CollaborationState, tenant: TenantId, document: DocumentId, element: ElementId): ElementId[] {
  throw new NotImplemented('list a subtree');
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

// Step 9 (hardening): operations come from the network, so their sizes are
// bounded. applyOperation refuses an operation of more than MAX_EDITS edits,
// or an edit carrying more than MAX_PAYLOAD code units (an insert's or
// insertText's text, a setAttribute's key and value together), with
// 'too-large', before it looks at any edit. Exactly the limit is fine.

/** The most edits one operation may hold. */
export const MAX_EDITS = 10_000;

/** The longest text, or attribute key and value together, one edit may carry, in UTF-16 code units. */
export const MAX_PAYLOAD = 64 * 1024;

// ---------------------------------------------------------------------------
// Step 3: transform and compose
// ---------------------------------------------------------------------------

/**
 * The operational transform engine: the seed's class, with its three
 * methods. Text positions (`pos`, `length`) count UTF-16 code units, the
 * JavaScript way (`text.length`, `text.slice`): "é" is one, "🐬" is two. A
 * position between the two halves of a surrogate pair is out of range.
 */
export class OperationalTransform {
  /**
   * Transforms two operations made concurrently on the same document (and
   * throws 'wrong-document' for two documents). `op1` was sequenced first and
   * wins every tie. Returns `[op1', op2']`: `op1'` applies after `op2`, `op2'`
   * after `op1`, and both orders give the same document (TP1), whatever the
   * two hold. Each keeps its tenant, document and user.
   *
   * - Two inserts at the same index of a list, or text typed at the same
   *   position: op1's goes first.
   * - Text typed strictly inside a range the other deletes goes with it; typed
   *   at either end of the range, it stays.
   * - Two writes of one attribute of one element: op1's value stays.
   * - Two moves of one element: op1's destination wins. Two moves that would
   *   each put the other element inside itself are both undone: concurrent
   *   moves never build a cycle.
   */
  public transform(op1: Operation, op2: Operation): [Operation, Operation] {
    throw new NotImplemented('transform two concurrent operations');
  }

  /**
   * Applies every edit of `operation` in order, or none: the first refused
   * edit throws a `CollabError` and the state stays as it was. The operation's
   * tenant must hold its document and its user ('unknown-tenant',
   * 'unknown-document', 'unknown-user'). An applied operation adds one to
   * the document's revision and appends a change to its workspace's activity
   * (document, user, new revision, number of edits). An operation with no
   * edits changes nothing, revision and activity included.
   *
   * - `insert`: a new element at `index` of its parent's list (`null`: the
   *   root list); `index` may equal the list's length. 'duplicate-element',
   *   'unknown-element' (the parent), 'out-of-range'. Indexes and positions
   *   are whole numbers from 0: anything else is 'out-of-range' too.
   * - `delete`: a tombstone. The element keeps its place in its list (indexes
   *   count tombstones), hides with its subtree, can be deleted again and still
   *   takes every other edit.
   * - `setAttribute`: sets the attribute, or removes it when `value` is null.
   *   An empty key is 'empty'.
   * - `move`: the element and its subtree go from `from` to `to`, both
   *   `Place`s as they are now; `to.index` counts the list once the element has
   *   left it. 'wrong-place' when `from` is not where the element is or a path
   *   is not a real parent chain, 'cycle' for a move into the element itself
   *   or its own subtree, 'out-of-range'.
   * - `insertText` / `deleteText`: at `pos`, counted in UTF-16 code units.
   *   Text to insert must not be empty, `length` is at least 1 ('empty');
   *   a position past the end or inside a surrogate pair is 'out-of-range'.
   */
  public applyOperation(state: CollaborationState, operation: Operation): CollaborationState {
    throw new NotImplemented('apply an operation');
  }

  /**
   * One operation with the same effect as applying `operations` in turn,
   * with the first one's tenant, document and user ('empty' for no
   * operation, 'wrong-document' when they name two documents). Adjacent edits
   * merge where they can: a run of keystrokes (and backspaces) in one element
   * becomes a single edit.
   */
  public composeOperations(operations: readonly Operation[]): Operation {
    throw new NotImplemented('compose operations');
  }
}

// ---------------------------------------------------------------------------
// Step 6: indexes for a million entities
// ---------------------------------------------------------------------------
//
// Every query must cost what its answer holds, not what the store holds: a
// document's elements, a subtree, a search and the latest activity take the
// same time among 100,000 entities and among 1,000,000. And every update
// copies only what it changes: an edit copies one document's tables, an
// append to the activity feed copies nothing of the feed. The tables above
// are yours to redesign for this (the checks never read them).

/** One search result. */
export interface SearchHit {
  documentId: DocumentId;
  elementId: ElementId;
}

/**
 * The visible elements of the workspace whose text holds `word`, each once.
 * Words are runs of letters and digits (`/[\p{Alphabetic}\p{N}]+/u`),
 * matched in any case (`toLowerCase()`): "Towel-42" holds "towel" and "42",
 * not "towel42". An element hidden by a delete (its own or an ancestor's) is
 * not found; text edits change what is found at once. Sorted by document id,
 * then element id, each compared as strings (`a < b`). Throws
 * 'unknown-tenant' or 'unknown-workspace'. Search through an index kept up
 * to date by every update, never by reading every element.
 */
export function selectSearch(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, word: string): SearchHit[] {
  throw new NotImplemented('search the workspace');
}

// ---------------------------------------------------------------------------
// Extensions (bonus): permissions and real-time analytics
// ---------------------------------------------------------------------------
//
// Pick the ones you like (time-travel debugging is `stateAt` in src/sync.ts).
// Skipping one is fine: every other check passes without it, and its
// functions may keep throwing NotImplemented.

/**
 * Permissions: what a user may do in a document. A 'viewer' may make no edit
 * at all, an 'editor' anything but a `delete` or a `move`, an 'owner'
 * everything. A document without roles is open to every user of its tenant;
 * once it has one, a user without a role may not change it. Roles in one
 * document say nothing about another.
 *
 * `applyOperation` enforces roles and locks after its tenant, document and
 * user checks, on every edit before any applies: a refusal throws
 * `CollabError('forbidden', id)` (the user's id for a role, the locked
 * element's for a lock) and changes nothing. An operation with no edits
 * still changes nothing, whoever sends it.
 */
export type Role = 'viewer' | 'editor' | 'owner';

/**
 * Gives `user` a role in the document, replacing the one it had. Throws
 * 'unknown-tenant', 'unknown-document' or 'unknown-user' (another tenant's
 * too).
 */
export function setRole(state: CollaborationState, tenant: TenantId, document: DocumentId, user: UserId, role: Role): CollaborationState {
  throw new NotImplemented('permissions: give a user a role');
}

/**
 * Locks the element and its whole subtree for `owner`: nobody else may
 * change them, whatever their role. An edit is refused when an element it
 * touches is locked by someone else, or sits under such an element (the
 * nearest lock above decides): the element it names (any kind of edit), an
 * insert's parent, and a move's element and its destination parent (so
 * nothing moves into or out of a locked subtree). Throws 'unknown-element'
 * when the document has no such element (a deleted one can be locked), and
 * like setRole.
 */
export function lockElement(state: CollaborationState, tenant: TenantId, document: DocumentId, element: ElementId, owner: UserId): CollaborationState {
  throw new NotImplemented('permissions: lock an element');
}

/** Real-time analytics: how many of the latest applied operations `Metrics.activeEditors` looks at. */
export const ACTIVE_WINDOW = 50;

/**
 * What a live dashboard shows of a workspace or a document. Keep it up to
 * date in `applyOperation`, `bulkLoad` and `recordRefusal`: a read copies
 * the numbers out and never walks the log, so it costs the same after a
 * million operations as after a hundred.
 */
export interface Metrics {
  /** Operations applied: a bulkLoad counts one per element; an operation with no edits changes nothing and counts nothing. */
  operations: number;
  /** Edits those operations made (one per bulk-loaded element). */
  edits: number;
  /** Operations refused, as recorded with recordRefusal. */
  refused: number;
  /** Distinct users among the latest ACTIVE_WINDOW operations applied here (fewer operations: among all of them). */
  activeEditors: number;
}

/**
 * Counts one refused operation for its document and its workspace. A
 * refusal throws and changes nothing, so `applyOperation` cannot count it:
 * whoever applies operations catches the CollabError and calls this with
 * the operation. Throws 'unknown-tenant', 'unknown-document' or
 * 'unknown-user' as applyOperation does (such an operation is not counted).
 */
export function recordRefusal(state: CollaborationState, operation: Operation): CollaborationState {
  throw new NotImplemented('analytics: count a refused operation');
}

/** The workspace's live metrics. Throws 'unknown-tenant' or 'unknown-workspace'. */
export function selectMetrics(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId): Metrics {
  throw new NotImplemented("analytics: a workspace's metrics");
}

/** One document's live metrics. Throws 'unknown-tenant' or 'unknown-document'. */
export function selectDocumentMetrics(state: CollaborationState, tenant: TenantId, document: DocumentId): Metrics {
  throw new NotImplemented("analytics: a document's metrics");
}

/** How many operations `user` applied in the workspace (0 if none). Throws 'unknown-tenant', 'unknown-workspace' or 'unknown-user'. */
export function selectOperationsBy(state: CollaborationState, tenant: TenantId, workspace: WorkspaceId, user: UserId): number {
  throw new NotImplemented('analytics: operations by one user');
}

// Steps 4-5: the sequencer and its clients, in src/sync.ts.
export * from './sync';
// Steps 7 and 8: the StateCache and the PerformanceMonitor, in their own files.
export * from './cache';
export * from './monitor';
// Extension: plugins, in their own module.
export * from './plugins';
// Step 10: the live document and its memoized view.
export * from './view';
