/**
 * Steps 4-5: the central sequencer, its clients, offline queues.
 *
 * One server puts every operation on a document in one order: its revision,
 * counted from 1. Each client edits its own copy at once (optimistically)
 * and sends its edits to the server; the server transforms each one past
 * whatever it sequenced since the revision the client made it on, applies it
 * and broadcasts it to every client. Keep the names and signatures: the
 * hidden checks play a network with delays through them, with clients going
 * offline and coming back.
 *
 * `index.ts` re-exports this module, so this module runs before `index.ts`
 * has defined its classes: make an `OperationalTransform` inside a
 * constructor or a function, never at the top level of this file.
 */

import { NotImplemented, type ClientId, type CollaborationState, type DocumentId, type ElementId, type Operation, type TenantId } from './index';

/** A client's operation, sent to the server. */
export interface Submit {
  clientId: ClientId;
  /** Counts the client's submits from 1; a resend keeps its number. */
  seq: number;
  /** The server revision the operation was made on. */
  baseRevision: number;
  operation: Operation;
}

/** An operation as the server sequenced it, sent to every client. */
export interface Broadcast {
  /** The server's revision after this operation (the first is 1). */
  revision: number;
  clientId: ClientId;
  seq: number;
  /** The operation as applied: transformed onto revision `revision - 1`. */
  operation: Operation;
}

/** An operation that could not be applied as its author made it (the seed's conflictLog entry). */
export interface ConflictResolution {
  /** Whose edit it was. */
  clientId: ClientId;
  /** Why, in words: how the conflict was resolved. */
  reason: string;
  /** The operation as its author made it (or as it stood before the rebase that lost part of it). */
  submitted: Operation;
  /** What was applied instead (no edits if nothing was). */
  applied: Operation;
}

/** Where a client stands with the server. */
export interface SyncMetadata {
  /** The last server revision the client has seen. */
  revision: number;
  online: boolean;
  /**
   * Edits not yet acknowledged, oldest first: applied in turn on the server's
   * state at `revision`, they give the client's state. Empty when in sync.
   */
  operationsQueue: readonly Operation[];
}

/**
 * Extension (optional), cross-platform sync: the attribute that names an
 * element's kind ("image", "video", "table", ...). An element without it, or
 * with `kind` "text", is text, which every client renders.
 */
export const KIND = 'kind';

/**
 * The central sequencer for one document: every operation it receives names
 * that document.
 */
export class CollaborationServer {
  /**
   * Every operation the server refused, with a reason. An edit that a
   * transform drops or undoes (text typed into a range deleted meanwhile, an
   * attribute or a move that lost a tie) is logged for its author, by the
   * server or by the author's client: the checks read every log. An edit
   * applied as made is never logged.
   */
  public readonly conflictLog: ConflictResolution[] = [];

  constructor(state: CollaborationState) {
    throw new NotImplemented('a server for the document of this state');
  }

  /** How many operations the server has sequenced (0 at first). */
  public revision(): number {
    throw new NotImplemented("the server's revision");
  }

  /** The document as the server has it. */
  public state(): CollaborationState {
    throw new NotImplemented("the server's state");
  }

  /**
   * Sequences one operation: transforms it past every broadcast after its
   * `baseRevision` (those came first and win ties), applies it and returns
   * the broadcast for every client, the author included. A resend (a `seq`
   * this client already had sequenced) is never applied twice: return its
   * broadcast again, or throw. A base revision that is not a whole number
   * from 0 to the server's revision, or an operation that does not apply,
   * throws a `CollabError` ('out-of-range' for the revision), changes nothing
   * and goes in the conflict log.
   */
  public receive(submit: Submit): Broadcast {
    throw new NotImplemented('sequence an operation');
  }

  /** Every broadcast after revision `revision`, in order; empty at or past the current revision. */
  public historySince(revision: number): Broadcast[] {
    throw new NotImplemented('the history since a revision');
  }

  /**
   * Extension (time-travel debugging): the state as the server had it right
   * after revision `revision` (0: the state it was built with), rebuilt by
   * replaying the first `revision` operations as the server applied them.
   * `undefined` for anything but a whole number from 0 to `revision()`.
   * Looking back changes nothing on the server.
   */
  public stateAt(revision: number): CollaborationState | undefined {
    throw new NotImplemented('time travel: the state at a revision');
  }
}

/**
 * One editor of the document. It keeps at most one operation in flight:
 * whatever it edits meanwhile is composed into one operation, sent once the
 * server has acknowledged the previous one (by broadcasting it).
 */
export class CollaborationClient {
  /** This client's edits that a rebase dropped or undid, with a reason (see the server's `conflictLog`). */
  public readonly conflictLog: ConflictResolution[] = [];

  /** A client joining at `revision` with the server's state at that revision. */
  constructor(
    readonly id: ClientId,
    state: CollaborationState,
    revision: number,
  ) {
    throw new NotImplemented('a client');
  }

  /** What this client shows: the server's state plus its own pending edits. */
  public state(): CollaborationState {
    throw new NotImplemented("the client's state");
  }

  /** The client's revision, connection and queue of unacknowledged edits. */
  public syncMetadata(): SyncMetadata {
    throw new NotImplemented("the client's sync metadata");
  }

  /**
   * A local edit, online or not: applied at once and queued for the server.
   * A refused edit throws a `CollabError` and changes nothing.
   */
  public edit(operation: Operation): void {
    throw new NotImplemented('a local edit');
  }

  /**
   * The next message to send, if any: the operation in flight when it has
   * not gone out on this connection yet (a resend keeps its `seq`), else
   * everything edited since, as one operation, once the previous one is
   * acknowledged. `undefined` while offline, and while an operation is in
   * flight. `baseRevision` is the client's revision.
   */
  public nextSubmit(): Submit | undefined {
    throw new NotImplemented('the next submit');
  }

  /**
   * A broadcast from the server, delivered in revision order (one seen
   * already is ignored). Its own operation is the acknowledgement; another
   * client's came first: rebase the pending edits past it and show it.
   */
  public receive(broadcast: Broadcast): void {
    throw new NotImplemented('receive a broadcast');
  }

  /**
   * Extension (optional), cross-platform sync: a client like `new
   * CollaborationClient(id, state, revision)` that renders text and the
   * element kinds in `kinds` only (a phone may show no images, a watch only
   * text). An element is hidden from it when the element or one of its
   * ancestors has a `KIND` attribute naming a kind it does not render.
   *
   * It still keeps, syncs and passes on every element, hidden ones included:
   * it receives and rebases every broadcast as any client does, so it
   * converges with the others. But its `edit` refuses an operation that
   * touches a hidden element (the element an edit names, an insert's parent,
   * a move's element or either parent), with a `CollabError`
   * 'unknown-element' (the id: the hidden element), changing and sending
   * nothing. An element the state does not hold yet is not hidden. A client
   * made with `new` renders every kind.
   */
  public static withCapabilities(id: ClientId, state: CollaborationState, revision: number, kinds: readonly string[]): CollaborationClient {
    throw new NotImplemented('a client that renders only some kinds');
  }

  /**
   * Extension (optional), cross-platform sync: what this client shows of a
   * document, as `selectDocumentElements` lists it (visible elements, depth
   * first, parents first) but without the elements it does not render, nor
   * their subtrees. It follows every change, local or remote, a change of
   * `KIND` included. Throws like `selectDocumentElements` for an unknown
   * tenant or document.
   */
  public rendered(tenant: TenantId, document: DocumentId): ElementId[] {
    throw new NotImplemented('what this client renders');
  }

  /** The connection is gone: edits queue up locally; what was in flight may or may not have arrived. */
  public disconnect(): void {
    throw new NotImplemented('go offline');
  }

  /**
   * Back online with the broadcasts missed meanwhile (the server's
   * `historySince` the client's revision): catch up on them, which rebases
   * the queue, then send again whatever is still unacknowledged.
   */
  public reconnect(missed: readonly Broadcast[]): void {
    throw new NotImplemented('come back online');
  }
}
