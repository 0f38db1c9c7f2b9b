// ---------------------------------------------------------------------------
// Step 10: the live document and its memoized view
// ---------------------------------------------------------------------------
//
// The seed's "Advanced Selector Architecture": one open document as a client
// holds it, the collaborators' carets that follow every edit, and a memoized,
// permission-filtered, windowed view of it per viewer.
//
// A LiveDocument is immutable, and an update replaces only the parts it
// changes: the checks hand over copies (`{ ...live, presence }`) whose other
// parts are the very same objects, so "did this input change?" is `===`.

import {
  NotImplemented,
  type CollaborationState,
  type DocumentId,
  type ElementId,
  type Operation,
  type TenantId,
  type UserId,
} from './index';

/** A position in an element's text: `offset` UTF-16 code units come before it (never inside a surrogate pair). */
export interface Caret {
  element: ElementId;
  offset: number;
}

/** A selected range, from `anchor` (where it started) to `head` (where the cursor is now). Either may come first. */
export interface Selection {
  anchor: Caret;
  head: Caret;
}

/** Where one collaborator is. */
export interface Presence {
  cursor: Caret;
  selection: Selection | null;
}

/**
 * Element-level read permissions: an element listed here may be read only by
 * the users listed with it (an empty list: by nobody). For everyone else it
 * disappears with its whole subtree, as if deleted.
 */
export type Readers = Readonly<Record<ElementId, readonly UserId[]>>;

/** One open document, as a client holds it. */
export interface LiveDocument {
  tenantId: TenantId;
  documentId: DocumentId;
  /** The store with every edit applied as it arrives: the document is `documentId` in it. */
  content: CollaborationState;
  /** Each collaborator's cursor and selection. */
  presence: Readonly<Record<UserId, Presence>>;
  /** Operations applied to `content` that the server has not acknowledged yet. */
  pending: readonly Operation[];
  /** Element-level read permissions. */
  readers: Readers;
}

/** Positions `start` to `end` (not included) of the viewer's document order: whole numbers from 0, or `Infinity` for `end`. */
export interface ViewWindow {
  start: number;
  end: number;
}

/** One element as the viewer sees it. */
export interface ViewElement {
  id: ElementId;
  /** 0 for an element of the root list, 1 for its children, and so on. */
  depth: number;
  text: string;
  attributes: Readonly<Record<string, string>>;
  /** Some pending operation has an edit whose `id` is this element. */
  pending: boolean;
}

/** Another user in the document, where the viewer may see them. */
export interface Collaborator {
  user: UserId;
  cursor: Caret;
  /** Their selection, or `null` when they have none or the viewer cannot see both of its ends. */
  selection: Selection | null;
}

/** What one viewer's screen shows of a document. */
export interface DocumentView {
  /**
   * How many elements the viewer may see in the whole document: the
   * viewer's document order is `selectDocumentElements`' order without the
   * elements `readers` keeps from them (and their subtrees).
   */
  total: number;
  /** The window served: the one asked for, cut to 0..total (`start = min(start, total)`, `end` between `start` and `total`). */
  window: ViewWindow;
  /** The elements at the window's positions of the viewer's document order. */
  elements: readonly ViewElement[];
  /**
   * Every other user (never the viewer) whose cursor is in an element the
   * viewer sees, sorted by user id as strings. Presence must not leak what
   * permissions hide.
   */
  collaborators: readonly Collaborator[];
}

/** The view of `live` as `viewer` sees it, cut to `window`. */
export type DocumentSelector = (live: LiveDocument, viewer: UserId, window: ViewWindow) => DocumentView;

/**
 * The caret after `operation`, moved by the text rules of `transform`, as if
 * the caret were an empty insert sequenced after the operation. Only edits of
 * the caret's element move it, in the operation's order: text typed before
 * the caret or exactly at it pushes it right by the text's length (the
 * remote edit came first and wins the tie); a deletion before it pulls it
 * left; a deletion around it leaves it where the range began. Other edits
 * (a delete of the element included: a tombstone keeps its text) leave it.
 */
export function transformCaret(caret: Caret, operation: Operation): Caret {
  throw new NotImplemented('move a caret past an operation');
}

/**
 * A remote operation arrives, already transformed for this content (as a
 * client applies a broadcast): a new LiveDocument whose content has it
 * applied (`applyOperation`) and whose every cursor and both ends of every
 * selection went through `transformCaret`. `pending` and `readers` are the
 * very same objects as before. An operation for another tenant or document
 * throws 'wrong-document'; one that does not apply throws what
 * `applyOperation` throws. Either way nothing changes.
 */
export function applyRemote(live: LiveDocument, operation: Operation): LiveDocument {
  throw new NotImplemented('apply a remote operation to a live document');
}

/**
 * The seed's selector factory: each call makes a new selector with its own,
 * empty caches, one per screen (a selector never returns an object another
 * selector made). `createSelector` from '@reduxjs/toolkit' made inside the
 * factory is one way; by hand is another.
 *
 * - With the same inputs as its last call (the same content, presence,
 *   pending and readers objects, tenant, document and viewer, and a window
 *   with the same start and end, even in a new object), a selector returns
 *   the very same view object, so a screen can skip re-rendering. When any of
 *   them changed, it returns a new, up-to-date view.
 * - A document of 100,000 elements is shown 50 at a time: moving the window
 *   over an unchanged document must cost what the window holds, not what the
 *   document holds. Keep the viewer's document order in a cache of its own,
 *   keyed by what it depends on (content, readers, tenant, document, viewer),
 *   and build only the window's elements.
 */
export function makeSelectDocumentWithCollaborators(): DocumentSelector {
  throw new NotImplemented('a document view selector');
}
