// Builders shared by the Towel checks: ids (through the learner's own id
// constructors, so they fit whatever id types the learner declares), entities
// with readable defaults, and blog states built by the checks themselves.
//
// The seed fixes BlogState's shape (five Record fields), so a check can build
// the state it needs as a plain object, as the seed's own test does, instead
// of trusting the learner's createBlogState: a broken createBlogState then
// fails the schema checks and nothing else. Every state and entity handed to
// the learner is deep-frozen, as Redux Toolkit's dev-mode check would have it.

import { listsBy, tableOf } from '../gen';
import { deepFreeze, ensureEq, fail, okStateOf, refusesWithCode, show } from '../harness';
import * as L from './learner';

export type PostId = L.PostId;
export type UserId = L.UserId;
export type CommentId = L.CommentId;
export type Post = L.NormalizedPost;
export type User = L.NormalizedUser;
export type Comment = L.NormalizedComment;
export type State = L.BlogState;

export const pid = (raw: string): PostId => L.postId(raw);
export const uid = (raw: string): UserId => L.userId(raw);
export const cid = (raw: string): CommentId => L.commentId(raw);
export const pids = (raws: string[]): PostId[] => raws.map(pid);
export const cids = (raws: string[]): CommentId[] => raws.map(cid);

// Rows hold strings only, so a shallow freeze freezes them whole.
export function user(id: string, name: string): User {
  const u: L.NormalizedUser = { id: uid(id), name, email: `${id}@example.com` };
  return Object.freeze(u);
}

export function post(id: string, author: string): Post {
  const p: L.NormalizedPost = {
    id: pid(id),
    title: `Title of ${id}`,
    content: `Content of ${id}`,
    authorId: uid(author),
    createdAt: '2024-01-01',
    updatedAt: '2024-01-02',
  };
  return Object.freeze(p);
}

export function comment(id: string, on: string, author: string): Comment {
  const c: L.NormalizedComment = { id: cid(id), content: `${author} says hi on ${on}`, authorId: uid(author), postId: pid(on) };
  return Object.freeze(c);
}

/**
 * A frozen state normalized by the checks, in list order: every user gets a
 * (possibly empty) list in userPosts and every post one in postComments, as
 * the seed's example state has. No validation: checks pass valid lists, or
 * dangling ones on purpose.
 */
export function blog(users: User[], posts: Post[], comments: Comment[] = []): State {
  const state: L.BlogState = {
    posts: tableOf(posts, (p: Post) => p.id as PostId),
    users: tableOf(users, (u: User) => u.id as UserId),
    comments: tableOf(comments, (c: Comment) => c.id as CommentId),
    postComments: listsBy(posts.map((p: Post) => p.id as PostId), comments, (c: Comment) => c.postId as PostId, (c: Comment) => c.id as CommentId),
    userPosts: listsBy(users.map((u: User) => u.id as UserId), posts, (p: Post) => p.authorId as UserId, (p: Post) => p.id as PostId),
  };
  return deepFreeze(state);
}

/** alice wrote p1, p2; bob wrote p3; bob commented c1 on p1. */
export function smallBlog(): State {
  return blog([user('alice', 'Alice'), user('bob', 'Bob')], [post('p1', 'alice'), post('p2', 'alice'), post('p3', 'bob')], [comment('c1', 'p1', 'bob')]);
}

/** The five tables of a BlogState, in the seed's order. */
export const TABLES = ['posts', 'users', 'comments', 'postComments', 'userPosts'] as const;
export type Table = (typeof TABLES)[number];

/** Is `e` the learner's BlogError? */
export function isBlogError(e: unknown): e is L.BlogError {
  return e instanceof L.BlogError;
}

/**
 * Runs a learner call that must succeed and return a BlogState, and freezes
 * the result before any other learner code sees it. A BlogError fails the
 * check, saying what was being done.
 */
export function okState(f: () => State, doing: string): State {
  return okStateOf(f, doing, isBlogError, 'BlogState', TABLES);
}

/** A learner call that must throw `new BlogError(code, id)`. */
export function refusesWith(f: () => unknown, code: L.BlogErrorCode, id: string, doing: string): void {
  refusesWithCode(f, doing, 'BlogError', isBlogError, code, id);
}

/** The ids of a list of entities, in order. */
export function idsOf(items: readonly { id: string }[] | unknown): string[] {
  if (!Array.isArray(items)) fail(`expected an array, got ${show(items, 1)}`);
  return items.map((item: unknown) => (typeof item === 'object' && item !== null && 'id' in item ? String(item.id) : show(item)));
}

/** A relationship list of a state, read the way the contract says: absent means empty. */
export function listIn<K extends string, V>(map: Readonly<Record<K, readonly V[]>>, key: K): V[] {
  return Object.hasOwn(map, key) ? [...(map[key] ?? [])] : [];
}

/** The own entry of a table, or undefined (never an inherited property). */
export function rowOf<K extends string, V>(table: Readonly<Record<K, V>>, key: K): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Names that plain objects inherit: never ids of anything unless added as such. */
export const INHERITED = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'];

/**
 * Ids no generated data takes: empty, numeric, spaces, punctuation, unicode,
 * inherited names. Not "__proto__": plain objects reserve it, and Immer (which
 * Redux Toolkit uses) refuses it as a key, so the contract excepts it.
 */
export const UNUSUAL = ['', '0', ' ', 'a b/c.d?e=f#g', 'ünïcødé 🚀', 'constructor', 'toString', 'hasOwnProperty'];

const q = (s: string) => JSON.stringify(s);

/** Every unusual id names a user, a post and a comment at once. */
export function unusualEntities(): { users: User[]; posts: Post[]; comments: Comment[] } {
  const users = UNUSUAL.map((id) => user(id, `User ${q(id)}`));
  const posts = UNUSUAL.map((id, i) => post(id, UNUSUAL[(i + 1) % UNUSUAL.length] as string));
  const comments = UNUSUAL.map((id, i) => comment(id, UNUSUAL[(i + 2) % UNUSUAL.length] as string, id));
  return { users, posts, comments };
}

/** Checks that a state holds the unusual entities, as own keys, with their lists. */
export function holdsUnusual(state: State, how: string): void {
  const { users, posts, comments } = unusualEntities();
  for (const [i, id] of UNUSUAL.entries()) {
    ensureEq(rowOf(state.users, uid(id)), users[i], `${how}, the own entry state.users[${q(id)}]`);
    ensureEq(rowOf(state.posts, pid(id)), posts[i], `${how}, the own entry state.posts[${q(id)}]`);
    ensureEq(rowOf(state.comments, cid(id)), comments[i], `${how}, the own entry state.comments[${q(id)}]`);
    const on = comments.filter((c) => c.postId === id).map((c) => c.id);
    ensureEq(listIn(state.postComments, pid(id)), on, `${how}, state.postComments[${q(id)}]`);
    const by = posts.filter((p) => p.authorId === id).map((p) => p.id);
    ensureEq(listIn(state.userPosts, uid(id)), by, `${how}, state.userPosts[${q(id)}]`);
  }
  for (const t of ['users', 'posts', 'comments'] as const) {
    ensureEq(Object.keys(state[t]).sort(), [...UNUSUAL].sort(), `${how}, the keys of state.${t}`);
  }
}
