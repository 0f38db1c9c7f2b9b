// Conflict Resolution: resolveMessageConflict, confirmations and sync batches
// that go through it, and the sync metadata.

import { ensureEq, ensureSame } from '../harness';
import {
  NOW,
  batch,
  confirm,
  draft,
  edit,
  eqPlain,
  failSync,
  galaxy,
  gone,
  invariants,
  message,
  msg,
  order,
  plain,
  reactionSets,
  refusesWith,
  send,
  sync,
  type Message,
} from './data';
import * as L from './learner';

function resolve(local: Message, server: Message): { resolved: Message; strategy: L.Strategy } {
  const r = L.resolveMessageConflict(local, server);
  return { resolved: r.resolved, strategy: r.strategy };
}

const base = message('m1', 'general', 'arthur', NOW, { content: 'original' });

// The seed's conflict: I edited the text, someone else reacted on the server.
export function seedScenario(): void {
  const local = { ...base, content: 'my edit', edited: true, editedAt: NOW + 10, version: 2, syncStatus: 'pending' as const, optimisticId: 'tmp1' };
  const server = { ...base, reactions: { '🐟': ['ford'] } };
  const { resolved, strategy } = resolve(local, server);
  ensureEq(strategy, 'merge', 'my edit (version 2) against a server reaction (version 1): the strategy');
  eqPlain(
    resolved,
    { ...base, content: 'my edit', edited: true, editedAt: NOW + 10, version: 2, reactions: { '🐟': ['ford'] }, syncStatus: 'pending', optimisticId: 'tmp1' },
    'the resolved message (my text, their reaction, the higher version, my optimistic id)',
  );
}

export function newerVersionWins(): void {
  const local = { ...base, content: 'local v3', edited: true, editedAt: NOW + 10, version: 3 };
  const server = { ...base, content: 'server v2', edited: true, editedAt: NOW + 99, version: 2 };
  const a = resolve(local, server);
  ensureEq([a.resolved.content, a.resolved.editedAt, a.resolved.version, a.strategy], ['local v3', NOW + 10, 3, 'local'], 'local version 3 (edited earlier) against server version 2, as [content, editedAt, version, strategy]');
  const b = resolve({ ...local, version: 1 }, server);
  ensureEq([b.resolved.content, b.resolved.editedAt, b.resolved.version, b.strategy], ['server v2', NOW + 99, 2, 'server'], 'local version 1 against server version 2, as [content, editedAt, version, strategy]');
}

export function editTimeBreaksTies(): void {
  const local = { ...base, content: 'local', edited: true, editedAt: NOW + 20, version: 2 };
  const server = { ...base, content: 'server', edited: true, editedAt: NOW + 10, version: 2 };
  ensureEq(resolve(local, server).resolved.content, 'local', 'equal versions, the local edit later: the content');
  ensureEq(resolve({ ...local, editedAt: NOW + 5 }, server).resolved.content, 'server', 'equal versions, the server edit later: the content');
  const tie = resolve({ ...local, editedAt: NOW + 10 }, server);
  ensureEq([tie.resolved.content, tie.strategy], ['server', 'server'], 'equal versions and edit times: [content, strategy]');
  const never = resolve({ ...base, content: 'never edited' }, { ...base, content: 'edited', edited: true, editedAt: NOW });
  ensureEq(never.resolved.content, 'edited', 'equal versions, the local copy never edited: the content');
}

export function reactionsUnion(): void {
  const local = { ...base, reactions: { '👍': ['arthur', 'ford'], '🐟': ['zaphod'] } };
  const server = { ...base, reactions: { '👍': ['ford', 'marvin'] } };
  const r = resolve(local, server);
  ensureEq(reactionSets(r.resolved.reactions), { '👍': ['arthur', 'ford', 'marvin'], '🐟': ['zaphod'] }, 'the union of both sides\' reactions');
  ensureEq(r.strategy, 'merge', 'reactions from both sides: the strategy');
  ensureEq(resolve({ ...base, reactions: { '👍': ['ford'] } }, server).strategy, 'server', 'local reactions all on the server too: the strategy');
  ensureEq(resolve(local, { ...base, reactions: { '👍': ['ford'] } }).strategy, 'local', 'server reactions all in the local copy: the strategy');
  // An emoji nobody is left on is no reaction.
  const empty = resolve({ ...base, reactions: { '🐟': ['zaphod'] } }, { ...base, reactions: { '👍': [], '🐟': ['zaphod'] } });
  ensureEq([empty.strategy, Object.keys(empty.resolved.reactions)], ['server', ['🐟']], 'a server copy with an empty list for 👍 against the same reactions, as [strategy, emojis]');
}

export function resolutionIdsAndStatus(): void {
  const server = { ...base, content: 'server', optimisticId: 'srv-tmp' };
  const local = { ...base, content: 'local', version: 2, optimisticId: 'tmp1', syncStatus: 'pending' as const };
  const won = resolve(local, server);
  ensureEq([won.resolved.optimisticId, won.resolved.syncStatus], ['srv-tmp', 'pending'], 'a local win against a server copy with its own optimisticId, as [optimisticId, syncStatus]');
  const lost = resolve({ ...local, version: 1 }, { ...server, version: 2 });
  ensureEq([lost.strategy, lost.resolved.syncStatus], ['server', 'synced'], 'a server win as [strategy, syncStatus]');
  const { optimisticId: _, ...bare } = server;
  ensureEq(resolve(local, bare).resolved.optimisticId, 'tmp1', 'a server copy without an optimisticId: the resolved optimisticId');
  ensureEq(resolve({ ...base, content: 'a' }, { ...base, content: 'b' }).resolved.content, 'b', 'two unedited copies of version 1: the content');
}

export function confirmResolves(): void {
  let s = send(galaxy(), draft('general', 'arthur', 'Hello'), 'tmp1', NOW + 9000);
  s = edit(s, 'tmp1', 'Hello there', NOW + 9001);
  // The server has the first text and a reaction; ours is version 2.
  const server = message('s1', 'general', 'arthur', NOW + 9100, { content: 'Hello', reactions: { '👍': ['ford'] } });
  s = confirm(s, 'tmp1', server);
  const s1 = msg(s, 's1', 'after the confirmation');
  ensureEq([s1.content, s1.version, s1.syncStatus, reactionSets(s1.reactions)], ['Hello there', 2, 'pending', { '👍': ['ford'] }], 'a confirmation merging our edit with their reaction, as [content, version, status, reactions]');
  ensureEq(s.conflictResolution.s1?.strategy, 'merge', 'conflictResolution.s1.strategy');
  const pending = s.messagesPendingSync.s1;
  ensureEq(pending?.type, 'edit', 'the merged message stays pending: messagesPendingSync.s1.type');
  if (pending?.type === 'edit') eqPlain(pending.previous, { ...server, syncStatus: 'synced' }, 'messagesPendingSync.s1.previous (the server copy)');
  invariants(s, 'a confirmation with a conflict');
  // The server tidied the text: same version, no edit times, so its copy wins, and the conflict is recorded.
  const tidy = send(galaxy(), draft('general', 'arthur', 'hello  world'), 'tmp1', NOW + 9000);
  const t = confirm(tidy, 'tmp1', message('s1', 'general', 'arthur', NOW + 9000, { content: 'hello world' }));
  ensureEq(
    [msg(t, 's1', 'after the confirmation').content, t.conflictResolution.s1?.strategy, Object.keys(t.messagesPendingSync)],
    ['hello world', 'server', []],
    'a confirmation whose server copy has other text (no edits on either side), as [content, conflict strategy, pending ids]',
  );
}

export function syncResolvesPendingEdits(): void {
  let s = edit(galaxy(), 'g2', 'my text', NOW + 10);
  const theirs = message('g2', 'general', 'ford', NOW + 1000, { content: 'their text', edited: true, editedAt: NOW + 50, version: 3 });
  s = sync(s, batch({ messages: [theirs, message('g4', 'general', 'ford', NOW + 3000, { content: 'g4 v2', version: 2, parentMessageId: 'g1' })] }), 'a sync with a newer g2 and a new version of g4');
  eqPlain(msg(s, 'g2', 'after the sync'), { ...theirs, syncStatus: 'synced' }, 'g2 after their version 3 met my pending version 2');
  ensureEq(s.conflictResolution.g2?.strategy, 'server', 'conflictResolution.g2.strategy');
  ensureEq(Object.hasOwn(s.messagesPendingSync, 'g2'), false, 'g2 has an entry in messagesPendingSync after a server win');
  ensureEq(msg(s, 'g4', 'after the sync').content, 'g4 v2', 'g4 (no pending change) after a sync with its version 2: content');
  const stale = sync(s, batch({ messages: [message('g4', 'general', 'ford', NOW + 3000, { content: 'old', parentMessageId: 'g1' })] }), 'a sync with g4 version 1');
  ensureEq(msg(stale, 'g4', 'after a stale sync').content, 'g4 v2', 'g4 at version 2 after a sync with version 1 (stale): content');
  invariants(s, 'a sync resolving a pending edit');
}

export function syncConfirmsEcho(): void {
  let s = send(galaxy(), draft('general', 'arthur', 'Hello'), 'tmp1', NOW + 9000);
  s = sync(s, batch({ messages: [message('s1', 'general', 'arthur', NOW + 9050, { content: 'Hello', optimisticId: 'tmp1' })] }), 'a sync echoing tmp1 as s1');
  gone(s, 'tmp1', 'the echo of tmp1');
  ensureEq(order(s, 'general'), ['g1', 'g2', 'g3', 'g4', 's1'], 'after the echo: channelMessages.general (one copy)');
  ensureEq([msg(s, 's1', 'after the echo').syncStatus, Object.keys(s.messagesPendingSync)], ['synced', []], 'after the echo as [status of s1, pending ids]');
}

export function syncEchoOfFailedSend(): void {
  let s = send(galaxy(), draft('general', 'arthur', 'Hello'), 'tmp1', NOW + 9000);
  s = failSync(s, 'tmp1');
  s = edit(s, 'g2', 'edited', NOW + 10);
  const g2 = { ...(s.messages.g2 as Message), syncStatus: 'synced' as const };
  s = sync(s, batch({ messages: [message('s1', 'general', 'arthur', NOW + 9000, { content: 'Hello', optimisticId: 'tmp1' }), g2] }), 'a sync echoing the failed send and acknowledging the edit of g2');
  gone(s, 'tmp1', 'the echo of the failed send');
  ensureEq([Object.keys(s.messagesPendingSync), Object.keys(s.conflictResolution)], [[], []], 'after the sync as [pending ids, conflict ids]');
  ensureEq(msg(s, 'g2', 'after the sync').syncStatus, 'synced', 'g2 acknowledged: syncStatus');
}

export function syncVersionsAndPlaces(): void {
  const s = galaxy();
  const moved = sync(s, batch({ messages: [message('g2', 'general', 'ford', NOW + 9999, { content: 'moved' })] }), 'a sync moving g2 (same version) to NOW + 9999');
  ensureEq(order(moved, 'general'), ['g1', 'g3', 'g4', 'g2'], 'after moving g2: channelMessages.general');
  ensureEq(msg(moved, 'g2', 'after the sync').content, 'moved', 'a synced copy of the same version replaces the local one: content');
  const added = sync(s, batch({ messages: [message('n1', 'general', 'zaphod', NOW + 1500)] }), 'a sync adding n1');
  ensureEq(order(added, 'general'), ['g1', 'g2', 'n1', 'g3', 'g4'], 'after adding n1 at NOW + 1500: channelMessages.general');
  const v2 = sync(s, batch({ messages: [message('g2', 'general', 'ford', NOW + 1000, { version: 2, content: 'v2' })] }), 'g2 version 2');
  const stale = sync(v2, batch({ messages: [message('g2', 'general', 'ford', NOW + 50, { version: 1, content: 'v1' })] }), 'g2 version 1 after version 2');
  ensureEq([msg(stale, 'g2', 'after a stale copy').content, order(stale, 'general')], ['v2', ['g1', 'g2', 'g3', 'g4']], 'a stale copy of g2 changes nothing: [content, order]');
  invariants(moved, 'moving g2');
}

export function syncChannelUpdatesAndTimes(): void {
  let s = galaxy();
  s = sync(s, batch({ channelUpdates: [{ id: 'heart', name: undefined, topic: 'gold' }], syncedAt: NOW + 500 }), 'a sync changing the topic of heart (name: undefined)');
  ensureEq(s.channels.heart, { id: 'heart', name: '#heart', topic: 'gold', createdAt: (galaxy().channels.heart as L.NormalizedChannel).createdAt }, 'channels.heart after a partial update of its topic');
  ensureEq(s.lastSyncTimestamp, { heart: NOW + 500 }, 'lastSyncTimestamp after a batch touching heart');
  s = sync(s, batch({ messages: [message('h1', 'heart', 'trillian', NOW)], syncedAt: NOW + 400 }), 'an older batch adding h1 to heart');
  s = sync(s, batch({ messages: [message('g5', 'general', 'ford', NOW + 5000)], syncedAt: NOW + 600 }), 'a batch adding g5 to general');
  ensureEq(s.lastSyncTimestamp, { heart: NOW + 500, general: NOW + 600 }, 'lastSyncTimestamp after an older batch on heart and a message batch on general');
  s = sync(s, batch({ deletedMessages: ['g2'], syncedAt: NOW + 700 }), 'a batch deleting g2');
  ensureEq(s.lastSyncTimestamp, { heart: NOW + 500, general: NOW + 700 }, 'lastSyncTimestamp after a deletion in general');
  refusesWith(
    () => L.applySyncUpdates(s, batch({ messages: [message('ok', 'general', 'ford', NOW)], channelUpdates: [{ id: 'nowhere', name: 'x' }] })),
    'unknown-channel',
    'nowhere',
    'a batch updating an unknown channel',
  );
  refusesWith(() => L.applySyncUpdates(s, batch({ messages: [message('x', 'general', 'nobody', NOW)] })), 'unknown-user', 'nobody', 'a batch with a message by an unknown author');
  refusesWith(() => L.applySyncUpdates(s, batch({ messages: [message('x', 'nowhere', 'ford', NOW)] })), 'unknown-channel', 'nowhere', 'a batch with a message in an unknown channel');
}

export function syncEmptyBatches(): void {
  const s = galaxy();
  const empty = sync(s, batch({}), 'an empty batch');
  ensureEq(empty.lastSyncTimestamp, {}, 'lastSyncTimestamp after an empty batch');
  const unknown = sync(s, batch({ deletedMessages: ['nope'] }), 'a batch deleting an unknown id');
  ensureEq([unknown.lastSyncTimestamp, Object.keys(unknown.messages).length], [{}, 4], 'a batch deleting only an unknown id, as [lastSyncTimestamp, message count]');
  ensureSame(unknown.messages, s.messages, 'the messages table after a batch that deleted nothing');
  ensureEq(plain(empty.messages.g1), plain(s.messages.g1), 'g1 after an empty batch');
  const both = sync(s, batch({ deletedMessages: ['nope', 'g2'] }), 'a batch deleting an unknown id, then g2');
  ensureEq(Object.keys(both.messages).sort(), ['g1', 'g3', 'g4'], 'after a batch deleting "nope" (unknown) and g2: the message ids');
}
