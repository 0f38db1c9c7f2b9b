// Builders shared by the Improbability Drive checks: entities, a small chat
// built by the checks (never by the learner's updates, so a selector check
// never rests on them), the seed's generateChatState, calls into the
// learner's code that freeze what comes back, and the store's invariants.
//
// Every state handed to the learner is deep-frozen, as Redux Toolkit's
// dev-mode check would have it.

import { Rng, listsBy, range, tableOf } from '../gen';
import { deepFreeze, ensure, ensureEq, fail, freezeBuilt, okStateOf, refusesWithCode, show } from '../harness';
import * as L from './learner';

export type State = L.ChatState;
export type Message = L.NormalizedMessage;
export type Channel = L.NormalizedChannel;
export type User = L.NormalizedUser;

/** The README's figure, not the learner's constant of the same name. */
export const VIEW_LIMIT = 50;
/** The clock every check starts from. */
export const NOW = 1_700_000_000_000;

export const q = (s: string): string => JSON.stringify(s);

export function channel(id: string, createdAt = NOW - 1_000_000): Channel {
  return Object.freeze({ id, name: `#${id}`, topic: `all about ${id}`, createdAt });
}

export function user(id: string): User {
  return Object.freeze({ id, name: `${id} (the name)` });
}

/** A synced message, version 1, no reactions; `extra` overrides any field. */
export function message(id: string, channelId: string, authorId: string, timestamp: number, extra: Partial<Message> = {}): Message {
  return Object.freeze({ id, content: `${id} by ${authorId}`, authorId, channelId, timestamp, reactions: {}, syncStatus: 'synced', version: 1, ...extra });
}

export function draft(channelId: string, authorId: string, content: string, parentMessageId?: string): L.MessageDraft {
  return parentMessageId === undefined ? { channelId, authorId, content } : { channelId, authorId, content, parentMessageId };
}

export interface ChatSpec {
  channels: readonly Channel[];
  users: readonly User[];
  members?: readonly (readonly [string, string])[];
  messages?: readonly Message[];
  online?: readonly string[];
  receipts?: readonly (readonly [string, string])[];
  typing?: readonly (readonly [string, readonly string[]])[];
}

function byTimeThenId(a: Message, b: Message): number {
  return a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A frozen state normalized by the checks: every relationship built, orders and threads sorted by (timestamp, id). */
export function chat(spec: ChatSpec): State {
  const messages = [...(spec.messages ?? [])].sort(byTimeThenId);
  const members = spec.members ?? [];
  const state: State = {
    channels: tableOf(spec.channels, (c: Channel) => c.id),
    messages: tableOf(messages, (m: Message) => m.id),
    users: tableOf(spec.users, (u: User) => u.id),
    typingIndicators: tableOf(
      (spec.typing ?? []).map(([channelId, userIds]) => ({ channelId, userIds: [...userIds] })),
      (t: L.TypingIndicator) => t.channelId,
    ),
    readReceipts: listsBy<string, L.ReadReceipt, readonly [string, string]>([], spec.receipts ?? [], (r) => r[0], (r) => Object.freeze({ userId: r[1], readAt: NOW })),
    userPresence: tableOf(
      (spec.online ?? []).map((userId) => ({ userId, status: 'online' as const })),
      (p: L.UserPresence) => p.userId,
    ),
    channelMessages: listsBy<string, string, Message>([], messages, (m) => m.channelId, (m) => m.id),
    channelMembers: listsBy<string, string, readonly [string, string]>([], members, (m) => m[0], (m) => m[1]),
    userChannels: listsBy<string, string, readonly [string, string]>([], members, (m) => m[1], (m) => m[0]),
    messageThread: listsBy<string, string, Message>(
      [],
      messages.filter((m) => m.parentMessageId !== undefined),
      (m) => m.parentMessageId as string,
      (m) => m.id,
    ),
    messagesPendingSync: freezeBuilt({}, []),
    lastSyncTimestamp: freezeBuilt({}, []),
    conflictResolution: freezeBuilt({}, []),
  };
  return deepFreeze(state);
}

/**
 * The small chat most checks use. #general (general) has arthur, ford and
 * zaphod; #heart (heart) has trillian and marvin. In general: g1 (arthur),
 * g2 (ford), g3 (zaphod, a reply to g1), g4 (ford, a reply to g1), one a
 * second apart. ford and trillian are online; ford read g1.
 */
export function galaxy(): State {
  return chat({
    channels: [channel('general'), channel('heart')],
    users: ['arthur', 'ford', 'zaphod', 'trillian', 'marvin'].map(user),
    members: [
      ['general', 'arthur'],
      ['general', 'ford'],
      ['general', 'zaphod'],
      ['heart', 'trillian'],
      ['heart', 'marvin'],
    ],
    messages: [
      message('g1', 'general', 'arthur', NOW),
      message('g2', 'general', 'ford', NOW + 1000),
      message('g3', 'general', 'zaphod', NOW + 2000, { parentMessageId: 'g1' }),
      message('g4', 'general', 'ford', NOW + 3000, { parentMessageId: 'g1' }),
    ],
    online: ['ford', 'trillian'],
    receipts: [['g1', 'ford']],
  });
}

// ---------------------------------------------------------------------------
// Calling the learner
// ---------------------------------------------------------------------------

export function isChatError(e: unknown): e is L.ChatError {
  return e instanceof L.ChatError;
}

const TABLES = [
  'channels',
  'messages',
  'users',
  'typingIndicators',
  'readReceipts',
  'userPresence',
  'channelMessages',
  'channelMembers',
  'userChannels',
  'messageThread',
  'messagesPendingSync',
  'lastSyncTimestamp',
  'conflictResolution',
] as const;

export type TableName = (typeof TABLES)[number];
export const TABLE_NAMES: readonly TableName[] = TABLES;

/** Runs a learner update that must succeed and return a ChatState, and freezes the result. */
export function okChat(f: () => State, doing: string): State {
  return okStateOf(f, doing, isChatError, 'ChatState', TABLES);
}

/** A learner call that must throw `new ChatError(code, id)`. */
export function refusesWith(f: () => unknown, code: L.ChatErrorCode, id: string, doing: string): void {
  refusesWithCode(f, doing, 'ChatError', isChatError, code, id);
}

// The update functions, each freezing what it returns.
export const send = (s: State, d: L.MessageDraft, tempId: string, now: number): State =>
  okChat(() => L.sendMessageOptimistically(s, d, tempId, now), `sendMessageOptimistically(state, ${show(d)}, ${q(tempId)}, ${now})`);
export const edit = (s: State, id: string, content: string, now: number): State =>
  okChat(() => L.editMessageOptimistically(s, id, content, now), `editMessageOptimistically(state, ${q(id)}, ${q(content)}, ${now})`);
export const failSync = (s: State, id: string): State => okChat(() => L.markSyncFailed(s, id), `markSyncFailed(state, ${q(id)})`);
export const rollback = (s: State, id: string): State =>
  okChat(() => L.rollbackOptimisticMessage(s, id), `rollbackOptimisticMessage(state, ${q(id)})`);
export const confirm = (s: State, id: string, server: Message): State =>
  okChat(() => L.confirmOptimisticMessage(s, id, server), `confirmOptimisticMessage(state, ${q(id)}, <server copy ${q(server.id)}>)`);
export const sync = (s: State, u: L.SyncUpdates, what = 'applySyncUpdates'): State => okChat(() => L.applySyncUpdates(s, u), what);

export function batch(u: Partial<L.SyncUpdates>): L.SyncUpdates {
  return deepFreeze({ messages: [], deletedMessages: [], channelUpdates: [], syncedAt: NOW + 100_000, ...u });
}

// ---------------------------------------------------------------------------
// Reading states and views
// ---------------------------------------------------------------------------

export function own<V>(table: Readonly<Record<string, V>>, id: string): V | undefined {
  return Object.hasOwn(table, id) ? table[id] : undefined;
}

/** The channel's ids as stored ([] when it has no entry). */
export function order(s: State, channelId: string): readonly string[] {
  return own(s.channelMessages, channelId) ?? [];
}

export function thread(s: State, id: string): readonly string[] {
  return own(s.messageThread, id) ?? [];
}

export function msg(s: State, id: string, what: string): Message {
  const m = own(s.messages, id);
  if (m === undefined) fail(`${what}: expected message ${q(id)} in the messages table, it is not there`);
  return m;
}

/** Reactions with each list sorted and empty lists dropped: they are sets. */
export function reactionSets(r: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of Object.keys(r).sort()) if ((r[k] ?? []).length > 0) out[k] = [...new Set(r[k])].sort();
  return out;
}

/** A message as comparable data: no keys holding undefined, reactions as sets. */
export function plain(m: Message | undefined): Record<string, unknown> | undefined {
  if (m === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined) out[k] = k === 'reactions' ? reactionSets(v as Record<string, string[]>) : v;
  if (out.edited === false && out.editedAt === undefined) delete out.edited;
  return out;
}

export function channelView(s: State, channelId: string, viewer: string): L.ChannelView | null {
  return L.makeSelectChannelWithLiveData()(s, channelId, viewer);
}

export function someView<T>(v: T | null | undefined, what: string): T {
  if (v === null || v === undefined) fail(`${what}: expected a view, got ${String(v)}`);
  return v;
}

/** The ids of the messages a channel view shows, in its order. */
export function viewIds(v: L.ChannelView): string[] {
  ensure(Array.isArray(v.messages), `expected the view's messages as an array, got ${show(v.messages, 1)}`);
  return v.messages.map((m) => m.message.id);
}

// ---------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------

function sortedByTime(s: State, ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) {
    const a = s.messages[ids[i - 1] as string];
    const b = s.messages[ids[i] as string];
    if (a === undefined || b === undefined || byTimeThenId(a, b) >= 0) return false;
  }
  return true;
}

/**
 * Every relationship points at what exists, both ways: each message is in
 * its channel's order once, orders and threads are sorted by (timestamp, id),
 * threads are one level deep, receipts, typing, pending entries and conflict
 * records are keyed by what exists, membership is two-way, and a message is
 * pending or failed exactly when it has a pending entry.
 */
export function invariants(s: State, after: string): void {
  const bad: (what: string) => never = (what) => fail(`after ${after}, the state is inconsistent: ${what}`);
  const seen = new Set<string>();
  for (const [channelId, ids] of Object.entries(s.channelMessages)) {
    if (!Object.hasOwn(s.channels, channelId)) bad(`channelMessages has a list for unknown channel ${q(channelId)}`);
    for (const id of ids) {
      const m = own(s.messages, id);
      if (m === undefined) bad(`channelMessages[${q(channelId)}] holds ${q(id)}, which is not in messages`);
      if (m.channelId !== channelId) bad(`channelMessages[${q(channelId)}] holds ${q(id)}, a message of ${q(m.channelId)}`);
      if (seen.has(id)) bad(`${q(id)} is in channelMessages twice`);
      seen.add(id);
    }
    if (!sortedByTime(s, ids)) bad(`channelMessages[${q(channelId)}] is not sorted by (timestamp, id): ${show(ids)}`);
  }
  for (const [id, m] of Object.entries(s.messages)) {
    if (m.id !== id) bad(`messages[${q(id)}] has id ${q(m.id)}`);
    if (!seen.has(id)) bad(`message ${q(id)} is not in its channel's order (channelMessages[${q(m.channelId)}])`);
    if (m.parentMessageId !== undefined) {
      const parent = own(s.messages, m.parentMessageId);
      if (parent === undefined) bad(`${q(id)} replies to ${q(m.parentMessageId)}, which is not in messages`);
      if (parent.parentMessageId !== undefined) bad(`${q(id)} replies to ${q(parent.id)}, itself a reply: threads are one level deep`);
      if (!thread(s, parent.id).includes(id)) bad(`${q(id)} replies to ${q(parent.id)} but is not in messageThread[${q(parent.id)}]`);
    }
    const pending = Object.hasOwn(s.messagesPendingSync, id);
    if (pending !== (m.syncStatus !== 'synced')) bad(`${q(id)} is ${m.syncStatus} but ${pending ? 'has' : 'has no'} entry in messagesPendingSync`);
  }
  for (const [parentId, replies] of Object.entries(s.messageThread)) {
    if (!Object.hasOwn(s.messages, parentId)) bad(`messageThread has a list for ${q(parentId)}, which is not in messages`);
    for (const id of replies) {
      if (own(s.messages, id)?.parentMessageId !== parentId) bad(`messageThread[${q(parentId)}] holds ${q(id)}, whose parentMessageId is ${show(own(s.messages, id)?.parentMessageId)}`);
    }
    if (!sortedByTime(s, replies)) bad(`messageThread[${q(parentId)}] is not sorted by (timestamp, id): ${show(replies)}`);
  }
  for (const table of ['readReceipts', 'messagesPendingSync', 'conflictResolution'] as const) {
    for (const id of Object.keys(s[table])) if (!Object.hasOwn(s.messages, id)) bad(`${table} has an entry for ${q(id)}, which is not in messages`);
  }
  for (const channelId of Object.keys(s.typingIndicators)) {
    if (!Object.hasOwn(s.channels, channelId)) bad(`typingIndicators has an entry for unknown channel ${q(channelId)}`);
  }
  for (const [channelId, users] of Object.entries(s.channelMembers)) {
    for (const u of users) if (!(own(s.userChannels, u) ?? []).includes(channelId)) bad(`${q(u)} is a member of ${q(channelId)} but userChannels[${q(u)}] lacks it`);
  }
  for (const [u, channels] of Object.entries(s.userChannels)) {
    for (const c of channels) if (!(own(s.channelMembers, c) ?? []).includes(u)) bad(`userChannels[${q(u)}] has ${q(c)} but channelMembers[${q(c)}] lacks ${q(u)}`);
  }
}

/** Fails unless the message is gone from every table and relationship. */
export function gone(s: State, id: string, after: string): void {
  ensure(!Object.hasOwn(s.messages, id), `after ${after}, ${q(id)} is still in messages`);
  for (const [c, ids] of Object.entries(s.channelMessages)) ensure(!ids.includes(id), `after ${after}, ${q(id)} is still in channelMessages[${q(c)}]`);
  for (const [p, ids] of Object.entries(s.messageThread)) ensure(!ids.includes(id), `after ${after}, ${q(id)} is still in messageThread[${q(p)}]`);
  for (const table of ['messageThread', 'readReceipts', 'messagesPendingSync', 'conflictResolution'] as const) {
    ensure(!Object.hasOwn(s[table], id), `after ${after}, ${table} still has an entry for ${q(id)}`);
  }
}

export function eqPlain(actual: Message | undefined, expected: Message, what: string): void {
  ensureEq(plain(actual), plain(expected), what);
}

// ---------------------------------------------------------------------------
// The seed's generator
// ---------------------------------------------------------------------------

export interface Sizes {
  channels: number;
  messages: number;
  users: number;
}

/**
 * The seed's generateChatState: channel0.., user0.., msg0..; message i is in
 * channel i % channels, a second after message i - 1, by one of its
 * channel's 20 members; every fifth is a reply to the last top-level message
 * of its channel. A third of the users are online. Seeded.
 */
export function generateChatState(sizes: Sizes, seed = 42, only?: number): State {
  const rng = new Rng(seed);
  const channels = range(sizes.channels).map((i) => channel(`channel${i}`, NOW - 10_000_000));
  const users = range(sizes.users).map((i) => user(`user${i}`));
  const membersOf = channels.map(() => range(20).map(() => `user${rng.int(sizes.users)}`));
  const lastTop = new Map<string, string>();
  const messages: Message[] = [];
  for (const i of range(sizes.messages)) {
    const c = i % sizes.channels;
    const channelId = `channel${c}`;
    const author = rng.pick(membersOf[c] as string[]);
    if (only !== undefined && c !== only) continue;
    // The channel's own count, not i: every fifth message of each channel replies.
    const parent = Math.floor(i / sizes.channels) % 5 === 4 ? lastTop.get(channelId) : undefined;
    const m = message(`msg${i}`, channelId, author, NOW + i * 1000, parent === undefined ? {} : { parentMessageId: parent });
    if (parent === undefined) lastTop.set(channelId, m.id);
    messages.push(m);
  }
  const members: [string, string][] = [];
  membersOf.forEach((list, c) => {
    if (only === undefined || c === only) for (const u of new Set(list)) members.push([`channel${c}`, u]);
  });
  const keep = (id: string) => only === undefined || members.some(([, u]) => u === id);
  return chat({
    channels: only === undefined ? channels : [channels[only] as Channel],
    users: users.filter((u) => keep(u.id)),
    members,
    messages,
    online: users.filter((_, i) => i % 3 === 0 && keep(`user${i}`)).map((u) => u.id),
  });
}
