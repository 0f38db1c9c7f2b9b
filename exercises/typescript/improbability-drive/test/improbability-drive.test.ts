// Your own tests: `npm test` in this folder runs them (node's test runner).
// They are yours to change and extend; `workshop check` runs the hidden checks.
// To add a test file, list it in the "test" script of package.json.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { rollbackOptimisticMessage, selectChannelMessages, sendMessageOptimistically, type ChatState } from '../src/index.ts';

// One channel, one user, nothing said yet.
const initialChatState: ChatState = {
  channels: { channel1: { id: 'channel1', name: '#general', topic: '', createdAt: 0 } },
  messages: {},
  users: { user1: { id: 'user1', name: 'Arthur' } },
  typingIndicators: {},
  readReceipts: {},
  userPresence: {},
  channelMessages: {},
  channelMembers: { channel1: ['user1'] },
  userChannels: { user1: ['channel1'] },
  messageThread: {},
  messagesPendingSync: {},
  lastSyncTimestamp: {},
  conflictResolution: {},
};

// The workshop's own validation. The clock and the temporary id are passed
// in, so the test says exactly what happens.
test('optimistic updates with rollback', () => {
  let state = sendMessageOptimistically(initialChatState, { content: 'Hello world!', authorId: 'user1', channelId: 'channel1' }, 'optimistic_1', 1_000);

  // The message appears at once, pending.
  const messages = selectChannelMessages('channel1')(state);
  assert.equal(messages.length, 1);
  assert.equal(messages[0]?.syncStatus, 'pending');

  // The server says no: roll it back, and it is gone.
  const optimisticId = messages[0]?.optimisticId as string;
  state = rollbackOptimisticMessage(state, optimisticId);
  assert.equal(selectChannelMessages('channel1')(state).length, 0);
});

// Next: the seed's conflict. A local edit (version 2) against a server copy
// with a new reaction (version 1): what should resolveMessageConflict keep?
