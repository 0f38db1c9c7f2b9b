/**
 * Babel Fish level: Advanced Selector Orchestration.
 *
 * A social feed over a normalized store. Read `README.md` first, then replace
 * every `throw new NotImplemented(...)` and every TODO. Run `workshop check`
 * whenever you like, and `npm test` for your own tests.
 *
 * The store's data is given, complete (it was Towel's lesson). Your work is two
 * memoized selector factories built with Redux Toolkit's `createSelector`, two
 * React hooks that give every component a selector instance of its own, and
 * merge-first updates. Keep the exported names and signatures as they are: the
 * hidden checks call them. How you write the bodies is yours.
 */

// Everything the level needs is imported already.
import { createSelector, lruMemoize } from '@reduxjs/toolkit';
import { useCallback, useMemo } from 'react';
import { useSelector } from 'react-redux';

/** Thrown by the parts you have not written yet. Delete it when you are done. */
export class NotImplemented extends Error {
  constructor(what: string) {
    super(`not implemented: ${what}`);
    this.name = 'NotImplemented';
  }
}

// ---------------------------------------------------------------------------
// The store's data. Given: this is Towel's lesson, done for you.
// ---------------------------------------------------------------------------

export type UserId = string;
export type PostId = string;
export type CommentId = string;
/** Milliseconds since the Unix epoch. The clock is always passed in. */
export type Millis = number;

export const DAY_MS: Millis = 86_400_000;
/** A feed shows posts at most this old: `now - createdAt <= FEED_WINDOW_MS`. */
export const FEED_WINDOW_MS: Millis = 7 * DAY_MS;
/** A feed shows at most this many posts. */
export const FEED_LIMIT = 50;

export interface User {
  id: UserId;
  name: string;
}

export interface NormalizedPost {
  id: PostId;
  /** A reference to the author, never a copy of the user. */
  authorId: UserId;
  content: string;
  createdAt: Millis;
  shares: number;
}

export interface Comment {
  id: CommentId;
  /** The post it is on. */
  postId: PostId;
  authorId: UserId;
  content: string;
}

/**
 * The whole store: three entity tables keyed by id, a like count per post,
 * and three relationship maps. An absent list means an empty one, and an
 * absent like count means 0. States handed to your code are deep-frozen.
 */
export interface SocialState {
  users: Record<UserId, User>;
  posts: Record<PostId, NormalizedPost>;
  comments: Record<CommentId, Comment>;
  /** postId -> its comment ids, oldest first. */
  postComments: Record<PostId, CommentId[]>;
  /** postId -> how many likes it has. */
  likes: Record<PostId, number>;
  /** userId -> the users they follow. */
  follows: Record<UserId, UserId[]>;
  /** userId -> the posts they wrote, oldest first. */
  userPosts: Record<UserId, PostId[]>;
}

/** Why an update was refused. */
export type SocialErrorCode = 'unknown-post' | 'unknown-user' | 'duplicate-post' | 'duplicate-comment' | 'comment-on-other-post';

const DESCRIPTIONS: Record<SocialErrorCode, string> = {
  'unknown-post': 'no post has the id',
  'unknown-user': 'no user has the id',
  'duplicate-post': 'a post already has the id',
  'duplicate-comment': 'a comment already has the id',
  'comment-on-other-post': 'this update is for another post than the comment',
};

/**
 * Thrown by every update that refuses its input, e.g.
 * `throw new SocialError('unknown-post', postId)`; `id` is the id at fault.
 * A refused update changes nothing.
 */
export class SocialError extends Error {
  readonly code: SocialErrorCode;
  readonly id: string;

  constructor(code: SocialErrorCode, id: string) {
    super(`${DESCRIPTIONS[code]} ${JSON.stringify(id)}`);
    this.name = 'SocialError';
    this.code = code;
    this.id = id;
  }
}

/** One list for every "nothing here": a selector that returns it returns the same array each time. */
const NONE: readonly never[] = Object.freeze([]);

/** The table's own entry for `id` (never an inherited property like "constructor"). */
function own<V>(table: Readonly<Record<string, V>>, id: string): V | undefined {
  return Object.hasOwn(table, id) ? table[id] : undefined;
}

/** The post with this id, as stored, or `undefined`. */
export const selectPost =
  (postId: PostId) =>
  (state: SocialState): NormalizedPost | undefined =>
    own(state.posts, postId);

/** The user with this id, as stored, or `undefined`. */
export const selectUser =
  (userId: UserId) =>
  (state: SocialState): User | undefined =>
    own(state.users, userId);

/** How many likes the post has (0 when it has no entry). */
export const selectPostLikesCount =
  (postId: PostId) =>
  (state: SocialState): number =>
    own(state.likes, postId) ?? 0;

/** The users this user follows: the stored list, or one shared empty list. */
export const selectUserFollowing =
  (userId: UserId) =>
  (state: SocialState): readonly UserId[] =>
    own(state.follows, userId) ?? NONE;

// ---------------------------------------------------------------------------
// Step 1: memoized selector factories
// ---------------------------------------------------------------------------

/** A post with its author nested and its engagement counted. */
export interface PostWithDetails extends NormalizedPost {
  author: User;
  commentsCount: number;
  likesCount: number;
  /** `commentsCount + likesCount` (shares are not engagement). */
  engagement: number;
}

/** One instance of the post-with-details selector. */
export type SelectPostWithDetails = (state: SocialState, postId: PostId) => PostWithDetails | null;

/** One instance of the user-feed selector. */
export type SelectUserFeed = (state: SocialState, userId: UserId, now: Millis) => readonly PostWithDetails[];

/**
 * A new post-with-details selector, made with `createSelector`: every call
 * makes a new instance with a cache of its own, which remembers its last call
 * only (pass `{ memoize: lruMemoize, argsMemoize: lruMemoize }`).
 *
 * `selector(state, postId)` is the post with all its fields, its author as
 * `author` (the stored user), `commentsCount`, `likesCount` and `engagement`
 * (comments + likes), or `null` when the post or its author is missing.
 * Called again with nothing about *that post* changed, it returns the very
 * same object, even if other posts, comments, likes or users changed.
 *
 * The seed's input list was:
 *   (state, postId) => state.posts[postId],
 *   (state, postId) => state.users[state.posts[postId]?.authorId],
 *   (state, postId) => selectPostComments(postId)(state),
 *   (state, postId) => selectPostLikesCount(postId)(state),
 * One of those four quietly defeats the memoization. Which, and why?
 */
export function makeSelectPostWithDetails(): SelectPostWithDetails {
  // TODO(step 1): return createSelector([...input selectors], (post, author, ...) => ..., options).
  throw new NotImplemented('makeSelectPostWithDetails: createSelector with inputs at the grain of one post');
}

/**
 * A new user-feed selector, made with `createSelector`, with a cache of its
 * own that remembers its last call only. `selector(state, userId, now)` is:
 * 1. the posts of the users `userId` follows (nobody else's),
 * 2. kept while `now - createdAt <= FEED_WINDOW_MS` (a post dated after `now`
 *    counts as new),
 * 3. each with its details, as makeSelectPostWithDetails gives them,
 *    sorted by engagement, highest first, equal engagement by post id,
 *    smallest first (`a.id < b.id`),
 * 4. at most FEED_LIMIT (50) of them: the best of the recent ones.
 * Called again with nothing changed, it returns the very same array; `now` is
 * an input like the tables.
 */
export function makeSelectUserFeed(): SelectUserFeed {
  // TODO(step 1): createSelector over the follow list, the tables the feed reads, and `now`.
  throw new NotImplemented('makeSelectUserFeed: filter by follows and age, sort, then keep the best 50');
}

// ---------------------------------------------------------------------------
// Step 2: hooks, one selector instance per component
// ---------------------------------------------------------------------------

/**
 * The post with its details, for a component under react-redux's `<Provider>`
 * whose store state is a `SocialState`. The component re-renders only when its
 * details change, and a re-render for any other reason hands back the very
 * same object.
 */
export function usePostWithDetails(postId: PostId): PostWithDetails | null {
  // TODO(step 2): the seed's pattern:
  // 1. make this component's selector instance with useMemo (once, not on every render),
  // 2. wrap it in a stable callback with useCallback: (state) => instance(state, postId),
  // 3. hand that callback to useSelector.
  throw new NotImplemented('usePostWithDetails: useMemo, useCallback, useSelector');
}

/** The user's feed at `now`, re-rendering the component only when the feed changes. */
export function useUserFeed(userId: UserId, now: Millis): readonly PostWithDetails[] {
  // TODO(step 2): the same pattern, with makeSelectUserFeed.
  throw new NotImplemented('useUserFeed: the same pattern as usePostWithDetails');
}

// ---------------------------------------------------------------------------
// Step 3: merge-first updates
// ---------------------------------------------------------------------------

/** New engagement for one post. An absent (or undefined) field leaves it as it is. */
export interface EngagementUpdate {
  postId: PostId;
  likes?: number;
  shares?: number;
  /** New comments on this post, added in this order. */
  comments?: Comment[];
}

/** The fields of a post a batch may change. */
export type PostChanges = Partial<Omit<NormalizedPost, 'id' | 'authorId'>>;

export interface PostUpdate {
  postId: PostId;
  changes: PostChanges;
}

/**
 * Merges `updates` into a new state:
 * - a count that is absent or `undefined` stays as it was (`likes` lives in
 *   `state.likes`, `shares` on the post);
 * - each new comment goes into `comments` (the entity) AND onto the post's
 *   list in `postComments` (the relationship), in order;
 * - engagement is never stored: the selectors derive it;
 * - every table the update does not change stays the very same object, and
 *   so does every post it does not change.
 *
 * Throws a `SocialError`: `unknown-post` (the post), `comment-on-other-post`
 * (the comment's id), `unknown-user` (the comment's author) or
 * `duplicate-comment` (a taken id, also within the update).
 */
export function updatePostEngagement(state: SocialState, updates: EngagementUpdate): SocialState {
  throw new NotImplemented('updatePostEngagement: merge the given fields, comments into both tables');
}

/**
 * Applies every update in one state transition, in order, so two updates to
 * one post both land; an `undefined` field leaves the post's field as it is.
 * Copies the posts table once for the whole batch, not once per update.
 * Refuses the whole batch (`unknown-post`) if any post is unknown.
 */
export function batchUpdatePosts(state: SocialState, updates: readonly PostUpdate[]): SocialState {
  throw new NotImplemented('batchUpdatePosts: one copy of the posts table, every update applied to it');
}

// ---------------------------------------------------------------------------
// Extension (bonus): posts arriving in real time
// ---------------------------------------------------------------------------

/**
 * Adds a post and appends it to its author's list in `userPosts` (a user's
 * first post starts their list). Refuses a taken id (`duplicate-post`) and an
 * unknown author (`unknown-user`). Then make the feed hand back its last array
 * when a new post (or any other change) leaves the feed as it was.
 */
export function addPost(state: SocialState, post: NormalizedPost): SocialState {
  throw new NotImplemented('bonus: addPost, and a feed that keeps its array when nothing in it changed');
}
