//! Merge-first updates: only the given fields change, comments land in both
//! tables, the selectors see the change, and everything else stays shared.

use std::sync::Arc;

use super::data::*;
use crate::harness::*;
use babel_fish::*;

fn engage(post: &str) -> EngagementUpdate {
    EngagementUpdate { post_id: pid(post), ..Default::default() }
}

// Catches: a merge that resets the counts it was not given (likes or shares
// back to 0), rebuilds the post from the update alone, or drops comments.
pub fn engagement_merge() -> CheckResult {
    let state = galaxy()?;
    let mut expected = snapshot(&state);

    let next = ok(
        update_post_engagement(&state, EngagementUpdate { likes: Some(9), ..engage("f1") }),
        "update_post_engagement(f1, likes 9)",
    )?;
    expected.likes.insert("f1".into(), 9);
    ensure_same_snapshot(&snapshot(&next), &expected, "after update_post_engagement(f1, only likes = 9)")?;

    let next = ok(
        update_post_engagement(&next, EngagementUpdate { shares: Some(4), ..engage("f1") }),
        "then update_post_engagement(f1, shares 4)",
    )?;
    expected.posts.get_mut("f1").expect("f1 is in the galaxy").shares = 4;
    ensure_same_snapshot(
        &snapshot(&next),
        &expected,
        "then update_post_engagement(f1, only shares = 4): likes stay 9",
    )?;

    let next = ok(
        update_post_engagement(
            &next,
            EngagementUpdate { comments: vec![comment("c7", "f1", "marvin")], ..engage("f1") },
        ),
        "then update_post_engagement(f1, one new comment)",
    )?;
    expected.comments.insert("c7".into(), comment("c7", "f1", "marvin"));
    expected.post_comments.get_mut("f1").expect("f1 has comments").push("c7".into());
    ensure_same_snapshot(
        &snapshot(&next),
        &expected,
        "then update_post_engagement(f1, only a new comment c7): likes stay 9 and shares 4",
    )?;

    let next = ok(
        update_post_engagement(
            &next,
            EngagementUpdate {
                likes: Some(0),
                shares: Some(1),
                comments: vec![comment("c8", "z2", "arthur")],
                ..engage("z2")
            },
        ),
        "then update_post_engagement(z2, likes 0, shares 1, one comment)",
    )?;
    expected.posts.get_mut("z2").expect("z2 is in the galaxy").shares = 1;
    expected.comments.insert("c8".into(), comment("c8", "z2", "arthur"));
    expected.post_comments.insert("z2".into(), vec!["c8".into()]);
    ensure_same_snapshot(&snapshot(&next), &expected, "then update_post_engagement(z2, all three fields)")?;

    let same = ok(update_post_engagement(&next, engage("z1")), "then update_post_engagement(z1, nothing set)")?;
    ensure_same_snapshot(&snapshot(&same), &expected, "then update_post_engagement(z1) with no field set")
}

// Catches: comments added to the comments table but not to the post's
// comment list (or the other way round), and lists that lose their order.
pub fn comments_both_tables() -> CheckResult {
    let state = galaxy()?;
    let new = [comment("k2", "z1", "arthur"), comment("k1", "z1", "marvin"), comment("k3", "z1", "ford")];
    let next = ok(
        update_post_engagement(&state, EngagementUpdate { comments: new.to_vec(), ..engage("z1") }),
        "update_post_engagement(z1, comments k2, k1, k3)",
    )?;
    for c in &new {
        ensure_eq!(
            next.comments.get(&c.id).map(|x| (**x).clone()),
            Some(c.clone()),
            "after adding comments k2, k1, k3 to z1: state.comments[{:?}] (the comment as an entity)",
            c.id
        );
    }
    let list: Vec<String> = next
        .post_comments
        .get(&pid("z1"))
        .map_or_else(Vec::new, |l| l.iter().map(|c| c.as_str().to_string()).collect());
    ensure_eq!(
        list,
        ["c2", "c4", "c5", "c6", "k2", "k1", "k3"].map(String::from).to_vec(),
        "after adding comments k2, k1, k3 to z1: state.post_comments[\"z1\"] (the relationship), in the order added"
    );
    let details = some(make_select_post_with_details().select(&next, &pid("z1")), "select(\"z1\") afterwards")?;
    ensure_eq!(
        (details.comments_count, details.engagement),
        (7, 10),
        "z1's (comments_count, engagement) after 3 new comments (it had 4 comments and 3 likes)"
    );

    let next = ok(
        update_post_engagement(
            &next,
            EngagementUpdate { comments: vec![comment("k4", "m1", "trillian")], ..engage("m1") },
        ),
        "then update_post_engagement(m1, comment k4): m1 had no comments",
    )?;
    ensure_eq!(
        next.post_comments.get(&pid("m1")).map(|l| l.iter().map(|c| c.as_str().to_string()).collect::<Vec<_>>()),
        Some(vec!["k4".to_string()]),
        "state.post_comments[\"m1\"] after the first comment on m1"
    );
    ensure!(next.comments.contains_key(&cid("k4")), "state.comments should hold k4 after it was added to m1");
    Ok(())
}

// Catches: selectors that keep showing old counts after an update (an input
// left out of the cache, or a feed that keeps its old Arc because it lists the
// same posts), and an update that leaves the post's entity behind.
pub fn selectors_see_updates() -> CheckResult {
    let state = galaxy()?;
    let arthur = uid("arthur");
    let mut details = make_select_post_with_details();
    let mut feed = make_select_user_feed();
    some(details.select(&state, &pid("f1")), "select(\"f1\")")?;
    feed.select(&state, &arthur, NOW);

    let next = ok(
        update_post_engagement(&state, EngagementUpdate { likes: Some(30), ..engage("f1") }),
        "update_post_engagement(f1, likes 30)",
    )?;
    let now = some(details.select(&next, &pid("f1")), "the same instance: select(\"f1\") after the update")?;
    ensure_eq!(
        (now.likes_count, now.engagement),
        (30, 32),
        "f1's (likes_count, engagement) from the instance that saw it before, after likes went to 30"
    );
    ensure_eq!(
        feed_scores(&feed.select(&next, &arthur, NOW)),
        [("f1", 32), ("f2", 10), ("z1", 7), ("z2", 0)].map(|(id, n)| (id.to_string(), n)).to_vec(),
        "arthur's feed, from the instance that saw it before, after f1's likes went to 30"
    );

    let next = ok(
        update_post_engagement(&next, EngagementUpdate { likes: Some(31), shares: Some(2), ..engage("f1") }),
        "then update_post_engagement(f1, likes 31, shares 2)",
    )?;
    let now = some(details.select(&next, &pid("f1")), "select(\"f1\") after the second update")?;
    ensure_eq!(
        (now.post.shares, now.likes_count, now.engagement),
        (2, 31, 33),
        "f1's (post.shares, likes_count, engagement) after likes 31 and shares 2"
    );
    ensure_eq!(
        feed_scores(&feed.select(&next, &arthur, NOW)),
        [("f1", 33), ("f2", 10), ("z1", 7), ("z2", 0)].map(|(id, n)| (id.to_string(), n)).to_vec(),
        "arthur's feed after f1's likes went to 31: the same posts in the same order, with f1's new engagement"
    );

    let edited = ok(
        batch_update_posts(&next, &[PostChange { post_id: pid("f1"), content: Some("42".into()), shares: None }]),
        "then batch_update_posts(f1's content)",
    )?;
    let now = some(details.select(&edited, &pid("f1")), "select(\"f1\") after its content was edited")?;
    ensure_eq!(now.post.content.as_str(), "42", "f1's content in its details after batch_update_posts edited it");
    Ok(())
}

// Catches: an update that mutates the old state (through shared data, or
// by mutating in place), and one that copies tables it did not change or
// replaces posts it did not touch.
pub fn sharing_and_old_state() -> CheckResult {
    let state = galaxy()?;
    let before = snapshot(&state);
    let same = |a: &SocialState, b: &SocialState| {
        [
            ("users", Arc::ptr_eq(&a.users, &b.users)),
            ("posts", Arc::ptr_eq(&a.posts, &b.posts)),
            ("comments", Arc::ptr_eq(&a.comments, &b.comments)),
            ("post_comments", Arc::ptr_eq(&a.post_comments, &b.post_comments)),
            ("likes", Arc::ptr_eq(&a.likes, &b.likes)),
            ("follows", Arc::ptr_eq(&a.follows, &b.follows)),
            ("user_posts", Arc::ptr_eq(&a.user_posts, &b.user_posts)),
        ]
    };
    let check = |next: &SocialState, changed: &[&str], what: &str| -> CheckResult {
        for (table, shared) in same(&state, next) {
            let should_change = changed.contains(&table);
            ensure!(
                shared != should_change,
                "{what}: the {table} table should {}",
                if should_change {
                    "be a new Arc (the update changes it)".to_string()
                } else {
                    "stay the very same Arc as in the old state: the update does not change it".to_string()
                }
            );
        }
        for (id, old) in state.posts.iter() {
            let touched = changed.iter().any(|c| *c == format!("post {id}"));
            let kept = next.posts.get(id).is_some_and(|p| Arc::ptr_eq(p, old));
            ensure!(
                kept != touched,
                "{what}: post {id:?} should {}",
                if touched { "be a new Arc" } else { "keep its Arc: the update does not change it" }
            );
        }
        for (id, old) in state.post_comments.iter() {
            let kept = next.post_comments.get(id).is_some_and(|l| Arc::ptr_eq(l, old));
            ensure!(
                kept || changed.iter().any(|c| *c == format!("comments of {id}")),
                "{what}: the comment list of post {id:?} should keep its Arc: the update does not change it"
            );
        }
        ensure_same_snapshot(&snapshot(&state), &before, &format!("{what}: the OLD state"))
    };

    let next = ok(
        update_post_engagement(&state, EngagementUpdate { likes: Some(77), ..engage("z1") }),
        "update_post_engagement(z1, likes 77)",
    )?;
    check(&next, &["likes"], "update_post_engagement(z1, only likes)")?;
    let next = ok(
        update_post_engagement(&state, EngagementUpdate { shares: Some(5), ..engage("z1") }),
        "update_post_engagement(z1, shares 5)",
    )?;
    check(&next, &["posts", "post z1"], "update_post_engagement(z1, only shares)")?;
    let next = ok(
        update_post_engagement(
            &state,
            EngagementUpdate { comments: vec![comment("c9", "f1", "zaphod")], ..engage("f1") },
        ),
        "update_post_engagement(f1, one comment)",
    )?;
    check(&next, &["comments", "post_comments", "comments of f1"], "update_post_engagement(f1, only a comment)")?;
    let next = ok(update_post_engagement(&state, engage("z1")), "update_post_engagement(z1, nothing set)")?;
    check(&next, &[], "update_post_engagement(z1) with nothing set")?;
    let changes = [
        PostChange { post_id: pid("f2"), content: Some("Edited".into()), shares: None },
        PostChange { post_id: pid("t1"), content: None, shares: Some(8) },
    ];
    let next = ok(batch_update_posts(&state, &changes), "batch_update_posts(f2 content, t1 shares)")?;
    check(&next, &["posts", "post f2", "post t1"], "batch_update_posts editing f2 and t1")
}

// Catches: a batch that applies only the first or the last change, applies
// each change to the original post (so two changes to one post lose one),
// or applies part of a batch that names an unknown post.
pub fn batch_applies_all() -> CheckResult {
    let state = galaxy()?;
    let changes = [
        PostChange { post_id: pid("f1"), content: Some("first edit".into()), shares: None },
        PostChange { post_id: pid("z1"), content: None, shares: Some(3) },
        PostChange { post_id: pid("f1"), content: None, shares: Some(6) },
        PostChange { post_id: pid("t1"), content: Some("draft".into()), shares: Some(1) },
        PostChange { post_id: pid("t1"), content: Some("final".into()), shares: None },
    ];
    let next = ok(batch_update_posts(&state, &changes), "batch_update_posts with 5 changes")?;
    let mut expected = snapshot(&state);
    let mut set = |id: &str, content: Option<&str>, shares: u32| {
        let p = expected.posts.get_mut(id).expect("the post is in the galaxy");
        if let Some(c) = content {
            p.content = c.to_string();
        }
        p.shares = shares;
    };
    set("f1", Some("first edit"), 6);
    set("z1", None, 3);
    set("t1", Some("final"), 1);
    ensure_same_snapshot(
        &snapshot(&next),
        &expected,
        "batch_update_posts: f1 content then f1 shares, z1 shares, t1 content and shares then t1 content again; \
         every change lands, in order",
    )?;

    let with_unknown = [
        PostChange { post_id: pid("f2"), content: Some("lost".into()), shares: None },
        PostChange { post_id: pid("nowhere"), content: None, shares: Some(1) },
    ];
    let refused = batch_update_posts(&state, &with_unknown);
    ensure_eq!(
        refused.as_ref().err(),
        Some(&SocialError::UnknownPost(pid("nowhere"))),
        "batch_update_posts with a change to f2 and one to \"nowhere\": the whole batch is refused"
    );
    let empty = ok(batch_update_posts(&state, &[]), "batch_update_posts with no changes")?;
    ensure_same_snapshot(&snapshot(&empty), &snapshot(&state), "batch_update_posts with no changes")
}

// Catches: an update that accepts a dangling comment (on another post, by
// nobody, or with a taken id) or silently ignores an unknown post.
pub fn refuses_bad_updates() -> CheckResult {
    let state = galaxy()?;
    let cases = [
        (
            "an unknown post",
            EngagementUpdate { likes: Some(1), ..engage("nowhere") },
            SocialError::UnknownPost(pid("nowhere")),
        ),
        (
            "a comment whose post_id is z1, in an update of f1",
            EngagementUpdate { comments: vec![comment("c9", "z1", "arthur")], ..engage("f1") },
            SocialError::CommentOnOtherPost(cid("c9")),
        ),
        (
            "a comment by \"ghost\", who is not a user",
            EngagementUpdate { comments: vec![comment("c9", "f1", "ghost")], ..engage("f1") },
            SocialError::UnknownUser(uid("ghost")),
        ),
        (
            "a comment with the id c1, which is taken",
            EngagementUpdate { likes: Some(2), comments: vec![comment("c1", "f1", "marvin")], ..engage("f1") },
            SocialError::DuplicateComment(cid("c1")),
        ),
        (
            "two new comments with the same id c9",
            EngagementUpdate {
                comments: vec![comment("c9", "f1", "marvin"), comment("c9", "f1", "ford")],
                ..engage("f1")
            },
            SocialError::DuplicateComment(cid("c9")),
        ),
    ];
    for (what, update, expected) in cases {
        ensure_eq!(
            update_post_engagement(&state, update).err(),
            Some(expected),
            "update_post_engagement with {what} should be refused"
        );
    }
    ensure_same_snapshot(&snapshot(&state), &snapshot(&galaxy()?), "the state after five refused updates")
}
