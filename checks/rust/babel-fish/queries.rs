//! Complex queries: a post joined with its author and counts, and a feed
//! composed from follows, posts, comments and likes.

use super::data::*;
use crate::harness::*;
use babel_fish::*;

// Catches: counting every comment or every like in the store, engagement
// that leaves out comments or likes (or adds shares), and the wrong author.
pub fn post_details() -> CheckResult {
    let state = galaxy()?;
    let cases = [
        ("f1", "ford", 2, 5),
        ("f2", "ford", 0, 10),
        ("z1", "zaphod", 4, 3),
        ("z2", "zaphod", 0, 0),
        ("t1", "trillian", 0, 42),
    ];
    for (id, author, comments, likes) in cases {
        let mut selector = make_select_post_with_details();
        let details =
            some(selector.select(&state, &pid(id)), &format!("make_select_post_with_details().select({id:?})"))?;
        ensure_eq!(
            details_facts(&details),
            (pid(id), uid(author), comments, likes, comments + likes),
            "details of post {id:?} as (post id, author id, comments_count, likes_count, engagement = comments + likes)"
        );
        ensure_eq!(&*details.post, &post_in(&state, id)?, "details of post {id:?}: the post itself");
        ensure_eq!(&*details.author, &user(author), "details of post {id:?}: the author nested in it");
    }
    // Shares are not engagement.
    let shared = with_post(&state, Post { shares: 1_000, ..post("f2", "ford", 2 * DAY_MS) });
    let details =
        some(make_select_post_with_details().select(&shared, &pid("f2")), "select(\"f2\") with 1,000 shares")?;
    ensure_eq!(details.engagement, 10, "engagement of f2 (10 likes, no comments) after it was shared 1,000 times");
    Ok(())
}

// Catches: `posts[id]` or `users[author]` that panics, and details built
// with a made-up author when the real one is missing.
pub fn post_details_missing() -> CheckResult {
    let state = galaxy()?;
    let mut selector = make_select_post_with_details();
    ensure!(
        selector.select(&state, &pid("nowhere")).is_none(),
        "select(\"nowhere\"), a post that does not exist: expected None, got Some"
    );
    let mut orphaned = state.clone();
    std::sync::Arc::make_mut(&mut orphaned.users).remove(&uid("ford"));
    ensure!(
        make_select_post_with_details().select(&orphaned, &pid("f1")).is_none(),
        "select(\"f1\") in a state where its author ford is missing from the users table: expected None, got Some"
    );
    ensure!(
        make_select_post_with_details().select(&orphaned, &pid("z1")).is_some(),
        "select(\"z1\") when only ford is missing: zaphod's post should still be found"
    );
    Ok(())
}

// Catches: a feed of every post, one that includes the user's own posts or
// posts by people they do not follow, and an unknown user that panics.
pub fn feed_followed_only() -> CheckResult {
    let state = galaxy()?;
    let mut arthur = make_select_user_feed();
    let feed = arthur.select(&state, &uid("arthur"), NOW);
    ensure_eq!(
        feed_ids(&feed),
        ARTHUR_FEED.to_vec(),
        "arthur follows ford and zaphod: his feed is their recent posts, not his own (a1), not trillian's (t1) or \
         marvin's (m1)"
    );
    ensure_eq!(
        feed_ids(&make_select_user_feed().select(&state, &uid("trillian"), NOW)),
        vec!["m1".to_string()],
        "trillian follows only marvin: her feed"
    );
    ensure_eq!(
        feed_ids(&make_select_user_feed().select(&state, &uid("marvin"), NOW)),
        Vec::<String>::new(),
        "marvin follows nobody: his feed"
    );
    ensure_eq!(
        feed_ids(&make_select_user_feed().select(&state, &uid("nobody"), NOW)),
        Vec::<String>::new(),
        "the feed of \"nobody\", a user who does not exist"
    );
    let narcissus = with_follow(&state, "trillian", "trillian");
    ensure_eq!(
        feed_ids(&make_select_user_feed().select(&narcissus, &uid("trillian"), NOW)),
        vec!["t1".to_string(), "m1".to_string()],
        "trillian follows marvin and, now, herself: her feed has her own post t1 (42 likes) and marvin's m1. A feed \
         is the posts of the users followed, whoever they are"
    );
    for entry in feed.iter() {
        let expected = expected_details(&state, &entry.post.id);
        ensure_eq!(
            Some(details_facts(entry)),
            expected,
            "arthur's feed entry for {:?} should carry the post's details (post, author, comments, likes, engagement)",
            entry.post.id
        );
    }
    Ok(())
}

/// A reader following `authors` users with `posts_each` recent posts each,
/// with likes and comments drawn at random (many ties). Returns the state
/// and every followed post's (id, engagement).
fn scored_world(authors: usize, posts_each: usize, seed: u64) -> Result<(SocialState, Vec<(String, u32)>), String> {
    let mut rng = Rng::new(seed);
    let mut users = vec![user("reader"), user("stranger")];
    let (mut posts, mut comments, mut likes, mut follows, mut scores) = (vec![], vec![], vec![], vec![], vec![]);
    let names: Vec<String> = (0..authors).map(|i| format!("author{i:02}")).collect();
    for (i, name) in names.iter().enumerate() {
        users.push(user(name));
        follows.push(("reader", name.as_str()));
        for j in 0..posts_each {
            let id = format!("p{:03}", (i * posts_each + j) * 7919 % 1000);
            posts.push(post(&id, name, rng.below_u64(6 * DAY_MS)));
            let n_likes = rng.below_u64(8) as u32;
            let n_comments = rng.below_u64(4) as u32;
            for k in 0..n_comments {
                comments.push(comment(&format!("{id}-c{k}"), &id, "stranger"));
            }
            likes.push((id.clone(), n_likes));
            scores.push((id, n_likes + n_comments));
        }
    }
    // The stranger's popular posts must never appear.
    for k in 0..5 {
        let id = format!("s{k}");
        posts.push(post(&id, "stranger", HOUR));
        likes.push((id, 500));
    }
    let likes: Vec<(&str, u32)> = likes.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    Ok((build(users, posts, comments, &likes, &follows)?, scores))
}

/// Highest engagement first, equal engagement by post id.
fn ranked(mut scores: Vec<(String, u32)>) -> Vec<(String, u32)> {
    scores.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scores
}

// Catches: a feed in table order, sorted lowest first, sorted by likes only,
// or with ties in HashMap order (a different order on each run).
pub fn feed_by_engagement() -> CheckResult {
    let (state, scores) = scored_world(8, 4, 11)?;
    let feed = make_select_user_feed().select(&state, &uid("reader"), NOW);
    ensure_eq!(
        feed_scores(&feed),
        ranked(scores),
        "the reader follows 8 authors with 32 recent posts: the feed as (post id, engagement), highest engagement \
         first, equal engagement by post id (smallest first)"
    );
    Ok(())
}

// Catches: no age filter, a filter that ignores the `now` passed in (a fixed
// clock, or the system's), and a `now` left out of the cache's inputs.
pub fn feed_last_7_days() -> CheckResult {
    let state = galaxy()?;
    let arthur = uid("arthur");
    let mut feed = make_select_user_feed();
    ensure_eq!(
        feed_ids(&feed.select(&state, &arthur, NOW)),
        ARTHUR_FEED.to_vec(),
        "arthur's feed at NOW: f3 (8 days old, 100 likes) and z3 (7 days and 1 ms old, 50 likes) are too old, z2 (7 \
         days less 1 ms) is not"
    );
    let later = NOW + 4 * DAY_MS + 12 * HOUR;
    ensure_eq!(
        feed_ids(&feed.select(&state, &arthur, later)),
        vec!["f2".to_string(), "f1".to_string()],
        "the same feed instance asked again with now = 4.5 days after NOW: z1 is 7.5 days old then and drops out, \
         f2 (6.5 days) stays. `now` is an input like any other."
    );
    ensure_eq!(
        feed_ids(&make_select_user_feed().select(&state, &arthur, NOW + DAY_MS)),
        vec!["f2".to_string(), "f1".to_string(), "z1".to_string()],
        "arthur's feed with now = 1 day after NOW: z2 is now 8 days old and drops out"
    );
    Ok(())
}

// Catches: a feed with no limit, and one cut to 50 before it is sorted (the
// first 50 posts found rather than the best 50).
pub fn feed_at_most_50() -> CheckResult {
    let (state, scores) = scored_world(30, 5, 23)?;
    let feed = make_select_user_feed().select(&state, &uid("reader"), NOW);
    let mut expected = ranked(scores);
    expected.truncate(FEED_LIMIT);
    ensure_eq!(feed.len(), FEED_LIMIT, "the reader follows 150 recent posts: the feed's length");
    ensure_eq!(
        feed_scores(&feed),
        expected,
        "the reader follows 150 recent posts: the feed is the 50 with the highest engagement, best first"
    );
    Ok(())
}

/// The ids in a fixed order, for checks about which posts a feed holds.
fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// A post by `author` created at `created_at` exactly.
fn post_at(id: &str, author: &str, created_at: Millis) -> Post {
    Post { created_at, ..post(id, author, 0) }
}

// The rule at its exact edges: a post is kept while now - created_at <=
// FEED_WINDOW_MS. Catches: `<` for `<=` (a post exactly 7 days old left
// out), a post dated after `now` left out (or an underflowing `now -
// created_at`), and `created_at >= now - FEED_WINDOW_MS`, which underflows
// for a clock less than 7 days after the epoch.
pub fn feed_window_edges() -> CheckResult {
    let week = FEED_WINDOW_MS;
    let users = vec![user("reader"), user("writer")];
    let posts = vec![
        post_at("exactly-7-days", "writer", NOW - week),
        post_at("7-days-and-1-ms", "writer", NOW - week - 1),
        post_at("from-the-future", "writer", NOW + HOUR),
        post_at("an-hour-old", "writer", NOW - HOUR),
    ];
    let likes = [("exactly-7-days", 3), ("7-days-and-1-ms", 9), ("from-the-future", 2), ("an-hour-old", 1)];
    let state = build(users, posts, vec![], &likes, &[("reader", "writer")])?;
    ensure_eq!(
        sorted(feed_ids(&make_select_user_feed().select(&state, &uid("reader"), NOW))),
        sorted(["exactly-7-days", "from-the-future", "an-hour-old"].map(String::from).to_vec()),
        "the posts in the reader's feed at NOW (in any order here), from posts exactly 7 days old (kept: now - \
         created_at <= FEED_WINDOW_MS), 7 days and 1 ms old (left out), dated an hour after NOW (kept: a clock a \
         little ahead counts as new) and an hour old"
    );

    // A clock two days after the epoch: nothing here is older than 7 days.
    let early = 2 * DAY_MS;
    let posts = vec![
        post_at("at-the-epoch", "writer", 0),
        post_at("a-day-in", "writer", DAY_MS),
        post_at("just-now", "writer", early),
    ];
    let state = build(vec![user("reader"), user("writer")], posts, vec![], &[], &[("reader", "writer")])?;
    ensure_eq!(
        sorted(feed_ids(&make_select_user_feed().select(&state, &uid("reader"), early))),
        sorted(["a-day-in", "at-the-epoch", "just-now"].map(String::from).to_vec()),
        "the posts in the reader's feed (in any order here) at now = 2 days after the epoch, of posts made at 0, 1 \
         and 2 days: all are younger than 7 days (mind `now - FEED_WINDOW_MS`, which is below zero here)"
    );
    Ok(())
}

// Catches: a feed that indexes user_posts with each followed user's id
// (`user_posts[&id]`), which panics for a user who never posted.
pub fn feed_followed_user_without_posts() -> CheckResult {
    let users = vec![user("reader"), user("writer"), user("lurker")];
    let posts = vec![post("w1", "writer", HOUR)];
    let follows = [("reader", "lurker"), ("reader", "writer"), ("writer", "lurker")];
    let state = build(users, posts, vec![], &[], &follows)?;
    ensure_eq!(
        feed_ids(&make_select_user_feed().select(&state, &uid("reader"), NOW)),
        vec!["w1".to_string()],
        "the reader follows lurker (who never posted) and writer (who wrote w1): the reader's feed"
    );
    ensure_eq!(
        feed_ids(&make_select_user_feed().select(&state, &uid("writer"), NOW)),
        Vec::<String>::new(),
        "writer follows only lurker, who never posted: writer's feed"
    );
    Ok(())
}

/// A reader following one author who wrote `n` posts an hour old, post `i`
/// with `i + 1` likes; ids are p000.., so ties never matter here.
fn numbered_feed(n: usize) -> Result<SocialState, String> {
    let posts: Vec<Post> = (0..n).map(|i| post(&format!("p{i:03}"), "writer", HOUR)).collect();
    let ids: Vec<String> = (0..n).map(|i| format!("p{i:03}")).collect();
    let likes: Vec<(&str, u32)> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i as u32 + 1)).collect();
    build(vec![user("reader"), user("writer")], posts, vec![], &likes, &[("reader", "writer")])
}

// The limit at its edge. Catches: an off-by-one limit, and a cut that keeps
// the first posts found instead of the best.
pub fn feed_limit_edges() -> CheckResult {
    let fifty = numbered_feed(FEED_LIMIT)?;
    let feed = make_select_user_feed().select(&fifty, &uid("reader"), NOW);
    let expected: Vec<String> = (0..FEED_LIMIT).map(|i| format!("p{i:03}")).collect();
    ensure_eq!(
        sorted(feed_ids(&feed)),
        expected,
        "the posts (in any order here) of a feed with exactly 50 eligible posts: all 50 of them"
    );

    let fifty_one = numbered_feed(FEED_LIMIT + 1)?;
    let feed = make_select_user_feed().select(&fifty_one, &uid("reader"), NOW);
    let expected: Vec<String> = (1..=FEED_LIMIT).map(|i| format!("p{i:03}")).collect();
    ensure_eq!(
        sorted(feed_ids(&feed)),
        expected,
        "the posts (in any order here) of a feed with 51 eligible posts, p000 with the fewest likes: the best 50, so \
         p000 is the one left out"
    );
    Ok(())
}

// Catches: a feed that sorts every followed post, keeps the best 50 and only
// then leaves out the old ones, so popular old posts take places that recent
// posts should have.
pub fn feed_limit_counts_recent_only() -> CheckResult {
    let mut posts: Vec<Post> = (0..FEED_LIMIT + 5).map(|i| post(&format!("p{i:03}"), "writer", HOUR)).collect();
    posts.extend((0..10).map(|i| post(&format!("old{i}"), "writer", 8 * DAY_MS)));
    let ids: Vec<String> = posts.iter().map(|p| p.id.as_str().to_string()).collect();
    // The old posts have the most likes of all.
    let likes: Vec<(&str, u32)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), if id.starts_with("old") { 1_000 } else { i as u32 + 1 }))
        .collect();
    let state = build(vec![user("reader"), user("writer")], posts, vec![], &likes, &[("reader", "writer")])?;
    let feed = make_select_user_feed().select(&state, &uid("reader"), NOW);
    let expected: Vec<String> = (5..FEED_LIMIT + 5).map(|i| format!("p{i:03}")).collect();
    ensure_eq!(
        sorted(feed_ids(&feed)),
        expected,
        "the reader follows a writer of 55 recent posts and 10 posts 8 days old with 1,000 likes each: the posts in \
         the feed (in any order here) are the best 50 recent ones (leave the old ones out first, then keep the best \
         50)"
    );
    Ok(())
}

// The tie-break on its own. Catches: ties left in the order the posts were
// found (follow order, then each author's list), ties by creation time, and
// ties by id largest first.
pub fn feed_ties_by_id() -> CheckResult {
    let users = ["reader", "zed", "amy"].map(user).to_vec();
    // Found in the order zed's posts (b, d) then amy's (c, a); the newest is d,
    // then b, c, a. Only the ids put them in the order a, b, c, d.
    let posts = vec![
        post("b", "zed", 2 * HOUR),
        post("d", "zed", HOUR),
        post("c", "amy", 3 * HOUR),
        post("a", "amy", 4 * HOUR),
        post("top", "amy", 5 * HOUR),
    ];
    let likes = [("a", 4), ("b", 4), ("c", 4), ("d", 4), ("top", 9)];
    let state = build(users, posts, vec![], &likes, &[("reader", "zed"), ("reader", "amy")])?;
    ensure_eq!(
        feed_ids(&make_select_user_feed().select(&state, &uid("reader"), NOW)),
        ["top", "a", "b", "c", "d"].map(String::from).to_vec(),
        "the reader follows zed (posts b, d) then amy (posts c, a, top); a, b, c and d have engagement 4 each and top \
         has 9: the feed, highest engagement first and equal engagement by post id, smallest first (not by the \
         order found, nor by time)"
    );
    Ok(())
}
