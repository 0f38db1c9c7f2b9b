//! Small builders shared by the Towel checks: ids, entities with readable
//! defaults, and helpers that turn selector answers into owned values that
//! can be compared and printed.

use crate::harness::testdata::{id, ids};
use crate::harness::*;
use towel::*;

pub fn pid(text: &str) -> PostId {
    id(text)
}

pub fn uid(text: &str) -> UserId {
    id(text)
}

pub fn cid(text: &str) -> CommentId {
    id(text)
}

pub fn pids(texts: &[&str]) -> Vec<PostId> {
    ids(texts)
}

pub fn cids(texts: &[&str]) -> Vec<CommentId> {
    ids(texts)
}

pub fn user(id: &str, name: &str) -> User {
    User { id: uid(id), name: name.to_string(), email: format!("{id}@example.com") }
}

pub fn post(id: &str, author: &str) -> Post {
    Post {
        id: pid(id),
        title: format!("Title of {id}"),
        content: format!("Content of {id}"),
        author_id: uid(author),
        created_at: "2024-01-01".to_string(),
        updated_at: "2024-01-02".to_string(),
    }
}

pub fn comment(id: &str, post: &str, author: &str) -> Comment {
    Comment { id: cid(id), content: format!("{author} says hi on {post}"), author_id: uid(author), post_id: pid(post) }
}

/// The ids of a selector's posts, in the order it returned them.
pub fn post_ids(posts: Vec<&Post>) -> Vec<PostId> {
    posts.into_iter().map(|p| p.id.clone()).collect()
}

/// The ids of a selector's comments, in the order it returned them.
pub fn comment_ids(comments: Vec<&Comment>) -> Vec<CommentId> {
    comments.into_iter().map(|c| c.id.clone()).collect()
}

/// Owned copies of borrowed entities, to compare with expected values.
pub fn owned<T: Clone>(items: Vec<&T>) -> Vec<T> {
    items.into_iter().cloned().collect()
}

/// `Ok(())` or the error: a `BlogState` cannot be compared or printed
/// usefully, so checks about refusals look at this instead.
pub fn outcome(result: &Result<BlogState, BlogError>) -> Result<(), BlogError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) => Err(e.clone()),
    }
}

/// `BlogState::from_entities` on lists the check knows to be valid.
pub fn build(users: Vec<User>, posts: Vec<Post>, comments: Vec<Comment>) -> Result<BlogState, String> {
    let what = format!(
        "BlogState::from_entities with {} users, {} posts and {} comments, all valid",
        users.len(),
        posts.len(),
        comments.len()
    );
    ok(BlogState::from_entities(users, posts, comments), &what)
}
