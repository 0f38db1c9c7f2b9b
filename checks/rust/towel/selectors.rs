//! Basic selectors: look entities up by id, and follow the relationship maps
//! in the order things were added.

use super::data::*;
use crate::harness::*;
use towel::*;

// Catches: a lookup in the wrong table, or `posts[id]` that panics when the
// post is missing instead of answering None.
pub fn select_post_found_or_none() -> CheckResult {
    let posts = vec![post("p1", "alice"), post("p2", "bob"), post("p3", "alice")];
    let state = build(vec![user("alice", "Alice"), user("bob", "Bob")], posts.clone(), vec![])?;
    for p in &posts {
        ensure_eq!(select_post(&state, &p.id), Some(p), "select_post({:?}) on a blog with posts p1, p2, p3", p.id);
    }
    ensure_eq!(select_post(&state, &pid("p9")), None, "select_post(\"p9\"), a post that does not exist");
    Ok(())
}

// Catches: the same mistakes for users.
pub fn select_user_found_or_none() -> CheckResult {
    let users = vec![user("alice", "Alice"), user("bob", "Bob"), user("carol", "Carol")];
    let state = build(users.clone(), vec![post("p1", "bob")], vec![])?;
    for u in &users {
        ensure_eq!(
            select_user(&state, &u.id),
            Some(u),
            "select_user({:?}) on a blog with users alice, bob, carol",
            u.id
        );
    }
    ensure_eq!(select_user(&state, &uid("zaphod")), None, "select_user(\"zaphod\"), a user who does not exist");
    Ok(())
}

/// alice and bob, posts pa and pb, no comments yet.
fn two_posts() -> Result<BlogState, String> {
    build(vec![user("alice", "Alice"), user("bob", "Bob")], vec![post("pa", "alice"), post("pb", "bob")], vec![])
}

// Catches: comment ids kept in a set or a HashMap (order lost), or comments
// collected from the comments table in its own order.
pub fn post_comments_in_order() -> CheckResult {
    let mut state = two_posts()?;
    // pa's comments interleaved with pb's, and not in sorted id order.
    let added = [
        comment("a3", "pa", "bob"),
        comment("b1", "pb", "alice"),
        comment("a1", "pa", "alice"),
        comment("a4", "pa", "bob"),
        comment("b2", "pb", "bob"),
        comment("a2", "pa", "alice"),
    ];
    for c in &added {
        state = ok(add_comment(&state, c.clone()), &format!("add_comment({:?} on {:?})", c.id, c.post_id))?;
    }
    let got = select_post_comments(&state, &pid("pa"));
    ensure_eq!(
        comment_ids(got.clone()),
        cids(&["a3", "a1", "a4", "a2"]),
        "added comments a3 (pa), b1 (pb), a1 (pa), a4 (pa), b2 (pb), a2 (pa) with add_comment, then select_post_comments(\"pa\"): pa's comments in the order they were added"
    );
    let expected: Vec<Comment> = added.iter().filter(|c| c.post_id == pid("pa")).cloned().collect();
    ensure_eq!(
        owned(got),
        expected,
        "select_post_comments(\"pa\") should return the comments exactly as they were added"
    );
    Ok(())
}

// Catches: returning every comment, and `post_comments[id]` that panics for a
// post nobody has commented on yet.
pub fn post_comments_only_this_post() -> CheckResult {
    let posts = vec![post("pa", "alice"), post("pb", "bob"), post("pc", "alice")];
    let comments = vec![
        comment("c1", "pa", "bob"),
        comment("c2", "pb", "alice"),
        comment("c3", "pa", "alice"),
        comment("c4", "pb", "bob"),
    ];
    let state = build(vec![user("alice", "Alice"), user("bob", "Bob")], posts, comments)?;

    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("pb"))),
        cids(&["c2", "c4"]),
        "select_post_comments(\"pb\") when pa has comments c1, c3 and pb has c2, c4: only pb's"
    );
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("pc"))),
        cids(&[]),
        "select_post_comments(\"pc\"), a post from from_entities with no comments"
    );
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("nowhere"))),
        cids(&[]),
        "select_post_comments(\"nowhere\"), a post that does not exist"
    );

    // A post added later has never been commented on either.
    let state = ok(add_post(&state, post("pd", "bob")), "add_post(\"pd\" by bob)")?;
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("pd"))),
        cids(&[]),
        "select_post_comments(\"pd\"), a post just added with add_post"
    );
    Ok(())
}

// Catches: post ids kept unordered, one shared list for every user, or
// `user_posts[id]` that panics for an unknown user.
pub fn user_posts_in_order() -> CheckResult {
    let mut state = BlogState::default();
    for u in [user("alice", "Alice"), user("bob", "Bob"), user("carol", "Carol")] {
        state = ok(add_user(&state, u.clone()), &format!("add_user({:?})", u.id))?;
    }
    for (p, author) in [("p3", "alice"), ("p1", "bob"), ("p2", "alice"), ("p5", "bob"), ("p4", "alice")] {
        state = ok(add_post(&state, post(p, author)), &format!("add_post({p:?} by {author})"))?;
    }
    let added = "added posts p3 (alice), p1 (bob), p2 (alice), p5 (bob), p4 (alice) with add_post";
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("alice"))),
        pids(&["p3", "p2", "p4"]),
        "{added}, then select_user_posts(\"alice\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("bob"))),
        pids(&["p1", "p5"]),
        "{added}, then select_user_posts(\"bob\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("carol"))),
        pids(&[]),
        "select_user_posts(\"carol\"), a user who wrote nothing"
    );
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("zaphod"))),
        pids(&[]),
        "select_user_posts(\"zaphod\"), a user who does not exist"
    );
    Ok(())
}

// The workshop's own validation scenario, word for word.
// Catches: add_comment that fills only one of the comments table and the
// post -> comments map.
pub fn seed_scenario() -> CheckResult {
    let post1 = Post {
        id: pid("post1"),
        title: "Redux Basics".to_string(),
        content: "...".to_string(),
        author_id: uid("user1"),
        created_at: "2024-01-01".to_string(),
        updated_at: "2024-01-01".to_string(),
    };
    let user1 = User { id: uid("user1"), name: "Alice".to_string(), email: "alice@example.com".to_string() };
    let initial = build(vec![user1], vec![post1], vec![])?;
    ensure_eq!(
        owned(select_post_comments(&initial, &pid("post1"))),
        Vec::<Comment>::new(),
        "select_post_comments(\"post1\") before any comment"
    );

    let comment1 = Comment {
        id: cid("comment1"),
        content: "Great post!".to_string(),
        author_id: uid("user1"),
        post_id: pid("post1"),
    };
    let updated =
        ok(add_comment(&initial, comment1.clone()), "add_comment(comment1 \"Great post!\" by user1 on post1)")?;
    ensure_eq!(
        owned(select_post_comments(&updated, &pid("post1"))),
        vec![comment1],
        "the workshop scenario: add_comment(comment1), then select_post_comments(\"post1\")"
    );
    Ok(())
}

/// Post "target" with 5 comments among `total` comments spread over 100 posts.
fn comments_state(total: usize) -> Result<BlogState, String> {
    let users: Vec<User> = (0..10).map(|i| user(&format!("u{i}"), "Someone")).collect();
    let mut posts = vec![post("target", "u0")];
    posts.extend((1..100).map(|i| post(&format!("p{i}"), &format!("u{}", i % 10))));
    let mut comments = Vec::with_capacity(total);
    let every = total / 5;
    for i in 0..total {
        // The target's comments are spread through the list, not bunched.
        let on = if i % every == every / 2 { "target".to_string() } else { format!("p{}", 1 + i % 99) };
        comments.push(comment(&format!("c{i}"), &on, &format!("u{}", i % 10)));
    }
    build(users, posts, comments)
}

/// The ids of the target's comments in a `comments_state(total)`.
fn target_comments(total: usize) -> Vec<CommentId> {
    let every = total / 5;
    (0..5).map(|k| cid(&format!("c{}", k * every + every / 2))).collect()
}

// Catches: a select_post_comments that filters the whole comments table
// instead of following the post's list of comment ids.
pub fn post_comments_cost_flat() -> Result<Measurement, String> {
    let target = pid("target");
    let small = comments_state(1_000)?;
    let big = comments_state(100_000)?;
    for (state, total) in [(&small, 1_000), (&big, 100_000)] {
        ensure_eq!(
            comment_ids(select_post_comments(state, &target)),
            target_comments(total),
            "select_post_comments(\"target\") on a blog with {total} comments, 5 of them on \"target\""
        );
    }
    let m = compare(
        "5 comments among 1,000",
        &mut || keep(select_post_comments(&small, &target)),
        "5 comments among 100,000",
        &mut || keep(select_post_comments(&big, &target)),
    );
    leave((small, big));
    Ok(m)
}

// Catches: selectors that index a table or a relationship map (`posts[id]`,
// `user_posts[id]`) and panic on a store that holds nothing yet, and a
// from_entities that cannot take empty lists.
pub fn empty_store() -> CheckResult {
    let built = build(vec![], vec![], vec![])?;
    for (name, state) in
        [("BlogState::default()", BlogState::default()), ("from_entities with three empty lists", built)]
    {
        ensure_eq!(select_post(&state, &pid("p1")), None, "select_post(\"p1\") on {name}");
        ensure_eq!(select_user(&state, &uid("alice")), None, "select_user(\"alice\") on {name}");
        ensure_eq!(
            comment_ids(select_post_comments(&state, &pid("p1"))),
            cids(&[]),
            "select_post_comments(\"p1\") on {name}"
        );
        ensure_eq!(
            post_ids(select_user_posts(&state, &uid("alice"))),
            pids(&[]),
            "select_user_posts(\"alice\") on {name}"
        );
    }
    Ok(())
}

/// `posts` posts by `posts / 10` users, and "target", who wrote 5 of them
/// spread through the list.
fn lookups_state(posts: usize) -> Result<BlogState, String> {
    let authors = posts / 10;
    let mut users: Vec<User> = (0..authors).map(|i| user(&format!("u{i}"), "Someone")).collect();
    users.push(user("target", "Trillian"));
    let every = posts / 5;
    let all = (0..posts)
        .map(|i| {
            let author = if i % every == every / 2 { "target".to_string() } else { format!("u{}", i % authors) };
            post(&format!("p{i}"), &author)
        })
        .collect();
    build(users, all, vec![])
}

/// The ids of the target's posts in a `lookups_state(posts)`.
fn target_posts(posts: usize) -> Vec<PostId> {
    let every = posts / 5;
    (0..5).map(|k| pid(&format!("p{}", k * every + every / 2))).collect()
}

/// One round of reads: the target, their posts, each post by id, and a post
/// and a user that do not exist (the worst case for a scan).
fn read_target(state: &BlogState, theirs: &[PostId]) {
    keep(select_user(state, &uid("target")));
    keep(select_user_posts(state, &uid("target")));
    for id in theirs {
        keep(select_post(state, id));
    }
    keep(select_post(state, &pid("missing")));
    keep(select_user(state, &uid("missing")));
}

// Catches: select_post or select_user walking a table to find an id (a store
// kept in Vecs, or `values().find(..)`), and select_user_posts filtering the
// posts table instead of following the user's list of post ids.
pub fn lookups_cost_flat() -> Result<Measurement, String> {
    let small = lookups_state(1_000)?;
    let big = lookups_state(100_000)?;
    let (small_theirs, big_theirs) = (target_posts(1_000), target_posts(100_000));
    for (state, theirs, total) in [(&small, &small_theirs, 1_000), (&big, &big_theirs, 100_000)] {
        let what = format!("on a blog of {total} posts, 5 of them by \"target\"");
        ensure_eq!(
            post_ids(select_user_posts(state, &uid("target"))),
            theirs.clone(),
            "select_user_posts(\"target\") {what}"
        );
        for id in theirs {
            ensure_eq!(select_post(state, id).map(|p| p.id.clone()), Some(id.clone()), "select_post({id:?}) {what}");
        }
        ensure_eq!(
            select_user(state, &uid("target")).map(|u| u.name.as_str()),
            Some("Trillian"),
            "select_user(\"target\") {what}"
        );
        ensure_eq!(select_post(state, &pid("missing")), None, "select_post(\"missing\") {what}");
    }
    let m = compare(
        "reads among 1,000 posts",
        &mut || read_target(&small, &small_theirs),
        "reads among 100,000 posts",
        &mut || read_target(&big, &big_theirs),
    );
    leave((small, big));
    Ok(m)
}
