//! Compile-fail checks for Towel's Type Safety item.
//!
//! Not part of the harness. The grader type-checks this file once against the
//! learner's crate. Each section marked "check:" holds exactly one id mix-up
//! and must be refused with a mismatched-types error (E0308): with `PostId`,
//! `UserId` and `CommentId` as distinct types the compiler catches the mix-up,
//! with plain `String` aliases it does not. The control section uses every
//! API correctly and must compile, so a broken API cannot pass by accident.

#![allow(dead_code, unused_variables)]

use towel::*;

// control
fn control(state: &BlogState) {
    let post_id = PostId::from("post1");
    let user_id = UserId::from("user1");
    let _ = select_post(state, &post_id);
    let _ = select_user(state, &user_id);
    let _ = select_post_comments(state, &post_id);
    let _ = select_user_posts(state, &user_id);
    let _ = Post {
        id: PostId::from("post1"),
        title: String::new(),
        content: String::new(),
        author_id: UserId::from("user1"),
        created_at: String::new(),
        updated_at: String::new(),
    };
    let _ = Comment {
        id: CommentId::from("comment1"),
        content: String::new(),
        author_id: UserId::from("user1"),
        post_id: PostId::from("post1"),
    };
}

// check: types.user-id-is-not-a-post-id
fn user_id_as_post_id(state: &BlogState) {
    let id = UserId::from("user1");
    let _ = select_post(state, &id);
}

// check: types.post-id-is-not-a-user-id
fn post_id_as_user_id(state: &BlogState) {
    let id = PostId::from("post1");
    let _ = select_user(state, &id);
}

// check: types.comment-id-is-not-a-post-id
fn comment_id_as_post_id(state: &BlogState) {
    let id = CommentId::from("comment1");
    let _ = select_post_comments(state, &id);
}

// check: types.author-must-be-a-user-id
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
