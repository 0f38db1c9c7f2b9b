//! Towel level: Don't Panic About Normalization.
//!
//! A small blog store, kept normalized: each entity lives in exactly one table,
//! and entities point at each other by id. Read `README.md` first, then fill in
//! every `todo!()`. Run `workshop check` whenever you like.
//!
//! Keep the public names and signatures below as they are: the hidden checks
//! call them. Everything inside the bodies, and the inside of `BlogState`, is
//! yours to design.

// The stub's unused arguments would only be noise; delete this line when done.
#![allow(unused_variables, unused_imports, dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

// ---------------------------------------------------------------------------
// Step 1: the schema
// ---------------------------------------------------------------------------

// TODO(step 1): these aliases let a `UserId` slip in wherever a `PostId` is
// expected. Turn each one into its own type, so that mixing them up is a
// compile error. The checks build ids with `PostId::from("post1")`, so keep
// `From<&str>` working, and derive what a map key needs.
pub type PostId = String;
pub type UserId = String;
pub type CommentId = String;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub title: String,
    pub content: String,
    /// A reference to the author, never a copy of the user.
    pub author_id: UserId,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub content: String,
    pub author_id: UserId,
    pub post_id: PostId,
}

/// The whole store.
///
/// TODO(step 1): add the entity tables (posts, users, comments) and the
/// relationship maps (post id -> comment ids in the order they were added,
/// user id -> post ids in the order they were added).
///
/// Updates never change a state in place: they return a new one. Wrap each
/// table in an `Arc` and a new state can share every table it did not touch
/// with the old one, so an update costs no more than the table it changes.
#[derive(Debug, Clone, Default)]
pub struct BlogState {
    // Your tables here. For example:
    // posts: Arc<HashMap<PostId, Post>>,
}

impl BlogState {
    /// Normalizes lists of entities into a state in one go: the tables, plus
    /// the relationship maps in list order (a user's posts in the order of
    /// `posts`, a post's comments in the order of `comments`).
    ///
    /// Refuses a duplicate id and any reference to a missing entity: a post
    /// whose author is unknown, a comment whose post or author is unknown.
    pub fn from_entities(users: Vec<User>, posts: Vec<Post>, comments: Vec<Comment>) -> Result<BlogState, BlogError> {
        todo!("build the tables and relationship maps")
    }
}

/// Why an update was refused. A refused update leaves the state as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlogError {
    UnknownPost(PostId),
    UnknownUser(UserId),
    DuplicatePost(PostId),
    DuplicateUser(UserId),
    DuplicateComment(CommentId),
}

// ---------------------------------------------------------------------------
// Step 2: selectors
// ---------------------------------------------------------------------------

/// The post with this id, if there is one.
pub fn select_post<'a>(state: &'a BlogState, id: &PostId) -> Option<&'a Post> {
    todo!("look the post up in its table")
}

/// The user with this id, if there is one.
pub fn select_user<'a>(state: &'a BlogState, id: &UserId) -> Option<&'a User> {
    todo!("look the user up in its table")
}

/// The comments on a post, in the order they were added. Empty for a post
/// with no comments, and for an unknown post.
pub fn select_post_comments<'a>(state: &'a BlogState, post_id: &PostId) -> Vec<&'a Comment> {
    todo!("follow the post -> comments relationship")
}

/// The posts a user wrote, in the order they were added. Empty for an
/// unknown user.
pub fn select_user_posts<'a>(state: &'a BlogState, user_id: &UserId) -> Vec<&'a Post> {
    todo!("follow the user -> posts relationship")
}

// ---------------------------------------------------------------------------
// Step 3: updates. Each takes the old state and returns a new one.
// ---------------------------------------------------------------------------

/// A partial update of a post: `None` means "leave this field as it is".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostUpdate {
    pub title: Option<String>,
    pub content: Option<String>,
    /// Moving a post to another author moves it from the old author's post
    /// list to the end of the new author's. The author the post already has
    /// is not a move: the post keeps its place.
    pub author_id: Option<UserId>,
    pub updated_at: Option<String>,
}

/// A partial update of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserUpdate {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Adds a user. Refuses an id that is already taken.
pub fn add_user(state: &BlogState, user: User) -> Result<BlogState, BlogError> {
    todo!("insert the user, refusing a taken id")
}

/// Adds a post by an existing author, and records it in the author's posts.
/// Refuses an id that is already taken and an unknown author.
pub fn add_post(state: &BlogState, post: Post) -> Result<BlogState, BlogError> {
    todo!("insert the post and append it to its author's post list")
}

/// Adds a comment to an existing post, by an existing user: both the comments
/// table and the post's comment list change. Refuses an id that is already
/// taken, an unknown post and an unknown author.
pub fn add_comment(state: &BlogState, comment: Comment) -> Result<BlogState, BlogError> {
    todo!("insert the comment and append it to its post's comment list")
}

/// Changes only the fields that `update` sets; every other field, post and
/// table stays as it was. Refuses an unknown post and an unknown new author.
pub fn update_post(state: &BlogState, id: &PostId, update: PostUpdate) -> Result<BlogState, BlogError> {
    todo!("copy the post, overwrite only the fields that are Some, move it between author lists if needed")
}

/// Changes only the fields that `update` sets. Renaming a user is one change,
/// however many posts they wrote.
pub fn update_user(state: &BlogState, id: &UserId, update: UserUpdate) -> Result<BlogState, BlogError> {
    todo!("copy the user and overwrite only the fields that are Some")
}

// ---------------------------------------------------------------------------
// Extension (bonus): join a post with its author at read time
// ---------------------------------------------------------------------------

/// A post together with its author, borrowed from the state: nothing is copied
/// and nothing is stored twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostWithAuthor<'a> {
    pub post: &'a Post,
    pub author: &'a User,
}

/// The post and its author; `None` when either is missing.
pub fn select_post_with_author<'a>(state: &'a BlogState, id: &PostId) -> Option<PostWithAuthor<'a>> {
    todo!("bonus: combine select_post and select_user")
}

// Your own tests go here: `cargo test` in this folder runs them.
#[cfg(test)]
mod tests {}
