// Basic selectors: look entities up by id, and follow the relationship maps
// in the order things were added. Most states here are built by the checks
// (see data.ts), so a broken update never fails a selector check; only the
// seed's own scenario goes through addComment.

import { thousands } from '../gen';
import { compare, deepFreeze, ensure, ensureEq, ensureSame, keep, show, type Measurement } from '../harness';
import { INHERITED, UNUSUAL, blog, cid, cids, comment, idsOf, okState, pid, pids, post, uid, user, type Comment, type State } from './data';
import * as L from './learner';

const q = (s: string) => JSON.stringify(s);

// Catches: a lookup in the wrong table, a copy instead of the stored post, and
// a value other than undefined for a missing post.
export function selectPostFoundOrUndefined(): void {
  const state = blog([user('alice', 'Alice'), user('bob', 'Bob')], [post('p1', 'alice'), post('p2', 'bob'), post('p3', 'alice')]);
  for (const id of ['p1', 'p2', 'p3']) {
    ensureSame(L.selectPost(pid(id))(state), state.posts[pid(id)], `selectPost(${q(id)})(state) on a blog with posts p1, p2, p3 should be the object in state.posts`);
  }
  ensureEq(L.selectPost(pid('p9'))(state), undefined, 'selectPost("p9"), a post that does not exist');
  ensureEq(L.selectPost(pid('alice'))(state), undefined, 'selectPost("alice"): alice is a user, not a post');
}

// Catches: the same mistakes for users.
export function selectUserFoundOrUndefined(): void {
  const state = blog([user('alice', 'Alice'), user('bob', 'Bob'), user('carol', 'Carol')], [post('p1', 'bob')]);
  for (const id of ['alice', 'bob', 'carol']) {
    ensureSame(L.selectUser(uid(id))(state), state.users[uid(id)], `selectUser(${q(id)})(state) on a blog with users alice, bob, carol should be the object in state.users`);
  }
  ensureEq(L.selectUser(uid('zaphod'))(state), undefined, 'selectUser("zaphod"), a user who does not exist');
  ensureEq(L.selectUser(uid('p1'))(state), undefined, 'selectUser("p1"): p1 is a post, not a user');
}

/**
 * pa's comments were added a3, a1, a4, a2, interleaved with pb's; the comments
 * table holds them in another order again (sorted ids), so neither sorting nor
 * scanning the table gives the right answer.
 */
function orderedState(): State {
  const all = ['a1', 'a2', 'a3', 'a4', 'b1', 'b2'].map((id) => comment(id, id.startsWith('a') ? 'pa' : 'pb', id.endsWith('1') ? 'alice' : 'bob'));
  const base = blog([user('alice', 'Alice'), user('bob', 'Bob')], [post('pa', 'alice'), post('pb', 'bob')], all);
  return deepFreeze({ ...base, postComments: { [pid('pa')]: cids(['a3', 'a1', 'a4', 'a2']), [pid('pb')]: cids(['b2', 'b1']) } });
}

// Catches: comment ids kept in a Set or sorted, comments collected from the
// comments table in its own order, and copies instead of the stored comments.
export function postCommentsInOrder(): void {
  const state = orderedState();
  const got = L.selectPostComments(pid('pa'))(state);
  ensureEq(
    idsOf(got),
    ['a3', 'a1', 'a4', 'a2'],
    'state.postComments["pa"] is ["a3", "a1", "a4", "a2"] (the order they were added) and the comments table holds a1..a4 in sorted order; selectPostComments("pa") should follow the list',
  );
  const expected = ['a3', 'a1', 'a4', 'a2'].map((id) => state.comments[cid(id)]);
  ensureEq(got, expected, 'selectPostComments("pa") should return the comments exactly as stored');
  got.forEach((c: Comment, i: number) => ensureSame(c, expected[i], `selectPostComments("pa")[${i}] should be the object in state.comments`));
  ensureEq(idsOf(L.selectPostComments(pid('pb'))(state)), ['b2', 'b1'], 'selectPostComments("pb") with state.postComments["pb"] = ["b2", "b1"]');
}

// Catches: returning every comment, another post's comments, and crashing (or
// answering undefined) for a post whose list is empty, absent, or unknown.
export function postCommentsOnlyThisPost(): void {
  const users = [user('alice', 'Alice'), user('bob', 'Bob')];
  const posts = [post('pa', 'alice'), post('pb', 'bob'), post('pc', 'alice'), post('pd', 'bob')];
  const comments = [comment('c1', 'pa', 'bob'), comment('c2', 'pb', 'alice'), comment('c3', 'pa', 'alice'), comment('c4', 'pb', 'bob')];
  const base = blog(users, posts, comments);
  // pc has an empty list; pd has no entry at all (absent means empty).
  const state = deepFreeze({ ...base, postComments: { [pid('pa')]: cids(['c1', 'c3']), [pid('pb')]: cids(['c2', 'c4']), [pid('pc')]: [] } });

  ensureEq(idsOf(L.selectPostComments(pid('pa'))(state)), ['c1', 'c3'], 'selectPostComments("pa"): only pa\'s comments');
  ensureEq(idsOf(L.selectPostComments(pid('pb'))(state)), ['c2', 'c4'], 'selectPostComments("pb"): only pb\'s comments');
  ensureEq(L.selectPostComments(pid('pc'))(state), [], 'selectPostComments("pc"), a post whose list in state.postComments is []');
  ensureEq(L.selectPostComments(pid('pd'))(state), [], 'selectPostComments("pd"), a post with no entry in state.postComments');
  ensureEq(L.selectPostComments(pid('nope'))(state), [], 'selectPostComments("nope"), a post that does not exist');
  ensureEq(L.selectPostComments(pid(''))(state), [], 'selectPostComments(""), the empty id, which no post has');
}

// Catches: the same mistakes for a user's posts, and a user without posts.
export function userPostsInOrder(): void {
  const users = [user('alice', 'Alice'), user('bob', 'Bob'), user('carol', 'Carol'), user('dave', 'Dave')];
  const posts = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => post(id, id === 'p2' || id === 'p5' ? 'bob' : 'alice'));
  const base = blog(users, posts);
  // alice wrote p4, then p1, then p3; carol has an empty list; dave none at all.
  const state = deepFreeze({ ...base, userPosts: { [uid('alice')]: pids(['p4', 'p1', 'p3']), [uid('bob')]: pids(['p5', 'p2']), [uid('carol')]: [] } });

  const got = L.selectUserPosts(uid('alice'))(state);
  ensureEq(idsOf(got), ['p4', 'p1', 'p3'], 'state.userPosts["alice"] is ["p4", "p1", "p3"]; selectUserPosts("alice") should follow the list');
  ensureEq(got, ['p4', 'p1', 'p3'].map((id) => state.posts[pid(id)]), 'selectUserPosts("alice") should return the posts exactly as stored');
  ensureEq(idsOf(L.selectUserPosts(uid('bob'))(state)), ['p5', 'p2'], 'selectUserPosts("bob") with state.userPosts["bob"] = ["p5", "p2"]');
  ensureEq(L.selectUserPosts(uid('carol'))(state), [], 'selectUserPosts("carol"), a user whose list in state.userPosts is []');
  ensureEq(L.selectUserPosts(uid('dave'))(state), [], 'selectUserPosts("dave"), a user with no entry in state.userPosts');
  ensureEq(L.selectUserPosts(uid('zaphod'))(state), [], 'selectUserPosts("zaphod"), a user who does not exist');
}

// Catches: `undefined` entries in the result when a list names an id the
// table does not have.
export function danglingIdsSkipped(): void {
  const base = blog([user('alice', 'Alice')], [post('p1', 'alice'), post('p2', 'alice')], [comment('c1', 'p1', 'alice'), comment('c2', 'p1', 'alice')]);
  const state = deepFreeze({
    ...base,
    postComments: { [pid('p1')]: cids(['c1', 'gone', 'c2']) },
    userPosts: { [uid('alice')]: pids(['gone', 'p1', 'p2']) },
  });
  ensureEq(idsOf(L.selectPostComments(pid('p1'))(state)), ['c1', 'c2'], 'state.postComments["p1"] is ["c1", "gone", "c2"] and no comment "gone" exists; selectPostComments("p1") should skip it');
  ensureEq(idsOf(L.selectUserPosts(uid('alice'))(state)), ['p1', 'p2'], 'state.userPosts["alice"] is ["gone", "p1", "p2"] and no post "gone" exists; selectUserPosts("alice") should skip it');
}

// Catches: `state.posts[id]` without Object.hasOwn, which finds what every
// object inherits ("constructor" is Object, "__proto__" is Object.prototype).
export function inheritedNamesAreUnknown(): void {
  const state = blog([user('alice', 'Alice')], [post('p1', 'alice')], [comment('c1', 'p1', 'alice')]);
  for (const name of INHERITED) {
    const what = `${q(name)}, a name every plain object inherits, but no entity's id here`;
    ensureEq(L.selectPost(pid(name))(state), undefined, `selectPost(${what})`);
    ensureEq(L.selectUser(uid(name))(state), undefined, `selectUser(${what})`);
    const comments: unknown = L.selectPostComments(pid(name))(state);
    ensure(Array.isArray(comments) && comments.length === 0, `selectPostComments(${what})\n  expected: []\n  actual:   ${show(comments, 1)}`);
    const posts: unknown = L.selectUserPosts(uid(name))(state);
    ensure(Array.isArray(posts) && posts.length === 0, `selectUserPosts(${what})\n  expected: []\n  actual:   ${show(posts, 1)}`);
  }
}

// Catches: selectors that refuse or mangle ids they find odd: "" (falsy),
// "0", spaces, unicode, and ids that are also inherited names.
export function unusualIds(): void {
  const ids = UNUSUAL;
  const users = ids.map((id) => user(id, `User ${q(id)}`));
  const posts = ids.map((id, i) => post(id, ids[(i + 1) % ids.length] as string));
  const comments = ids.map((id, i) => comment(id, ids[(i + 2) % ids.length] as string, id));
  const state = blog(users, posts, comments);
  for (const id of ids) {
    ensureSame(L.selectPost(pid(id))(state), state.posts[pid(id)], `selectPost(${q(id)}) on a blog where ${q(id)} is a post's id: the stored post`);
    ensureSame(L.selectUser(uid(id))(state), state.users[uid(id)], `selectUser(${q(id)}) on a blog where ${q(id)} is a user's id: the stored user`);
    const on = comments.filter((c) => c.postId === id).map((c) => c.id);
    ensureEq(idsOf(L.selectPostComments(pid(id))(state)), on, `selectPostComments(${q(id)}) on a blog where ${q(id)} is a post's id`);
    const by = posts.filter((p) => p.authorId === id).map((p) => p.id);
    ensureEq(idsOf(L.selectUserPosts(uid(id))(state)), by, `selectUserPosts(${q(id)}) on a blog where ${q(id)} is a user's id`);
  }
}

// Catches: a selector that remembers the first state it saw, or reads a state
// captured when it was created instead of the one it is given.
export function reusableAcrossStates(): void {
  const alice = user('alice', 'Alice');
  const one = blog([alice], [post('p1', 'alice')], [comment('c1', 'p1', 'alice')]);
  const two = blog([{ ...alice, name: 'Alice Two' }], [{ ...post('p1', 'alice'), title: 'Second' }], [comment('c1', 'p1', 'alice'), comment('c2', 'p1', 'alice')]);
  const selPost = L.selectPost(pid('p1'));
  const selUser = L.selectUser(uid('alice'));
  const selComments = L.selectPostComments(pid('p1'));
  const selPosts = L.selectUserPosts(uid('alice'));
  for (const [name, state] of [
    ['the first state', one],
    ['a second state', two],
    ['the first state again', one],
  ] as const) {
    const how = `one selector made once and called on ${name}`;
    ensureSame(selPost(state), state.posts[pid('p1')], `${how}: selectPost("p1")`);
    ensureSame(selUser(state), state.users[uid('alice')], `${how}: selectUser("alice")`);
    ensureEq(idsOf(selComments(state)), state === one ? ['c1'] : ['c1', 'c2'], `${how}: selectPostComments("p1")`);
    ensureEq(selPosts(state), [state.posts[pid('p1')]], `${how}: selectUserPosts("alice")`);
  }
}

// The workshop's own validation: add comment1 to post1, then read it back.
export function seedScenario(): void {
  const post1 = pid('post1');
  const user1 = uid('user1');
  const initialState: L.BlogState = deepFreeze({
    posts: {
      [post1]: { id: post1, title: 'Redux Basics', content: '...', authorId: user1, createdAt: '2024-01-01', updatedAt: '2024-01-01' },
    },
    users: { [user1]: { id: user1, name: 'Alice', email: 'alice@example.com' } },
    comments: {},
    postComments: { [post1]: [] },
    userPosts: { [user1]: [post1] },
  });
  const newComment: L.NormalizedComment = deepFreeze({ id: cid('comment1'), content: 'Great post!', authorId: user1, postId: post1 });
  ensureEq(L.selectPostComments(post1)(initialState), [], 'the seed scenario: selectPostComments("post1") before any comment');
  const updatedState = okState(() => L.addComment(initialState, newComment), 'the seed scenario: addComment(initialState, comment1 on post1)');
  ensureEq(L.selectPostComments(post1)(updatedState), [newComment], 'the seed scenario: after addComment, selectPostComments("post1")(updatedState)');
  ensureEq(L.selectPostComments(post1)(initialState), [], 'the seed scenario: after addComment, selectPostComments("post1")(initialState), the state before');
}

// ---------------------------------------------------------------------------
// Performance: reading one post's comments does not depend on the store size
// ---------------------------------------------------------------------------

function commentsState(total: number): State {
  const users = Array.from({ length: 10 }, (_, i) => user(`u${i}`, 'Someone'));
  const posts = [post('target', 'u0')];
  for (let i = 1; i < 100; i++) posts.push(post(`p${i}`, `u${i % 10}`));
  const comments: Comment[] = [];
  const every = total / 5;
  for (let i = 0; i < total; i++) {
    // The target's comments are spread through the table, not bunched.
    const on = i % every === Math.floor(every / 2) ? 'target' : `p${1 + (i % 99)}`;
    comments.push(comment(`c${i}`, on, `u${i % 10}`));
  }
  return blog(users, posts, comments);
}

function targetComments(total: number): string[] {
  const every = total / 5;
  return [0, 1, 2, 3, 4].map((k) => `c${k * every + Math.floor(every / 2)}`);
}

export function postCommentsCostFlat(): Measurement {
  const target = pid('target');
  const small = commentsState(1_000);
  const big = commentsState(100_000);
  for (const [state, total] of [
    [small, 1_000],
    [big, 100_000],
  ] as const) {
    ensureEq(
      idsOf(L.selectPostComments(target)(state)),
      targetComments(total),
      `selectPostComments("target") on a blog with ${thousands(total)} comments, 5 of them on "target"`,
    );
  }
  return compare(
    `5 comments among ${thousands(1_000)}`,
    () => keep(L.selectPostComments(target)(small)),
    `5 comments among ${thousands(100_000)}`,
    () => keep(L.selectPostComments(target)(big)),
  );
}
