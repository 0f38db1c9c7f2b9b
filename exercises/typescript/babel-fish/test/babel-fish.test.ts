// Your own tests: `npm test` in this folder runs them (node's test runner).
// They are yours to change and extend; `workshop check` runs the hidden checks.
// To add a test file, list it in the "test" script of package.json.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeSelectPostWithDetails, type SocialState } from '../src/index.ts';

const NOW = 1_700_000_000_000;

// A tiny store: Alice wrote post1, Bob commented on it and it has 3 likes.
const testState: SocialState = {
  users: {
    user1: { id: 'user1', name: 'Alice' },
    user2: { id: 'user2', name: 'Bob' },
  },
  posts: {
    post1: { id: 'post1', authorId: 'user1', content: "Don't panic", createdAt: NOW, shares: 0 },
  },
  comments: {
    comment1: { id: 'comment1', postId: 'post1', authorId: 'user2', content: 'Mostly harmless' },
  },
  postComments: { post1: ['comment1'] },
  likes: { post1: 3 },
  follows: { user2: ['user1'] },
  userPosts: { user1: ['post1'] },
};

// The workshop's own validation, as the original wrote it.
test('memoization and instance isolation', () => {
  const selector1 = makeSelectPostWithDetails();
  const selector2 = makeSelectPostWithDetails();
  const result1a = selector1(testState, 'post1');
  const result1b = selector1(testState, 'post1'); // should return the same reference
  const result2 = selector2(testState, 'post1'); // another instance, another reference

  assert.equal(result1a, result1b, 'memoization working');
  assert.notEqual(result1a, result2, 'instance isolation working');
  assert.equal(result1a?.engagement, 4);
});

// Next: a test of your own. What should makeSelectUserFeed()(testState, 'user2', NOW)
// hold? And 8 days later?
