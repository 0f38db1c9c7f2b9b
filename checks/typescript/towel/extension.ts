// Extension (bonus): join a post with its author when reading, handing out
// the objects stored in the tables rather than copies.

import { deepFreeze, ensureEq, ensureSame, some } from '../harness';
import { INHERITED, blog, okState, pid, post, uid, user } from './data';
import * as L from './learner';

const q = (s: string) => JSON.stringify(s);

// Catches: joining with the wrong user, a join that keeps its own copy of the
// author and misses a rename, and a half-join when the post or its author is
// missing.
export function postWithAuthor(): void {
  let state = blog([user('alice', 'Alice'), user('bob', 'Bob')], [post('p1', 'alice'), post('p2', 'bob')]);
  const joined = some(L.selectPostWithAuthor(pid('p2'))(state), 'selectPostWithAuthor("p2")');
  ensureEq(joined, { post: post('p2', 'bob'), author: user('bob', 'Bob') }, 'selectPostWithAuthor("p2"), bob wrote p2: { post, author }');

  state = okState(() => L.updateUser(state, deepFreeze({ id: uid('bob'), name: 'Robert' })), 'updateUser(state, { id: "bob", name: "Robert" })');
  const renamed = some(L.selectPostWithAuthor(pid('p2'))(state), 'after renaming bob, selectPostWithAuthor("p2")');
  ensureEq(renamed.author.name, 'Robert', 'after renaming bob to Robert, selectPostWithAuthor("p2").author.name');
  ensureEq(renamed.post, post('p2', 'bob'), 'after renaming bob, selectPostWithAuthor("p2").post');

  ensureEq(L.selectPostWithAuthor(pid('p9'))(state), undefined, 'selectPostWithAuthor("p9"), a post that does not exist');
  for (const name of INHERITED) {
    ensureEq(L.selectPostWithAuthor(pid(name))(state), undefined, `selectPostWithAuthor(${q(name)}), a name every object inherits but no post has`);
  }
  // A post whose author is missing from the users table (a state built by hand).
  const orphan = deepFreeze({ ...state, posts: { ...state.posts, [pid('p3')]: post('p3', 'ghost') } });
  ensureEq(L.selectPostWithAuthor(pid('p3'))(orphan), undefined, 'selectPostWithAuthor("p3") when p3\'s author "ghost" is not in state.users');
  const inherited = deepFreeze({ ...state, posts: { ...state.posts, [pid('p4')]: post('p4', 'constructor') } });
  ensureEq(L.selectPostWithAuthor(pid('p4'))(inherited), undefined, 'selectPostWithAuthor("p4") when p4\'s authorId is "constructor", which no user has');
}

// Catches: a join that hands out copies (a cache of joined posts, or spreads)
// instead of the entities in the tables.
export function postWithAuthorBorrows(): void {
  const state = blog([user('alice', 'Alice'), user('bob', 'Bob')], [post('p1', 'alice'), post('p2', 'bob')]);
  const joined = some(L.selectPostWithAuthor(pid('p1'))(state), 'selectPostWithAuthor("p1")');
  ensureSame(joined.post, state.posts[pid('p1')], 'selectPostWithAuthor("p1").post should be the very object in state.posts, not a copy of it');
  ensureSame(joined.author, state.users[uid('alice')], 'selectPostWithAuthor("p1").author should be the very object in state.users, not a copy of it');
}
