// Update logic: every update returns a new state, changes only what it
// should, keeps the relationship maps in step with the tables, shares the
// tables it did not touch, never changes the state it is given (they are all
// deep-frozen), and refuses what would break the store.

import { deepFreeze, ensure, ensureEq, ensureSame } from '../harness';
import {
  INHERITED,
  TABLES,
  blog,
  cid,
  comment,
  holdsUnusual,
  idsOf,
  listIn,
  okState,
  pid,
  post,
  refusesWith,
  rowOf,
  smallBlog,
  uid,
  unusualEntities,
  user,
  type State,
  type Table,
} from './data';
import * as L from './learner';

const q = (s: string) => JSON.stringify(s);

// Catches: an update that writes absent fields as undefined or empty, rebuilds
// the post from the update alone, touches updatedAt on its own, or re-appends
// the post to its author's list.
export function updatePostPartial(): void {
  let state = smallBlog();
  const p1 = post('p1', 'alice');
  state = okState(() => L.updatePost(state, deepFreeze({ id: pid('p1'), title: 'New title' })), 'updatePost(state, { id: "p1", title: "New title" })');
  let expected = { ...p1, title: 'New title' };
  ensureEq(rowOf(state.posts, pid('p1')), expected, 'updatePost with only the title set: every other field stays (updatedAt too: it changes only when the update sets it)');

  state = okState(() => L.updatePost(state, deepFreeze({ id: pid('p1'), content: 'New content' })), 'then updatePost(state, { id: "p1", content: "New content" })');
  expected = { ...expected, content: 'New content' };
  ensureEq(rowOf(state.posts, pid('p1')), expected, 'then updatePost with only the content set: the new title stays, and every other field');

  state = okState(() => L.updatePost(state, deepFreeze({ id: pid('p1'), updatedAt: '2024-02-03', createdAt: '2023-12-31' })), 'then updatePost(state, { id: "p1", updatedAt: "2024-02-03", createdAt: "2023-12-31" })');
  expected = { ...expected, updatedAt: '2024-02-03', createdAt: '2023-12-31' };
  ensureEq(rowOf(state.posts, pid('p1')), expected, 'then updatePost with only the dates set');

  state = okState(() => L.updatePost(state, deepFreeze({ id: pid('p1') })), 'then updatePost(state, { id: "p1" }), an update with no fields');
  ensureEq(rowOf(state.posts, pid('p1')), expected, 'then updatePost(state, { id: "p1" }): nothing changes');

  for (const other of [post('p2', 'alice'), post('p3', 'bob')]) {
    ensureEq(rowOf(state.posts, other.id), other, `updating p1 should leave post ${q(other.id)} alone`);
  }
  ensureEq(Object.keys(state.posts).sort(), ['p1', 'p2', 'p3'], 'after updating p1, the keys of state.posts');
  ensureEq(listIn(state.userPosts, uid('alice')), ['p1', 'p2'], 'updating p1 without changing its author should leave state.userPosts["alice"] as it was');
  ensureEq(listIn(state.postComments, pid('p1')), ['c1'], 'updating p1 should keep its comments in state.postComments["p1"]');
}

// Catches: `{ ...post, ...update }`, which copies a field present with the
// value undefined over the old value.
export function undefinedKeepsField(): void {
  let state = smallBlog();
  const update = deepFreeze({ id: pid('p1'), title: 'Kept apart', content: undefined, authorId: undefined, createdAt: undefined, updatedAt: undefined });
  state = okState(() => L.updatePost(state, update), 'updatePost(state, { id: "p1", title: "Kept apart", content: undefined, authorId: undefined, createdAt: undefined, updatedAt: undefined })');
  ensureEq(rowOf(state.posts, pid('p1')), { ...post('p1', 'alice'), title: 'Kept apart' }, 'a field present in the update with the value undefined keeps its old value (the post must not get undefined fields)');
  ensureEq(listIn(state.userPosts, uid('alice')), ['p1', 'p2'], 'authorId: undefined moves nothing; state.userPosts["alice"]');

  state = okState(() => L.updateUser(state, deepFreeze({ id: uid('bob'), name: undefined, email: 'bob@heart-of-gold.example' })), 'updateUser(state, { id: "bob", name: undefined, email: "bob@heart-of-gold.example" })');
  ensureEq(rowOf(state.users, uid('bob')), { ...user('bob', 'Bob'), email: 'bob@heart-of-gold.example' }, 'updateUser with name: undefined keeps the name');

  state = okState(() => L.updateUser(state, deepFreeze({ id: uid('bob'), name: undefined, email: undefined })), 'updateUser(state, { id: "bob", name: undefined, email: undefined })');
  ensureEq(rowOf(state.users, uid('bob')), { ...user('bob', 'Bob'), email: 'bob@heart-of-gold.example' }, 'updateUser with every field undefined changes nothing');
}

/** Everything a state says, as plain data, to compare later. */
function snapshot(state: State): unknown {
  return structuredClone(state);
}

// Catches: tables or lists kept in module-level variables and changed in
// place (so an "old" state, or a sibling, sees the new data), and any update
// that tries to change the frozen state it was given.
export function oldStateUnchanged(): void {
  const steps: [string, (s: State) => State][] = [
    ['updatePost(state, { id: "p1", title: "Changed" })', (s) => L.updatePost(s, deepFreeze({ id: pid('p1'), title: 'Changed' }))],
    ['updatePost(state, { id: "p2", authorId: "bob" })', (s) => L.updatePost(s, deepFreeze({ id: pid('p2'), authorId: uid('bob') }))],
    ['addComment(state, c2 on p2)', (s) => L.addComment(s, comment('c2', 'p2', 'alice'))],
    ['addPost(state, p4 by bob)', (s) => L.addPost(s, post('p4', 'bob'))],
    ['addUser(state, carol)', (s) => L.addUser(s, user('carol', 'Carol'))],
    ['updateUser(state, { id: "alice", name: "Changed" })', (s) => L.updateUser(s, deepFreeze({ id: uid('alice'), name: 'Changed' }))],
  ];
  const start = smallBlog();
  const states: [string, unknown, State][] = [['the starting state', snapshot(start), start]];
  for (const [op, step] of steps) {
    const last = (states[states.length - 1] as [string, unknown, State])[2];
    const next = okState(() => step(last), op);
    ensure(next !== last, `${op} returned the very state it was given: an update returns a new state object`);
    for (const [name, before, state] of states) {
      ensureEq(snapshot(state), before, `after ${op}, ${name} is different: an update must return a new state and leave the old one alone`);
    }
    states.push([`the state returned by ${op}`, snapshot(next), next]);
  }
  siblingsIndependent();
}

/** Two updates of the same state must not see each other. */
function siblingsIndependent(): void {
  const start = smallBlog();
  const onP1 = comment('c9', 'p1', 'alice');
  const onP2 = comment('c9', 'p2', 'bob');
  const a = okState(() => L.addComment(start, onP1), 'addComment(state, "c9" on p1)');
  const b = okState(() => L.addComment(start, onP2), 'addComment(state, a different "c9" on p2), on the same starting state');
  const both = 'from the same state, one addComment put "c9" on p1 and another put a different "c9" on p2';
  ensureEq(L.selectPostComments(pid('p1'))(a), [comment('c1', 'p1', 'bob'), onP1], `${both}; selectPostComments("p1") of the first new state`);
  ensureEq(L.selectPostComments(pid('p2'))(a), [], `${both}; selectPostComments("p2") of the first new state`);
  ensureEq(L.selectPostComments(pid('p1'))(b), [comment('c1', 'p1', 'bob')], `${both}; selectPostComments("p1") of the second new state`);
  ensureEq(L.selectPostComments(pid('p2'))(b), [onP2], `${both}; selectPostComments("p2") of the second new state`);

  const byAlice = post('p9', 'alice');
  const byBob = post('p9', 'bob');
  const c = okState(() => L.addPost(start, byAlice), 'addPost(state, "p9" by alice)');
  const d = okState(() => L.addPost(start, byBob), 'addPost(state, a different "p9" by bob), on the same starting state');
  const posts = 'from the same state, one addPost added "p9" by alice and another a different "p9" by bob';
  ensureEq(listIn(c.userPosts, uid('alice')), ['p1', 'p2', 'p9'], `${posts}; state.userPosts["alice"] of the first new state`);
  ensureEq(listIn(c.userPosts, uid('bob')), ['p3'], `${posts}; state.userPosts["bob"] of the first new state`);
  ensureEq(listIn(d.userPosts, uid('alice')), ['p1', 'p2'], `${posts}; state.userPosts["alice"] of the second new state`);
  ensureEq(listIn(d.userPosts, uid('bob')), ['p3', 'p9'], `${posts}; state.userPosts["bob"] of the second new state`);
}

// Catches: every update given a frozen state, plainly: push, assignment,
// delete or sort on anything in it throws (the harness names the mutation).
export function frozenState(): void {
  const state = smallBlog();
  ensure(Object.isFrozen(state) && Object.isFrozen(state.postComments) && Object.isFrozen(state.postComments[pid('p1')]), 'the checks freeze every state they hand over');
  okState(() => L.addUser(state, user('carol', 'Carol')), 'addUser(frozen state, carol)');
  okState(() => L.addPost(state, post('p4', 'alice')), 'addPost(frozen state, p4 by alice)');
  okState(() => L.addComment(state, comment('c2', 'p1', 'alice')), 'addComment(frozen state, c2 on p1, which has a list)');
  okState(() => L.updatePost(state, deepFreeze({ id: pid('p1'), title: 'T', authorId: uid('bob') })), 'updatePost(frozen state, { id: "p1", title: "T", authorId: "bob" })');
  okState(() => L.updateUser(state, deepFreeze({ id: uid('bob'), name: 'Robert' })), 'updateUser(frozen state, { id: "bob", name: "Robert" })');
  okState(() => L.createBlogState(deepFreeze({ users: [user('u', 'U')], posts: [post('p', 'u')], comments: [comment('c', 'p', 'u')] })), 'createBlogState(frozen lists)');
}

// Catches: updates that copy tables they do not change (a deep copy, or
// structuredClone, of the whole state), and updates that return the old table
// for a table they did change.
export function sharesUntouchedTables(): void {
  const state = smallBlog();
  // For each update: the tables it must change, and those it may change.
  const cases: [string, () => State, Table[], Table[]][] = [
    ['addUser(state, carol)', () => L.addUser(state, user('carol', 'Carol')), ['users'], ['userPosts']],
    ['addPost(state, p4 by bob)', () => L.addPost(state, post('p4', 'bob')), ['posts', 'userPosts'], ['postComments']],
    ['addComment(state, c2 on p2)', () => L.addComment(state, comment('c2', 'p2', 'alice')), ['comments', 'postComments'], []],
    ['updatePost(state, { id: "p1", title: "T" })', () => L.updatePost(state, deepFreeze({ id: pid('p1'), title: 'T' })), ['posts'], []],
    ['updatePost(state, { id: "p1", authorId: "bob" })', () => L.updatePost(state, deepFreeze({ id: pid('p1'), authorId: uid('bob') })), ['posts', 'userPosts'], []],
    ['updatePost(state, { id: "p1", authorId: "alice" }), the author p1 already has', () => L.updatePost(state, deepFreeze({ id: pid('p1'), authorId: uid('alice') })), ['posts'], []],
    ['updateUser(state, { id: "alice", name: "Zaphod" })', () => L.updateUser(state, deepFreeze({ id: uid('alice'), name: 'Zaphod' })), ['users'], []],
  ];
  for (const [op, run, changes, mayChange] of cases) {
    const next = okState(run, op);
    ensure(next !== state, `${op} returned the very state it was given: an update returns a new state object`);
    for (const t of TABLES) {
      if (changes.includes(t)) {
        ensure(next[t] !== state[t], `${op} changed state.${t} but returned the old table object: copy the table you change`);
      } else if (!mayChange.includes(t)) {
        ensureSame(next[t], state[t], `${op} does not change state.${t}, so the new state should share it: state.${t} of the new state`);
      }
    }
  }
  // Inside a changed table, the rows that did not change are shared too.
  const next = okState(() => L.updatePost(state, deepFreeze({ id: pid('p1'), title: 'T' })), 'updatePost(state, { id: "p1", title: "T" })');
  ensureSame(next.posts[pid('p2')], state.posts[pid('p2')], 'after updatePost of p1, state.posts["p2"] (unchanged) should be the same object as before');
  ensure(next.posts[pid('p1')] !== state.posts[pid('p1')], 'updatePost of p1 must build a new post object, not change the old one');
}

// Catches: changing authorId on the post but not moving it between the two
// authors' lists, moving it when the author did not change, checking the new
// author only after changing things, and a new author with no list yet.
export function updatePostMovesAuthor(): void {
  const base = blog(
    [user('alice', 'Alice'), user('bob', 'Bob'), user('carol', 'Carol')],
    [post('p1', 'alice'), post('p4', 'bob'), post('p2', 'alice'), post('p5', 'bob'), post('p3', 'alice')],
  );
  // carol has no entry in userPosts at all.
  const { [uid('carol')]: _carol, ...userPosts } = base.userPosts;
  const state = deepFreeze({ ...base, userPosts });

  const moved = okState(() => L.updatePost(state, deepFreeze({ id: pid('p2'), authorId: uid('bob') })), 'updatePost(state, { id: "p2", authorId: "bob" })');
  ensureEq(rowOf(moved.posts, pid('p2')), { ...post('p2', 'alice'), authorId: uid('bob') }, 'after moving p2 from alice to bob, state.posts["p2"]');
  ensureEq(listIn(moved.userPosts, uid('alice')), ['p1', 'p3'], 'after moving p2 from alice to bob, state.userPosts["alice"] (she had p1, p2, p3)');
  ensureEq(listIn(moved.userPosts, uid('bob')), ['p4', 'p5', 'p2'], 'after moving p2 from alice to bob, state.userPosts["bob"] (he had p4, p5; p2 joins at the end)');

  const same = okState(() => L.updatePost(state, deepFreeze({ id: pid('p1'), authorId: uid('alice'), title: 'Same author' })), 'updatePost(state, { id: "p1", authorId: "alice", title: "Same author" }), the author p1 already has');
  ensureEq(listIn(same.userPosts, uid('alice')), ['p1', 'p2', 'p3'], 'updatePost with the author the post already has moves nothing: state.userPosts["alice"] keeps p1 first');

  const toCarol = okState(() => L.updatePost(state, deepFreeze({ id: pid('p3'), authorId: uid('carol') })), 'updatePost(state, { id: "p3", authorId: "carol" }), carol having no entry in state.userPosts');
  ensureEq(listIn(toCarol.userPosts, uid('carol')), ['p3'], 'after moving p3 to carol, who had no posts, state.userPosts["carol"]');
  ensureEq(listIn(toCarol.userPosts, uid('alice')), ['p1', 'p2'], 'after moving p3 to carol, state.userPosts["alice"]');

  // userPosts with no entry at all: both lists absent, both count as empty.
  const bare = deepFreeze({ ...state, userPosts: {} });
  const fromAbsent = okState(() => L.updatePost(bare, deepFreeze({ id: pid('p1'), authorId: uid('bob') })), 'updatePost(state, { id: "p1", authorId: "bob" }) where state.userPosts is {}');
  ensureEq(listIn(fromAbsent.userPosts, uid('bob')), ['p1'], 'after moving p1 to bob in a state whose userPosts is {}, state.userPosts["bob"]');
  ensureEq(listIn(fromAbsent.userPosts, uid('alice')), [], 'after moving p1 away from alice in a state whose userPosts is {}, state.userPosts["alice"] (absent counts as [])');

  refusesWith(() => L.updatePost(state, deepFreeze({ id: pid('p2'), authorId: uid('ghost'), title: 'Haunted' })), 'unknown-user', 'ghost', 'updatePost(state, { id: "p2", authorId: "ghost", title: "Haunted" }), a user who does not exist');
  refusesWith(() => L.updatePost(state, deepFreeze({ id: pid('p2'), authorId: uid('constructor') })), 'unknown-user', 'constructor', 'updatePost(state, { id: "p2", authorId: "constructor" }), a name every object inherits but no user has');
  refusesWith(() => L.updatePost(state, deepFreeze({ id: pid('nope'), authorId: uid('ghost') })), 'unknown-post', 'nope', 'updatePost(state, { id: "nope", authorId: "ghost" }): the unknown post is reported first');
}

// Catches: update_post that quietly returns the state unchanged, or inserts a
// half-empty post, when the id is unknown (inherited names included).
export function updatePostUnknown(): void {
  const state = smallBlog();
  refusesWith(() => L.updatePost(state, deepFreeze({ id: pid('p9'), title: 'Ghost story' })), 'unknown-post', 'p9', 'updatePost(state, { id: "p9", title: "Ghost story" }), a post that does not exist');
  refusesWith(() => L.updatePost(state, deepFreeze({ id: pid('alice'), title: 'Ghost story' })), 'unknown-post', 'alice', 'updatePost(state, { id: "alice" }): alice is a user, not a post');
  for (const name of INHERITED) {
    refusesWith(() => L.updatePost(state, deepFreeze({ id: pid(name), title: 'Ghost story' })), 'unknown-post', name, `updatePost(state, { id: ${q(name)}, title: "Ghost story" }), a name every object inherits but no post has`);
  }
}

// Catches: addComment that fills only one of the comments table and the
// post's list, or replaces the list instead of appending to it, or drops the
// other posts' lists.
export function addCommentUpdatesBoth(): void {
  let state = smallBlog();
  const c2 = deepFreeze({ id: cid('c2'), content: 'Mostly harmless.', authorId: uid('alice'), postId: pid('p1') });
  state = okState(() => L.addComment(state, c2), 'addComment(state, c2 by alice on p1)');
  ensureEq(rowOf(state.comments, cid('c2')), c2, 'after addComment(c2), state.comments["c2"]');
  ensureEq(listIn(state.postComments, pid('p1')), ['c1', 'c2'], 'p1 had comment c1; after addComment(c2 on p1), state.postComments["p1"]');
  ensureEq(L.selectPostComments(pid('p1'))(state), [comment('c1', 'p1', 'bob'), c2], 'after addComment(c2 on p1), selectPostComments("p1")');

  const c3 = deepFreeze({ id: cid('c3'), content: 'Share and enjoy!', authorId: uid('bob'), postId: pid('p3') });
  state = okState(() => L.addComment(state, c3), 'then addComment(state, c3 by bob on p3)');
  ensureEq(listIn(state.postComments, pid('p3')), ['c3'], 'after addComment(c3 on p3), state.postComments["p3"]');
  ensureEq(listIn(state.postComments, pid('p1')), ['c1', 'c2'], 'adding a comment to p3 should leave state.postComments["p1"] alone');
  ensureEq(Object.keys(state.comments).sort(), ['c1', 'c2', 'c3'], 'after adding c2 and c3, the keys of state.comments');
}

// Catches: `state.postComments[postId].push(...)`-style code, or a spread of
// an undefined list, that crashes when the post has no list yet; the same for
// a user with no list in userPosts.
export function addToAbsentList(): void {
  const base = blog([user('alice', 'Alice'), user('bob', 'Bob')], [post('p1', 'alice'), post('p2', 'bob')]);
  const state = deepFreeze({ ...base, postComments: {}, userPosts: {} });
  const withComment = okState(() => L.addComment(state, comment('c1', 'p2', 'alice')), 'addComment(state, c1 on p2) where state.postComments is {} (p2 has no list yet)');
  ensureEq(listIn(withComment.postComments, pid('p2')), ['c1'], 'after addComment(c1 on p2), p2 having had no entry, state.postComments["p2"]');
  ensureEq(idsOf(L.selectPostComments(pid('p2'))(withComment)), ['c1'], 'after addComment(c1 on p2), p2 having had no entry, selectPostComments("p2")');
  const withPost = okState(() => L.addPost(state, post('p3', 'bob')), 'addPost(state, p3 by bob) where state.userPosts is {} (bob has no list yet)');
  ensureEq(listIn(withPost.userPosts, uid('bob')), ['p3'], 'after addPost(p3 by bob), bob having had no entry, state.userPosts["bob"]');
}

// Catches: addComment that checks nothing, checks only the post, lets a
// duplicate id overwrite a comment, takes an inherited name for a post or
// user, or checks in another order than the contract's.
export function addCommentRejectsBad(): void {
  const state = smallBlog();
  const cases: [string, L.NormalizedComment, L.BlogErrorCode, string][] = [
    ['addComment(state, c2 on "nowhere"), a post that does not exist', comment('c2', 'nowhere', 'alice'), 'unknown-post', 'nowhere'],
    ['addComment(state, c2 by "ghost"), a user who does not exist', comment('c2', 'p1', 'ghost'), 'unknown-user', 'ghost'],
    ['addComment(state, c1 on p2) when comment c1 already exists', comment('c1', 'p2', 'alice'), 'duplicate-comment', 'c1'],
    ['addComment(state, c2 on "constructor"), a name every object inherits but no post has', comment('c2', 'constructor', 'alice'), 'unknown-post', 'constructor'],
    ['addComment(state, c2 on "__proto__"), which no post has', comment('c2', '__proto__', 'alice'), 'unknown-post', '__proto__'],
    ['addComment(state, c2 by "toString"), a name every object inherits but no user has', comment('c2', 'p1', 'toString'), 'unknown-user', 'toString'],
    ['addComment(state, c2 by "alice" on "alice"), alice being a user, not a post', comment('c2', 'alice', 'alice'), 'unknown-post', 'alice'],
    ['addComment(state, c1 on "nowhere" by "ghost"): the duplicate id is reported first', comment('c1', 'nowhere', 'ghost'), 'duplicate-comment', 'c1'],
    ['addComment(state, c2 on "nowhere" by "ghost"): the unknown post is reported before the unknown author', comment('c2', 'nowhere', 'ghost'), 'unknown-post', 'nowhere'],
  ];
  for (const [what, c, code, id] of cases) refusesWith(() => L.addComment(state, c), code, id, what);
  ensureEq(listIn(state.postComments, pid('p1')), ['c1'], 'after the refused comments, state.postComments["p1"] of the state they were given');

  const next = okState(() => L.addComment(state, comment('c2', 'p1', 'alice')), 'after the refusals, a valid addComment(state, c2 by alice on p1)');
  ensureEq(listIn(next.postComments, pid('p1')), ['c1', 'c2'], 'after the refusals, a valid addComment(c2 on p1), then state.postComments["p1"]');
}

// Catches: addPost that skips the author's list, checks nothing, takes an
// inherited name for a user, or lets a duplicate overwrite a post.
export function addPostIndexesAuthor(): void {
  const state = smallBlog();
  const p4 = post('p4', 'bob');
  const added = okState(() => L.addPost(state, p4), 'addPost(state, p4 by bob)');
  ensureEq(rowOf(added.posts, pid('p4')), p4, 'after addPost(p4 by bob), state.posts["p4"]');
  ensureEq(listIn(added.userPosts, uid('bob')), ['p3', 'p4'], 'bob wrote p3; after addPost(p4 by bob), state.userPosts["bob"]');
  ensureEq(listIn(added.userPosts, uid('alice')), ['p1', 'p2'], 'after addPost(p4 by bob), state.userPosts["alice"]');
  ensureEq(L.selectPostComments(pid('p4'))(added), [], 'after addPost(p4), selectPostComments("p4") of the new post');

  refusesWith(() => L.addPost(state, post('p5', 'ghost')), 'unknown-user', 'ghost', 'addPost(state, p5 by "ghost"), a user who does not exist');
  refusesWith(() => L.addPost(state, post('p5', 'hasOwnProperty')), 'unknown-user', 'hasOwnProperty', 'addPost(state, p5 by "hasOwnProperty"), a name every object inherits but no user has');
  refusesWith(() => L.addPost(state, deepFreeze({ ...post('p1', 'alice'), title: 'Same id, other post' })), 'duplicate-post', 'p1', 'addPost(state, p1) when post p1 already exists');
  refusesWith(() => L.addPost(state, post('p1', 'ghost')), 'duplicate-post', 'p1', 'addPost(state, p1 by "ghost"): the duplicate id is reported first');
}

// Catches: addUser that overwrites an existing user with the same id.
export function addUserThenSelect(): void {
  let state = blog([], []);
  state = okState(() => L.addUser(state, user('alice', 'Alice')), 'addUser(empty state, alice)');
  state = okState(() => L.addUser(state, user('bob', 'Bob')), 'then addUser(state, bob)');
  ensureEq(rowOf(state.users, uid('alice')), user('alice', 'Alice'), 'after addUser(alice), addUser(bob): state.users["alice"]');
  ensureEq(rowOf(state.users, uid('bob')), user('bob', 'Bob'), 'after addUser(alice), addUser(bob): state.users["bob"]');
  ensureEq(L.selectUserPosts(uid('bob'))(state), [], 'selectUserPosts("bob") for a user just added');

  refusesWith(() => L.addUser(state, user('alice', 'Another Alice')), 'duplicate-user', 'alice', 'addUser(state, alice) when user alice already exists');
  ensureEq(rowOf(state.users, uid('alice')), user('alice', 'Alice'), 'after the refused duplicate, state.users["alice"]');
}

// Catches: absent fields written as undefined, and an unknown user quietly
// accepted.
export function updateUserPartial(): void {
  let state = smallBlog();
  state = okState(() => L.updateUser(state, deepFreeze({ id: uid('alice'), email: 'alice@wonderland.example' })), 'updateUser(state, { id: "alice", email: "alice@wonderland.example" })');
  let expected = { ...user('alice', 'Alice'), email: 'alice@wonderland.example' };
  ensureEq(rowOf(state.users, uid('alice')), expected, 'updateUser with only the email set: the name stays');

  state = okState(() => L.updateUser(state, deepFreeze({ id: uid('alice'), name: 'Alice Liddell' })), 'then updateUser(state, { id: "alice", name: "Alice Liddell" })');
  expected = { ...expected, name: 'Alice Liddell' };
  ensureEq(rowOf(state.users, uid('alice')), expected, 'then updateUser with only the name set: the new email stays');
  ensureEq(rowOf(state.users, uid('bob')), user('bob', 'Bob'), 'updating alice should leave bob alone');

  refusesWith(() => L.updateUser(state, deepFreeze({ id: uid('ghost'), name: 'Nobody' })), 'unknown-user', 'ghost', 'updateUser(state, { id: "ghost" }), a user who does not exist');
  refusesWith(() => L.updateUser(state, deepFreeze({ id: uid('p1'), name: 'Nobody' })), 'unknown-user', 'p1', 'updateUser(state, { id: "p1" }): p1 is a post, not a user');
  for (const name of INHERITED) {
    refusesWith(() => L.updateUser(state, deepFreeze({ id: uid(name), name: 'Nobody' })), 'unknown-user', name, `updateUser(state, { id: ${q(name)} }), a name every object inherits but no user has`);
  }
}

// Catches: lookups that find inherited names ("toString" has no list in
// userPosts, but every object inherits one), and ids refused for being empty
// or odd.
export function unusualIds(): void {
  const { users, posts, comments } = unusualEntities();
  let state = blog([], []);
  for (const u of users) state = okState(() => L.addUser(state, u), `addUser(state, user ${q(u.id)})`);
  for (const p of posts) state = okState(() => L.addPost(state, p), `addPost(state, post ${q(p.id)} by ${q(p.authorId)})`);
  for (const c of comments) state = okState(() => L.addComment(state, c), `addComment(state, comment ${q(c.id)} on ${q(c.postId)})`);
  holdsUnusual(state, 'after addUser, addPost and addComment for each unusual id');
  const renamed = okState(() => L.updateUser(state, deepFreeze({ id: uid('constructor'), name: 'Renamed' })), 'updateUser(state, { id: "constructor", name: "Renamed" })');
  ensureEq(rowOf(renamed.users, uid('constructor'))?.name, 'Renamed', 'after updateUser of "constructor", the own entry state.users["constructor"].name');
  const moved = okState(() => L.updatePost(state, deepFreeze({ id: pid(''), authorId: uid('toString') })), 'updatePost(state, { id: "", authorId: "toString" })');
  ensureEq(listIn(moved.userPosts, uid('toString')), [...listIn(state.userPosts, uid('toString')), pid('')], 'after moving post "" to user "toString", state.userPosts["toString"]');
}
