//! Compile-fail checks for Towel's Type Safety item.
//!
//! Not part of the harness. The grader type-checks this file once against the
//! learner's crate. Each section marked "check:" holds exactly ONE id mix-up,
//! so it fails to compile only if that one pair of types is distinct: a
//! section that mixed two id types would be refused as soon as either of them
//! was a newtype. A check may have several sections (one per place an id goes:
//! each selector and update that takes one, each struct field that holds one)
//! and holds only if every one of them is refused with a mismatched-types
//! error (E0308). The text after a section's id says what it tries.
//!
//! Every id comes in as a parameter of the type being tried, so a section
//! never depends on how that type is built. The control section uses every
//! API correctly and must compile, so a broken API cannot pass by accident.

#![allow(dead_code, unused_variables, clippy::ptr_arg)]

use towel::*;

// control
fn control(state: &BlogState) {
    let post_id = PostId::from("post1");
    let user_id = UserId::from("user1");
    let comment_id = CommentId::from("comment1");
    let _ = select_post(state, &post_id);
    let _ = select_user(state, &user_id);
    let _ = select_post_comments(state, &post_id);
    let _ = select_user_posts(state, &user_id);
    let _ = select_post_with_author(state, &post_id);
    let _ = update_post(state, &post_id, PostUpdate { author_id: Some(user_id.clone()), ..PostUpdate::default() });
    let _ = update_user(state, &user_id, UserUpdate::default());
    let _ = User { id: user_id.clone(), name: String::new(), email: String::new() };
    let _ = Post {
        id: PostId::from("post1"),
        title: String::new(),
        content: String::new(),
        author_id: UserId::from("user1"),
        created_at: String::new(),
        updated_at: String::new(),
    };
    let _ = Comment {
        id: comment_id,
        content: String::new(),
        author_id: UserId::from("user1"),
        post_id: PostId::from("post1"),
    };
}

// The four original cases, kept as they were.

// check: types.user-id-is-not-a-post-id a `UserId` passed to `select_post`
fn user_id_as_post_id(state: &BlogState) {
    let id = UserId::from("user1");
    let _ = select_post(state, &id);
}

// check: types.post-id-is-not-a-user-id a `PostId` passed to `select_user`
fn post_id_as_user_id(state: &BlogState) {
    let id = PostId::from("post1");
    let _ = select_user(state, &id);
}

// check: types.comment-id-is-not-a-post-id a `CommentId` passed to `select_post_comments`
fn comment_id_as_post_id(state: &BlogState) {
    let id = CommentId::from("comment1");
    let _ = select_post_comments(state, &id);
}

// check: types.author-must-be-a-user-id a `PostId` as a `Post`'s `author_id`
fn post_id_as_author(state: &BlogState) {
    let _ = Post {
        id: PostId::from("post1"),
        title: String::new(),
        content: String::new(),
        author_id: PostId::from("p"),
        created_at: String::new(),
        updated_at: String::new(),
    };
}

// ---------------------------------------------------------------------------
// Where a PostId goes
// ---------------------------------------------------------------------------

// check: types.user-id-is-not-a-post-id a `UserId` passed to `select_post_comments`
fn user_id_select_post_comments(state: &BlogState, x: &UserId) {
    let _ = select_post_comments(state, x);
}

// check: types.user-id-is-not-a-post-id a `UserId` passed to `update_post` as the post's id
fn user_id_update_post(state: &BlogState, x: &UserId) {
    let _ = update_post(state, x, PostUpdate::default());
}

// check: types.user-id-is-not-a-post-id a `UserId` passed to `select_post_with_author`
fn user_id_select_post_with_author(state: &BlogState, x: &UserId) {
    let _ = select_post_with_author(state, x);
}

// check: types.user-id-is-not-a-post-id a `UserId` as a `Post`'s `id`
fn user_id_post_id_field(x: UserId, author: UserId) -> Post {
    Post {
        id: x,
        title: String::new(),
        content: String::new(),
        author_id: author,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

// check: types.user-id-is-not-a-post-id a `UserId` as a `Comment`'s `post_id`
fn user_id_comment_post_id_field(x: UserId, id: CommentId, author: UserId) -> Comment {
    Comment { id, content: String::new(), author_id: author, post_id: x }
}

// check: types.comment-id-is-not-a-post-id a `CommentId` passed to `select_post`
fn comment_id_select_post(state: &BlogState, x: &CommentId) {
    let _ = select_post(state, x);
}

// check: types.comment-id-is-not-a-post-id a `CommentId` passed to `update_post` as the post's id
fn comment_id_update_post(state: &BlogState, x: &CommentId) {
    let _ = update_post(state, x, PostUpdate::default());
}

// check: types.comment-id-is-not-a-post-id a `CommentId` passed to `select_post_with_author`
fn comment_id_select_post_with_author(state: &BlogState, x: &CommentId) {
    let _ = select_post_with_author(state, x);
}

// check: types.comment-id-is-not-a-post-id a `CommentId` as a `Post`'s `id`
fn comment_id_post_id_field(x: CommentId, author: UserId) -> Post {
    Post {
        id: x,
        title: String::new(),
        content: String::new(),
        author_id: author,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

// check: types.comment-id-is-not-a-post-id a `CommentId` as a `Comment`'s `post_id`
fn comment_id_comment_post_id_field(x: CommentId, id: CommentId, author: UserId) -> Comment {
    Comment { id, content: String::new(), author_id: author, post_id: x }
}

// check: types.text-is-not-a-post-id a `String` passed to `select_post`
fn string_select_post(state: &BlogState, x: &String) {
    let _ = select_post(state, x);
}

// check: types.text-is-not-a-post-id a `String` passed to `select_post_comments`
fn string_select_post_comments(state: &BlogState, x: &String) {
    let _ = select_post_comments(state, x);
}

// check: types.text-is-not-a-post-id a `String` passed to `update_post` as the post's id
fn string_update_post(state: &BlogState, x: &String) {
    let _ = update_post(state, x, PostUpdate::default());
}

// check: types.text-is-not-a-post-id a `String` passed to `select_post_with_author`
fn string_select_post_with_author(state: &BlogState, x: &String) {
    let _ = select_post_with_author(state, x);
}

// check: types.text-is-not-a-post-id a `String` as a `Post`'s `id`
fn string_post_id_field(x: String, author: UserId) -> Post {
    Post {
        id: x,
        title: String::new(),
        content: String::new(),
        author_id: author,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

// check: types.text-is-not-a-post-id a `String` as a `Comment`'s `post_id`
fn string_comment_post_id_field(x: String, id: CommentId, author: UserId) -> Comment {
    Comment { id, content: String::new(), author_id: author, post_id: x }
}

// check: types.text-is-not-a-post-id a `&str` passed to `select_post`
fn str_select_post(state: &BlogState, x: &str) {
    let _ = select_post(state, x);
}

// check: types.text-is-not-a-post-id a `&str` passed to `select_post_comments`
fn str_select_post_comments(state: &BlogState, x: &str) {
    let _ = select_post_comments(state, x);
}

// check: types.text-is-not-a-post-id a `&str` passed to `update_post` as the post's id
fn str_update_post(state: &BlogState, x: &str) {
    let _ = update_post(state, x, PostUpdate::default());
}

// check: types.text-is-not-a-post-id a `&str` passed to `select_post_with_author`
fn str_select_post_with_author(state: &BlogState, x: &str) {
    let _ = select_post_with_author(state, x);
}

// check: types.text-is-not-a-post-id a `&str` as a `Post`'s `id`
fn str_post_id_field(x: &'static str, author: UserId) -> Post {
    Post {
        id: x,
        title: String::new(),
        content: String::new(),
        author_id: author,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

// check: types.text-is-not-a-post-id a `&str` as a `Comment`'s `post_id`
fn str_comment_post_id_field(x: &'static str, id: CommentId, author: UserId) -> Comment {
    Comment { id, content: String::new(), author_id: author, post_id: x }
}

// ---------------------------------------------------------------------------
// Where a UserId goes
// ---------------------------------------------------------------------------

// check: types.post-id-is-not-a-user-id a `PostId` passed to `select_user_posts`
fn post_id_select_user_posts(state: &BlogState, x: &PostId) {
    let _ = select_user_posts(state, x);
}

// check: types.post-id-is-not-a-user-id a `PostId` passed to `update_user` as the user's id
fn post_id_update_user(state: &BlogState, x: &PostId) {
    let _ = update_user(state, x, UserUpdate::default());
}

// check: types.post-id-is-not-a-user-id a `PostId` as a `User`'s `id`
fn post_id_user_id_field(x: PostId) -> User {
    User { id: x, name: String::new(), email: String::new() }
}

// check: types.author-must-be-a-user-id a `PostId` as a `Comment`'s `author_id`
fn post_id_comment_author_field(x: PostId, id: CommentId, post: PostId) -> Comment {
    Comment { id, content: String::new(), author_id: x, post_id: post }
}

// check: types.author-must-be-a-user-id a `PostId` as a `PostUpdate`'s `author_id`
fn post_id_update_author_field(x: PostId) -> PostUpdate {
    PostUpdate { author_id: Some(x), ..PostUpdate::default() }
}

// check: types.comment-id-is-not-a-user-id a `CommentId` passed to `select_user`
fn comment_id_select_user(state: &BlogState, x: &CommentId) {
    let _ = select_user(state, x);
}

// check: types.comment-id-is-not-a-user-id a `CommentId` passed to `select_user_posts`
fn comment_id_select_user_posts(state: &BlogState, x: &CommentId) {
    let _ = select_user_posts(state, x);
}

// check: types.comment-id-is-not-a-user-id a `CommentId` passed to `update_user` as the user's id
fn comment_id_update_user(state: &BlogState, x: &CommentId) {
    let _ = update_user(state, x, UserUpdate::default());
}

// check: types.comment-id-is-not-a-user-id a `CommentId` as a `User`'s `id`
fn comment_id_user_id_field(x: CommentId) -> User {
    User { id: x, name: String::new(), email: String::new() }
}

// check: types.comment-id-is-not-a-user-id a `CommentId` as a `Post`'s `author_id`
fn comment_id_post_author_field(x: CommentId, id: PostId) -> Post {
    Post {
        id,
        title: String::new(),
        content: String::new(),
        author_id: x,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

// check: types.comment-id-is-not-a-user-id a `CommentId` as a `Comment`'s `author_id`
fn comment_id_comment_author_field(x: CommentId, id: CommentId, post: PostId) -> Comment {
    Comment { id, content: String::new(), author_id: x, post_id: post }
}

// check: types.comment-id-is-not-a-user-id a `CommentId` as a `PostUpdate`'s `author_id`
fn comment_id_update_author_field(x: CommentId) -> PostUpdate {
    PostUpdate { author_id: Some(x), ..PostUpdate::default() }
}

// check: types.text-is-not-a-user-id a `String` passed to `select_user`
fn string_select_user(state: &BlogState, x: &String) {
    let _ = select_user(state, x);
}

// check: types.text-is-not-a-user-id a `String` passed to `select_user_posts`
fn string_select_user_posts(state: &BlogState, x: &String) {
    let _ = select_user_posts(state, x);
}

// check: types.text-is-not-a-user-id a `String` passed to `update_user` as the user's id
fn string_update_user(state: &BlogState, x: &String) {
    let _ = update_user(state, x, UserUpdate::default());
}

// check: types.text-is-not-a-user-id a `String` as a `User`'s `id`
fn string_user_id_field(x: String) -> User {
    User { id: x, name: String::new(), email: String::new() }
}

// check: types.text-is-not-a-user-id a `String` as a `Post`'s `author_id`
fn string_post_author_field(x: String, id: PostId) -> Post {
    Post {
        id,
        title: String::new(),
        content: String::new(),
        author_id: x,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

// check: types.text-is-not-a-user-id a `String` as a `Comment`'s `author_id`
fn string_comment_author_field(x: String, id: CommentId, post: PostId) -> Comment {
    Comment { id, content: String::new(), author_id: x, post_id: post }
}

// check: types.text-is-not-a-user-id a `String` as a `PostUpdate`'s `author_id`
fn string_update_author_field(x: String) -> PostUpdate {
    PostUpdate { author_id: Some(x), ..PostUpdate::default() }
}

// check: types.text-is-not-a-user-id a `&str` passed to `select_user`
fn str_select_user(state: &BlogState, x: &str) {
    let _ = select_user(state, x);
}

// check: types.text-is-not-a-user-id a `&str` passed to `select_user_posts`
fn str_select_user_posts(state: &BlogState, x: &str) {
    let _ = select_user_posts(state, x);
}

// check: types.text-is-not-a-user-id a `&str` passed to `update_user` as the user's id
fn str_update_user(state: &BlogState, x: &str) {
    let _ = update_user(state, x, UserUpdate::default());
}

// check: types.text-is-not-a-user-id a `&str` as a `User`'s `id`
fn str_user_id_field(x: &'static str) -> User {
    User { id: x, name: String::new(), email: String::new() }
}

// check: types.text-is-not-a-user-id a `&str` as a `Post`'s `author_id`
fn str_post_author_field(x: &'static str, id: PostId) -> Post {
    Post {
        id,
        title: String::new(),
        content: String::new(),
        author_id: x,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

// check: types.text-is-not-a-user-id a `&str` as a `Comment`'s `author_id`
fn str_comment_author_field(x: &'static str, id: CommentId, post: PostId) -> Comment {
    Comment { id, content: String::new(), author_id: x, post_id: post }
}

// check: types.text-is-not-a-user-id a `&str` as a `PostUpdate`'s `author_id`
fn str_update_author_field(x: &'static str) -> PostUpdate {
    PostUpdate { author_id: Some(x), ..PostUpdate::default() }
}

// ---------------------------------------------------------------------------
// Where a CommentId goes
// ---------------------------------------------------------------------------

// check: types.post-id-is-not-a-comment-id a `PostId` as a `Comment`'s `id`
fn post_id_comment_id_field(x: PostId, author: UserId, post: PostId) -> Comment {
    Comment { id: x, content: String::new(), author_id: author, post_id: post }
}

// check: types.user-id-is-not-a-comment-id a `UserId` as a `Comment`'s `id`
fn user_id_comment_id_field(x: UserId, author: UserId, post: PostId) -> Comment {
    Comment { id: x, content: String::new(), author_id: author, post_id: post }
}

// check: types.text-is-not-a-comment-id a `String` as a `Comment`'s `id`
fn string_comment_id_field(x: String, author: UserId, post: PostId) -> Comment {
    Comment { id: x, content: String::new(), author_id: author, post_id: post }
}

// check: types.text-is-not-a-comment-id a `&str` as a `Comment`'s `id`
fn str_comment_id_field(x: &'static str, author: UserId, post: PostId) -> Comment {
    Comment { id: x, content: String::new(), author_id: author, post_id: post }
}
