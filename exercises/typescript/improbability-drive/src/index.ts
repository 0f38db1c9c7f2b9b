/**
 * Improbability Drive level: Real-Time Normalized Synchronization.
 *
 * A real-time chat store. Read `README.md` first, then replace every
 * `throw new NotImplemented(...)`. Run `workshop check` whenever you like, and
 * `npm test` for your own tests.
 *
 * The schema is given, complete: the seed's `ChatState` with the three types
 * it left as exercises filled in, so the hidden checks can build states and
 * read yours. Keep the exported names and signatures as they are.
 *
 * How you write the bodies is yours. Every update takes a frozen state and
 * returns a new one; the old state stays as it was, and every table you do
 * not change stays the very same object. By hand, that is spreads:
 *
 *   return { ...state, typingIndicators: { ...state.typingIndicators, [channelId]: next } };
 *
 * With Redux Toolkit, a `createSlice` case reducer may write to its draft as
 * if it were mutable; Immer turns that into a new state that shares whatever
 * you did not touch (frozen states are fine):
 *
 *   const chat = createSlice({ name: 'chat', initialState: {} as ChatState, reducers: {
 *     sent(state, action: PayloadAction<{ message: MessageDraft; id: MessageId; now: Millis }>) { ... },
 *   } });
 *   export const sendMessageOptimistically = (state, message, optimisticId, now) =>
 *     chat.reducer(state, chat.actions.sent({ message, id: optimisticId, now }));
 *
 * The checks call the functions below and grade what they return, whichever
 * way you choose.
 */

// What the selectors need; import createSlice (and PayloadAction) here too if
// you write the updates with Redux Toolkit.
import { createSelector, lruMemoize } from '@reduxjs/toolkit';

/** Thrown by the parts you have not written yet. Delete it when you are done. */
export class NotImplemented extends Error {
  constructor(what: string) {
    super(`not implemented: ${what}`);
    this.name = 'NotImplemented';
  }
}

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

/** One list for every "nothing here": an input selector that returns it returns the same array each time. */
export const NONE: readonly never[] = Object.freeze([]);

/** The table's own entry for `id` (never an inherited property like "constructor"). */
export function own<V>(table: Readonly<Record<string, V>>, id: string): V | undefined {
  return Object.hasOwn(table, id) ? table[id] : undefined;
}

// ---------------------------------------------------------------------------
// Step 1b: real-time events. Each refuses an unknown channel, user or message
// with a ChatError, and returns the state unchanged when there is nothing to do.
// ---------------------------------------------------------------------------

/** Makes the user a member of the channel: `channelMembers` and `userChannels` both change. Joining twice changes nothing. */
export function joinChannel(state: ChatState, channelId: ChannelId, userId: UserId): ChatState {
  throw new NotImplemented('joinChannel: both membership maps');
}

/** Ends a membership on both sides, and stops the user's typing in that channel. Leaving a channel you are not in changes nothing. */
export function leaveChannel(state: ChatState, channelId: ChannelId, userId: UserId): ChatState {
  throw new NotImplemented('leaveChannel: both membership maps, and the typing indicator');
}

/** Records the user's presence (`{ userId, status }`); a user with no entry is offline. */
export function setPresence(state: ChatState, userId: UserId, status: PresenceStatus): ChatState {
  throw new NotImplemented('setPresence');
}

/** Adds the user at the end of the channel's typing indicator; starting again changes nothing. */
export function startTyping(state: ChatState, channelId: ChannelId, userId: UserId): ChatState {
  throw new NotImplemented('startTyping');
}

/** Takes the user out of the channel's typing indicator. */
export function stopTyping(state: ChatState, channelId: ChannelId, userId: UserId): ChatState {
  throw new NotImplemented('stopTyping');
}

/** Records that the user read the message at `at`. A user's first receipt for a message is the one kept. */
export function markRead(state: ChatState, messageId: MessageId, userId: UserId, at: Millis): ChatState {
  throw new NotImplemented('markRead: one receipt per reader');
}

// ---------------------------------------------------------------------------
// Step 2: live selectors
// ---------------------------------------------------------------------------

/**
 * The channel's messages in channel order, replies included (an unknown
 * channel, or one with no entry, has none); with `limit`, the newest `limit`
 * of them, still oldest first.
 */
export const selectChannelMessages =
  (channelId: ChannelId, options: { limit?: number } = {}) =>
  (state: ChatState): NormalizedMessage[] => {
    throw new NotImplemented(`selectChannelMessages(${JSON.stringify(channelId)}, ${JSON.stringify(options)}): read the channel's own list`);
  };

/** How many messages a channel view shows. */
export const CHANNEL_VIEW_MESSAGES = 50;

export interface MessageWithAuthor {
  /** The message, as stored. */
  message: NormalizedMessage;
  /** Its author, as stored. */
  author: NormalizedUser;
  /** The text to show: the message's content (decrypted, in the extension). */
  content: string;
}

export interface ChannelView {
  /** The channel, as stored. */
  channel: NormalizedChannel;
  /** The newest CHANNEL_VIEW_MESSAGES messages, oldest first. */
  messages: MessageWithAuthor[];
  /** Who is typing there, in the order they started, never the viewer. */
  typingUsers: NormalizedUser[];
  /** Members whose presence is 'online'. */
  onlineMemberCount: number;
  /** Messages of the channel (all of them, not only those shown) written by someone else and without a receipt of the viewer. */
  unreadCount: number;
  /** The newest message's timestamp, or the channel's `createdAt` when it has none. */
  lastActivity: Millis;
}

export interface ThreadMessage {
  message: NormalizedMessage;
  author: NormalizedUser;
  content: string;
  /** Who read it, in receipt order. */
  readBy: UserId[];
  /** Still waiting for the server ('pending' or 'failed'). */
  pending: boolean;
}

export interface ThreadView {
  parent: ThreadMessage;
  /** Its replies, in (timestamp, id) order. */
  replies: ThreadMessage[];
}

/** One instance of the channel-view selector. */
export type SelectChannelWithLiveData = (state: ChatState, channelId: ChannelId, viewerId: UserId) => ChannelView | null;
/** One instance of the thread-view selector. */
export type SelectMessageThread = (state: ChatState, messageId: MessageId) => ThreadView | null;

/**
 * A new channel-view selector, made with `createSelector`, with a cache of
 * its own that remembers its last call only (`{ memoize: lruMemoize,
 * argsMemoize: lruMemoize }`). `selector(state, channelId, viewerId)` is the
 * ChannelView, or `null` for an unknown channel. Asked again while nothing it
 * reads changed, it returns the very same object; the channel and the viewer
 * are inputs too. It reads the channel's own lists, never the whole messages
 * table in search of them.
 */
export function makeSelectChannelWithLiveData(): SelectChannelWithLiveData {
  throw new NotImplemented('makeSelectChannelWithLiveData: createSelector over the channel, its lists and the tables the view reads');
}

/**
 * A new thread-view selector, made with `createSelector`, cached like the
 * channel view: the message, its replies in time order, who read each, and
 * which are pending; `null` for an unknown message.
 */
export function makeSelectMessageThread(): SelectMessageThread {
  throw new NotImplemented('makeSelectMessageThread: the parent, its replies, their readers');
}

// ---------------------------------------------------------------------------
// Step 3: optimistic updates. The caller passes the clock and a fresh
// temporary id: nothing here reads Date.now() or Math.random().
// ---------------------------------------------------------------------------

/** What a user writes: the rest of the message is made by the send. */
export type MessageDraft = Pick<NormalizedMessage, 'content' | 'authorId' | 'channelId' | 'parentMessageId'>;

/**
 * Shows a message at once: `optimisticId` as its id and its `optimisticId`,
 * `timestamp: now`, version 1, 'pending', no reactions; at its (timestamp, id)
 * place in the channel's order (not always last: the local clock may be
 * behind), in its parent's thread if it is a reply, and recorded in
 * `messagesPendingSync` as `{ type: 'send' }`. Stops the author's typing in
 * that channel. Refuses a taken id ('duplicate-message'), an unknown channel
 * or author, and a bad parent ('bad-parent': missing, in another channel, a
 * reply itself, or the message itself).
 */
export function sendMessageOptimistically(state: ChatState, message: MessageDraft, optimisticId: MessageId, now: Millis): ChatState {
  throw new NotImplemented('sendMessageOptimistically: the seed\'s steps 1-5');
}

/**
 * Edits a message at once: the new content, `edited: true`, `editedAt: now`,
 * one version up, 'pending' (a 'failed' message too). The first pending change
 * of a message is what a rollback returns to: an edit of a message with no
 * pending entry records `{ type: 'edit', previous: <the message before> }`;
 * an edit of a pending send stays a send.
 */
export function editMessageOptimistically(state: ChatState, messageId: MessageId, content: string, now: Millis): ChatState {
  throw new NotImplemented('editMessageOptimistically');
}

/** The server refused a pending change: the message becomes 'failed' and stays pending ('not-pending' if it was not). */
export function markSyncFailed(state: ChatState, messageId: MessageId): ChatState {
  throw new NotImplemented('markSyncFailed');
}

/**
 * Undoes a pending change. A send is deleted (the deletion policy, in the
 * README); an edit gets back the content, edit time, version and reactions it
 * had, 'synced', and keeps its current place. Refuses an unknown id
 * ('unknown-message') and a message with no pending change ('not-pending').
 */
export function rollbackOptimisticMessage(state: ChatState, optimisticId: MessageId): ChatState {
  throw new NotImplemented('rollbackOptimisticMessage: the seed\'s steps 1-4, and no trace left');
}

/**
 * The server has the message: `serverMessage` replaces it, and its id
 * replaces the temporary id everywhere (the messages table, the channel
 * order at the server's timestamp, threads as parent and as reply, receipts,
 * pending entries). The confirmed message keeps the temporary id in
 * `optimisticId`. A copy that differs from yours (content, edit time or
 * reactions) is resolved with resolveMessageConflict and recorded in
 * `conflictResolution` under the server id; unless the strategy is 'server'
 * it stays pending as `{ type: 'edit', previous: <the server copy, synced> }`.
 * Refuses what a send refuses, and 'not-pending'.
 */
export function confirmOptimisticMessage(state: ChatState, optimisticId: MessageId, serverMessage: NormalizedMessage): ChatState {
  throw new NotImplemented('confirmOptimisticMessage: the seed\'s steps 1-4');
}

// ---------------------------------------------------------------------------
// Step 4: conflicts and sync
// ---------------------------------------------------------------------------

/**
 * Decides what to keep of two copies of one message:
 * - the content (with `edited` and `editedAt`) of the higher version; on
 *   equal versions the later edit (never edited is oldest); on a tie, the server's;
 * - reactions: the union of both sides (each emoji's users, once; an emoji
 *   with an empty list is no reaction);
 * - everything else the server's, the higher version, and the optimistic id
 *   of the server, or else yours;
 * - strategy 'server' if the result has the server's content, edit time and
 *   reactions, else 'local' if it has yours, else 'merge'. Only 'server' is
 *   'synced'; the others are 'pending'.
 */
export function resolveMessageConflict(
  localMessage: NormalizedMessage,
  serverMessage: NormalizedMessage,
): { resolved: NormalizedMessage; strategy: Strategy } {
  throw new NotImplemented('resolveMessageConflict: versions, edit times, reactions');
}

export interface SyncUpdates {
  messages: NormalizedMessage[];
  deletedMessages: MessageId[];
  channelUpdates: (Partial<NormalizedChannel> & { id: ChannelId })[];
  /** The server time of this batch. */
  syncedAt: Millis;
}

/**
 * Applies a batch from the server, in order:
 * 1. messages: an echo of your pending send (its `optimisticId` is the
 *    temporary id of a pending or failed send) confirms it; a message with a
 *    pending local change is settled as in confirmOptimisticMessage; any other
 *    known message is replaced by the server's copy at its (timestamp, id)
 *    place, unless that copy has a lower version (stale); new ones are added;
 * 2. deletions, by the deletion policy (unknown ids are ignored);
 * 3. channel updates: the fields given, the others as they were;
 * 4. every channel the batch touched records `syncedAt` in
 *    `lastSyncTimestamp`, never moving backwards.
 * A batch referring to a missing channel, user or parent is refused whole.
 */
export function applySyncUpdates(state: ChatState, updates: SyncUpdates): ChatState {
  throw new NotImplemented('applySyncUpdates: messages, deletions, channels, sync times');
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
  /** Why it was refused (refused actions only; absent otherwise). */
  error?: ChatErrorCode;
  /**
   * The conflicts this action resolved: each message whose entry in
   * `conflictResolution` it added or replaced, sorted by message id.
   */
  conflicts: { messageId: MessageId; strategy: Strategy }[];
}

export interface ActionLog {
  /** Applies the action with the functions above, logs it, returns the new state; a refusal is logged, then thrown. */
  dispatch(state: ChatState, action: ChatAction): ChatState;
  /** Every action dispatched through this log so far, oldest first. */
  entries(): readonly ActionLogEntry[];
}

/** A new, empty action log; two logs never share entries. */
export function createActionLog(): ActionLog {
  throw new NotImplemented('createActionLog: dispatch, then log what happened');
}

// ---------------------------------------------------------------------------
// Extension (bonus): end-to-end encryption in the selectors
// ---------------------------------------------------------------------------

/** Encrypts and decrypts message contents; the store holds ciphertext only. */
export interface Cipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

/**
 * makeSelectChannelWithLiveData, with `content` decrypted (`message.content`
 * stays the stored ciphertext). Decrypts each message version once per
 * selector: a recomputed view with one new message decrypts one message.
 */
export function makeSelectChannelWithLiveDataEncrypted(cipher: Cipher): SelectChannelWithLiveData {
  throw new NotImplemented('bonus: makeSelectChannelWithLiveDataEncrypted');
}

/** makeSelectMessageThread, decrypting like makeSelectChannelWithLiveDataEncrypted. */
export function makeSelectMessageThreadEncrypted(cipher: Cipher): SelectMessageThread {
  throw new NotImplemented('bonus: makeSelectMessageThreadEncrypted');
}
