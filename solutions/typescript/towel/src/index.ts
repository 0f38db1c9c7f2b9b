/**
 * Towel level: Don't Panic About Normalization. Reference solution.
 *
 * A small blog store, kept normalized: each entity lives in exactly one table,
 * keyed by its id, and entities point at each other by id.
 *
 * Updates never change a state: they return a new one, built with spreads.
 * Only the tables an update changes are copied; every other table is the very
 * same object in the old and the new state (structural sharing), so renaming a
 * user costs the same whether they wrote ten posts or ten thousand.
 *
 * The tables are plain objects, as in the seed, and any string but
 * "__proto__" can be an id, "constructor" included. Reads therefore go
 * through `lookup` (`Object.hasOwn` first: `state.posts['constructor']` would
 * otherwise find Object's constructor).
 */

// ---------------------------------------------------------------------------
// Step 1: the schema
// ---------------------------------------------------------------------------

/** The id of a post. Branded, so a `UserId` or a plain string cannot stand in for it. */
export type PostId = string & { readonly __brand: 'PostId' };
/** The id of a user. */
export type UserId = string & { readonly __brand: 'UserId' };
/** The id of a comment. */
export type CommentId = string & { readonly __brand: 'CommentId' };

/** Makes a `PostId` from raw text. Any string is a valid id, the empty string included. */
export const postId = (raw: string): PostId => raw as PostId;
/** Makes a `UserId` from raw text. */
export const userId = (raw: string): UserId => raw as UserId;
/** Makes a `CommentId` from raw text. */
export const commentId = (raw: string): CommentId => raw as CommentId;

export interface NormalizedPost {
  id: PostId;
  title: string;
  content: string;
  /** A reference to the author, never a copy of the user. */
  authorId: UserId;
  createdAt: string;
  updatedAt: string;
}

export interface NormalizedUser {
  id: UserId;
  name: string;
  email: string;
}

export interface NormalizedComment {
  id: CommentId;
  content: string;
  authorId: UserId;
  postId: PostId;
}

/**
 * The whole store: three entity tables, keyed by id, and two relationship
 * maps. Keep these five fields (the checks build states like the one in
 * `test/towel.test.ts`).
 *
 * A post with no entry in `postComments` has no comments, and a user with no
 * entry in `userPosts` has no posts: an absent list means an empty one.
 *
 * The tables are plain objects, and any string can be an id, even "" or
 * "constructor" (only "__proto__" is off limits): `state.posts['constructor']`
 * finds Object's constructor unless you ask `Object.hasOwn(state.posts, id)`
 * first.
 */
export interface BlogState {
  posts: Record<PostId, NormalizedPost>;
  users: Record<UserId, NormalizedUser>;
  comments: Record<CommentId, NormalizedComment>;
  /** postId -> its comment ids, in the order they were added. */
  postComments: Record<PostId, CommentId[]>;
  /** userId -> their post ids, in the order they were added. */
  userPosts: Record<UserId, PostId[]>;
}

/** Why an update was refused. */
export type BlogErrorCode =
  | 'unknown-post'
  | 'unknown-user'
  | 'duplicate-post'
  | 'duplicate-user'
  | 'duplicate-comment';

const DESCRIPTIONS: Record<BlogErrorCode, string> = {
  'unknown-post': 'no post has the id',
  'unknown-user': 'no user has the id',
  'duplicate-post': 'a post already has the id',
  'duplicate-user': 'a user already has the id',
  'duplicate-comment': 'a comment already has the id',
};

/**
 * Thrown by every function that refuses its input, e.g.
 * `throw new BlogError('unknown-post', comment.postId)`. `id` is the id that
 * caused the refusal. A refused call changes nothing (and returns nothing).
 */
export class BlogError extends Error {
  readonly code: BlogErrorCode;
  /** The id that caused the refusal. */
  readonly id: string;

  constructor(code: BlogErrorCode, id: string) {
    super(`${DESCRIPTIONS[code]} ${JSON.stringify(id)}`);
    this.name = 'BlogError';
    this.code = code;
    this.id = id;
  }
}

/** What `createBlogState` normalizes: plain lists of entities. */
export interface BlogEntities {
  users?: readonly NormalizedUser[];
  posts?: readonly NormalizedPost[];
  comments?: readonly NormalizedComment[];
}

/** The entry of `table` under `key`, if it is the table's own. */
function lookup<K extends string, V>(table: Record<K, V>, key: K): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The list of `map` under `key`; an absent entry is an empty list. */
function listOf<K extends string, V>(map: Record<K, V[]>, key: K): V[] {
  return lookup(map, key) ?? [];
}

/**
 * Normalizes lists of entities into a new state: the three tables, plus the
 * relationship maps in list order (a user's posts in the order of `posts`, a
 * post's comments in the order of `comments`). A missing list is an empty one.
 *
 * Throws a `BlogError` on the first problem, checking users, then posts, then
 * comments, each in list order:
 * - a user whose id is already taken: `duplicate-user`;
 * - a post: `duplicate-post`, then `unknown-user` if its author is not in `users`;
 * - a comment: `duplicate-comment`, then `unknown-post`, then `unknown-user`.
 *
 * It must not modify the lists or the entities it is given.
 */
export function createBlogState(entities: BlogEntities = {}): BlogState {
  const { users = [], posts = [], comments = [] } = entities;
  // Maps, not objects, while building: any string is a safe Map key.
  const userTable = new Map<UserId, NormalizedUser>();
  const postTable = new Map<PostId, NormalizedPost>();
  const commentTable = new Map<CommentId, NormalizedComment>();
  const userPosts = new Map<UserId, PostId[]>();
  const postComments = new Map<PostId, CommentId[]>();

  for (const user of users) {
    if (userTable.has(user.id)) throw new BlogError('duplicate-user', user.id);
    userTable.set(user.id, user);
    userPosts.set(user.id, []);
  }
  for (const post of posts) {
    if (postTable.has(post.id)) throw new BlogError('duplicate-post', post.id);
    const authorPosts = userPosts.get(post.authorId);
    if (authorPosts === undefined) throw new BlogError('unknown-user', post.authorId);
    postTable.set(post.id, post);
    postComments.set(post.id, []);
    authorPosts.push(post.id);
  }
  for (const comment of comments) {
    if (commentTable.has(comment.id)) throw new BlogError('duplicate-comment', comment.id);
    const onPost = postComments.get(comment.postId);
    if (onPost === undefined) throw new BlogError('unknown-post', comment.postId);
    if (!userTable.has(comment.authorId)) throw new BlogError('unknown-user', comment.authorId);
    commentTable.set(comment.id, comment);
    onPost.push(comment.id);
  }

  return {
    posts: Object.fromEntries(postTable),
    users: Object.fromEntries(userTable),
    comments: Object.fromEntries(commentTable),
    postComments: Object.fromEntries(postComments),
    userPosts: Object.fromEntries(userPosts),
  };
}

// ---------------------------------------------------------------------------
// Step 2: selectors. Each takes an id and returns a function of the state.
// ---------------------------------------------------------------------------

/** The post with this id (the stored object itself, not a copy), or `undefined`. */
export const selectPost =
  (postId: PostId) =>
  (state: BlogState): NormalizedPost | undefined =>
    lookup(state.posts, postId);

/** The user with this id (the stored object itself, not a copy), or `undefined`. */
export const selectUser =
  (userId: UserId) =>
  (state: BlogState): NormalizedUser | undefined =>
    lookup(state.users, userId);

/**
 * The comments on a post, in the order they were added: follow
 * `postComments[postId]`, then map each id to its comment. Never scan the
 * whole comments table. `[]` for a post without comments and for an unknown
 * post. An id in the list with no comment in the table is skipped.
 */
export const selectPostComments =
  (postId: PostId) =>
  (state: BlogState): NormalizedComment[] =>
    listOf(state.postComments, postId).flatMap((id) => lookup(state.comments, id) ?? []);

/**
 * The posts a user wrote, in the order they were added, through `userPosts`.
 * `[]` for a user without posts and for an unknown user. An id in the list
 * with no post in the table is skipped.
 */
export const selectUserPosts =
  (userId: UserId) =>
  (state: BlogState): NormalizedPost[] =>
    listOf(state.userPosts, userId).flatMap((id) => lookup(state.posts, id) ?? []);

// ---------------------------------------------------------------------------
// Step 3: updates. Each takes the old state and returns a new one.
// ---------------------------------------------------------------------------

/**
 * `entity` with the fields of `changes` that are not `undefined`: a field that
 * is absent, or present but `undefined`, keeps its old value.
 */
function merge<T extends object>(entity: T, changes: Partial<T>): T {
  const defined = Object.entries(changes).filter(([, value]) => value !== undefined);
  return { ...entity, ...(Object.fromEntries(defined) as Partial<T>) };
}

/** Adds a user. Throws `duplicate-user` if the id is taken. Changes only `users` (and may add an empty list to `userPosts`). */
export const addUser = (state: BlogState, user: NormalizedUser): BlogState => {
  if (Object.hasOwn(state.users, user.id)) throw new BlogError('duplicate-user', user.id);
  return { ...state, users: { ...state.users, [user.id]: user } };
};

/**
 * Adds a post, and appends its id to its author's list in `userPosts`.
 * Throws `duplicate-post` if the id is taken, then `unknown-user` if the
 * author does not exist. Changes only `posts` and `userPosts` (and may add an
 * empty list to `postComments`).
 */
export const addPost = (state: BlogState, post: NormalizedPost): BlogState => {
  if (Object.hasOwn(state.posts, post.id)) throw new BlogError('duplicate-post', post.id);
  if (!Object.hasOwn(state.users, post.authorId)) throw new BlogError('unknown-user', post.authorId);
  return {
    ...state,
    posts: { ...state.posts, [post.id]: post },
    userPosts: {
      ...state.userPosts,
      [post.authorId]: [...listOf(state.userPosts, post.authorId), post.id],
    },
  };
};

/**
 * Adds a comment: into `comments`, AND its id at the end of its post's list in
 * `postComments` (creating the list if the post has none yet). Throws
 * `duplicate-comment` if the id is taken, then `unknown-post`, then
 * `unknown-user` for a missing author. Changes only `comments` and
 * `postComments`.
 */
export const addComment = (state: BlogState, comment: NormalizedComment): BlogState => {
  if (Object.hasOwn(state.comments, comment.id)) throw new BlogError('duplicate-comment', comment.id);
  if (!Object.hasOwn(state.posts, comment.postId)) throw new BlogError('unknown-post', comment.postId);
  if (!Object.hasOwn(state.users, comment.authorId)) throw new BlogError('unknown-user', comment.authorId);
  return {
    ...state,
    comments: { ...state.comments, [comment.id]: comment },
    postComments: {
      ...state.postComments,
      [comment.postId]: [...listOf(state.postComments, comment.postId), comment.id],
    },
  };
};

/**
 * Merges `postUpdate` into the post with id `postUpdate.id`. A field that is
 * absent from the update, or present but `undefined`, keeps its old value;
 * the id never changes, and `updatedAt` changes only when the update sets it.
 * The old post object is left as it was.
 *
 * A new `authorId` moves the post's id from the old author's list to the end
 * of the new author's list in `userPosts`; the author the post already has
 * moves nothing. Throws `unknown-post`, then `unknown-user` for an unknown new
 * author. Changes only `posts` (and `userPosts` when the author changes).
 */
export const updatePost = (
  state: BlogState,
  postUpdate: Partial<NormalizedPost> & { id: PostId },
): BlogState => {
  const { id, ...changes } = postUpdate;
  const post = lookup(state.posts, id);
  if (post === undefined) throw new BlogError('unknown-post', id);
  const updated = merge(post, changes);

  const from = post.authorId;
  const to = updated.authorId;
  if (to === from) return { ...state, posts: { ...state.posts, [id]: updated } };

  if (!Object.hasOwn(state.users, to)) throw new BlogError('unknown-user', to);
  return {
    ...state,
    posts: { ...state.posts, [id]: updated },
    userPosts: {
      ...state.userPosts,
      [from]: listOf(state.userPosts, from).filter((p) => p !== id),
      [to]: [...listOf(state.userPosts, to), id],
    },
  };
};

/**
 * Merges `userUpdate` into the user with id `userUpdate.id`, as `updatePost`
 * does (absent or `undefined` fields are kept). Changes only `users`: a rename
 * is one change, however many posts the user wrote. Throws `unknown-user`.
 */
export const updateUser = (
  state: BlogState,
  userUpdate: Partial<NormalizedUser> & { id: UserId },
): BlogState => {
  const { id, ...changes } = userUpdate;
  const user = lookup(state.users, id);
  if (user === undefined) throw new BlogError('unknown-user', id);
  return { ...state, users: { ...state.users, [id]: merge(user, changes) } };
};

// ---------------------------------------------------------------------------
// Extension (bonus): join a post with its author at read time
// ---------------------------------------------------------------------------

/** A post and its author: the objects stored in the tables, not copies. */
export interface PostWithAuthor {
  post: NormalizedPost;
  author: NormalizedUser;
}

/**
 * The post and its current author as `{ post, author }`, both the very objects
 * in the tables; `undefined` when the post, or its author, is missing.
 */
export const selectPostWithAuthor =
  (postId: PostId) =>
  (state: BlogState): PostWithAuthor | undefined => {
    const post = lookup(state.posts, postId);
    const author = post && lookup(state.users, post.authorId);
    return post && author ? { post, author } : undefined;
  };
