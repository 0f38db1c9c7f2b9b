/**
 * Steps 4-5: the central sequencer and its clients (reference).
 *
 * The server puts every operation on its document in one order (its
 * revision). A client has at most one operation in flight; whatever it edits
 * meanwhile is composed into a buffer. Server operations from others are
 * transformed past the in-flight operation and the buffer, so a client shows
 * "server state + my pending edits". Offline, the buffer just grows; on
 * reconnect the missed server operations go through the same path, which
 * rebases the queue.
 */

import { CollabError, OperationalTransform, selectChildren, selectElement, type ClientId, type CollaborationState, type DocumentElement, type DocumentId, type Edit, type ElementId, type Operation, type TenantId } from './index';

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

/** An operation that could not be applied as its author made it. */
export interface ConflictResolution {
  clientId: ClientId;
  /** Why, in words: the resolution applied. */
  reason: string;
  submitted: Operation;
  /** What was applied instead (no edits if nothing was). */
  applied: Operation;
}

/** Where a client stands with the server. */
export interface SyncMetadata {
  /** The last server revision the client has seen. */
  revision: number;
  online: boolean;
  /** Edits not yet acknowledged, oldest first: applied in turn on the server's state at `revision`, they give the client's state. */
  operationsQueue: readonly Operation[];
}

/** Transforms `ours` past `theirs` (sequenced first), telling `lost` each time part of `ours` is dropped or undone. */
function transformNoting(engine: OperationalTransform, theirs: Operation, ours: Operation, lost: (why: string) => void): [Operation, Operation] {
  // The grid of transform, one edit against one edit, to see which of ours vanish.
  let oursNow: Edit[] = [...ours.edits];
  const theirsOut: Edit[] = [];
  for (const a of theirs.edits) {
    let current: Edit | undefined = a;
    const next: Edit[] = [];
    for (const b of oursNow) {
      if (current === undefined) {
        next.push(b);
        continue;
      }
      const [x, y] = engine.transform({ ...theirs, edits: [current] }, { ...ours, edits: [b] });
      current = x.edits[0];
      next.push(...y.edits);
      const b2 = y.edits[0];
      // A text delete covered by theirs is not lost: the text is gone either way.
      if ((b2 === undefined && b.kind !== 'deleteText') || (b2 !== undefined && b2.id !== b.id)) lost(lossReason(b));
    }
    if (current !== undefined) theirsOut.push(current);
    oursNow = next;
  }
  return [
    { ...theirs, edits: theirsOut },
    { ...ours, edits: oursNow },
  ];
}

function lossReason(edit: Edit): string {
  if (edit.kind === 'setAttribute') return 'set an attribute that a concurrent edit had already set';
  if (edit.kind === 'insertText') return 'typed inside text that a concurrent edit deleted';
  return 'moved an element that a concurrent move had already moved, or into one it had moved into this one; undone';
}

/** The attribute that names an element's kind, for clients that render only some kinds: none, or "text", is text. */
export const KIND = 'kind';

/** The elements an edit touches: the one it names, an insert's parent, a move's element and both parents. */
function touched(edit: Edit): ElementId[] {
  if (edit.kind === 'insert') return edit.parentId === null ? [] : [edit.parentId];
  if (edit.kind === 'move') return [edit.id, edit.from.path[0], edit.to.path[0]].filter((id): id is ElementId => id !== undefined);
  return [edit.id];
}

/**
 * The central sequencer for one document: every operation it receives names
 * that document. What a transform drops from an operation is logged by the
 * author's client, which makes the same transform when it rebases.
 */
export class CollaborationServer {
  // Made here, not at the top of the module: index.ts re-exports this module, so it runs before index.ts defines the class.
  private readonly engine = new OperationalTransform();
  private current: CollaborationState;
  /** The state the server started from: time travel replays the history on it. */
  private readonly initial: CollaborationState;
  private readonly history: Broadcast[] = [];
  private readonly lastSeq = new Map<ClientId, number>();
  /** Every refused operation, with the reason. */
  public readonly conflictLog: ConflictResolution[] = [];

  constructor(state: CollaborationState) {
    this.current = state;
    this.initial = state;
  }

  public revision(): number {
    return this.history.length;
  }

  public state(): CollaborationState {
    return this.current;
  }

  /**
   * Sequences one operation: transforms it past everything applied since its
   * base revision, applies it and returns what to broadcast. A resend of an
   * operation already sequenced gets its broadcast again. A refused
   * operation throws a `CollabError`, changes nothing and is logged.
   */
  public receive(submit: Submit): Broadcast {
    const last = this.lastSeq.get(submit.clientId) ?? 0;
    if (submit.seq <= last) {
      const again = this.history.findLast((b) => b.clientId === submit.clientId && b.seq === submit.seq);
      if (again === undefined) throw this.refuse(submit, `seq ${submit.seq} is older than the last one sequenced`, new CollabError('out-of-range', submit.clientId));
      return again;
    }
    if (!Number.isSafeInteger(submit.baseRevision) || submit.baseRevision < 0 || submit.baseRevision > this.revision()) {
      throw this.refuse(submit, `base revision ${submit.baseRevision} is not one the server has reached`, new CollabError('out-of-range', submit.clientId));
    }
    let operation = submit.operation;
    for (const earlier of this.history.slice(submit.baseRevision)) operation = this.engine.transform(earlier.operation, operation)[1];
    try {
      this.current = this.engine.applyOperation(this.current, operation);
    } catch (err) {
      if (err instanceof CollabError) throw this.refuse(submit, `refused: ${err.message}`, err);
      throw err;
    }
    this.lastSeq.set(submit.clientId, submit.seq);
    const broadcast: Broadcast = { revision: this.revision() + 1, clientId: submit.clientId, seq: submit.seq, operation };
    this.history.push(broadcast);
    return broadcast;
  }

  private refuse(submit: Submit, reason: string, err: CollabError): CollabError {
    this.conflictLog.push({ clientId: submit.clientId, reason, submitted: submit.operation, applied: { ...submit.operation, edits: [] } });
    return err;
  }

  /** Every broadcast after revision `revision`, in order. */
  public historySince(revision: number): Broadcast[] {
    return this.history.slice(revision);
  }

  /**
   * Extension (time travel): the state at revision `revision`, rebuilt by
   * replaying the first `revision` operations as the server applied them;
   * `undefined` for a revision the server has not reached.
   */
  public stateAt(revision: number): CollaborationState | undefined {
    if (!Number.isSafeInteger(revision) || revision < 0 || revision > this.revision()) return undefined;
    return this.history.slice(0, revision).reduce((state, b) => this.engine.applyOperation(state, b.operation), this.initial);
  }
}

/** One editor of the document. */
export class CollaborationClient {
  private readonly engine = new OperationalTransform();
  private current: CollaborationState;
  private rev: number;
  private online = true;
  private nextSeq = 1;
  /** Sent (or to be re-sent), not yet acknowledged; `sent`: gone out on the current connection. */
  private inflight: { seq: number; operation: Operation; sent: boolean } | undefined;
  /** Edits made since, composed into one operation. */
  private buffer: Operation | undefined;
  /** This client's edits that a rebase dropped or undid, and why. */
  public readonly conflictLog: ConflictResolution[] = [];
  /** The kinds rendered besides text (cross-platform); `undefined`: every kind. */
  private renders: ReadonlySet<string> | undefined;

  /** A client joining at `revision` with the server's state at that revision. */
  constructor(
    readonly id: ClientId,
    state: CollaborationState,
    revision: number,
  ) {
    this.current = state;
    this.rev = revision;
  }

  /** What this client shows: the server's state plus its own pending edits. */
  public state(): CollaborationState {
    return this.current;
  }

  public syncMetadata(): SyncMetadata {
    const queue: Operation[] = [];
    if (this.inflight) queue.push(this.inflight.operation);
    if (this.buffer) queue.push(this.buffer);
    return { revision: this.rev, online: this.online, operationsQueue: queue };
  }

  /** A local edit: applied at once (optimistically) and queued for the server. A refused edit throws and changes nothing. */
  public edit(operation: Operation): void {
    // What this client does not render, its user cannot have edited: refused as if unknown.
    if (this.renders !== undefined) {
      for (const edit of operation.edits) {
        const hidden = touched(edit).find((id) => this.hidden(operation, id));
        if (hidden !== undefined) throw new CollabError('unknown-element', hidden);
      }
    }
    this.current = this.engine.applyOperation(this.current, operation);
    this.buffer = this.buffer === undefined ? operation : this.engine.composeOperations([this.buffer, operation]);
  }

  /**
   * The next message to send, if any: the in-flight operation when it has
   * not gone out on this connection, else the buffer once the previous
   * operation is acknowledged. Nothing while offline.
   */
  public nextSubmit(): Submit | undefined {
    if (!this.online) return undefined;
    if (this.inflight === undefined) {
      if (this.buffer === undefined) return undefined;
      this.inflight = { seq: this.nextSeq, operation: this.buffer, sent: false };
      this.nextSeq += 1;
      this.buffer = undefined;
    }
    if (this.inflight.sent) return undefined;
    this.inflight = { ...this.inflight, sent: true };
    return { clientId: this.id, seq: this.inflight.seq, baseRevision: this.rev, operation: this.inflight.operation };
  }

  /** A broadcast from the server, delivered in revision order; one seen already is ignored. */
  public receive(broadcast: Broadcast): void {
    if (broadcast.revision !== this.rev + 1) return;
    this.rev = broadcast.revision;
    if (broadcast.clientId === this.id && this.inflight?.seq === broadcast.seq) {
      this.inflight = undefined; // our own operation, acknowledged
      return;
    }
    // The server's operation came first: rebase ours past it.
    let theirs = broadcast.operation;
    if (this.inflight) {
      const [theirs2, ours2] = this.rebase(theirs, this.inflight.operation);
      this.inflight = { ...this.inflight, operation: ours2 };
      theirs = theirs2;
    }
    if (this.buffer) {
      const [theirs2, ours2] = this.rebase(theirs, this.buffer);
      this.buffer = ours2;
      theirs = theirs2;
    }
    this.current = this.engine.applyOperation(this.current, theirs);
  }

  private rebase(theirs: Operation, ours: Operation): [Operation, Operation] {
    const lost: string[] = [];
    const [theirs2, ours2] = transformNoting(this.engine, theirs, ours, (why) => lost.push(why));
    if (lost.length > 0) this.conflictLog.push({ clientId: this.id, reason: [...new Set(lost)].join('; '), submitted: ours, applied: ours2 });
    return [theirs2, ours2];
  }

  /**
   * A client that renders text and the element kinds in `kinds` only (the
   * cross-platform extension). It keeps, syncs and passes on every element
   * all the same, but shows and edits only what it renders.
   */
  public static withCapabilities(id: ClientId, state: CollaborationState, revision: number, kinds: readonly string[]): CollaborationClient {
    const client = new CollaborationClient(id, state, revision);
    client.renders = new Set(kinds);
    return client;
  }

  private shows(element: DocumentElement): boolean {
    const kind = Object.hasOwn(element.attributes, KIND) ? element.attributes[KIND] : undefined;
    return this.renders === undefined || kind === undefined || kind === 'text' || this.renders.has(kind);
  }

  /** The element or an ancestor is of a kind this client does not render; an unknown element is not hidden. */
  private hidden(operation: Operation, id: ElementId): boolean {
    for (let at = selectElement(this.current, operation.tenantId, operation.documentId, id); at !== undefined; ) {
      if (!this.shows(at)) return true;
      at = at.parentId === null ? undefined : selectElement(this.current, operation.tenantId, operation.documentId, at.parentId);
    }
    return false;
  }

  /** What this client shows of a document: its visible elements in document order, without what it does not render, nor their subtrees. */
  public rendered(tenant: TenantId, document: DocumentId): ElementId[] {
    const out: ElementId[] = [];
    const stack = [...selectChildren(this.current, tenant, document, null)].reverse();
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      const element = selectElement(this.current, tenant, document, id);
      if (element === undefined || element.deleted || !this.shows(element)) continue;
      out.push(id);
      const children = selectChildren(this.current, tenant, document, id);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as ElementId);
    }
    return out;
  }

  /** The connection is gone: edits queue up locally from now on. */
  public disconnect(): void {
    this.online = false;
  }

  /**
   * Back online: catch up on what the server sequenced meanwhile (which
   * rebases the queue); whatever is still unacknowledged is sent again.
   */
  public reconnect(missed: readonly Broadcast[]): void {
    this.online = true;
    if (this.inflight) this.inflight = { ...this.inflight, sent: false };
    for (const broadcast of missed) this.receive(broadcast);
  }
}
