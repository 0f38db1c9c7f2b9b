/**
 * Towel level: Don't Panic About Normalization.
 *
 * A small blog store, kept normalized: each entity lives in exactly one table,
 * keyed by its id, and entities point at each other by id. Read `README.md`
 * first, then replace every `throw new NotImplemented(...)` and every TODO.
 * Run `workshop check` whenever you like, and `npm test` for your own tests.
 *
 * Keep the exported names and signatures as they are: the hidden checks call
 * them. How you write the bodies is yours.
 */

/** Thrown by the parts you have not written yet. Delete it when you are done. */
export class NotImplemented extends Error {
  constructor(what: string) {
    super(`not implemented: ${what}`);
    this.name = 'NotImplemented';
  }
}

// ---------------------------------------------------------------------------
// Step 1: the schema
// ---------------------------------------------------------------------------

// TODO(step 1b): these aliases let a UserId slip in wherever a PostId is
// expected, and any string too. Brand each one so that mixing them up is a
// type error:
//   export type PostId = string & { readonly __brand: 'PostId' };
// then make the constructors below cast: `raw as PostId`.
export type PostId = string;
export type UserId = string;
export type CommentId = string;

/** Makes a `PostId` from raw text. Any string is a valid id, the empty string included. */
export const postId = (raw: string): PostId => raw;
/** Makes a `UserId` from raw text. */
export const userId = (raw: string): UserId => raw;
/** Makes a `CommentId` from raw text. */
export const commentId = (raw: string): CommentId => raw;

export interface NormalizedPost {
  id: PostId;
  title: string;
  content: string;
  /** A reference to the author, never a copy of the user. */
  authorId: UserId;
  createdAt: string;
  updatedAt: string;
}

// TODO(step 1): define this interface, with exactly these fields:
// id (a UserId), name and email (strings). Zero `any` is the goal.
export type NormalizedUser = any;

// TODO(step 1): define this interface, with exactly these fields:
// id (a CommentId), content (a string), authorId (a UserId: who wrote it)
// and postId (a PostId: the post it is on). References, never copies.
export type NormalizedComment = any;

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
  throw new NotImplemented('build the tables and the relationship maps');
}

// ---------------------------------------------------------------------------
// Step 2: selectors. Each takes an id and returns a function of the state.
// ---------------------------------------------------------------------------

/** The post with this id (the stored object itself, not a copy), or `undefined`. */
export const selectPost =
  (postId: PostId) =>
  (state: BlogState): NormalizedPost | undefined => {
    throw new NotImplemented('look the post up by id in state.posts');
  };

/** The user with this id (the stored object itself, not a copy), or `undefined`. */
export const selectUser =
  (userId: UserId) =>
  (state: BlogState): NormalizedUser | undefined => {
    throw new NotImplemented('look the user up by id in state.users');
  };

/**
 * The comments on a post, in the order they were added: follow
 * `postComments[postId]`, then map each id to its comment. Never scan the
 * whole comments table. `[]` for a post without comments and for an unknown
 * post. An id in the list with no comment in the table is skipped.
 */
export const selectPostComments =
  (postId: PostId) =>
  (state: BlogState): NormalizedComment[] => {
    throw new NotImplemented("follow postComments to the post's comments");
  };

/**
 * The posts a user wrote, in the order they were added, through `userPosts`.
 * `[]` for a user without posts and for an unknown user. An id in the list
 * with no post in the table is skipped.
 */
export const selectUserPosts =
  (userId: UserId) =>
  (state: BlogState): NormalizedPost[] => {
    throw new NotImplemented("follow userPosts to the user's posts");
  };

// ---------------------------------------------------------------------------
// Step 3: updates. Each takes the old state and returns a new one.
//
// Never change the state you are given, or anything in it: the checks hand you
// frozen states, and any in-place change (push, assignment, delete, sort)
// throws. Copy what you change ({ ...table, [id]: value }, [...list, id]) and
// return the tables you did not change as they are (the same objects).
// ---------------------------------------------------------------------------

/** Adds a user. Throws `duplicate-user` if the id is taken. Changes only `users` (and may add an empty list to `userPosts`). */
export const addUser = (state: BlogState, user: NormalizedUser): BlogState => {
  throw new NotImplemented('add the user to state.users');
};

/**
 * Adds a post, and appends its id to its author's list in `userPosts`.
 * Throws `duplicate-post` if the id is taken, then `unknown-user` if the
 * author does not exist. Changes only `posts` and `userPosts` (and may add an
 * empty list to `postComments`).
 */
export const addPost = (state: BlogState, post: NormalizedPost): BlogState => {
  throw new NotImplemented("add the post, and record it in its author's list");
};

/**
 * Adds a comment: into `comments`, AND its id at the end of its post's list in
 * `postComments` (creating the list if the post has none yet). Throws
 * `duplicate-comment` if the id is taken, then `unknown-post`, then
 * `unknown-user` for a missing author. Changes only `comments` and
 * `postComments`.
 */
export const addComment = (state: BlogState, comment: NormalizedComment): BlogState => {
  throw new NotImplemented("add the comment, and record it in its post's list");
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
  throw new NotImplemented('merge the changes into the post');
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
  throw new NotImplemented('merge the changes into the user');
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
    throw new NotImplemented('look up the post, then its author');
  };
