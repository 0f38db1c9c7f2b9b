// Your own tests: `npm test` in this folder runs them (node's test runner).
// They are yours to change and extend; `workshop check` runs the hidden checks.
// To add a test file, list it in the "test" script of package.json.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { addComment, commentId, postId, selectPostComments, userId, type BlogState } from '../src/index.ts';

// The workshop's own validation scenario, as the original wrote it (with ids
// made by postId(), userId() and commentId(), so it keeps compiling once your
// ids are branded).
test('a comment can be added and read back', () => {
  const post1 = postId('post1');
  const user1 = userId('user1');
  const initialState: BlogState = {
    posts: {
      [post1]: { id: post1, title: 'Redux Basics', content: '...', authorId: user1, createdAt: '2024-01-01', updatedAt: '2024-01-01' },
    },
    users: {
      [user1]: { id: user1, name: 'Alice', email: 'alice@example.com' },
    },
    comments: {},
    postComments: { [post1]: [] },
    userPosts: { [user1]: [post1] },
  };

  const newComment = { id: commentId('comment1'), content: 'Great post!', authorId: user1, postId: post1 };
  const updatedState = addComment(initialState, newComment);
  const postComments = selectPostComments(post1)(updatedState);

  assert.deepEqual(postComments, [newComment]);
  // The state you started from never saw the comment.
  assert.deepEqual(selectPostComments(post1)(initialState), []);
});

// Next: a test of your own. What should selectPostComments return for a post
// nobody has commented on? For a post that does not exist?
