// Builders shared by the Babel Fish checks: entities, a small hand-made
// galaxy, the seed's generateSocialState, states "where only this changed"
// (made without the learner's updates, so a memoization check never rests on
// them), and a plain, ordered view of a state to compare two states with.
//
// Every state handed to the learner is deep-frozen, as Redux Toolkit's
// dev-mode check would have it.

import { Rng, listsBy, range, tableOf } from '../gen';
import { deepFreeze, ensureEq, fail, freezeBuilt, okStateOf, refusesWithCode, show } from '../harness';
import * as L from './learner';

export type State = L.SocialState;
export type Post = L.NormalizedPost;
export type User = L.User;
export type Comment = L.Comment;
export type Details = L.PostWithDetails;

// The README's figures, not the learner's constants of the same names: a
// wrong constant must fail the checks, not move their expectations with it.
export const DAY_MS = 86_400_000;
export const FEED_WINDOW_MS = 7 * DAY_MS;
export const FEED_LIMIT = 50;
export const HOUR = 60 * 60 * 1000;
/** The clock every check passes in. */
export const NOW = 1_700_000_000_000;

export const q = (s: string): string => JSON.stringify(s);

export function user(id: string, name = `${id} (the name)`): User {
  return Object.freeze({ id, name });
}

/** A post by `author`, `age` milliseconds before NOW. */
export function post(id: string, author: string, age: number): Post {
  return Object.freeze({ id, authorId: author, content: `${id}, by ${author}`, createdAt: NOW - age, shares: 0 });
}

/** A post by `author` created at `createdAt` exactly. */
export function postAt(id: string, author: string, createdAt: number): Post {
  return Object.freeze({ ...post(id, author, 0), createdAt });
}

export function comment(id: string, on: string, author: string): Comment {
  return Object.freeze({ id, postId: on, authorId: author, content: `${author} on ${on}` });
}

/**
 * A frozen state normalized by the checks, in list order. Only posts with
 * comments get a list in postComments, only authors one in userPosts and only
 * followers one in follows: an absent list means an empty one.
 */
export function social(
  users: readonly User[],
  posts: readonly Post[],
  comments: readonly Comment[] = [],
  likes: readonly (readonly [string, number])[] = [],
  follows: readonly (readonly [string, string])[] = [],
): State {
  const state: State = {
    users: tableOf(users, (u: User) => u.id),
    posts: tableOf(posts, (p: Post) => p.id),
    comments: tableOf(comments, (c: Comment) => c.id),
    postComments: listsBy<string, string, Comment>([], comments, (c) => c.postId, (c) => c.id),
    likes: freezeBuilt(Object.fromEntries(likes), []),
    follows: listsBy<string, string, readonly [string, string]>([], follows, (f) => f[0], (f) => f[1]),
    userPosts: listsBy<string, string, Post>([], posts, (p) => p.authorId, (p) => p.id),
  };
  return deepFreeze(state);
}

/**
 * The hand-made galaxy most checks use.
 *
 * arthur follows ford and zaphod; trillian follows marvin. Posts (age, likes,
 * comments, engagement):
 * - ford: f1 (1 h, 5 likes, 2 comments: 7), f2 (2 days, 10 likes: 10),
 *   f3 (8 days, 100 likes: too old)
 * - zaphod: z1 (3 days, 3 likes, 4 comments: 7), z2 (7 days less 1 ms, no
 *   engagement: 0), z3 (7 days and 1 ms, 50 likes: too old)
 * - trillian: t1 (1 h, 42 likes); arthur: a1 (1 h, 1 like); marvin: m1 (1 h)
 *
 * So arthur's feed at NOW is f2, f1, z1, z2 (f1 before z1: equal engagement,
 * smaller id first), and trillian's is m1.
 */
export function galaxy(): State {
  const users = ['arthur', 'ford', 'zaphod', 'trillian', 'marvin'].map((id) => user(id));
  const week = 7 * DAY_MS;
  const posts = [
    post('f1', 'ford', HOUR),
    post('f2', 'ford', 2 * DAY_MS),
    post('f3', 'ford', 8 * DAY_MS),
    post('z1', 'zaphod', 3 * DAY_MS),
    post('z2', 'zaphod', week - 1),
    post('z3', 'zaphod', week + 1),
    post('t1', 'trillian', HOUR),
    post('a1', 'arthur', HOUR),
    post('m1', 'marvin', HOUR),
  ];
  const comments = [
    comment('c1', 'f1', 'arthur'),
    comment('c2', 'z1', 'ford'),
    comment('c3', 'f1', 'zaphod'),
    comment('c4', 'z1', 'arthur'),
    comment('c5', 'z1', 'trillian'),
    comment('c6', 'z1', 'marvin'),
  ];
  const likes: [string, number][] = [['f1', 5], ['f2', 10], ['f3', 100], ['z1', 3], ['z3', 50], ['t1', 42], ['a1', 1]];
  const follows: [string, string][] = [['arthur', 'ford'], ['arthur', 'zaphod'], ['trillian', 'marvin']];
  return social(users, posts, comments, likes, follows);
}

/** arthur's feed in the galaxy at NOW. */
export const ARTHUR_FEED = ['f2', 'f1', 'z1', 'z2'];

// ---------------------------------------------------------------------------
// States where only one thing changed, made by the checks
// ---------------------------------------------------------------------------

export function withPost(state: State, p: Post): State {
  return deepFreeze({ ...state, posts: { ...state.posts, [p.id]: p } });
}

export function withLikes(state: State, postId: string, likes: number): State {
  return deepFreeze({ ...state, likes: { ...state.likes, [postId]: likes } });
}

export function withComment(state: State, c: Comment): State {
  const list = state.postComments[c.postId] ?? [];
  return deepFreeze({
    ...state,
    comments: { ...state.comments, [c.id]: c },
    postComments: { ...state.postComments, [c.postId]: [...list, c.id] },
  });
}

export function withUser(state: State, u: User): State {
  return deepFreeze({ ...state, users: { ...state.users, [u.id]: u } });
}

export function withoutUser(state: State, id: string): State {
  const users = { ...state.users };
  delete users[id];
  return deepFreeze({ ...state, users });
}

/** `follower` follows `followed` too. */
export function withFollow(state: State, follower: string, followed: string): State {
  return deepFreeze({ ...state, follows: { ...state.follows, [follower]: [...(state.follows[follower] ?? []), followed] } });
}

/** `postId` joins `author`'s list in userPosts (and only there). */
export function withUserPost(state: State, author: string, postId: string): State {
  return deepFreeze({ ...state, userPosts: { ...state.userPosts, [author]: [...(state.userPosts[author] ?? []), postId] } });
}

/** The post as it is in the state's table. */
export function postIn(state: State, id: string): Post {
  const p = Object.hasOwn(state.posts, id) ? state.posts[id] : undefined;
  return p ?? fail(`post ${q(id)} is missing from state.posts`);
}

// ---------------------------------------------------------------------------
// A state as plain, ordered values
// ---------------------------------------------------------------------------

type Plain = Record<string, Record<string, unknown>>;

/**
 * Everything a state holds, keys sorted. A like count of 0 and no entry mean
 * the same, and so do an empty list and no list.
 */
export function plain(state: State): Plain {
  const sorted = (table: Record<string, unknown>, keep: (v: unknown) => boolean) =>
    Object.fromEntries(
      Object.keys(table)
        .sort()
        .filter((k) => keep(table[k]))
        .map((k) => [k, table[k]]),
    );
  const always = () => true;
  const nonEmpty = (v: unknown) => !Array.isArray(v) || v.length > 0;
  return {
    users: sorted(state.users, always),
    posts: sorted(state.posts, always),
    comments: sorted(state.comments, always),
    postComments: sorted(state.postComments, nonEmpty),
    likes: sorted(state.likes, (v) => v !== 0),
    follows: sorted(state.follows, nonEmpty),
    userPosts: sorted(state.userPosts, nonEmpty),
  };
}

/** Fails with the first difference unless the two states hold the same data. */
export function ensureSameData(actual: State, expected: Plain, what: string): void {
  ensureEq(plain(actual), expected, what);
}

// ---------------------------------------------------------------------------
// Calling the learner
// ---------------------------------------------------------------------------

/** Is `e` the learner's SocialError? */
export function isSocialError(e: unknown): e is L.SocialError {
  return e instanceof L.SocialError;
}

const TABLES = ['users', 'posts', 'comments', 'postComments', 'likes', 'follows', 'userPosts'] as const;

/**
 * Runs a learner update that must succeed and return a SocialState, and
 * freezes the result before any other learner code sees it.
 */
export function okState(f: () => State, doing: string): State {
  return okStateOf(f, doing, isSocialError, 'SocialState', TABLES);
}

/** A learner call that must throw `new SocialError(code, id)`. */
export function refusesWith(f: () => unknown, code: L.SocialErrorCode, id: string, doing: string): void {
  refusesWithCode(f, doing, 'SocialError', isSocialError, code, id);
}

// ---------------------------------------------------------------------------
// Selector answers
// ---------------------------------------------------------------------------

/** The five facts of a post's details: (id, author id, comments, likes, engagement). */
export function facts(d: Details | null | undefined): [string, string, number, number, number] | null {
  if (d === null || d === undefined) return null;
  return [d.id, d.author?.id, d.commentsCount, d.likesCount, d.engagement];
}

/** What the details of `id` must be, computed from the tables. */
export function expectedFacts(state: State, id: string): [string, string, number, number, number] | null {
  const p = Object.hasOwn(state.posts, id) ? state.posts[id] : undefined;
  if (p === undefined || !Object.hasOwn(state.users, p.authorId)) return null;
  const comments = state.postComments[id]?.length ?? 0;
  const likes = state.likes[id] ?? 0;
  return [p.id, p.authorId, comments, likes, comments + likes];
}

/** The post ids of a feed, in its order. */
export function feedIds(feed: unknown): string[] {
  if (!Array.isArray(feed)) fail(`expected the feed as an array, got ${show(feed, 1)}`);
  return feed.map((d: Details) => d.id);
}

/** A feed as [post id, engagement] pairs, for messages that show both. */
export function feedScores(feed: unknown): [string, number][] {
  if (!Array.isArray(feed)) fail(`expected the feed as an array, got ${show(feed, 1)}`);
  return feed.map((d: Details) => [d.id, d.engagement]);
}

export function sorted(ids: readonly string[]): string[] {
  return [...ids].sort();
}

/** The feed of `userId` at `now` from a fresh selector instance. */
export function feedOf(state: State, userId: string, now = NOW): readonly Details[] {
  return L.makeSelectUserFeed()(state, userId, now);
}

// ---------------------------------------------------------------------------
// The seed's generator
// ---------------------------------------------------------------------------

export interface Sizes {
  users: number;
  posts: number;
  comments: number;
  relationships: number;
}

/**
 * The seed's generateSocialState: user0.., post0.., comment0.., posts up to 14
 * days old, 0-99 likes a post, 0-19 shares, and `relationships` distinct
 * follows. Seeded, so every run grades the same data.
 */
export function generateSocialState(sizes: Sizes, seed = 42): State {
  const rng = new Rng(seed);
  const users = range(sizes.users).map((i) => user(`user${i}`, `User ${i}`));
  const posts = range(sizes.posts).map((i) =>
    Object.freeze({
      id: `post${i}`,
      authorId: `user${rng.int(sizes.users)}`,
      content: `Thoughts number ${i}`,
      createdAt: NOW - rng.int(14 * DAY_MS),
      shares: rng.int(20),
    }),
  );
  const comments = range(sizes.comments).map((i) =>
    Object.freeze({
      id: `comment${i}`,
      postId: `post${rng.int(sizes.posts)}`,
      authorId: `user${rng.int(sizes.users)}`,
      content: 'So long, and thanks for all the fish',
    }),
  );
  const likes = posts.map((p) => [p.id, rng.int(100)] as const);
  const seen = new Set<string>();
  const follows: [string, string][] = [];
  const wanted = Math.min(sizes.relationships, sizes.users * Math.max(sizes.users - 1, 0));
  while (follows.length < wanted) {
    const a = rng.int(sizes.users);
    const b = rng.int(sizes.users);
    if (a !== b && !seen.has(`${a} ${b}`)) {
      seen.add(`${a} ${b}`);
      follows.push([`user${a}`, `user${b}`]);
    }
  }
  return social(users, posts, comments, likes, follows);
}

let seedCache: State | undefined;

/** The seed's validation state (1,000 users, 10,000 posts, 50,000 comments, 5,000 follows), built once per process. */
export function seedState(): State {
  seedCache ??= generateSocialState({ users: 1_000, posts: 10_000, comments: 50_000, relationships: 5_000 });
  return seedCache;
}
