//! Performance: the seed's "100 posts with details through fresh selectors",
//! and a batch of updates that copies the posts table once.

use super::data::*;
use crate::harness::*;
use babel_fish::*;

/// post0..post99.
fn first_100() -> Vec<PostId> {
    (0..100).map(|i| pid(&format!("post{i}"))).collect()
}

fn verify_details(state: &SocialState, ids: &[PostId], what: &str) -> CheckResult {
    for id in ids {
        let details = make_select_post_with_details().select(state, id);
        ensure_eq!(
            details.as_deref().map(details_facts),
            expected_details(state, id),
            "{what}: details of {id:?} as (post id, author id, comments_count, likes_count, engagement)"
        );
    }
    Ok(())
}

// The seed's validation: 100 posts with details, each through a fresh
// selector instance, "< 50 ms". Measured against the same 100 selects on a
// state 100 times smaller, so it proves the cost does not grow with the store.
// Catches: counting a post's comments (or likes) by scanning the whole table,
// and a factory that indexes or copies the whole state for each new instance.
pub fn select_100_fresh_selectors() -> Result<Measurement, String> {
    let small = generate_social_state(10, 100, 500, 50, 7)?;
    let big = seed_state()?;
    let ids = first_100();
    verify_details(&small, &ids, "on a state of 100 posts")?;
    verify_details(&big, &ids, "on the seed's state of 10,000 posts")?;
    let m = compare(
        "100 fresh selectors, 100 posts",
        &mut || {
            for id in &ids {
                let mut selector = make_select_post_with_details();
                keep(selector.select(&small, id));
            }
        },
        "100 fresh selectors, 10,000 posts",
        &mut || {
            for id in &ids {
                let mut selector = make_select_post_with_details();
                keep(selector.select(&big, id));
            }
        },
    );
    leave((small, big));
    Ok(m)
}

// Catches: a batch that applies its changes one by one through a
// single-post update, copying the 10,000-post table once per change.
pub fn batch_copies_posts_once() -> Result<Measurement, String> {
    let state = seed_state()?;
    let one = vec![PostChange { post_id: pid("post0"), content: None, shares: Some(1_000) }];
    let fifty: Vec<PostChange> = (0..50)
        .map(|i| PostChange { post_id: pid(&format!("post{}", i * 193)), content: None, shares: Some(1_000 + i) })
        .collect();
    for (changes, what) in [(&one, "a batch of 1 change"), (&fifty, "a batch of 50 changes")] {
        let next = ok(batch_update_posts(&state, changes), &format!("batch_update_posts with {what}"))?;
        for change in changes.iter() {
            ensure_eq!(
                next.posts.get(&change.post_id).map(|p| p.shares),
                change.shares,
                "after batch_update_posts with {what}, the shares of {:?}",
                change.post_id
            );
        }
    }
    let m = compare(
        "batch of 1 change, 10,000 posts",
        &mut || keep(batch_update_posts(&state, &one)),
        "batch of 50 changes, 10,000 posts",
        &mut || keep(batch_update_posts(&state, &fifty)),
    );
    leave(state);
    Ok(m)
}
