//! Schema design: `from_entities` normalizes lists into tables plus
//! relationship maps, refuses broken references, and a user lives in one
//! place only, so renaming them is one cheap change.

use super::data::*;
use crate::harness::*;
use towel::*;

// Catches: relationship maps left empty, or filled in HashMap order instead
// of list order.
pub fn from_entities_builds_all() -> CheckResult {
    let users = vec![user("alice", "Alice"), user("bob", "Bob"), user("carol", "Carol")];
    // Owners interleaved, and ids deliberately not in sorted order.
    let posts =
        vec![post("p3", "alice"), post("p2", "bob"), post("p1", "alice"), post("p5", "bob"), post("p4", "alice")];
    let comments = vec![
        comment("c4", "p3", "bob"),
        comment("c1", "p2", "alice"),
        comment("c2", "p3", "carol"),
        comment("c5", "p1", "bob"),
        comment("c3", "p3", "alice"),
    ];
    let state = build(users.clone(), posts.clone(), comments.clone())?;

    for u in &users {
        ensure_eq!(select_user(&state, &u.id), Some(u), "after from_entities, select_user({:?})", u.id);
    }
    for p in &posts {
        ensure_eq!(select_post(&state, &p.id), Some(p), "after from_entities, select_post({:?})", p.id);
    }

    let user_posts = [("alice", pids(&["p3", "p1", "p4"])), ("bob", pids(&["p2", "p5"])), ("carol", vec![])];
    for (u, expected) in user_posts {
        ensure_eq!(
            post_ids(select_user_posts(&state, &uid(u))),
            expected,
            "after from_entities, select_user_posts({u:?}) should list {u}'s posts in the order of the posts list"
        );
    }

    let post_comments = [
        ("p3", vec![&comments[0], &comments[2], &comments[4]]),
        ("p2", vec![&comments[1]]),
        ("p1", vec![&comments[3]]),
        ("p5", vec![]),
        ("p4", vec![]),
    ];
    for (p, expected) in post_comments {
        let got = select_post_comments(&state, &pid(p));
        ensure_eq!(
            comment_ids(got.clone()),
            comment_ids(expected.clone()),
            "after from_entities, select_post_comments({p:?}) should list {p}'s comments in the order of the comments list"
        );
        ensure_eq!(
            owned(got),
            owned(expected),
            "after from_entities, the comments of {p:?} should be exactly the ones given"
        );
    }
    Ok(())
}

// Catches: from_entities that copies lists into tables without checking that
// every reference points somewhere, or lets a later entity overwrite an
// earlier one with the same id.
pub fn from_entities_rejects_dangling() -> CheckResult {
    let users = || vec![user("alice", "Alice"), user("bob", "Bob")];
    let posts = || vec![post("p1", "alice"), post("p2", "bob")];
    let comments = || vec![comment("c1", "p1", "bob"), comment("c2", "p2", "alice")];
    build(users(), posts(), comments())?;

    let with = |mut list: Vec<Post>, extra: Post| {
        list.push(extra);
        list
    };
    let cases: Vec<(&str, Result<BlogState, BlogError>, BlogError)> = vec![
        (
            "a post whose author \"ghost\" is not in the users list",
            BlogState::from_entities(users(), with(posts(), post("p3", "ghost")), comments()),
            BlogError::UnknownUser(uid("ghost")),
        ),
        (
            "a comment on post \"nowhere\", which is not in the posts list",
            BlogState::from_entities(users(), posts(), [comments(), vec![comment("c3", "nowhere", "bob")]].concat()),
            BlogError::UnknownPost(pid("nowhere")),
        ),
        (
            "a comment by \"ghost\", who is not in the users list",
            BlogState::from_entities(users(), posts(), [comments(), vec![comment("c3", "p1", "ghost")]].concat()),
            BlogError::UnknownUser(uid("ghost")),
        ),
        (
            "two posts with the id \"p1\"",
            BlogState::from_entities(users(), with(posts(), post("p1", "bob")), comments()),
            BlogError::DuplicatePost(pid("p1")),
        ),
        (
            "two users with the id \"bob\"",
            BlogState::from_entities([users(), vec![user("bob", "Another Bob")]].concat(), posts(), comments()),
            BlogError::DuplicateUser(uid("bob")),
        ),
        (
            "two comments with the id \"c1\"",
            BlogState::from_entities(users(), posts(), [comments(), vec![comment("c1", "p2", "bob")]].concat()),
            BlogError::DuplicateComment(cid("c1")),
        ),
    ];
    for (what, result, expected) in cases {
        ensure_eq!(outcome(&result), Err(expected), "BlogState::from_entities with {what} should be refused");
    }
    Ok(())
}

// Catches: a rename that also rewrites the author's posts (say, bumps their
// updated_at), or rebuilds the user and loses their post list.
pub fn rename_visible_everywhere() -> CheckResult {
    let posts = vec![post("p1", "alice"), post("p2", "bob"), post("p3", "alice"), post("p4", "alice")];
    let state = build(vec![user("alice", "Alice"), user("bob", "Bob")], posts.clone(), vec![])?;

    let rename = UserUpdate { name: Some("Alice Liddell".to_string()), ..Default::default() };
    let renamed = ok(update_user(&state, &uid("alice"), rename), "update_user(\"alice\", name \"Alice Liddell\")")?;

    ensure_eq!(
        post_ids(select_user_posts(&renamed, &uid("alice"))),
        pids(&["p1", "p3", "p4"]),
        "after renaming alice, select_user_posts(\"alice\") should still list her three posts"
    );
    for before in posts.iter().filter(|p| p.author_id == uid("alice")) {
        let now =
            some(select_post(&renamed, &before.id), &format!("after renaming alice, select_post({:?})", before.id))?;
        ensure_eq!(
            now,
            before,
            "renaming alice should not change her post {:?}: a post only holds the author's id",
            before.id
        );
        let author = some(
            select_user(&renamed, &now.author_id),
            &format!("after renaming alice, the author of {:?}, select_user({:?})", now.id, now.author_id),
        )?;
        ensure_eq!(
            author.name.as_str(),
            "Alice Liddell",
            "after renaming alice, the author of post {:?} should have the new name",
            now.id
        );
    }
    ensure_eq!(select_user(&renamed, &uid("bob")), Some(&user("bob", "Bob")), "renaming alice should leave bob alone");
    Ok(())
}

/// 100 users; `author` wrote `author_posts` posts, every other user one.
/// Built in one go: `add_post` in a loop would copy a table each time.
fn rename_state(author: &str, author_posts: usize) -> Result<BlogState, String> {
    // Few users, so the one table a rename must copy is small next to the
    // posts table: a rename that copies posts then shows up as a large ratio.
    let mut users = vec![user(author, "Arthur Dent")];
    let mut posts = Vec::with_capacity(author_posts + 100);
    for i in 1..100 {
        let id = format!("user{i}");
        users.push(user(&id, "Someone"));
        posts.push(post(&format!("p-{id}"), &id));
    }
    for i in 0..author_posts {
        posts.push(post(&format!("p-{author}-{i}"), author));
    }
    build(users, posts, vec![])
}

/// Renames `author` in `state` and checks every one of their posts sees it.
fn verify_rename(state: &BlogState, author: &UserId, update: &UserUpdate, posts: usize) -> CheckResult {
    let renamed = ok(
        update_user(state, author, update.clone()),
        &format!("update_user({author:?}) on the blog where they wrote {posts} posts"),
    )?;
    let theirs = select_user_posts(&renamed, author);
    ensure_eq!(theirs.len(), posts, "after the rename, the number of posts select_user_posts({author:?}) returns");
    for p in theirs {
        let name = select_user(&renamed, &p.author_id).map(|u| u.name.as_str());
        ensure_eq!(name, Some("Ford Prefect"), "after the rename, the name of the author of post {:?}", p.id);
    }
    Ok(())
}

// Catches: a state without an Arc per table, or an update_user that touches
// the author's posts: a rename then costs more the more posts there are.
pub fn rename_cost_flat() -> Result<Measurement, String> {
    let author = uid("user0");
    let small = rename_state("user0", 10)?;
    let big = rename_state("user0", 10_000)?;
    let update = UserUpdate { name: Some("Ford Prefect".to_string()), ..Default::default() };
    verify_rename(&small, &author, &update, 10)?;
    verify_rename(&big, &author, &update, 10_000)?;

    let m = compare(
        "rename, author of 10 posts",
        &mut || keep(update_user(&small, &author, update.clone())),
        "rename, author of 10,000 posts",
        &mut || keep(update_user(&big, &author, update.clone())),
    );
    leave((small, big));
    Ok(m)
}
