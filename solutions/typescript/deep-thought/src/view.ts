/**
 * Step 10, the seed's "Advanced Selector Architecture" (reference): one open
 * document as a client holds it, collaborators' carets that follow every
 * edit, and a memoized, permission-filtered, windowed view of it per viewer.
 *
 * A `LiveDocument` replaces only the parts an update changes, so "did this
 * input change?" is `===`. Each selector keeps two caches, each keyed by
 * exactly what it reads (what `createSelector` with `lruMemoize` would keep,
 * written out so that each key is visible):
 * - the viewer's document order (content, readers, viewer): a walk of the
 *   whole tree, redone only when one of those changes;
 * - the last view (everything, the window's bounds included).
 * The rest is built again on each miss: it costs what the window, the
 * pending operations and the presence hold, never what the document holds.
 * So moving the window costs the window: the seed's "virtual rendering".
 */

import {
  CollabError,
  OperationalTransform,
  selectChildren,
  selectElement,
  type CollaborationState,
  type DocumentElement,
  type DocumentId,
  type Edit,
  type ElementId,
  type Operation,
  type TenantId,
  type UserId,
} from './index';

/** A position in an element's text: `offset` UTF-16 code units come before it. */
export interface Caret {
  element: ElementId;
  offset: number;
}

/** A selected range, from `anchor` (where it started) to `head` (where the cursor is now). */
export interface Selection {
  anchor: Caret;
  head: Caret;
}

/** Where one collaborator is. */
export interface Presence {
  cursor: Caret;
  selection: Selection | null;
}

/** Element id -> the only users who may read it; everyone else sees neither it nor its subtree. */
export type Readers = Readonly<Record<ElementId, readonly UserId[]>>;

/** One open document, as a client holds it. */
export interface LiveDocument {
  tenantId: TenantId;
  documentId: DocumentId;
  /** The store with every edit applied as it arrives. */
  content: CollaborationState;
  /** Each collaborator's cursor and selection. */
  presence: Readonly<Record<UserId, Presence>>;
  /** Operations applied to `content` that the server has not acknowledged. */
  pending: readonly Operation[];
  /** Element-level read permissions. */
  readers: Readers;
}

/** Positions `start` to `end` (not included) of the viewer's document order. */
export interface ViewWindow {
  start: number;
  end: number;
}

/** One element as the viewer sees it. */
export interface ViewElement {
  id: ElementId;
  /** 0 in the root list, 1 for its children, and so on. */
  depth: number;
  text: string;
  attributes: Readonly<Record<string, string>>;
  /** Some pending operation has an edit of this element. */
  pending: boolean;
}

/** Another user in the document, where the viewer may see them. */
export interface Collaborator {
  user: UserId;
  cursor: Caret;
  selection: Selection | null;
}

/** What one viewer's screen shows of a document. */
export interface DocumentView {
  total: number;
  window: ViewWindow;
  elements: readonly ViewElement[];
  collaborators: readonly Collaborator[];
}

export type DocumentSelector = (live: LiveDocument, viewer: UserId, window: ViewWindow) => DocumentView;

/** The caret after `operation`, as if it were an empty insert sequenced after it. */
export function transformCaret(caret: Caret, operation: Operation): Caret {
  let offset = caret.offset;
  for (const edit of operation.edits) {
    if (edit.id !== caret.element) continue;
    // The remote edit came first: text typed at the caret goes before it.
    if (edit.kind === 'insertText' && edit.pos <= offset) offset += edit.text.length;
    // A deletion pulls the caret back by what it removed before the caret.
    if (edit.kind === 'deleteText') offset -= Math.max(0, Math.min(edit.length, offset - edit.pos));
  }
  return offset === caret.offset ? caret : { element: caret.element, offset };
}

/** A remote operation arrives: new content and carets; `pending` and `readers` are kept as they are. */
export function applyRemote(live: LiveDocument, operation: Operation): LiveDocument {
  if (operation.tenantId !== live.tenantId || operation.documentId !== live.documentId) {
    throw new CollabError('wrong-document', operation.documentId);
  }
  const content = new OperationalTransform().applyOperation(live.content, operation);
  const presence: Record<UserId, Presence> = {} as Record<UserId, Presence>;
  for (const [user, p] of Object.entries(live.presence) as [UserId, Presence][]) {
    const selection = p.selection && { anchor: transformCaret(p.selection.anchor, operation), head: transformCaret(p.selection.head, operation) };
    presence[user] = { cursor: transformCaret(p.cursor, operation), selection };
  }
  return { ...live, content, presence };
}

type Row = [ElementId, number];

function readable(readers: Readers, viewer: UserId, element: ElementId): boolean {
  return !Object.hasOwn(readers, element) || (readers[element] as readonly UserId[]).includes(viewer);
}

/** The elements the viewer may see, in document order, with their depth (a walk with a stack of our own). */
function viewerOrder(live: LiveDocument, viewer: UserId): Row[] {
  const { content, tenantId, documentId, readers } = live;
  const out: Row[] = [];
  const push = (stack: Row[], parent: ElementId | null, depth: number) => {
    const kids = selectChildren(content, tenantId, documentId, parent);
    for (const kid of kids.toReversed()) stack.push([kid, depth]);
  };
  const stack: Row[] = [];
  push(stack, null, 0);
  for (let row = stack.pop(); row !== undefined; row = stack.pop()) {
    const el = selectElement(content, tenantId, documentId, row[0]);
    if (!el || el.deleted || !readable(readers, viewer, row[0])) continue;
    out.push(row);
    push(stack, row[0], row[1] + 1);
  }
  return out;
}

/** Does `element` appear in the viewer's document? A walk up its ancestors. */
function sees(live: LiveDocument, viewer: UserId, element: ElementId): boolean {
  for (let at: ElementId | null = element; at !== null; ) {
    const el: DocumentElement | undefined = selectElement(live.content, live.tenantId, live.documentId, at);
    if (!el || el.deleted || !readable(live.readers, viewer, at)) return false;
    at = el.parentId;
  }
  return true;
}

const edited = (edit: Edit): ElementId => edit.id;

function buildView(live: LiveDocument, viewer: UserId, order: readonly Row[], window: ViewWindow): DocumentView {
  const pending = new Set(live.pending.flatMap((o) => o.edits.map(edited)));
  const total = order.length;
  const start = Math.min(window.start, total);
  const end = Math.min(Math.max(window.end, start), total);
  const elements: ViewElement[] = [];
  for (let i = start; i < end; i++) {
    const [id, depth] = order[i] as Row;
    const el = selectElement(live.content, live.tenantId, live.documentId, id) as DocumentElement;
    elements.push({ id, depth, text: el.text, attributes: el.attributes, pending: pending.has(id) });
  }
  const visible = (caret: Caret) => sees(live, viewer, caret.element);
  const collaborators: Collaborator[] = [];
  // The default sort compares UTF-16 code units, as `<` does.
  for (const user of (Object.keys(live.presence) as UserId[]).sort()) {
    const p = live.presence[user] as Presence;
    if (user === viewer || !visible(p.cursor)) continue;
    const selection = p.selection && visible(p.selection.anchor) && visible(p.selection.head) ? p.selection : null;
    collaborators.push({ user, cursor: p.cursor, selection });
  }
  return { total, window: { start, end }, elements, collaborators };
}

/** True when every pair holds the very same value (`===`). */
function same(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A new document selector with its own, empty caches: one per screen. */
export function makeSelectDocumentWithCollaborators(): DocumentSelector {
  let orderKey: unknown[] = [];
  let order: Row[] = [];
  let viewKey: unknown[] = [];
  let view: DocumentView | undefined;
  return (live, viewer, window) => {
    const key = [live.content, live.tenantId, live.documentId, live.presence, live.pending, live.readers, viewer, window.start, window.end];
    if (view !== undefined && same(key, viewKey)) return view;
    const wanted = [live.content, live.tenantId, live.documentId, live.readers, viewer];
    if (!same(wanted, orderKey)) {
      order = viewerOrder(live, viewer);
      orderKey = wanted;
    }
    view = buildView(live, viewer, order, window);
    viewKey = key;
    return view;
  };
}
