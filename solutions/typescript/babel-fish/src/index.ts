/**
 * Babel Fish level: Advanced Selector Orchestration (reference solution).
 *
 * A social feed over a normalized store: memoized selector factories built
 * with Redux Toolkit's `createSelector`, React hooks that give every component
 * its own selector instance, and merge-first updates.
 */

import { createSelector, lruMemoize } from '@reduxjs/toolkit';
import { useCallback, useMemo } from 'react';
import { useSelector } from 'react-redux';

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

// Each instance remembers its last call only: a component owns its instance.
const LAST_CALL_ONLY = { memoize: lruMemoize, argsMemoize: lruMemoize } as const;

function withDetails(post: NormalizedPost, author: User, commentsCount: number, likesCount: number): PostWithDetails {
  return { ...post, author, commentsCount, likesCount, engagement: commentsCount + likesCount };
}

// A count, not the list: a number compares by value, so it never defeats the cache.
function commentsCountOf(postComments: SocialState['postComments'], postId: PostId): number {
  return own(postComments, postId)?.length ?? 0;
}

/** A new post-with-details selector with a cache of its own. */
export function makeSelectPostWithDetails(): SelectPostWithDetails {
  return createSelector(
    [
      (state: SocialState, postId: PostId) => selectPost(postId)(state),
      (state: SocialState, postId: PostId) => {
        const post = selectPost(postId)(state);
        return post && selectUser(post.authorId)(state);
      },
      (state: SocialState, postId: PostId) => commentsCountOf(state.postComments, postId),
      (state: SocialState, postId: PostId) => selectPostLikesCount(postId)(state),
    ],
    (post, author, commentsCount, likesCount) => (post && author ? withDetails(post, author, commentsCount, likesCount) : null),
    LAST_CALL_ONLY,
  );
}

// A feed never holds one post twice, so two entries never tie on id.
function byEngagementThenId(a: PostWithDetails, b: PostWithDetails): number {
  return b.engagement - a.engagement || (a.id < b.id ? -1 : 1);
}

/** Same length, and each entry holds the same values (the author the same object). */
function sameFeed(a: readonly PostWithDetails[], b: readonly PostWithDetails[]): boolean {
  return a.length === b.length && a.every((entry, i) => sameEntry(entry, b[i] as PostWithDetails));
}

// Every entry is made by withDetails, so two entries have the same keys.
function sameEntry(a: PostWithDetails, b: PostWithDetails): boolean {
  return (Object.keys(a) as (keyof PostWithDetails)[]).every((key) => a[key] === b[key]);
}

/** A new user-feed selector with a cache of its own. */
export function makeSelectUserFeed(): SelectUserFeed {
  return createSelector(
    [
      (state: SocialState, userId: UserId, _now: Millis) => selectUserFollowing(userId)(state),
      (state: SocialState) => state.userPosts,
      (state: SocialState) => state.posts,
      (state: SocialState) => state.users,
      (state: SocialState) => state.postComments,
      (state: SocialState) => state.likes,
      (_state: SocialState, _userId: UserId, now: Millis) => now,
    ],
    (following, userPosts, posts, users, postComments, likes, now): readonly PostWithDetails[] => {
      const entries: PostWithDetails[] = [];
      for (const followed of following) {
        for (const postId of own(userPosts, followed) ?? NONE) {
          const post = own(posts, postId);
          if (post === undefined || now - post.createdAt > FEED_WINDOW_MS) continue;
          const author = own(users, post.authorId);
          if (author === undefined) continue;
          entries.push(withDetails(post, author, commentsCountOf(postComments, postId), own(likes, postId) ?? 0));
        }
      }
      // Filter, then sort, then cut: the best 50 of the recent posts.
      return entries.sort(byEngagementThenId).slice(0, FEED_LIMIT);
    },
    // An equal feed hands back the last array, so its component stays quiet.
    { ...LAST_CALL_ONLY, memoizeOptions: { resultEqualityCheck: sameFeed } },
  );
}

// ---------------------------------------------------------------------------
// Step 2: hooks, one selector instance per component
// ---------------------------------------------------------------------------

/** The post with its details, re-rendering the component only when they change. */
export function usePostWithDetails(postId: PostId): PostWithDetails | null {
  const selectPostInstance = useMemo(makeSelectPostWithDetails, []);
  const postSelector = useCallback((state: SocialState) => selectPostInstance(state, postId), [selectPostInstance, postId]);
  return useSelector(postSelector);
}

/** The user's feed at `now`, re-rendering the component only when it changes. */
export function useUserFeed(userId: UserId, now: Millis): readonly PostWithDetails[] {
  const selectFeedInstance = useMemo(makeSelectUserFeed, []);
  const feedSelector = useCallback((state: SocialState) => selectFeedInstance(state, userId, now), [selectFeedInstance, userId, now]);
  return useSelector(feedSelector);
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

/** `entity` with every field of `changes` that is not `undefined`. */
function merge<T extends object>(entity: T, changes: Partial<T>): T {
  const defined = Object.entries(changes).filter(([, value]) => value !== undefined);
  return { ...entity, ...(Object.fromEntries(defined) as Partial<T>) };
}

/**
 * Merges `updates` into the post: only the counts it gives change, new
 * comments go into `comments` and onto the post's list in `postComments`, and
 * every table it does not change stays the very same object.
 */
export function updatePostEngagement(state: SocialState, updates: EngagementUpdate): SocialState {
  const { postId, likes, shares, comments = [] } = updates;
  const post = selectPost(postId)(state);
  if (post === undefined) throw new SocialError('unknown-post', postId);
  const added = new Set<CommentId>();
  for (const comment of comments) {
    if (comment.postId !== postId) throw new SocialError('comment-on-other-post', comment.id);
    if (!Object.hasOwn(state.users, comment.authorId)) throw new SocialError('unknown-user', comment.authorId);
    if (Object.hasOwn(state.comments, comment.id) || added.has(comment.id)) throw new SocialError('duplicate-comment', comment.id);
    added.add(comment.id);
  }

  let next = state;
  if (likes !== undefined) next = { ...next, likes: { ...next.likes, [postId]: likes } };
  if (shares !== undefined) next = { ...next, posts: { ...next.posts, [postId]: { ...post, shares } } };
  if (comments.length > 0) {
    next = {
      ...next,
      comments: { ...next.comments, ...Object.fromEntries(comments.map((c) => [c.id, c])) },
      postComments: { ...next.postComments, [postId]: [...(own(next.postComments, postId) ?? NONE), ...added] },
    };
  }
  return next;
}

/**
 * Applies every update in one state transition, in order (two updates to one
 * post both land), copying the posts table once. Refuses the whole batch if
 * any post is unknown.
 */
export function batchUpdatePosts(state: SocialState, updates: readonly PostUpdate[]): SocialState {
  for (const { postId } of updates) {
    if (!Object.hasOwn(state.posts, postId)) throw new SocialError('unknown-post', postId);
  }
  if (updates.length === 0) return state;
  const posts = { ...state.posts };
  for (const { postId, changes } of updates) {
    posts[postId] = merge<NormalizedPost>(posts[postId] as NormalizedPost, changes);
  }
  return { ...state, posts };
}

// ---------------------------------------------------------------------------
// Extension (bonus): posts arriving in real time
// ---------------------------------------------------------------------------

/**
 * Adds a post and appends it to its author's list in `userPosts`. Refuses a
 * taken id (`duplicate-post`) and an unknown author (`unknown-user`).
 */
export function addPost(state: SocialState, post: NormalizedPost): SocialState {
  if (Object.hasOwn(state.posts, post.id)) throw new SocialError('duplicate-post', post.id);
  if (!Object.hasOwn(state.users, post.authorId)) throw new SocialError('unknown-user', post.authorId);
  return {
    ...state,
    posts: { ...state.posts, [post.id]: post },
    userPosts: { ...state.userPosts, [post.authorId]: [...(own(state.userPosts, post.authorId) ?? NONE), post.id] },
  };
}
