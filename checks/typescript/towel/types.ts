// Type-level checks for Towel's Type Safety item. Type-checked together with
// the learner's src/ (strict), never bundled, never run.
//
// The file is split into sections: each starts with a line "// check: <id>"
// and runs to the next such line. A section passes when tsc reports no error
// inside it.
// - control uses the API correctly and must compile: if it does not, the
//   learner changed a name or a signature, and every type check fails.
// - An id mix-up is written under `// @ts-expect-error`: with branded ids the
//   line is an error and the directive is used; with plain `string` ids the
//   line compiles and tsc reports the unused directive (TS2578) instead.
// - "no any" sections assert at the type level that the public API mentions
//   `any` nowhere: an `Expect<HasAny<...>>` that is not `false` is an error.
// Each mix-up sits on one line: a directive covers the next line only.

import * as L from './learner';

/** `true` exactly for `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * `true` (or `boolean`) when `any` appears in T: T itself, a function's
 * parameters or result, an array's elements, an object's properties, a few
 * levels deep.
 */
type HasAny<T, Depth extends unknown[] = []> =
  IsAny<T> extends true
    ? true
    : Depth['length'] extends 5
      ? false
      : T extends (...args: infer A) => infer R
        ? HasAny<R, [...Depth, 0]> | HasAny<A[number], [...Depth, 0]>
        : T extends readonly (infer E)[]
          ? HasAny<E, [...Depth, 0]>
          : T extends string | number | boolean | bigint | symbol | null | undefined
            ? false
            : T extends object
              ? { [K in keyof T]-?: HasAny<T[K], [...Depth, 0]> }[keyof T]
              : false;

/** Compiles only when T is exactly `false`. */
type Expect<T extends false> = T;

declare const state: L.BlogState;
declare const aPostId: L.PostId;
declare const aUserId: L.UserId;
declare const aCommentId: L.CommentId;
declare const aString: string;
declare const aPost: L.NormalizedPost;
declare const aComment: L.NormalizedComment;
declare const aUser: L.NormalizedUser;

// check: control
{
  const p = L.postId('post1');
  const u = L.userId('user1');
  const c = L.commentId('comment1');
  const post: L.NormalizedPost = { id: p, title: 'Redux Basics', content: '...', authorId: u, createdAt: '2024-01-01', updatedAt: '2024-01-01' };
  const user: L.NormalizedUser = { id: u, name: 'Alice', email: 'alice@example.com' };
  const comment: L.NormalizedComment = { id: c, content: 'Great post!', authorId: u, postId: p };
  const literal: L.BlogState = {
    posts: { [p]: post },
    users: { [u]: user },
    comments: {},
    postComments: { [p]: [] },
    userPosts: { [u]: [p] },
  };
  let s: L.BlogState = L.createBlogState({ users: [user], posts: [post], comments: [comment] });
  s = L.createBlogState();
  s = L.addUser(literal, user);
  s = L.addPost(s, { ...post, id: L.postId('post2') });
  s = L.addComment(s, comment);
  s = L.updatePost(s, { id: p, title: 'Redux, Revisited' });
  s = L.updatePost(s, { id: p, authorId: u });
  s = L.updateUser(s, { id: u, name: 'Zaphod' });
  const found: L.NormalizedPost | undefined = L.selectPost(p)(s);
  const author: L.NormalizedUser | undefined = L.selectUser(found ? found.authorId : u)(s);
  const comments: readonly L.NormalizedComment[] = L.selectPostComments(p)(s);
  const posts: readonly L.NormalizedPost[] = L.selectUserPosts(u)(s);
  const joined: L.PostWithAuthor | undefined = L.selectPostWithAuthor(p)(s);
  const title: string | undefined = joined?.post.title;
  const name: string | undefined = joined?.author.name;
  const onPost: L.PostId | undefined = comments[0]?.postId;
  const err: L.BlogError = new L.BlogError('unknown-post', p);
  const code: L.BlogErrorCode = err.code;
  const badId: string = err.id;
  const entities: L.BlogEntities = { users: [user] };
  void [author, posts, title, name, onPost, code, badId, entities, state.posts[p], state.postComments[p], state.userPosts[u], state.comments[c], state.users[u]];
}

// check: types.user-id-is-not-a-post-id
{
  // @ts-expect-error selectPost takes a PostId
  L.selectPost(aUserId);
  // @ts-expect-error selectPostComments takes a PostId
  L.selectPostComments(aUserId);
  // @ts-expect-error selectPostWithAuthor takes a PostId
  L.selectPostWithAuthor(aUserId);
  // @ts-expect-error updatePost's id is a PostId
  L.updatePost(state, { id: aUserId });
  // @ts-expect-error a post's id is a PostId
  const p: L.NormalizedPost = { ...aPost, id: aUserId };
  // @ts-expect-error a comment's postId is a PostId
  const c: L.NormalizedComment = { ...aComment, postId: aUserId };
  // @ts-expect-error the posts table is keyed by PostId
  void state.posts[aUserId];
  // @ts-expect-error postComments is keyed by PostId
  void state.postComments[aUserId];
  // @ts-expect-error userPosts lists PostIds
  const list: L.BlogState['userPosts'][L.UserId] = [aUserId];
  void [p, c, list];
}

// check: types.comment-id-is-not-a-post-id
{
  // @ts-expect-error selectPost takes a PostId
  L.selectPost(aCommentId);
  // @ts-expect-error selectPostComments takes a PostId
  L.selectPostComments(aCommentId);
  // @ts-expect-error selectPostWithAuthor takes a PostId
  L.selectPostWithAuthor(aCommentId);
  // @ts-expect-error updatePost's id is a PostId
  L.updatePost(state, { id: aCommentId });
  // @ts-expect-error a post's id is a PostId
  const p: L.NormalizedPost = { ...aPost, id: aCommentId };
  // @ts-expect-error a comment's postId is a PostId
  const c: L.NormalizedComment = { ...aComment, postId: aCommentId };
  // @ts-expect-error the posts table is keyed by PostId
  void state.posts[aCommentId];
  // @ts-expect-error postComments is keyed by PostId
  void state.postComments[aCommentId];
  // @ts-expect-error userPosts lists PostIds
  const list: L.BlogState['userPosts'][L.UserId] = [aCommentId];
  void [p, c, list];
}

// check: types.string-is-not-a-post-id
{
  // @ts-expect-error selectPost takes a PostId, made with postId()
  L.selectPost(aString);
  // @ts-expect-error a string literal is not a PostId either
  L.selectPost('post1');
  // @ts-expect-error selectPostComments takes a PostId
  L.selectPostComments(aString);
  // @ts-expect-error selectPostWithAuthor takes a PostId
  L.selectPostWithAuthor(aString);
  // @ts-expect-error updatePost's id is a PostId
  L.updatePost(state, { id: aString });
  // @ts-expect-error a post's id is a PostId
  const p: L.NormalizedPost = { ...aPost, id: aString };
  // @ts-expect-error a comment's postId is a PostId
  const c: L.NormalizedComment = { ...aComment, postId: aString };
  // @ts-expect-error the posts table is keyed by PostId
  void state.posts[aString];
  // @ts-expect-error postComments is keyed by PostId
  void state.postComments[aString];
  // @ts-expect-error userPosts lists PostIds
  const list: L.BlogState['userPosts'][L.UserId] = [aString];
  void [p, c, list];
}

// check: types.post-id-is-not-a-user-id
{
  // @ts-expect-error selectUser takes a UserId
  L.selectUser(aPostId);
  // @ts-expect-error selectUserPosts takes a UserId
  L.selectUserPosts(aPostId);
  // @ts-expect-error updateUser's id is a UserId
  L.updateUser(state, { id: aPostId });
  // @ts-expect-error updatePost's authorId is a UserId
  L.updatePost(state, { id: aPostId, authorId: aPostId });
  // @ts-expect-error a user's id is a UserId
  const u: L.NormalizedUser = { ...aUser, id: aPostId };
  // @ts-expect-error a post's authorId is a UserId
  const p: L.NormalizedPost = { ...aPost, authorId: aPostId };
  // @ts-expect-error a comment's authorId is a UserId
  const c: L.NormalizedComment = { ...aComment, authorId: aPostId };
  // @ts-expect-error the users table is keyed by UserId
  void state.users[aPostId];
  // @ts-expect-error userPosts is keyed by UserId
  void state.userPosts[aPostId];
  void [u, p, c];
}

// check: types.comment-id-is-not-a-user-id
{
  // @ts-expect-error selectUser takes a UserId
  L.selectUser(aCommentId);
  // @ts-expect-error selectUserPosts takes a UserId
  L.selectUserPosts(aCommentId);
  // @ts-expect-error updateUser's id is a UserId
  L.updateUser(state, { id: aCommentId });
  // @ts-expect-error updatePost's authorId is a UserId
  L.updatePost(state, { id: aPostId, authorId: aCommentId });
  // @ts-expect-error a user's id is a UserId
  const u: L.NormalizedUser = { ...aUser, id: aCommentId };
  // @ts-expect-error a post's authorId is a UserId
  const p: L.NormalizedPost = { ...aPost, authorId: aCommentId };
  // @ts-expect-error a comment's authorId is a UserId
  const c: L.NormalizedComment = { ...aComment, authorId: aCommentId };
  // @ts-expect-error the users table is keyed by UserId
  void state.users[aCommentId];
  // @ts-expect-error userPosts is keyed by UserId
  void state.userPosts[aCommentId];
  void [u, p, c];
}

// check: types.string-is-not-a-user-id
{
  // @ts-expect-error selectUser takes a UserId, made with userId()
  L.selectUser(aString);
  // @ts-expect-error a string literal is not a UserId either
  L.selectUser('user1');
  // @ts-expect-error selectUserPosts takes a UserId
  L.selectUserPosts(aString);
  // @ts-expect-error updateUser's id is a UserId
  L.updateUser(state, { id: aString });
  // @ts-expect-error updatePost's authorId is a UserId
  L.updatePost(state, { id: aPostId, authorId: aString });
  // @ts-expect-error a user's id is a UserId
  const u: L.NormalizedUser = { ...aUser, id: aString };
  // @ts-expect-error a post's authorId is a UserId
  const p: L.NormalizedPost = { ...aPost, authorId: aString };
  // @ts-expect-error a comment's authorId is a UserId
  const c: L.NormalizedComment = { ...aComment, authorId: aString };
  // @ts-expect-error the users table is keyed by UserId
  void state.users[aString];
  // @ts-expect-error userPosts is keyed by UserId
  void state.userPosts[aString];
  void [u, p, c];
}

// check: types.post-id-is-not-a-comment-id
{
  // @ts-expect-error a comment's id is a CommentId
  const c: L.NormalizedComment = { ...aComment, id: aPostId };
  // @ts-expect-error the comments table is keyed by CommentId
  void state.comments[aPostId];
  // @ts-expect-error postComments lists CommentIds
  const list: L.BlogState['postComments'][L.PostId] = [aPostId];
  void [c, list];
}

// check: types.user-id-is-not-a-comment-id
{
  // @ts-expect-error a comment's id is a CommentId
  const c: L.NormalizedComment = { ...aComment, id: aUserId };
  // @ts-expect-error the comments table is keyed by CommentId
  void state.comments[aUserId];
  // @ts-expect-error postComments lists CommentIds
  const list: L.BlogState['postComments'][L.PostId] = [aUserId];
  void [c, list];
}

// check: types.string-is-not-a-comment-id
{
  // @ts-expect-error a comment's id is a CommentId, made with commentId()
  const c: L.NormalizedComment = { ...aComment, id: aString };
  // @ts-expect-error the comments table is keyed by CommentId
  void state.comments[aString];
  // @ts-expect-error postComments lists CommentIds
  const list: L.BlogState['postComments'][L.PostId] = [aString];
  void [c, list];
}

// check: types.no-any-in-state
{
  type Checked = [
    Expect<HasAny<L.BlogState>>,
    Expect<HasAny<L.NormalizedPost>>,
    Expect<HasAny<L.NormalizedUser>>,
    Expect<HasAny<L.NormalizedComment>>,
    Expect<HasAny<L.PostWithAuthor>>,
    Expect<HasAny<L.BlogEntities>>,
    Expect<HasAny<L.PostId>>,
    Expect<HasAny<L.UserId>>,
    Expect<HasAny<L.CommentId>>,
    Expect<HasAny<typeof L.postId>>,
    Expect<HasAny<typeof L.userId>>,
    Expect<HasAny<typeof L.commentId>>,
  ];
  void (0 as unknown as Checked);
}

// check: types.no-any-in-selectors
{
  type Checked = [
    Expect<HasAny<typeof L.selectPost>>,
    Expect<HasAny<typeof L.selectUser>>,
    Expect<HasAny<typeof L.selectPostComments>>,
    Expect<HasAny<typeof L.selectUserPosts>>,
    Expect<HasAny<typeof L.selectPostWithAuthor>>,
  ];
  void (0 as unknown as Checked);
}

// check: types.no-any-in-updates
{
  type Checked = [
    Expect<HasAny<typeof L.createBlogState>>,
    Expect<HasAny<typeof L.addUser>>,
    Expect<HasAny<typeof L.addPost>>,
    Expect<HasAny<typeof L.addComment>>,
    Expect<HasAny<typeof L.updatePost>>,
    Expect<HasAny<typeof L.updateUser>>,
  ];
  void (0 as unknown as Checked);
}
