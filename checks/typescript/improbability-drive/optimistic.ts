// Optimistic Updates: sends, edits, failures, rollbacks and confirmations.

import { ensure, ensureEq, ensureSame, show } from '../harness';
import {
  NOW,
  chat,
  channel,
  channelView,
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
  okChat,
  order,
  plain,
  refusesWith,
  rollback,
  send,
  someView,
  thread,
  user,
  type Message,
  type State,
} from './data';
import * as L from './learner';

const lastActivity = (s: State) => someView(channelView(s, 'general', 'ford'), 'the view of general').lastActivity;

export function sendAppearsPending(): void {
  const before = galaxy();
  // Sent with a clock behind the server's: it lands before g2.
  const s = send(before, draft('general', 'arthur', 'Hello'), 'tmp1', NOW + 500);
  eqPlain(
    msg(s, 'tmp1', 'after the send'),
    { id: 'tmp1', content: 'Hello', authorId: 'arthur', channelId: 'general', timestamp: NOW + 500, reactions: {}, syncStatus: 'pending', optimisticId: 'tmp1', version: 1 },
    'the sent message in messages',
  );
  ensureEq(order(s, 'general'), ['g1', 'tmp1', 'g2', 'g3', 'g4'], 'a send at NOW + 500 in general: channelMessages.general');
  ensureEq(s.messagesPendingSync.tmp1, { type: 'send' }, 'messagesPendingSync.tmp1 after the send');
  ensureEq(before.messages.tmp1, undefined, 'the state given to the send');
  const later = send(s, draft('general', 'ford', 'Later'), 'tmp2', NOW + 9000);
  ensureEq(lastActivity(later), NOW + 9000, 'after a send at NOW + 9000: the last activity of general');
  refusesWith(() => L.sendMessageOptimistically(s, draft('general', 'ford', 'x'), 'g2', NOW), 'duplicate-message', 'g2', 'a send under the taken id g2');
  invariants(later, 'two sends');
}

export function seedSendRollback(): void {
  let s = chat({ channels: [channel('channel1')], users: [user('user1')], members: [['channel1', 'user1']] });
  s = send(s, draft('channel1', 'user1', 'Hello world!'), 'optimistic_1', NOW);
  const messages = L.selectChannelMessages('channel1')(s);
  ensureEq(messages.length, 1, 'after sending "Hello world!": selectChannelMessages("channel1") length');
  ensureEq(messages[0]?.syncStatus, 'pending', 'the sent message syncStatus');
  ensureEq(channelView(s, 'channel1', 'user1')?.lastActivity, NOW, 'after the send: the last activity of channel1 (its one message)');
  const optimisticId = messages[0]?.optimisticId as string;
  ensureEq(optimisticId, 'optimistic_1', 'the sent message optimisticId');
  s = rollback(s, optimisticId);
  ensureEq(L.selectChannelMessages('channel1')(s), [], 'after the rollback: selectChannelMessages("channel1")');
  ensureEq(channelView(s, 'channel1', 'user1')?.lastActivity, s.channels.channel1?.createdAt, 'after the rollback: the last activity of channel1 (its creation)');
}

export function rollbackRemovesEverywhere(): void {
  let s = galaxy();
  s = send(s, draft('general', 'zaphod', 'Last word'), 'tmp1', NOW + 9000);
  s = send(s, draft('general', 'ford', 'reply to the pending one', 'tmp1'), 'tmp2', NOW + 9500);
  s = okChat(() => L.markRead(s, 'tmp1', 'arthur', NOW + 9600), 'markRead(state, "tmp1", "arthur", ...)');
  s = rollback(s, 'tmp1');
  gone(s, 'tmp1', 'rolling back the send tmp1');
  ensureEq(msg(s, 'tmp2', 'after rolling back its parent').parentMessageId, undefined, 'the reply tmp2 after its parent tmp1 was rolled back: parentMessageId');
  ensureEq(order(s, 'general'), ['g1', 'g2', 'g3', 'g4', 'tmp2'], 'after rolling back tmp1: channelMessages.general');
  s = rollback(s, 'tmp2');
  ensureEq(lastActivity(s), NOW + 3000, 'after rolling back both sends: the last activity of general (g4)');
  invariants(s, 'two rollbacks');
  refusesWith(() => L.rollbackOptimisticMessage(s, 'tmp1'), 'unknown-message', 'tmp1', 'rolling back tmp1 a second time');
  refusesWith(() => L.rollbackOptimisticMessage(s, 'g1'), 'not-pending', 'g1', 'rolling back g1, which has no pending change');
}

export function rollbackRestoresEdit(): void {
  const base = galaxy();
  const original = msg(base, 'g2', 'in the galaxy');
  let s = edit(base, 'g2', 'first edit', NOW + 10);
  eqPlain(msg(s, 'g2', 'after the edit'), { ...original, content: 'first edit', edited: true, editedAt: NOW + 10, version: 2, syncStatus: 'pending' }, 'g2 after an edit');
  ensureEq(s.messagesPendingSync.g2?.type, 'edit', 'messagesPendingSync.g2.type after the edit');
  s = edit(s, 'g2', 'second edit', NOW + 20);
  ensureEq([msg(s, 'g2', 'after two edits').content, s.messages.g2?.version], ['second edit', 3], 'g2 after two edits as [content, version]');
  s = rollback(s, 'g2');
  eqPlain(msg(s, 'g2', 'after the rollback'), original, 'g2 after rolling back two edits (the message before the first)');
  ensureEq(Object.hasOwn(s.messagesPendingSync, 'g2'), false, 'after the rollback, g2 has an entry in messagesPendingSync');
  invariants(s, 'edits and their rollback');
  // A message edited before keeps its edit time through a new edit's rollback.
  const once = chat({ channels: [channel('c')], users: [user('ford')], messages: [message('m', 'c', 'ford', NOW, { content: 'v2', edited: true, editedAt: NOW + 5, version: 2 })] });
  const back = rollback(edit(once, 'm', 'v3', NOW + 50), 'm');
  ensureEq(plain(back.messages.m), plain(once.messages.m), 'a message edited once, edited again and rolled back');
}

export function confirmReplacesId(): void {
  let s = galaxy();
  s = send(s, draft('general', 'arthur', 'Hello'), 'tmp1', NOW + 500);
  s = send(s, draft('general', 'ford', 'a reply', 'tmp1'), 'tmp2', NOW + 600);
  s = okChat(() => L.markRead(s, 'tmp1', 'zaphod', NOW + 700), 'markRead(state, "tmp1", "zaphod", ...)');
  const server = message('s1', 'general', 'arthur', NOW + 5000, { content: 'Hello' });
  s = confirm(s, 'tmp1', server);
  gone(s, 'tmp1', 'confirming tmp1 as s1');
  eqPlain(msg(s, 's1', 'after the confirmation'), { ...server, optimisticId: 'tmp1' }, 'the confirmed message s1');
  ensureEq(order(s, 'general'), ['g1', 'tmp2', 'g2', 'g3', 'g4', 's1'], 'after confirming tmp1 as s1 at NOW + 5000: channelMessages.general');
  ensureEq(thread(s, 's1'), ['tmp2'], 'messageThread.s1 (tmp2 replied to tmp1)');
  ensureEq(msg(s, 'tmp2', 'after the confirmation').parentMessageId, 's1', 'the parentMessageId of the reply tmp2');
  ensureEq(s.readReceipts.s1?.map((r) => r.userId), ['zaphod'], 'readReceipts.s1 (zaphod read tmp1)');
  ensureEq(Object.keys(s.messagesPendingSync), ['tmp2'], 'the keys of messagesPendingSync after the confirmation');
  invariants(s, 'the confirmation');
  // A merged edit keeps its conflict record; confirmed under a new id, the record follows it.
  let c = edit(galaxy(), 'g2', 'mine', NOW + 10);
  c = confirm(c, 'g2', message('g2', 'general', 'ford', NOW + 1000, { reactions: { '👍': ['arthur'] } }));
  c = confirm(c, 'g2', { ...(c.messages.g2 as Message), id: 'g2b', syncStatus: 'synced' });
  gone(c, 'g2', 'confirming the pending edit of g2 under the new id g2b');
  ensureEq(c.conflictResolution.g2b?.strategy, 'merge', 'conflictResolution.g2b (the record of g2, moved with it)');
  refusesWith(() => L.confirmOptimisticMessage(s, 'tmp9', server), 'unknown-message', 'tmp9', 'confirming an unknown id');
  refusesWith(() => L.confirmOptimisticMessage(s, 's1', server), 'not-pending', 's1', 'confirming s1 again');
  refusesWith(() => L.confirmOptimisticMessage(s, 'tmp2', message('g2', 'general', 'ford', NOW)), 'duplicate-message', 'g2', 'confirming tmp2 under the taken id g2');
}

export function failedSendCanRetry(): void {
  let s = send(galaxy(), draft('general', 'arthur', 'Hello'), 'tmp1', NOW + 9000);
  s = failSync(s, 'tmp1');
  ensureEq(msg(s, 'tmp1', 'after the failure').syncStatus, 'failed', 'tmp1 after markSyncFailed: syncStatus');
  ensure(Object.hasOwn(s.messagesPendingSync, 'tmp1'), 'a failed send must stay in messagesPendingSync, to be retried or rolled back');
  const t = someView(L.makeSelectMessageThread()(s, 'tmp1'), 'the thread view of the failed send');
  ensureEq(t.parent.pending, true, 'the thread view of a failed send: pending');
  const retried = confirm(s, 'tmp1', message('s1', 'general', 'arthur', NOW + 9100, { content: 'Hello' }));
  ensureEq([msg(retried, 's1', 'after the retry').syncStatus, Object.keys(retried.messagesPendingSync)], ['synced', []], 'after a successful retry as [status of s1, pending ids]');
  gone(rollback(s, 'tmp1'), 'tmp1', 'rolling back the failed send');
  refusesWith(() => L.markSyncFailed(s, 'g1'), 'not-pending', 'g1', 'markSyncFailed on g1, which has no pending change');
}

export function equalTimestamps(): void {
  let s = galaxy();
  // g2 is at NOW + 1000: "g10" sorts before "g2", "h" after it.
  s = send(s, draft('general', 'arthur', 'x'), 'h', NOW + 1000);
  s = send(s, draft('general', 'arthur', 'y'), 'g10', NOW + 1000);
  ensureEq(order(s, 'general'), ['g1', 'g10', 'g2', 'h', 'g3', 'g4'], 'two sends at g2\'s timestamp: channelMessages.general');
  s = send(s, draft('general', 'ford', 'z', 'g1'), 'g35', NOW + 2000);
  ensureEq(thread(s, 'g1'), ['g3', 'g35', 'g4'], 'a reply at g3\'s timestamp: messageThread.g1');
  s = confirm(s, 'h', message('a0', 'general', 'arthur', NOW, { content: 'x' }));
  ensureEq(order(s, 'general'), ['a0', 'g1', 'g10', 'g2', 'g3', 'g35', 'g4'], 'h confirmed as a0 at g1\'s timestamp: channelMessages.general');
  invariants(s, 'sends at equal timestamps');
}

export function editStatusAndRollbackPlace(): void {
  let s = edit(galaxy(), 'g2', 'edited', NOW + 10);
  s = failSync(s, 'g2');
  s = edit(s, 'g2', 'edited again', NOW + 20);
  ensureEq(msg(s, 'g2', 'after editing a failed message').syncStatus, 'pending', 'editing a failed message: its syncStatus');
  let sent = send(galaxy(), draft('general', 'arthur', 'draft'), 'tmp1', NOW + 9000);
  sent = edit(sent, 'tmp1', 'better', NOW + 9001);
  ensureEq(sent.messagesPendingSync.tmp1, { type: 'send' }, 'an edit of a pending send: messagesPendingSync.tmp1 stays a send');
  gone(rollback(sent, 'tmp1'), 'tmp1', 'rolling back an edited pending send');
  // The parent of g3 is deleted while g3 has a pending edit: g3 stays top-level.
  let t = edit(galaxy(), 'g3', 'edited reply', NOW + 10);
  t = okChat(() => L.applySyncUpdates(t, { messages: [], deletedMessages: ['g1'], channelUpdates: [], syncedAt: NOW + 20 }), 'applySyncUpdates deleting g1');
  t = rollback(t, 'g3');
  const g3 = msg(t, 'g3', 'after the rollback');
  ensureEq([g3.content, g3.parentMessageId, g3.version], ['g3 by zaphod', undefined, 1], 'g3 rolled back after its parent was deleted, as [content, parentMessageId, version]');
  invariants(t, 'rolling back an edit whose parent was deleted');
}

export function confirmChecksTheCopy(): void {
  const s = send(galaxy(), draft('general', 'arthur', 'Hello', 'g1'), 'tmp1', NOW + 9000);
  const copy = (extra: Partial<Message>) => message('s1', 'general', 'arthur', NOW + 9000, { content: 'Hello', parentMessageId: 'g1', ...extra });
  refusesWith(() => L.confirmOptimisticMessage(s, 'tmp1', copy({ channelId: 'nowhere' })), 'unknown-channel', 'nowhere', 'a server copy in an unknown channel');
  refusesWith(() => L.confirmOptimisticMessage(s, 'tmp1', copy({ authorId: 'nobody' })), 'unknown-user', 'nobody', 'a server copy by an unknown author');
  refusesWith(() => L.confirmOptimisticMessage(s, 'tmp1', copy({ parentMessageId: 'g4' })), 'bad-parent', 'g4', 'a server copy replying to g4, itself a reply');
  const start = galaxy();
  const top = send(start, draft('general', 'arthur', 'Hello'), 'tmp2', NOW + 9000);
  refusesWith(
    () => L.confirmOptimisticMessage(top, 'tmp2', message('s2', 'general', 'arthur', NOW + 9000, { content: 'Hello', parentMessageId: 'tmp2' })),
    'bad-parent',
    'tmp2',
    'a server copy of tmp2 replying to tmp2 (itself)',
  );
  let e = edit(start, 'g2', 'new text', NOW + 10);
  const ack = { ...(e.messages.g2 as Message), syncStatus: 'synced' as const };
  e = confirm(e, 'g2', ack);
  ensureEq(
    [msg(e, 'g2', 'after acknowledging the edit').syncStatus, Object.keys(e.messagesPendingSync), Object.keys(e.conflictResolution)],
    ['synced', [], []],
    'an edit confirmed with an identical copy, as [status, pending ids, conflict ids]',
  );
  ensure(e.messages.g2?.content === 'new text', `the acknowledged edit's content: ${show(e.messages.g2?.content)}`);
  ensureSame(e.channels, start.channels, 'the channels table after the confirmation (nothing about channels changed)');
}
