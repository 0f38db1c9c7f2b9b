/**
 * Improbability Drive level: Real-Time Normalized Synchronization (reference solution).
 *
 * A real-time chat store: channels, messages and users, typing indicators,
 * read receipts and presence, optimistic sends with rollback and confirm,
 * conflict resolution, sync batches, live views built with `createSelector`,
 * and an action log for debugging.
 */

import { createSelector, lruMemoize } from '@reduxjs/toolkit';

// ---------------------------------------------------------------------------
// Step 1: the schema
// ---------------------------------------------------------------------------

export type ChannelId = string;
export type MessageId = string;
export type UserId = string;
/** Milliseconds since the Unix epoch. The clock is always passed in. */
export type Millis = number;

export interface NormalizedChannel {
  id: ChannelId;
  name: string;
  topic: string;
  createdAt: Millis;
}

export interface NormalizedUser {
  id: UserId;
  name: string;
}

export type SyncStatus = 'pending' | 'synced' | 'failed';

export interface NormalizedMessage {
  id: MessageId;
  content: string;
  authorId: UserId;
  channelId: ChannelId;
  timestamp: Millis;
  edited?: boolean;
  editedAt?: Millis;
  /** For threaded conversations: the top-level message this one replies to. */
  parentMessageId?: MessageId;
  /** emoji -> the users who reacted with it. */
  reactions: Record<string, UserId[]>;
  syncStatus: SyncStatus;
  /** The temporary id the message was sent under. */
  optimisticId?: MessageId;
  version: number;
}

/** Who is typing in one channel, in the order they started. */
export interface TypingIndicator {
  channelId: ChannelId;
  userIds: UserId[];
}

/** One user's read of one message. */
export interface ReadReceipt {
  userId: UserId;
  readAt: Millis;
}

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface UserPresence {
  userId: UserId;
  status: PresenceStatus;
}

/** A local change waiting for the server, and what a rollback returns to. */
export type PendingMessage = { type: 'send' } | { type: 'edit'; previous: NormalizedMessage };

export type Strategy = 'local' | 'server' | 'merge';

/** The last conflict met on a message, for debugging tools. */
export interface ConflictState {
  strategy: Strategy;
  local: NormalizedMessage;
  server: NormalizedMessage;
}

/**
 * The whole store, as the seed designed it. A missing list means an empty one.
 * States handed to your code are deep-frozen.
 */
export interface ChatState {
  // Core entities
  channels: Record<ChannelId, NormalizedChannel>;
  messages: Record<MessageId, NormalizedMessage>;
  users: Record<UserId, NormalizedUser>;

  // Real-time entities
  /** channelId -> who is typing there (no entry: nobody). */
  typingIndicators: Record<ChannelId, TypingIndicator>;
  /** messageId -> its read receipts, one per reader, in the order they read it. */
  readReceipts: Record<MessageId, ReadReceipt[]>;
  /** userId -> presence (no entry: offline). */
  userPresence: Record<UserId, UserPresence>;

  // Relationships
  /** channelId -> its message ids, replies included, sorted by (timestamp, id). */
  channelMessages: Record<ChannelId, MessageId[]>;
  /** channelId -> its members, in the order they joined. */
  channelMembers: Record<ChannelId, UserId[]>;
  /** userId -> the channels they are in, in the order they joined. */
  userChannels: Record<UserId, ChannelId[]>;
  /** messageId -> its replies, sorted by (timestamp, id). Threads are one level deep. */
  messageThread: Record<MessageId, MessageId[]>;

  // Synchronization metadata
  /** messageId -> its local change waiting for the server. */
  messagesPendingSync: Record<MessageId, PendingMessage>;
  /** channelId -> the server time of the last batch that touched it. */
  lastSyncTimestamp: Record<ChannelId, Millis>;
  /** messageId -> the last conflict met on it. */
  conflictResolution: Record<MessageId, ConflictState>;
}

export type ChatErrorCode = 'unknown-channel' | 'unknown-user' | 'unknown-message' | 'duplicate-message' | 'bad-parent' | 'not-pending';

const DESCRIPTIONS: Record<ChatErrorCode, string> = {
  'unknown-channel': 'no channel has the id',
  'unknown-user': 'no user has the id',
  'unknown-message': 'no message has the id',
  'duplicate-message': 'a message already has the id',
  'bad-parent': 'this message cannot take a reply:',
  'not-pending': 'no local change is waiting for the server on',
};

/** Thrown by every update that refuses its input; `id` is the id at fault. A refused update changes nothing. */
export class ChatError extends Error {
  readonly code: ChatErrorCode;
  readonly id: string;

  constructor(code: ChatErrorCode, id: string) {
    super(`${DESCRIPTIONS[code]} ${JSON.stringify(id)}`);
    this.name = 'ChatError';
    this.code = code;
    this.id = id;
  }
}

const NONE: readonly never[] = Object.freeze([]);
const NO_IDS: readonly string[] = NONE;

/** The table's own entry for `id` (never an inherited property like "constructor"). */
function own<V>(table: Readonly<Record<string, V>>, id: string): V | undefined {
  return Object.hasOwn(table, id) ? table[id] : undefined;
}

type Table = Exclude<keyof ChatState, never>;

/**
 * A new state under construction: each table is copied once, on its first
 * write, and every table never written stays the very same object.
 */
class Draft {
  readonly next: ChatState;
  private readonly copied = new Set<Table>();

  constructor(readonly base: ChatState) {
    this.next = { ...base };
  }

  table<K extends Table>(key: K): ChatState[K] {
    if (!this.copied.has(key)) {
      (this.next as unknown as Record<Table, object>)[key] = { ...this.base[key] };
      this.copied.add(key);
    }
    return this.next[key];
  }

  get<K extends Table>(key: K, id: string): ChatState[K][string] | undefined {
    return own(this.next[key] as Record<string, ChatState[K][string]>, id);
  }

  set<K extends Table>(key: K, id: string, value: ChatState[K][string]): void {
    (this.table(key) as Record<string, unknown>)[id] = value;
  }

  remove(key: Table, id: string): void {
    if (Object.hasOwn(this.next[key], id)) delete (this.table(key) as Record<string, unknown>)[id];
  }

  requireChannel(id: ChannelId): void {
    if (!Object.hasOwn(this.next.channels, id)) throw new ChatError('unknown-channel', id);
  }

  requireUser(id: UserId): void {
    if (!Object.hasOwn(this.next.users, id)) throw new ChatError('unknown-user', id);
  }

  requireMessage(id: MessageId): NormalizedMessage {
    const message = this.get('messages', id);
    if (message === undefined) throw new ChatError('unknown-message', id);
    return message;
  }

  pendingEntry(id: MessageId): PendingMessage {
    this.requireMessage(id);
    const pending = this.get('messagesPendingSync', id);
    if (pending === undefined) throw new ChatError('not-pending', id);
    return pending;
  }

  /** Refuses a reply its parent cannot take. `replaces` is the id the message takes over, if any. */
  checkParent(message: NormalizedMessage, replaces?: MessageId): void {
    const parentId = message.parentMessageId;
    if (parentId === undefined) return;
    const bad = () => new ChatError('bad-parent', parentId);
    if (parentId === message.id || parentId === replaces) throw bad();
    const parent = this.get('messages', parentId);
    if (parent === undefined || parent.channelId !== message.channelId || parent.parentMessageId !== undefined) throw bad();
    // Threads are one level deep: a message with replies cannot become one.
    if ((this.get('messageThread', replaces ?? message.id)?.length ?? 0) > 0) throw bad();
  }

  /** The (timestamp, id) place of a message in a sorted list of ids. */
  private position(list: readonly MessageId[], timestamp: Millis, id: MessageId): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.next.messages[list[mid] as MessageId] as NormalizedMessage;
      if (other.timestamp < timestamp || (other.timestamp === timestamp && (list[mid] as MessageId) < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertSorted(key: 'channelMessages' | 'messageThread', owner: string, message: NormalizedMessage): void {
    const list = [...(this.get(key, owner) ?? NONE)];
    list.splice(this.position(list, message.timestamp, message.id), 0, message.id);
    this.set(key, owner, list);
  }

  private removeFrom(key: 'channelMessages' | 'messageThread', owner: string, id: MessageId): void {
    const list = this.get(key, owner);
    if (list === undefined) return;
    const rest = list.filter((x) => x !== id);
    if (rest.length === 0) this.remove(key, owner);
    else this.set(key, owner, rest);
  }

  /** Puts a message in the table, its channel's order and its parent's thread. */
  link(message: NormalizedMessage): void {
    this.set('messages', message.id, message);
    this.insertSorted('channelMessages', message.channelId, message);
    if (message.parentMessageId !== undefined) this.insertSorted('messageThread', message.parentMessageId, message);
  }

  /** Takes a message out of the table, its channel's order and its parent's thread. */
  unlink(id: MessageId): NormalizedMessage | undefined {
    const message = this.get('messages', id);
    if (message === undefined) return undefined;
    this.removeFrom('channelMessages', message.channelId, id);
    if (message.parentMessageId !== undefined) this.removeFrom('messageThread', message.parentMessageId, id);
    this.remove('messages', id);
    return message;
  }

  /** Deletes a message everywhere; its replies become top-level messages. */
  removeMessage(id: MessageId): void {
    if (this.unlink(id) === undefined) return;
    for (const reply of this.get('messageThread', id) ?? NONE) {
      const message = this.get('messages', reply);
      if (message !== undefined) this.set('messages', reply, withoutParent(message));
    }
    for (const key of ['messageThread', 'readReceipts', 'messagesPendingSync', 'conflictResolution'] as const) this.remove(key, id);
  }

  /** Moves what is recorded under `old` (replies, receipts, conflict) to `id`. */
  rekey(old: MessageId, id: MessageId): void {
    const replies = this.get('messageThread', old);
    if (replies !== undefined) {
      for (const reply of replies) {
        const message = this.get('messages', reply);
        if (message !== undefined) this.set('messages', reply, { ...message, parentMessageId: id });
      }
      this.remove('messageThread', old);
      this.set('messageThread', id, replies);
    }
    // `id` is new (the caller checked), so it has no receipts of its own yet.
    const receipts = this.get('readReceipts', old);
    if (receipts !== undefined) {
      this.remove('readReceipts', old);
      this.set('readReceipts', id, receipts);
    }
    const conflict = this.get('conflictResolution', old);
    if (conflict !== undefined) {
      this.remove('conflictResolution', old);
      this.set('conflictResolution', id, conflict);
    }
  }

  /** Settles a message with a pending local change against the server's copy (`id` may be a temporary id). */
  settle(id: MessageId, server: NormalizedMessage): void {
    if (server.id !== id && Object.hasOwn(this.next.messages, server.id)) throw new ChatError('duplicate-message', server.id);
    this.requireChannel(server.channelId);
    this.requireUser(server.authorId);
    this.checkParent(server, id);

    const local = this.unlink(id) as NormalizedMessage;
    this.remove('messagesPendingSync', id);
    if (server.id !== id) this.rekey(id, server.id);

    let resolved: NormalizedMessage;
    if (local.content !== server.content || local.editedAt !== server.editedAt || !sameReactions(local.reactions, server.reactions)) {
      const resolution = resolveMessageConflict(local, server);
      if (resolution.strategy !== 'server') {
        // Our side still has changes the server lacks: they stay pending.
        this.set('messagesPendingSync', server.id, { type: 'edit', previous: { ...server, syncStatus: 'synced' } });
      }
      this.set('conflictResolution', server.id, { strategy: resolution.strategy, local, server });
      resolved = resolution.resolved;
    } else {
      resolved = withOptimisticId({ ...server, syncStatus: 'synced' }, server.optimisticId ?? local.optimisticId);
    }
    this.link(resolved);
  }

  /** Applies one message of a sync batch. */
  applyServerMessage(server: NormalizedMessage): void {
    // The server echoing one of our sends: a confirmation, not a second copy.
    const temp = server.optimisticId;
    if (temp !== undefined && temp !== server.id && this.get('messagesPendingSync', temp)?.type === 'send') {
      this.settle(temp, server);
      return;
    }
    if (Object.hasOwn(this.next.messagesPendingSync, server.id)) {
      this.settle(server.id, server);
      return;
    }
    this.requireChannel(server.channelId);
    this.requireUser(server.authorId);
    const local = this.get('messages', server.id);
    // A stale copy that arrived late: we already have a newer one.
    if (local !== undefined && server.version < local.version) return;
    this.checkParent(server);
    this.unlink(server.id);
    this.link({ ...server, syncStatus: 'synced' });
  }

  stopTypingIn(channelId: ChannelId, userId: UserId): void {
    const indicator = this.get('typingIndicators', channelId);
    if (indicator === undefined || !indicator.userIds.includes(userId)) return;
    const userIds = indicator.userIds.filter((u) => u !== userId);
    if (userIds.length === 0) this.remove('typingIndicators', channelId);
    else this.set('typingIndicators', channelId, { ...indicator, userIds });
  }
}

function withoutParent(message: NormalizedMessage): NormalizedMessage {
  const { parentMessageId: _, ...rest } = message;
  return rest;
}

function withOptimisticId(message: NormalizedMessage, optimisticId: MessageId | undefined): NormalizedMessage {
  const { optimisticId: _, ...rest } = message;
  return optimisticId === undefined ? rest : { ...rest, optimisticId };
}

// ---------------------------------------------------------------------------
// Step 1b: real-time events
// ---------------------------------------------------------------------------

/** Makes the user a member of the channel; both membership maps change. Joining twice changes nothing. */
export function joinChannel(state: ChatState, channelId: ChannelId, userId: UserId): ChatState {
  const d = new Draft(state);
  d.requireChannel(channelId);
  d.requireUser(userId);
  if ((own(state.userChannels, userId) ?? NO_IDS).includes(channelId)) return state;
  d.set('channelMembers', channelId, [...(own(state.channelMembers, channelId) ?? NONE), userId]);
  d.set('userChannels', userId, [...(own(state.userChannels, userId) ?? NONE), channelId]);
  return d.next;
}

/** Ends a membership on both sides, and the user's typing there. Leaving a channel you are not in changes nothing. */
export function leaveChannel(state: ChatState, channelId: ChannelId, userId: UserId): ChatState {
  const d = new Draft(state);
  d.requireChannel(channelId);
  d.requireUser(userId);
  if (!(own(state.userChannels, userId) ?? NO_IDS).includes(channelId)) return state;
  d.set('channelMembers', channelId, (own(state.channelMembers, channelId) ?? NONE).filter((u) => u !== userId));
  d.set('userChannels', userId, (own(state.userChannels, userId) ?? NONE).filter((c) => c !== channelId));
  d.stopTypingIn(channelId, userId);
  return d.next;
}

export function setPresence(state: ChatState, userId: UserId, status: PresenceStatus): ChatState {
  const d = new Draft(state);
  d.requireUser(userId);
  d.set('userPresence', userId, { userId, status });
  return d.next;
}

/** Adds the user to the channel's typing indicator, at the end; starting again changes nothing. */
export function startTyping(state: ChatState, channelId: ChannelId, userId: UserId): ChatState {
  const d = new Draft(state);
  d.requireChannel(channelId);
  d.requireUser(userId);
  const userIds = own(state.typingIndicators, channelId)?.userIds ?? NO_IDS;
  if (userIds.includes(userId)) return state;
  d.set('typingIndicators', channelId, { channelId, userIds: [...userIds, userId] });
  return d.next;
}

export function stopTyping(state: ChatState, channelId: ChannelId, userId: UserId): ChatState {
  const d = new Draft(state);
  d.requireChannel(channelId);
  d.requireUser(userId);
  d.stopTypingIn(channelId, userId);
  return d.next;
}

/** Records that the user read the message at `at`; a user's first receipt for a message is the one kept. */
export function markRead(state: ChatState, messageId: MessageId, userId: UserId, at: Millis): ChatState {
  const d = new Draft(state);
  d.requireMessage(messageId);
  d.requireUser(userId);
  const receipts = own(state.readReceipts, messageId) ?? NONE;
  if (receipts.some((r) => r.userId === userId)) return state;
  d.set('readReceipts', messageId, [...receipts, { userId, readAt: at }]);
  return d.next;
}

// ---------------------------------------------------------------------------
// Step 2: live selectors
// ---------------------------------------------------------------------------

/** The channel's messages in channel order (replies included); with a limit, the newest `limit`. */
export const selectChannelMessages =
  (channelId: ChannelId, options: { limit?: number } = {}) =>
  (state: ChatState): NormalizedMessage[] => {
    const ids = own(state.channelMessages, channelId) ?? NONE;
    const from = options.limit === undefined ? 0 : Math.max(ids.length - options.limit, 0);
    return ids.slice(from).map((id) => state.messages[id] as NormalizedMessage);
  };

export const CHANNEL_VIEW_MESSAGES = 50;

export interface MessageWithAuthor {
  message: NormalizedMessage;
  author: NormalizedUser;
  /** The text to show: the message's content, decrypted with a cipher. */
  content: string;
}

export interface ChannelView {
  channel: NormalizedChannel;
  messages: MessageWithAuthor[];
  typingUsers: NormalizedUser[];
  onlineMemberCount: number;
  unreadCount: number;
  lastActivity: Millis;
}

export interface ThreadMessage {
  message: NormalizedMessage;
  author: NormalizedUser;
  content: string;
  readBy: UserId[];
  pending: boolean;
}

export interface ThreadView {
  parent: ThreadMessage;
  replies: ThreadMessage[];
}

export type SelectChannelWithLiveData = (state: ChatState, channelId: ChannelId, viewerId: UserId) => ChannelView | null;
export type SelectMessageThread = (state: ChatState, messageId: MessageId) => ThreadView | null;

// Each instance remembers its last call only: one instance per screen.
const LAST_CALL_ONLY = { memoize: lruMemoize, argsMemoize: lruMemoize } as const;

/** Encrypts and decrypts message contents; the store holds ciphertext only. */
export interface Cipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

/** The text to show for a message: decrypted once per stored ciphertext, per selector. */
function textOf(cipher: Cipher | undefined): (message: NormalizedMessage) => string {
  if (cipher === undefined) return (message) => message.content;
  const plain = new Map<MessageId, { ciphertext: string; text: string }>();
  return (message) => {
    const hit = plain.get(message.id);
    if (hit !== undefined && hit.ciphertext === message.content) return hit.text;
    const text = cipher.decrypt(message.content);
    plain.set(message.id, { ciphertext: message.content, text });
    return text;
  };
}

function hasRead(receipts: Record<MessageId, ReadReceipt[]>, id: MessageId, userId: UserId): boolean {
  return (own(receipts, id) ?? NONE).some((r) => r.userId === userId);
}

function channelSelector(cipher: Cipher | undefined): SelectChannelWithLiveData {
  const text = textOf(cipher);
  return createSelector(
    [
      (state: ChatState, channelId: ChannelId, _viewerId: UserId) => own(state.channels, channelId),
      (state: ChatState, channelId: ChannelId) => own(state.channelMessages, channelId) ?? NONE,
      (state: ChatState, channelId: ChannelId) => own(state.typingIndicators, channelId),
      (state: ChatState, channelId: ChannelId) => own(state.channelMembers, channelId) ?? NONE,
      (state: ChatState) => state.messages,
      (state: ChatState) => state.users,
      (state: ChatState) => state.userPresence,
      (state: ChatState) => state.readReceipts,
      (_state: ChatState, _channelId: ChannelId, viewerId: UserId) => viewerId,
    ],
    (channel, ids, typing, members, messages, users, presence, receipts, viewerId): ChannelView | null => {
      if (channel === undefined) return null;
      const shown: MessageWithAuthor[] = [];
      for (const id of ids.slice(Math.max(ids.length - CHANNEL_VIEW_MESSAGES, 0))) {
        const message = own(messages, id) as NormalizedMessage;
        const author = own(users, message.authorId);
        if (author !== undefined) shown.push({ message, author, content: text(message) });
      }
      let unreadCount = 0;
      for (const id of ids) {
        if ((own(messages, id) as NormalizedMessage).authorId !== viewerId && !hasRead(receipts, id, viewerId)) unreadCount++;
      }
      const typingUsers: NormalizedUser[] = [];
      for (const userId of typing?.userIds ?? NONE) {
        const user = own(users, userId);
        if (userId !== viewerId && user !== undefined) typingUsers.push(user);
      }
      const last = ids.length === 0 ? undefined : own(messages, ids[ids.length - 1] as MessageId);
      return {
        channel,
        messages: shown,
        typingUsers,
        onlineMemberCount: members.filter((u) => own(presence, u)?.status === 'online').length,
        unreadCount,
        lastActivity: last?.timestamp ?? channel.createdAt,
      };
    },
    LAST_CALL_ONLY,
  );
}

function threadSelector(cipher: Cipher | undefined): SelectMessageThread {
  const text = textOf(cipher);
  return createSelector(
    [
      (state: ChatState, messageId: MessageId) => own(state.messages, messageId),
      (state: ChatState, messageId: MessageId) => own(state.messageThread, messageId) ?? NONE,
      (state: ChatState) => state.messages,
      (state: ChatState) => state.users,
      (state: ChatState) => state.readReceipts,
    ],
    (parent, replyIds, messages, users, receipts): ThreadView | null => {
      const entry = (message: NormalizedMessage): ThreadMessage | undefined => {
        const author = own(users, message.authorId);
        if (author === undefined) return undefined;
        const readBy = (own(receipts, message.id) ?? NONE).map((r) => r.userId);
        return { message, author, content: text(message), readBy, pending: message.syncStatus !== 'synced' };
      };
      const head = parent && entry(parent);
      if (head === undefined) return null;
      const replies: ThreadMessage[] = [];
      for (const id of replyIds) {
        const reply = entry(own(messages, id) as NormalizedMessage);
        if (reply !== undefined) replies.push(reply);
      }
      return { parent: head, replies };
    },
    LAST_CALL_ONLY,
  );
}

/** A new channel-view selector with a cache of its own. */
export function makeSelectChannelWithLiveData(): SelectChannelWithLiveData {
  return channelSelector(undefined);
}

/** A new thread-view selector with a cache of its own. */
export function makeSelectMessageThread(): SelectMessageThread {
  return threadSelector(undefined);
}

// ---------------------------------------------------------------------------
// Step 3: optimistic updates
// ---------------------------------------------------------------------------

/** What a user writes: the rest of the message is made by the send. */
export type MessageDraft = Pick<NormalizedMessage, 'content' | 'authorId' | 'channelId' | 'parentMessageId'>;

/** Shows a message at once, pending, under the temporary id, and records it for rollback. */
export function sendMessageOptimistically(state: ChatState, message: MessageDraft, optimisticId: MessageId, now: Millis): ChatState {
  const d = new Draft(state);
  if (Object.hasOwn(state.messages, optimisticId)) throw new ChatError('duplicate-message', optimisticId);
  d.requireChannel(message.channelId);
  d.requireUser(message.authorId);
  const sent: NormalizedMessage = {
    id: optimisticId,
    content: message.content,
    authorId: message.authorId,
    channelId: message.channelId,
    timestamp: now,
    reactions: {},
    syncStatus: 'pending',
    optimisticId,
    version: 1,
  };
  if (message.parentMessageId !== undefined) sent.parentMessageId = message.parentMessageId;
  d.checkParent(sent);
  d.stopTypingIn(sent.channelId, sent.authorId);
  d.set('messagesPendingSync', optimisticId, { type: 'send' });
  d.link(sent);
  return d.next;
}

/** Edits a message at once: one version up, pending. The first pending change is what a rollback returns to. */
export function editMessageOptimistically(state: ChatState, messageId: MessageId, content: string, now: Millis): ChatState {
  const d = new Draft(state);
  const current = d.requireMessage(messageId);
  if (!Object.hasOwn(state.messagesPendingSync, messageId)) d.set('messagesPendingSync', messageId, { type: 'edit', previous: current });
  d.set('messages', messageId, { ...current, content, edited: true, editedAt: now, version: current.version + 1, syncStatus: 'pending' });
  return d.next;
}

/** The server refused a pending change: Failed, and still pending (retry or roll back). */
export function markSyncFailed(state: ChatState, messageId: MessageId): ChatState {
  const d = new Draft(state);
  d.pendingEntry(messageId);
  d.set('messages', messageId, { ...(state.messages[messageId] as NormalizedMessage), syncStatus: 'failed' });
  return d.next;
}

/** Undoes a pending change: a send disappears everywhere, an edit goes back to the message as it was. */
export function rollbackOptimisticMessage(state: ChatState, optimisticId: MessageId): ChatState {
  const d = new Draft(state);
  const pending = d.pendingEntry(optimisticId);
  if (pending.type === 'send') {
    d.removeMessage(optimisticId);
    return d.next;
  }
  d.remove('messagesPendingSync', optimisticId);
  const current = state.messages[optimisticId] as NormalizedMessage;
  const { previous } = pending;
  const { edited: _e, editedAt: _a, ...rest } = current;
  const restored: NormalizedMessage = { ...rest, content: previous.content, version: previous.version, reactions: previous.reactions, syncStatus: 'synced' };
  if (previous.edited !== undefined) restored.edited = previous.edited;
  if (previous.editedAt !== undefined) restored.editedAt = previous.editedAt;
  d.set('messages', optimisticId, restored);
  return d.next;
}

/** The server has the message: its copy and id replace the temporary ones everywhere. */
export function confirmOptimisticMessage(state: ChatState, optimisticId: MessageId, serverMessage: NormalizedMessage): ChatState {
  const d = new Draft(state);
  d.pendingEntry(optimisticId);
  d.settle(optimisticId, serverMessage);
  return d.next;
}

// ---------------------------------------------------------------------------
// Step 4: conflicts and sync
// ---------------------------------------------------------------------------

function sameReactions(a: Record<string, UserId[]>, b: Record<string, UserId[]>): boolean {
  const ka = Object.keys(a).filter((k) => (a[k] as UserId[]).length > 0);
  const kb = Object.keys(b).filter((k) => (b[k] as UserId[]).length > 0);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => {
    const other = own(b, k);
    const mine = new Set(a[k]);
    return other !== undefined && new Set(other).size === mine.size && other.every((u) => mine.has(u));
  });
}

function unionReactions(server: Record<string, UserId[]>, local: Record<string, UserId[]>): Record<string, UserId[]> {
  const out: Record<string, UserId[]> = {};
  for (const side of [server, local]) {
    for (const [emoji, users] of Object.entries(side)) {
      const list = own(out, emoji) ?? [];
      for (const u of users) if (!list.includes(u)) list.push(u);
      if (list.length > 0) out[emoji] = list;
    }
  }
  return out;
}

/** Decides what to keep of two copies of one message. */
export function resolveMessageConflict(
  localMessage: NormalizedMessage,
  serverMessage: NormalizedMessage,
): { resolved: NormalizedMessage; strategy: Strategy } {
  const localWins =
    localMessage.version !== serverMessage.version
      ? localMessage.version > serverMessage.version
      : (localMessage.editedAt ?? -Infinity) > (serverMessage.editedAt ?? -Infinity);
  const winner = localWins ? localMessage : serverMessage;
  const reactions = unionReactions(serverMessage.reactions, localMessage.reactions);
  const sameAs = (m: NormalizedMessage) => m.content === winner.content && m.editedAt === winner.editedAt && sameReactions(m.reactions, reactions);
  const strategy: Strategy = sameAs(serverMessage) ? 'server' : sameAs(localMessage) ? 'local' : 'merge';

  const { edited: _e, editedAt: _a, optimisticId: _o, ...base } = serverMessage;
  const resolved: NormalizedMessage = {
    ...base,
    content: winner.content,
    reactions,
    version: Math.max(localMessage.version, serverMessage.version),
    syncStatus: strategy === 'server' ? 'synced' : 'pending',
  };
  if (winner.edited !== undefined) resolved.edited = winner.edited;
  if (winner.editedAt !== undefined) resolved.editedAt = winner.editedAt;
  const optimisticId = serverMessage.optimisticId ?? localMessage.optimisticId;
  if (optimisticId !== undefined) resolved.optimisticId = optimisticId;
  return { resolved, strategy };
}

export interface SyncUpdates {
  messages: NormalizedMessage[];
  deletedMessages: MessageId[];
  channelUpdates: (Partial<NormalizedChannel> & { id: ChannelId })[];
  /** The server time of this batch. */
  syncedAt: Millis;
}

/** Applies a batch from the server: messages, then deletions, then channel updates, then sync times. */
export function applySyncUpdates(state: ChatState, updates: SyncUpdates): ChatState {
  const d = new Draft(state);
  const touched = new Set<ChannelId>();
  for (const message of updates.messages) {
    touched.add(message.channelId);
    d.applyServerMessage(message);
  }
  for (const id of updates.deletedMessages) {
    const message = d.get('messages', id);
    if (message === undefined) continue;
    touched.add(message.channelId);
    d.removeMessage(id);
  }
  for (const update of updates.channelUpdates) {
    d.requireChannel(update.id);
    touched.add(update.id);
    const channel = d.get('channels', update.id) as NormalizedChannel;
    const changes = Object.entries(update).filter(([key, value]) => key !== 'id' && value !== undefined);
    if (changes.length > 0) d.set('channels', update.id, { ...channel, ...Object.fromEntries(changes) });
  }
  for (const channelId of touched) {
    d.set('lastSyncTimestamp', channelId, Math.max(d.get('lastSyncTimestamp', channelId) ?? updates.syncedAt, updates.syncedAt));
  }
  return d.next;
}

// ---------------------------------------------------------------------------
// Debugging and monitoring: the action log
// ---------------------------------------------------------------------------

export type ChatAction =
  | { type: 'send'; message: MessageDraft; optimisticId: MessageId; now: Millis }
  | { type: 'edit'; messageId: MessageId; content: string; now: Millis }
  | { type: 'fail'; messageId: MessageId }
  | { type: 'rollback'; optimisticId: MessageId }
  | { type: 'confirm'; optimisticId: MessageId; serverMessage: NormalizedMessage }
  | { type: 'sync'; updates: SyncUpdates };

export interface ActionLogEntry {
  /** 0 for the first action dispatched through this log, then 1, 2, ... */
  index: number;
  action: ChatAction;
  outcome: 'applied' | 'refused';
  /** Why it was refused (refused actions only). */
  error?: ChatErrorCode;
  /** The conflicts this action resolved, by message id. */
  conflicts: { messageId: MessageId; strategy: Strategy }[];
}

export interface ActionLog {
  /** Applies the action, logs it, and returns the new state; a refusal is logged, then thrown. */
  dispatch(state: ChatState, action: ChatAction): ChatState;
  /** Every action dispatched so far, oldest first. */
  entries(): readonly ActionLogEntry[];
}

function reduce(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'send':
      return sendMessageOptimistically(state, action.message, action.optimisticId, action.now);
    case 'edit':
      return editMessageOptimistically(state, action.messageId, action.content, action.now);
    case 'fail':
      return markSyncFailed(state, action.messageId);
    case 'rollback':
      return rollbackOptimisticMessage(state, action.optimisticId);
    case 'confirm':
      return confirmOptimisticMessage(state, action.optimisticId, action.serverMessage);
    case 'sync':
      return applySyncUpdates(state, action.updates);
  }
}

/** A new, empty action log of its own. */
export function createActionLog(): ActionLog {
  const log: ActionLogEntry[] = [];
  return {
    dispatch(state, action) {
      const index = log.length;
      let next: ChatState;
      try {
        next = reduce(state, action);
      } catch (e) {
        if (e instanceof ChatError) log.push({ index, action, outcome: 'refused', error: e.code, conflicts: [] });
        throw e;
      }
      // A conflict record that is new or replaced was written by this action.
      const conflicts = Object.keys(next.conflictResolution)
        .filter((id) => own(state.conflictResolution, id) !== next.conflictResolution[id])
        .sort()
        .map((messageId) => ({ messageId, strategy: (next.conflictResolution[messageId] as ConflictState).strategy }));
      log.push({ index, action, outcome: 'applied', conflicts });
      return next;
    },
    entries: () => log,
  };
}

// ---------------------------------------------------------------------------
// Extension (bonus): end-to-end encryption in the selectors
// ---------------------------------------------------------------------------

/** A channel-view selector that shows plaintext, decrypting each message version once. */
export function makeSelectChannelWithLiveDataEncrypted(cipher: Cipher): SelectChannelWithLiveData {
  return channelSelector(cipher);
}

/** A thread-view selector that shows plaintext, decrypting each message version once. */
export function makeSelectMessageThreadEncrypted(cipher: Cipher): SelectMessageThread {
  return threadSelector(cipher);
}
