// Schema design: createBlogState normalizes lists into tables plus
// relationship maps and refuses broken references; any string is an id; a
// user lives in one place only, so renaming them is one cheap change.

import { thousands } from '../gen';
import { compare, deepFreeze, ensureEq, keep, type Measurement } from '../harness';
import {
  TABLES,
  UNUSUAL,
  blog,
  comment,
  holdsUnusual,
  listIn,
  okState,
  pid,
  post,
  refusesWith,
  rowOf,
  uid,
  unusualEntities,
  user,
  type Comment,
  type Post,
  type State,
  type User,
} from './data';
import * as L from './learner';

const q = (s: string) => JSON.stringify(s);

// Catches: relationship maps left empty, filled in sorted or table order
// instead of list order, entities missing from (or extra in) the tables, and a
// createBlogState that needs every list.
export function fromEntities(): void {
  const users = [user('alice', 'Alice'), user('bob', 'Bob'), user('carol', 'Carol')];
  // Owners interleaved, and ids deliberately not in sorted order.
  const posts = [post('p3', 'alice'), post('p2', 'bob'), post('p1', 'alice'), post('p5', 'bob'), post('p4', 'alice')];
  const comments = [
    comment('c4', 'p3', 'bob'),
    comment('c1', 'p2', 'alice'),
    comment('c2', 'p3', 'carol'),
    comment('c5', 'p1', 'bob'),
    comment('c3', 'p3', 'alice'),
  ];
  const input = deepFreeze({ users, posts, comments });
  const state = okState(() => L.createBlogState(input), 'createBlogState({ users, posts, comments }) with 3 users, 5 posts and 5 comments, all valid');

  const tables: [string, Record<string, unknown>, { id: string }[]][] = [
    ['users', state.users, users],
    ['posts', state.posts, posts],
    ['comments', state.comments, comments],
  ];
  for (const [name, table, items] of tables) {
    ensureEq(Object.keys(table).sort(), items.map((i) => i.id).sort(), `after createBlogState, the keys of state.${name}`);
    for (const item of items) {
      ensureEq(rowOf(table, item.id), item, `after createBlogState, state.${name}[${q(item.id)}]`);
    }
  }

  const userPosts: [string, string[]][] = [
    ['alice', ['p3', 'p1', 'p4']],
    ['bob', ['p2', 'p5']],
    ['carol', []],
  ];
  for (const [u, expected] of userPosts) {
    ensureEq(
      listIn(state.userPosts, uid(u)),
      expected.map(pid),
      `after createBlogState, state.userPosts[${q(u)}] should list ${u}'s posts in the order of the posts list (an absent entry counts as [])`,
    );
  }
  const postComments: [string, string[]][] = [
    ['p3', ['c4', 'c2', 'c3']],
    ['p2', ['c1']],
    ['p1', ['c5']],
    ['p5', []],
    ['p4', []],
  ];
  for (const [p, expected] of postComments) {
    ensureEq(
      listIn(state.postComments, pid(p)),
      expected,
      `after createBlogState, state.postComments[${q(p)}] should list ${p}'s comments in the order of the comments list (an absent entry counts as [])`,
    );
  }

  // A missing list is an empty one.
  for (const [call, make] of [
    ['createBlogState()', () => L.createBlogState()],
    ['createBlogState({})', () => L.createBlogState({})],
  ] as const) {
    const empty = okState(make, call);
    for (const t of TABLES) ensureEq(Object.keys(empty[t]), [], `${call}: the keys of state.${t}`);
  }
  const alice = user('alice', 'Alice');
  const onlyUsers = okState(() => L.createBlogState(deepFreeze({ users: [alice] })), 'createBlogState({ users: [alice] }), no posts or comments given');
  ensureEq(rowOf(onlyUsers.users, alice.id), alice, 'createBlogState({ users: [alice] }): state.users["alice"]');
  ensureEq(Object.keys(onlyUsers.posts), [], 'createBlogState({ users: [alice] }): the keys of state.posts');
  ensureEq(listIn(onlyUsers.userPosts, alice.id), [], 'createBlogState({ users: [alice] }): state.userPosts["alice"] (absent counts as [])');
}

// Catches: createBlogState that copies lists into tables without checking that
// every reference points somewhere, lets a later entity overwrite an earlier
// one with the same id, checks in another order than the contract's, or takes
// an inherited name ("constructor") for an existing user.
export function fromEntitiesRejectsDangling(): void {
  const users = [user('alice', 'Alice'), user('bob', 'Bob')];
  const posts = [post('p1', 'alice'), post('p2', 'bob')];
  const comments = [comment('c1', 'p1', 'bob'), comment('c2', 'p2', 'alice')];
  okState(() => L.createBlogState(deepFreeze({ users, posts, comments })), 'createBlogState with 2 users, 2 posts and 2 comments, all valid');

  const cases: [string, User[], Post[], Comment[], L.BlogErrorCode, string][] = [
    ['two users with the id "alice"', [...users, user('alice', 'Another Alice')], posts, comments, 'duplicate-user', 'alice'],
    ['two posts with the id "p1"', users, [...posts, post('p1', 'bob')], comments, 'duplicate-post', 'p1'],
    ['two comments with the id "c1"', users, posts, [...comments, comment('c1', 'p2', 'bob')], 'duplicate-comment', 'c1'],
    ['a post whose author "ghost" is not in the users list', users, [...posts, post('p3', 'ghost')], comments, 'unknown-user', 'ghost'],
    ['a comment on post "nowhere", which is not in the posts list', users, posts, [...comments, comment('c3', 'nowhere', 'bob')], 'unknown-post', 'nowhere'],
    ['a comment by "ghost", who is not in the users list', users, posts, [...comments, comment('c3', 'p1', 'ghost')], 'unknown-user', 'ghost'],
    ['a post whose author is "constructor", a name every object inherits but no user has', users, [...posts, post('p3', 'constructor')], comments, 'unknown-user', 'constructor'],
    ['a comment on post "toString", which no post has', users, posts, [...comments, comment('c3', 'toString', 'bob')], 'unknown-post', 'toString'],
    ['a comment by "__proto__", who is not in the users list', users, posts, [...comments, comment('c3', 'p1', '__proto__')], 'unknown-user', '__proto__'],
    // Which problem wins: the contract's order.
    ['a comment whose id "c1" is taken and whose post "nowhere" is unknown (the duplicate is reported first)', users, posts, [...comments, comment('c1', 'nowhere', 'bob')], 'duplicate-comment', 'c1'],
    ['a comment on post "nowhere" by "ghost" (the unknown post is reported first)', users, posts, [...comments, comment('c3', 'nowhere', 'ghost')], 'unknown-post', 'nowhere'],
    ['a post whose id "p1" is taken and whose author "ghost" is unknown (the duplicate is reported first)', users, [...posts, post('p1', 'ghost')], comments, 'duplicate-post', 'p1'],
    ['a post by "ghost" and a comment on "nowhere" (posts are checked before comments)', users, [...posts, post('p3', 'ghost')], [comment('c3', 'nowhere', 'bob'), ...comments], 'unknown-user', 'ghost'],
    ['posts by "ghost1", then by "ghost2" (the first problem in list order)', users, [...posts, post('p3', 'ghost1'), post('p4', 'ghost2')], comments, 'unknown-user', 'ghost1'],
  ];
  for (const [what, us, ps, cs, code, id] of cases) {
    refusesWith(() => L.createBlogState(deepFreeze({ users: us, posts: ps, comments: cs })), code, id, `createBlogState with ${what}`);
  }
}

// Catches: a state that copies the author's name into posts (a rename then
// misses them, or has to rewrite them), and a rename that changes posts.
export function renameVisibleEverywhere(): void {
  const state = blog(
    [user('alice', 'Alice'), user('bob', 'Bob')],
    [post('p1', 'alice'), post('p2', 'bob'), post('p3', 'alice'), post('p4', 'alice')],
  );
  const renamed = okState(() => L.updateUser(state, deepFreeze({ id: uid('alice'), name: 'Zaphod' })), 'updateUser(state, { id: "alice", name: "Zaphod" })');
  for (const p of ['p1', 'p2', 'p3', 'p4']) {
    const before = rowOf(state.posts, pid(p));
    const after = rowOf(renamed.posts, pid(p));
    ensureEq(after, before, `after renaming alice, state.posts[${q(p)}]: a rename changes the user, and no post`);
    const author = after && rowOf(renamed.users, after.authorId);
    ensureEq(author?.name, p === 'p2' ? 'Bob' : 'Zaphod', `after renaming alice to Zaphod, the name of the author of ${p}, looked up through state.users[post.authorId]`);
  }
  ensureEq(listIn(renamed.userPosts, uid('alice')), ['p1', 'p3', 'p4'].map(pid), 'after renaming alice, state.userPosts["alice"]');
}

// Catches: ids refused for being empty or odd, ids trimmed or normalized, and
// inherited names taken for existing entities ("constructor" as a user's id,
// checked with `if (!users[id])`). (updates.unusual-ids does the same through
// the add and update functions.)
export function unusualIds(): void {
  const { users, posts, comments } = unusualEntities();
  const list = UNUSUAL.map(q).join(', ');
  const built = okState(() => L.createBlogState(deepFreeze({ users, posts, comments })), `createBlogState with users, posts and comments whose ids are ${list}`);
  holdsUnusual(built, 'after createBlogState');
}

// ---------------------------------------------------------------------------
// Performance: a rename costs the same whatever the user wrote
// ---------------------------------------------------------------------------

function renameState(author: string, authorPosts: number): State {
  // Few users, so the one table a rename must copy is small next to the
  // posts table: a rename that copies posts then shows up as a large ratio.
  const users = [user(author, 'Arthur Dent')];
  const posts: Post[] = [];
  for (let i = 1; i < 100; i++) {
    users.push(user(`user${i}`, 'Someone'));
    posts.push(post(`p-user${i}`, `user${i}`));
  }
  for (let i = 0; i < authorPosts; i++) posts.push(post(`p-${author}-${i}`, author));
  return blog(users, posts);
}

function verifyRename(state: State, update: Partial<User> & { id: L.UserId }, count: number): void {
  const doing = `updateUser(state, { id: ${q(update.id)}, name: "Ford Prefect" }) on a blog where they wrote ${thousands(count)} posts`;
  const renamed = okState(() => L.updateUser(state, update), doing);
  const theirs = listIn(renamed.userPosts, update.id);
  ensureEq(theirs.length, count, `after ${doing}, the number of ids in state.userPosts[${q(update.id)}]`);
  for (const id of theirs) {
    const p = rowOf(renamed.posts, id);
    const name = p && rowOf(renamed.users, p.authorId)?.name;
    ensureEq(name, 'Ford Prefect', `after the rename, the name of the author of post ${q(id)}`);
  }
}

export function renameCostFlat(): Measurement {
  const small = renameState('user0', 10);
  const big = renameState('user0', 10_000);
  const update = deepFreeze({ id: uid('user0'), name: 'Ford Prefect' });
  verifyRename(small, update, 10);
  verifyRename(big, update, 10_000);
  return compare(
    'rename, author of 10 posts',
    () => keep(L.updateUser(small, update)),
    `rename, author of ${thousands(10_000)} posts`,
    () => keep(L.updateUser(big, update)),
  );
}
