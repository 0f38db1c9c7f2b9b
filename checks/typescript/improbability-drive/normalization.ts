// Advanced Normalization: membership both ways, typing and receipts, the
// deletion policy, the thread view, one-level threads.

import { ensure, ensureEq, show } from '../harness';
import {
  NOW,
  batch,
  chat,
  channel,
  channelView,
  draft,
  galaxy,
  gone,
  invariants,
  message,
  msg,
  okChat,
  order,
  q,
  refusesWith,
  send,
  someView,
  sync,
  user,
  type State,
} from './data';
import * as L from './learner';

const join = (s: State, c: string, u: string) => okChat(() => L.joinChannel(s, c, u), `joinChannel(state, ${q(c)}, ${q(u)})`);
const leave = (s: State, c: string, u: string) => okChat(() => L.leaveChannel(s, c, u), `leaveChannel(state, ${q(c)}, ${q(u)})`);
const typing = (s: State, c: string, u: string) => okChat(() => L.startTyping(s, c, u), `startTyping(state, ${q(c)}, ${q(u)})`);
const read = (s: State, m: string, u: string, at: number) => okChat(() => L.markRead(s, m, u, at), `markRead(state, ${q(m)}, ${q(u)}, ${at})`);

function typingIds(s: State, c: string, viewer: string): string[] {
  return someView(channelView(s, c, viewer), `the view of ${q(c)}`).typingUsers.map((u) => u.id);
}

export function membershipBothWays(): void {
  let s = galaxy();
  s = join(s, 'heart', 'arthur');
  ensureEq(s.channelMembers.heart, ['trillian', 'marvin', 'arthur'], 'after arthur joins heart, channelMembers.heart');
  ensureEq(s.userChannels.arthur, ['general', 'heart'], 'after arthur joins heart, userChannels.arthur');
  const again = okChat(() => L.joinChannel(s, 'heart', 'arthur'), 'joinChannel(state, "heart", "arthur") a second time');
  ensureEq(again.channelMembers.heart, ['trillian', 'marvin', 'arthur'], 'after arthur joins heart twice, channelMembers.heart');
  s = typing(s, 'heart', 'arthur');
  s = leave(s, 'heart', 'arthur');
  ensureEq(s.channelMembers.heart, ['trillian', 'marvin'], 'after arthur leaves heart, channelMembers.heart');
  ensureEq(s.userChannels.arthur, ['general'], 'after arthur leaves heart, userChannels.arthur');
  ensureEq(typingIds(s, 'heart', 'marvin'), [], 'arthur was typing in heart, then left it: who is typing there');
  const notIn = okChat(() => L.leaveChannel(s, 'heart', 'arthur'), 'leaveChannel(state, "heart", "arthur") when arthur is not in it');
  ensureEq(notIn.channelMembers.heart, ['trillian', 'marvin'], 'after leaving a channel one is not in, channelMembers.heart');
  refusesWith(() => L.joinChannel(s, 'nowhere', 'arthur'), 'unknown-channel', 'nowhere', 'joinChannel(state, "nowhere", "arthur")');
  refusesWith(() => L.joinChannel(s, 'heart', 'nobody'), 'unknown-user', 'nobody', 'joinChannel(state, "heart", "nobody")');
  refusesWith(() => L.leaveChannel(s, 'heart', 'nobody'), 'unknown-user', 'nobody', 'leaveChannel(state, "heart", "nobody")');
  refusesWith(() => L.leaveChannel(s, 'nowhere', 'arthur'), 'unknown-channel', 'nowhere', 'leaveChannel(state, "nowhere", "arthur")');
  invariants(s, 'joins and leaves');
}

export function typingAndReceipts(): void {
  let s = galaxy();
  s = typing(s, 'general', 'zaphod');
  s = typing(s, 'general', 'arthur');
  s = typing(s, 'general', 'zaphod');
  ensureEq(typingIds(s, 'general', 'ford'), ['zaphod', 'arthur'], 'zaphod then arthur start typing in general (zaphod twice): who is typing, seen by ford');
  s = okChat(() => L.stopTyping(s, 'general', 'zaphod'), 'stopTyping(state, "general", "zaphod")');
  ensureEq(typingIds(s, 'general', 'ford'), ['arthur'], 'after zaphod stops typing: who is typing');
  s = typing(s, 'heart', 'arthur');
  s = send(s, draft('general', 'arthur', 'Hi'), 'tmp1', NOW + 10_000);
  ensureEq(typingIds(s, 'general', 'ford'), [], 'arthur typed in general and heart, then sent a message in general: who is typing in general');
  ensureEq(typingIds(s, 'heart', 'marvin'), ['arthur'], 'arthur typed in general and heart, then sent a message in general: who is typing in heart');

  s = read(s, 'g2', 'zaphod', NOW + 5);
  s = read(s, 'g2', 'arthur', NOW + 6);
  s = read(s, 'g2', 'zaphod', NOW + 7);
  ensureEq(s.readReceipts.g2?.map((r) => r.userId), ['zaphod', 'arthur'], 'zaphod, arthur, then zaphod again read g2: readReceipts.g2 by user');
  ensureEq(s.readReceipts.g2?.[0]?.readAt, NOW + 5, "zaphod's first read of g2 is the one kept: its readAt");
  refusesWith(() => L.markRead(s, 'nope', 'arthur', NOW), 'unknown-message', 'nope', 'markRead(state, "nope", "arthur", now)');
  refusesWith(() => L.markRead(s, 'g2', 'nobody', NOW), 'unknown-user', 'nobody', 'markRead(state, "g2", "nobody", now)');
  refusesWith(() => L.startTyping(s, 'nowhere', 'arthur'), 'unknown-channel', 'nowhere', 'startTyping(state, "nowhere", "arthur")');
  invariants(s, 'typing and reading');
}

export function presenceAndUnknownIds(): void {
  let s = galaxy();
  const online = (st: State) => someView(channelView(st, 'general', 'arthur'), 'the view of general').onlineMemberCount;
  ensureEq(online(s), 1, 'general has arthur, ford (online) and zaphod: the online member count');
  s = okChat(() => L.setPresence(s, 'zaphod', 'online'), 'setPresence(state, "zaphod", "online")');
  ensureEq(online(s), 2, 'after zaphod comes online: the online member count of general');
  s = okChat(() => L.setPresence(s, 'ford', 'away'), 'setPresence(state, "ford", "away")');
  ensureEq(online(s), 1, 'after ford goes away: the online member count of general');
  s = okChat(() => L.setPresence(s, 'trillian', 'offline'), 'setPresence(state, "trillian", "offline")');
  ensureEq(online(s), 1, 'trillian (not a member of general) going offline: the online member count of general');
  refusesWith(() => L.setPresence(s, 'nobody', 'online'), 'unknown-user', 'nobody', 'setPresence(state, "nobody", "online")');
  refusesWith(() => L.stopTyping(s, 'nowhere', 'arthur'), 'unknown-channel', 'nowhere', 'stopTyping(state, "nowhere", "arthur")');
  refusesWith(() => L.startTyping(s, 'general', 'nobody'), 'unknown-user', 'nobody', 'startTyping(state, "general", "nobody")');
  refusesWith(() => L.stopTyping(s, 'general', 'nobody'), 'unknown-user', 'nobody', 'stopTyping(state, "general", "nobody")');
  refusesWith(() => L.sendMessageOptimistically(s, draft('general', 'nobody', 'x'), 't', NOW), 'unknown-user', 'nobody', 'a send by an unknown author');
  refusesWith(() => L.sendMessageOptimistically(s, draft('nowhere', 'arthur', 'x'), 't', NOW), 'unknown-channel', 'nowhere', 'a send to an unknown channel');
}

export function emptyAndUnknown(): void {
  const s = chat({ channels: [channel('quiet', NOW - 5)], users: [user('arthur')] });
  ensureEq(L.selectChannelMessages('quiet')(s), [], 'selectChannelMessages("quiet") of a channel with no entry in channelMessages');
  ensureEq(L.selectChannelMessages('nowhere')(s), [], 'selectChannelMessages("nowhere") of an unknown channel');
  const g = galaxy();
  const ids = (limit: number) => L.selectChannelMessages('general', { limit })(g).map((m) => m.id);
  ensureEq([ids(2), ids(4), ids(9)], [['g3', 'g4'], ['g1', 'g2', 'g3', 'g4'], ['g1', 'g2', 'g3', 'g4']], 'selectChannelMessages("general", { limit }) of its 4 messages, for limits 2, 4 and 9');
  const v = someView(channelView(s, 'quiet', 'arthur'), 'the view of an empty channel');
  ensureEq([v.messages.length, v.unreadCount, v.onlineMemberCount, v.lastActivity], [0, 0, 0, NOW - 5], 'the empty channel view as [messages, unread, online, lastActivity]');
  ensureEq(channelView(s, 'nowhere', 'arthur'), null, 'the view of an unknown channel');
  ensureEq(L.makeSelectMessageThread()(s, 'nope'), null, 'the thread view of an unknown message');
  refusesWith(() => L.sendMessageOptimistically(galaxy(), draft('general', 'arthur', 'me', 't1'), 't1', NOW), 'bad-parent', 't1', 'a send replying to itself');
}

export function deleteKeepsIntegrity(): void {
  let s = galaxy();
  s = read(s, 'g1', 'zaphod', NOW);
  s = sync(s, batch({ deletedMessages: ['g1'] }), 'applySyncUpdates deleting g1 (the parent of g3 and g4, read by ford and zaphod)');
  gone(s, 'g1', 'the server deleted g1');
  ensureEq(order(s, 'general'), ['g2', 'g3', 'g4'], 'after deleting g1, channelMessages.general');
  for (const id of ['g3', 'g4']) ensureEq(msg(s, id, 'after deleting g1').parentMessageId, undefined, `after deleting its parent g1, the parentMessageId of ${id}`);
  invariants(s, 'deleting g1');
  const t = someView(L.makeSelectMessageThread()(s, 'g3'), 'the thread view of g3 after its parent was deleted');
  ensureEq(t.replies.length, 0, 'g3 became top-level: the replies of its thread view');
}

export function threadView(): void {
  let s = galaxy();
  s = read(s, 'g4', 'arthur', NOW + 1);
  s = read(s, 'g4', 'zaphod', NOW + 2);
  s = send(s, draft('general', 'arthur', 'me too', 'g1'), 'tmp-r', NOW + 2500);
  const t = someView(L.makeSelectMessageThread()(s, 'g1'), 'the thread view of g1');
  ensureEq(t.parent.message.id, 'g1', 'the thread view of g1: its parent');
  ensureEq(t.parent.author, s.users.arthur, 'the thread view of g1: the author of its parent');
  ensureEq(t.parent.readBy, ['ford'], 'the thread view of g1: who read the parent');
  ensureEq(
    t.replies.map((r) => [r.message.id, r.author.id, r.readBy, r.pending, r.content]),
    [
      ['g3', 'zaphod', [], false, 'g3 by zaphod'],
      ['tmp-r', 'arthur', [], true, 'me too'],
      ['g4', 'ford', ['arthur', 'zaphod'], false, 'g4 by ford'],
    ],
    'the thread view of g1: replies in time order as [id, author, readBy, pending, content]',
  );
  ensure(L.makeSelectMessageThread()(s, 'g2')?.replies.length === 0, `the thread view of g2 (no replies): expected no replies, got ${show(L.makeSelectMessageThread()(s, 'g2'), 2)}`);
}

export function threadsOneLevel(): void {
  const s = galaxy();
  refusesWith(() => L.sendMessageOptimistically(s, draft('general', 'arthur', 'x', 'g3'), 't', NOW), 'bad-parent', 'g3', 'a reply to g3, itself a reply');
  refusesWith(() => L.sendMessageOptimistically(s, draft('general', 'arthur', 'x', 'ghost'), 't', NOW), 'bad-parent', 'ghost', 'a reply to a missing message');
  const heart = chat({ channels: [channel('general'), channel('heart')], users: [user('arthur')], messages: [message('h1', 'heart', 'arthur', NOW), message('g1', 'general', 'arthur', NOW)] });
  refusesWith(() => L.sendMessageOptimistically(heart, draft('general', 'arthur', 'x', 'h1'), 't', NOW), 'bad-parent', 'h1', 'a reply in general to h1, a message of heart');
  refusesWith(
    () => L.applySyncUpdates(s, batch({ messages: [message('g1', 'general', 'arthur', NOW, { version: 2, parentMessageId: 'g2' })] })),
    'bad-parent',
    'g2',
    'a sync making g1 (which has replies) a reply to g2',
  );
  refusesWith(
    () => L.applySyncUpdates(s, batch({ messages: [message('new', 'general', 'arthur', NOW, { parentMessageId: 'g4' })] })),
    'bad-parent',
    'g4',
    'a sync adding a reply to g4, itself a reply',
  );
  refusesWith(() => L.applySyncUpdates(s, batch({ messages: [message('g2', 'general', 'ford', NOW + 1000, { parentMessageId: 'g2' })] })), 'bad-parent', 'g2', 'a sync making g2 a reply to itself');
  // One reply is enough to stay top-level.
  const one = send(s, draft('general', 'zaphod', 'only reply', 'g2'), 'tmp1', NOW + 5000);
  refusesWith(
    () => L.applySyncUpdates(one, batch({ messages: [message('g2', 'general', 'ford', NOW + 1000, { parentMessageId: 'g1' })] })),
    'bad-parent',
    'g1',
    'a sync making g2 (which has one reply) a reply to g1',
  );
}
