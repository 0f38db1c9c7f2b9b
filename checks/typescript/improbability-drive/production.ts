// Production Patterns: the live views, memoization per instance, structural
// sharing, random operation sequences, the action log, and the seed's load.

import { Rng, range, thousands } from '../gen';
import { compare, deepFreeze, ensure, ensureEq, ensureSame, fail, keep, phase, show, type Measurement } from '../harness';
import {
  NOW,
  TABLE_NAMES,
  VIEW_LIMIT,
  batch,
  chat,
  channel,
  channelView,
  confirm,
  draft,
  edit,
  failSync,
  galaxy,
  generateChatState,
  invariants,
  isChatError,
  message,
  msg,
  okChat,
  q,
  rollback,
  send,
  someView,
  sync,
  user,
  viewIds,
  type Message,
  type State,
  type TableName,
} from './data';
import * as L from './learner';

export function channelViewCheck(): void {
  let s = galaxy();
  s = okChat(() => L.setPresence(s, 'zaphod', 'online'), 'setPresence(state, "zaphod", "online")');
  const v = someView(channelView(s, 'general', 'arthur'), 'the view of general for arthur');
  ensureSame(v.channel, s.channels.general, 'the view of general: its channel (as stored)');
  ensureEq(viewIds(v), ['g1', 'g2', 'g3', 'g4'], 'the view of general: its messages, oldest first');
  ensureEq(
    v.messages.map((m) => [m.author.id, m.content]),
    [
      ['arthur', 'g1 by arthur'],
      ['ford', 'g2 by ford'],
      ['zaphod', 'g3 by zaphod'],
      ['ford', 'g4 by ford'],
    ],
    'the view of general: each message with its author and content',
  );
  ensureSame(v.messages[0]?.author, s.users.arthur, 'the author of g1 in the view (as stored)');
  ensureEq([v.onlineMemberCount, v.lastActivity], [2, NOW + 3000], 'the view of general as [online members, last activity]');
  ensureEq(channelView(s, 'nowhere', 'arthur'), null, 'the view of an unknown channel');
}

export function typingExcludesViewer(): void {
  let s = galaxy();
  for (const u of ['ford', 'arthur', 'zaphod']) s = okChat(() => L.startTyping(s, 'general', u), `startTyping(state, "general", ${q(u)})`);
  const seen = (viewer: string) => someView(channelView(s, 'general', viewer), `the view of general for ${viewer}`).typingUsers.map((u) => u.id);
  ensureEq(seen('arthur'), ['ford', 'zaphod'], 'ford, arthur and zaphod are typing in general: who arthur sees typing');
  ensureEq(seen('marvin'), ['ford', 'arthur', 'zaphod'], 'who marvin (not typing) sees typing');
  ensureSame(someView(channelView(s, 'general', 'marvin'), 'the view').typingUsers[0], s.users.ford, 'a typing user in the view (as stored)');
}

export function unreadCount(): void {
  let s = galaxy();
  const unread = (viewer: string) => someView(channelView(s, 'general', viewer), `the view of general for ${viewer}`).unreadCount;
  // arthur wrote g1; ford wrote g2 and g4 and read g1; zaphod wrote g3.
  ensureEq(['arthur', 'ford', 'zaphod', 'marvin'].map(unread), [3, 1, 3, 4], 'unread in general for [arthur, ford, zaphod, marvin]');
  s = okChat(() => L.markRead(s, 'g2', 'arthur', NOW), 'markRead(state, "g2", "arthur", now)');
  s = send(s, draft('general', 'arthur', 'mine'), 'tmp1', NOW + 9000);
  ensureEq(unread('arthur'), 2, "after arthur reads g2 and sends a message: arthur's unread count in general");
  ensureEq(unread('ford'), 2, "after arthur's send: ford's unread count in general");
}

export function viewLimitEdges(): void {
  for (const n of [49, 50, 51]) {
    const messages = range(n).map((i) => message(`m${String(i).padStart(3, '0')}`, 'c', i % 2 === 0 ? 'ford' : 'arthur', NOW + i));
    const s = chat({ channels: [channel('c')], users: [user('arthur'), user('ford')], members: [['c', 'arthur'], ['c', 'ford']], messages, receipts: [['m001', 'ford']] });
    const v = someView(channelView(s, 'c', 'ford'), `the view of a channel of ${n} messages`);
    const ids = viewIds(v);
    const shown = Math.min(n, VIEW_LIMIT);
    ensureEq([ids.length, ids[0], ids[ids.length - 1]], [shown, messages[n - shown]?.id, messages[n - 1]?.id], `a channel of ${n} messages: the view's messages as [count, first, last]`);
    ensureEq(v.unreadCount, Math.floor(n / 2) - 1, `a channel of ${n} messages, every other one arthur's, ford read one: ford's unread count (all of them, not only the 50 shown)`);
  }
}

export function selectorsMemoized(): void {
  const s = galaxy();
  const a = L.makeSelectChannelWithLiveData();
  const first = a(s, 'general', 'arthur');
  ensureSame(a(s, 'general', 'arthur'), first, 'the same instance asked again with the same state, channel and viewer');
  ensureSame(a({ ...s }, 'general', 'arthur'), first, 'the same instance asked with a shallow copy of the state (every table the same)');
  ensure(a(s, 'general', 'ford') !== first, 'the same instance asked for another viewer must build a new view, not hand back the one for arthur');
  ensureEq(a(s, 'general', 'ford')?.unreadCount, 1, "after switching viewer to ford: the view's unread count");
  ensure(a(s, 'heart', 'ford')?.channel.id === 'heart', 'the same instance asked for another channel must show that channel');
  const b = L.makeSelectChannelWithLiveData();
  const fromA = a(s, 'general', 'arthur');
  const fromB = b(s, 'general', 'arthur');
  ensure(fromA !== fromB, 'two instances of makeSelectChannelWithLiveData() handed back the very same object: each instance needs a cache of its own');
  b(s, 'heart', 'marvin');
  ensureSame(a(s, 'general', 'arthur'), fromA, 'instance A after instance B was asked about another channel (their caches must be separate)');
  const t = L.makeSelectMessageThread();
  const th = t(s, 'g1');
  ensureSame(t({ ...s }, 'g1'), th, 'the thread selector asked again with the same tables');
  const read = okChat(() => L.markRead(s, 'g3', 'arthur', NOW), 'markRead(state, "g3", "arthur", now)');
  ensureEq(t(read, 'g1')?.replies[0]?.readBy, ['arthur'], 'the same thread instance after arthur read g3: who read g3');
  ensure(L.makeSelectMessageThread()(s, 'g1') !== th, 'two thread instances handed back the very same object');
}

/** States where one table changed, made by the checks. */
function changed(s: State, what: string): State {
  switch (what) {
    case 'presence':
      return deepFreeze({ ...s, userPresence: { ...s.userPresence, zaphod: { userId: 'zaphod', status: 'online' } } });
    case 'receipts':
      return deepFreeze({ ...s, readReceipts: { ...s.readReceipts, g2: [{ userId: 'arthur', readAt: NOW }] } });
    case 'channel':
      return deepFreeze({ ...s, channels: { ...s.channels, general: { ...(s.channels.general as L.NormalizedChannel), name: '#renamed' } } });
    case 'message':
      return deepFreeze({ ...s, messages: { ...s.messages, g2: { ...(s.messages.g2 as Message), content: 'edited' } } });
    default:
      return deepFreeze({ ...s, typingIndicators: { ...s.typingIndicators, general: { channelId: 'general', userIds: ['zaphod'] } } });
  }
}

export function memoSeesEveryInput(): void {
  const s = galaxy();
  const sel = L.makeSelectChannelWithLiveData();
  sel(s, 'general', 'arthur');
  const facts = (v: L.ChannelView | null) => [v?.onlineMemberCount, v?.unreadCount, v?.channel.name, v?.messages[1]?.content, v?.typingUsers.map((u) => u.id)];
  const expected: Record<string, unknown[]> = {
    presence: [2, 3, '#general', 'g2 by ford', []],
    receipts: [1, 2, '#general', 'g2 by ford', []],
    channel: [1, 3, '#renamed', 'g2 by ford', []],
    message: [1, 3, '#general', 'edited', []],
    typing: [1, 3, '#general', 'g2 by ford', ['zaphod']],
  };
  for (const [what, want] of Object.entries(expected)) {
    sel(s, 'general', 'arthur');
    ensureEq(facts(sel(changed(s, what), 'general', 'arthur')), want, `one instance, after a change of ${what}: arthur's view of general as [online, unread, name, text of g2, typing]`);
  }
  const t = L.makeSelectMessageThread();
  t(s, 'g1');
  const edited = deepFreeze({ ...s, messages: { ...s.messages, g3: { ...(s.messages.g3 as Message), content: 'edited reply' } } });
  ensureEq(t(edited, 'g1')?.replies[0]?.content, 'edited reply', 'one thread instance, after g3 was edited: the content of g3');
}

export function structuralSharing(): void {
  const s = galaxy();
  const updates: [string, () => State, TableName[]][] = [
    ['joinChannel', () => L.joinChannel(s, 'heart', 'arthur'), ['channelMembers', 'userChannels']],
    ['setPresence', () => L.setPresence(s, 'zaphod', 'online'), ['userPresence']],
    ['startTyping', () => L.startTyping(s, 'general', 'zaphod'), ['typingIndicators']],
    ['markRead', () => L.markRead(s, 'g2', 'arthur', NOW), ['readReceipts']],
    ['sendMessageOptimistically', () => L.sendMessageOptimistically(s, draft('heart', 'marvin', 'hi'), 't1', NOW + 9000), ['messages', 'channelMessages', 'messagesPendingSync']],
    ['editMessageOptimistically', () => L.editMessageOptimistically(s, 'g2', 'x', NOW + 9000), ['messages', 'messagesPendingSync']],
    ['applySyncUpdates (an empty batch)', () => L.applySyncUpdates(s, batch({})), []],
    ['applySyncUpdates (a channel topic)', () => L.applySyncUpdates(s, batch({ channelUpdates: [{ id: 'heart', topic: 't' }] })), ['channels', 'lastSyncTimestamp']],
    ['applySyncUpdates (a channel update with no fields)', () => L.applySyncUpdates(s, batch({ channelUpdates: [{ id: 'heart' }] })), ['lastSyncTimestamp']],
  ];
  for (const [name, run, changes] of updates) {
    const next = okChat(run, name);
    for (const table of TABLE_NAMES) {
      if (!changes.includes(table)) ensureSame(next[table], s[table], `after ${name}, the ${table} table (which it does not change)`);
    }
  }
}

// ---------------------------------------------------------------------------
// Random operation sequences
// ---------------------------------------------------------------------------

const STEPS = 300;
const SEEDS = [1, 2, 3];

/** One seeded run: random operations, every invariant checked after each. */
function randomRun(seed: number): void {
  const rng = new Rng(seed);
  const users = ['arthur', 'ford', 'zaphod', 'trillian'];
  let s = chat({
    channels: [channel('a'), channel('b')],
    users: users.map(user),
    members: users.flatMap((u) => [['a', u] as const, ['b', u] as const]),
    messages: [message('m0', 'a', 'arthur', NOW), message('m1', 'b', 'ford', NOW)],
  });
  let clock = NOW;
  let next = 0;
  const log: string[] = [];
  const pending = () => Object.keys(s.messagesPendingSync);
  const ids = () => Object.keys(s.messages);
  for (let step = 0; step < STEPS; step++) {
    // A clock that sometimes runs behind, so sends land before others.
    clock += rng.int(3) * 500 - 400;
    const kind = rng.int(9);
    const id = `x${next++}`;
    let op = '';
    let run: () => State;
    const top = ids().filter((m) => s.messages[m]?.parentMessageId === undefined);
    if (kind <= 1 || ids().length === 0) {
      const c = rng.pick(['a', 'b']);
      const parents = top.filter((m) => s.messages[m]?.channelId === c);
      const parent = rng.int(3) === 0 && parents.length > 0 ? rng.pick(parents) : undefined;
      op = `send ${id} in ${c}${parent ? ` replying to ${parent}` : ''} at ${clock - NOW}`;
      run = () => send(s, draft(c, rng.pick(users), `text ${id}`, parent), id, clock);
    } else if (kind === 2) {
      const m = rng.pick(ids());
      op = `edit ${m}`;
      run = () => edit(s, m, `edit ${id}`, clock);
    } else if (kind === 3 && pending().length > 0) {
      const m = rng.pick(pending());
      op = `markSyncFailed ${m}`;
      run = () => failSync(s, m);
    } else if (kind === 4 && pending().length > 0) {
      const m = rng.pick(pending());
      op = `rollback ${m}`;
      run = () => rollback(s, m);
    } else if (kind === 5 && pending().length > 0) {
      const m = rng.pick(pending());
      const local = s.messages[m] as Message;
      const isSend = s.messagesPendingSync[m]?.type === 'send';
      const serverId = isSend ? `s${id}` : m;
      const server: Message = { ...local, id: serverId, syncStatus: 'synced', timestamp: isSend ? clock : local.timestamp, reactions: rng.int(2) === 0 ? { '👍': [rng.pick(users)] } : {} };
      op = `confirm ${m} as ${serverId}`;
      run = () => confirm(s, m, server);
    } else if (kind === 6) {
      const m = rng.pick(ids());
      op = `sync deleting ${m}`;
      run = () => sync(s, batch({ deletedMessages: [m], syncedAt: clock }), op);
    } else if (kind === 7) {
      const m = rng.pick(ids());
      const local = s.messages[m] as Message;
      const server: Message = { ...local, content: `server ${id}`, version: local.version + rng.int(2), syncStatus: 'synced' };
      op = `sync with a server copy of ${m}`;
      run = () => sync(s, batch({ messages: [server], syncedAt: clock }), op);
    } else {
      const m = rng.pick(ids());
      const u = rng.pick(users);
      op = `markRead ${m} by ${u}`;
      run = () => okChat(() => L.markRead(s, m, u, clock), op);
    }
    log.push(op);
    try {
      s = run();
    } catch (e) {
      if (isChatError(e)) fail(`seed ${seed}, step ${step}: ${op} was refused (${e.message}), but it is valid\n  operations: ${log.slice(-8).join('; ')}`);
      throw e;
    }
    try {
      invariants(s, `${op} (seed ${seed}, step ${step})`);
    } catch (e) {
      if (e instanceof Error) e.message += `\n  the last operations: ${log.slice(-8).join('; ')}`;
      throw e;
    }
  }
}

export function randomSequences(): void {
  for (const seed of SEEDS) randomRun(seed);
}

// ---------------------------------------------------------------------------
// The action log
// ---------------------------------------------------------------------------

export function actionLog(): void {
  const log = L.createActionLog();
  let s = galaxy();
  const go = (action: L.ChatAction) => okChat(() => log.dispatch(s, deepFreeze(action)), `log.dispatch(state, ${show(action, 2)})`);
  s = go({ type: 'send', message: draft('general', 'arthur', 'Hello'), optimisticId: 'tmp1', now: NOW + 9000 });
  s = go({ type: 'edit', messageId: 'g2', content: 'mine', now: NOW + 9001 });
  s = go({ type: 'confirm', optimisticId: 'tmp1', serverMessage: message('s1', 'general', 'arthur', NOW + 9100, { content: 'Hello', reactions: { '👍': ['ford'] } }) });
  try {
    log.dispatch(s, { type: 'rollback', optimisticId: 'nope' });
    fail('log.dispatch of a rollback of an unknown id: expected it to throw the refusal');
  } catch (e) {
    if (!isChatError(e)) throw e;
  }
  s = go({ type: 'sync', updates: batch({ messages: [message('g2', 'general', 'ford', NOW + 1000, { content: 'theirs', version: 5 })] }) });
  const entries = log.entries();
  ensureEq(
    entries.map((e) => [e.index, e.action.type, e.outcome, e.error, e.conflicts]),
    [
      [0, 'send', 'applied', undefined, []],
      [1, 'edit', 'applied', undefined, []],
      [2, 'confirm', 'applied', undefined, [{ messageId: 's1', strategy: 'server' }]],
      [3, 'rollback', 'refused', 'unknown-message', []],
      [4, 'sync', 'applied', undefined, [{ messageId: 'g2', strategy: 'server' }]],
    ],
    'the action log as [index, action type, outcome, error, conflicts]',
  );
  ensureEq(L.createActionLog().entries().length, 0, 'a new action log (logs never share entries): its entries');
  ensureEq(msg(s, 'g2', 'after the logged sync').content, 'theirs', 'the state a logged sync returned: g2');
}

// ---------------------------------------------------------------------------
// The seed's load: 100 channels, 100,000 messages, 10,000 users
// ---------------------------------------------------------------------------

const LOAD = { channels: 100, messages: 100_000, users: 10_000 };
const CHANNEL = 1;
const CHANNEL_ID = `channel${CHANNEL}`;

let loadCache: { big: State; small: State } | undefined;

function loadStates(): { big: State; small: State } {
  if (loadCache === undefined) {
    phase(`building the seed's store of ${thousands(LOAD.messages)} messages`);
    const big = generateChatState(LOAD);
    const small = generateChatState(LOAD, 42, CHANNEL);
    loadCache = { big, small };
  }
  return loadCache;
}

function verifyView(s: State, viewer: string, what: string): void {
  const v = someView(channelView(s, CHANNEL_ID, viewer), `${what}: the view of ${CHANNEL_ID}`);
  const ids = s.channelMessages[CHANNEL_ID] as string[];
  ensureEq(viewIds(v), ids.slice(-VIEW_LIMIT), `${what}: the messages of the view of ${CHANNEL_ID}`);
  const unread = ids.filter((id) => s.messages[id]?.authorId !== viewer).length;
  ensureEq(v.unreadCount, unread, `${what}: ${viewer}'s unread count in ${CHANNEL_ID}`);
}

// Catches: finding a channel's messages (or counting them) by walking the
// whole messages table, and sorting the store on every call.
export function channelViewUnderLoad(): Measurement {
  const { big, small } = loadStates();
  const viewer = (big.channelMembers[CHANNEL_ID] as string[])[0] as string;
  verifyView(small, viewer, `the channel alone`);
  verifyView(big, viewer, `the store of ${thousands(LOAD.messages)} messages`);
  return compare(
    `the view of ${CHANNEL_ID}, the channel alone`,
    () => keep(L.makeSelectChannelWithLiveData()(small, CHANNEL_ID, viewer)),
    `the view of ${CHANNEL_ID} among ${thousands(LOAD.messages)} messages`,
    () => keep(L.makeSelectChannelWithLiveData()(big, CHANNEL_ID, viewer)),
  );
}

// Catches: finding a thread's replies by walking the messages table.
export function threadViewUnderLoad(): Measurement {
  const { big, small } = loadStates();
  const parent = Object.keys(big.messageThread).find((id) => big.messages[id]?.channelId === CHANNEL_ID) as string;
  for (const [s, what] of [[small, 'the channel alone'], [big, 'the whole store']] as const) {
    const t = someView(L.makeSelectMessageThread()(s, parent), `${what}: the thread view of ${parent}`);
    ensureEq(t.replies.map((r) => r.message.id), s.messageThread[parent], `${what}: the replies of ${parent}`);
  }
  return compare(
    `the thread of ${parent}, its channel alone`,
    () => keep(L.makeSelectMessageThread()(small, parent)),
    `the thread of ${parent} among ${thousands(LOAD.messages)} messages`,
    () => keep(L.makeSelectMessageThread()(big, parent)),
  );
}
