//! Builders shared by the Babel Fish checks: ids, entities, a small
//! hand-made galaxy, the seed's `generate_social_state`, and snapshots of a
//! state as plain values so that two states can be compared and printed.
//!
//! The checks read and write `SocialState`'s public tables directly when they
//! need a state "where only this changed": that way a memoization check never
//! depends on the learner's update functions.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

pub use crate::harness::testdata::Rng;
use crate::harness::testdata::id;
use crate::harness::*;
use babel_fish::*;

/// The clock every check passes in.
pub const NOW: Millis = 1_700_000_000_000;
pub const HOUR: Millis = 60 * 60 * 1000;

pub fn pid(text: &str) -> PostId {
    id(text)
}

pub fn uid(text: &str) -> UserId {
    id(text)
}

pub fn cid(text: &str) -> CommentId {
    id(text)
}

pub fn user(id: &str) -> User {
    User { id: uid(id), name: format!("{id} (the name)") }
}

/// A post by `author`, `age` milliseconds before `NOW`.
pub fn post(id: &str, author: &str, age: Millis) -> Post {
    Post {
        id: pid(id),
        author_id: uid(author),
        content: format!("{id}, by {author}"),
        created_at: NOW - age,
        shares: 0,
    }
}

pub fn comment(id: &str, post: &str, author: &str) -> Comment {
    Comment { id: cid(id), post_id: pid(post), author_id: uid(author), content: format!("{author} on {post}") }
}

/// `SocialState::from_entities` on lists the check knows to be valid.
pub fn build(
    users: Vec<User>,
    posts: Vec<Post>,
    comments: Vec<Comment>,
    likes: &[(&str, u32)],
    follows: &[(&str, &str)],
) -> Result<SocialState, String> {
    let what = format!(
        "SocialState::from_entities with {} users, {} posts, {} comments, all valid",
        users.len(),
        posts.len(),
        comments.len()
    );
    let likes = likes.iter().map(|(p, n)| (pid(p), *n)).collect();
    let follows = follows.iter().map(|(a, b)| (uid(a), uid(b))).collect();
    ok(SocialState::from_entities(users, posts, comments, likes, follows), &what)
}

/// The hand-made galaxy most checks use.
///
/// arthur follows ford and zaphod; trillian follows marvin. Posts (age,
/// likes, comments, engagement):
/// - ford: f1 (1 h, 5 likes, 2 comments: 7), f2 (2 days, 10 likes: 10),
///   f3 (8 days, 100 likes: too old)
/// - zaphod: z1 (3 days, 3 likes, 4 comments: 7), z2 (7 days minus 1 ms, no
///   engagement: 0), z3 (7 days plus 1 ms, 50 likes: too old)
/// - trillian: t1 (1 h, 42 likes); arthur: a1 (1 h, 1 like); marvin: m1 (1 h)
///
/// So arthur's feed at NOW is f2, f1, z1, z2 (f1 before z1: equal engagement,
/// smaller id first), and trillian's is m1.
pub fn galaxy() -> Result<SocialState, String> {
    let users = ["arthur", "ford", "zaphod", "trillian", "marvin"].map(user).to_vec();
    let week = 7 * DAY_MS;
    let posts = vec![
        post("f1", "ford", HOUR),
        post("f2", "ford", 2 * DAY_MS),
        post("f3", "ford", 8 * DAY_MS),
        post("z1", "zaphod", 3 * DAY_MS),
        post("z2", "zaphod", week - 1),
        post("z3", "zaphod", week + 1),
        post("t1", "trillian", HOUR),
        post("a1", "arthur", HOUR),
        post("m1", "marvin", HOUR),
    ];
    let comments = vec![
        comment("c1", "f1", "arthur"),
        comment("c2", "z1", "ford"),
        comment("c3", "f1", "zaphod"),
        comment("c4", "z1", "arthur"),
        comment("c5", "z1", "trillian"),
        comment("c6", "z1", "marvin"),
    ];
    let likes = [("f1", 5), ("f2", 10), ("f3", 100), ("z1", 3), ("z3", 50), ("t1", 42), ("a1", 1)];
    let follows = [("arthur", "ford"), ("arthur", "zaphod"), ("trillian", "marvin")];
    build(users, posts, comments, &likes, &follows)
}

/// arthur's feed in the galaxy at NOW.
pub const ARTHUR_FEED: [&str; 4] = ["f2", "f1", "z1", "z2"];

/// The post ids of a feed, in its order.
pub fn feed_ids(feed: &[PostWithDetails]) -> Vec<String> {
    feed.iter().map(|d| d.post.id.as_str().to_string()).collect()
}

/// A feed as (post id, engagement) pairs, for messages that show both.
pub fn feed_scores(feed: &[PostWithDetails]) -> Vec<(String, u32)> {
    feed.iter().map(|d| (d.post.id.as_str().to_string(), d.engagement)).collect()
}

/// A copy of one table with one entry replaced: a state "where only this
/// changed", made without the learner's update functions.
pub fn with_post(state: &SocialState, post: Post) -> SocialState {
    let mut next = state.clone();
    Arc::make_mut(&mut next.posts).insert(post.id.clone(), Arc::new(post));
    next
}

pub fn with_likes(state: &SocialState, post: &str, likes: u32) -> SocialState {
    let mut next = state.clone();
    Arc::make_mut(&mut next.likes).insert(pid(post), likes);
    next
}

pub fn with_comment(state: &SocialState, c: Comment) -> SocialState {
    let mut next = state.clone();
    let list = Arc::make_mut(&mut next.post_comments).entry(c.post_id.clone()).or_default();
    Arc::make_mut(list).push(c.id.clone());
    Arc::make_mut(&mut next.comments).insert(c.id.clone(), Arc::new(c));
    next
}

pub fn with_user(state: &SocialState, u: User) -> SocialState {
    let mut next = state.clone();
    Arc::make_mut(&mut next.users).insert(u.id.clone(), Arc::new(u));
    next
}

/// `follower` follows `followed` too.
pub fn with_follow(state: &SocialState, follower: &str, followed: &str) -> SocialState {
    let mut next = state.clone();
    let list = Arc::make_mut(&mut next.follows).entry(uid(follower)).or_default();
    Arc::make_mut(list).push(uid(followed));
    next
}

/// `post` joins `author`'s list in user_posts (and only there).
pub fn with_user_post(state: &SocialState, author: &str, post: &str) -> SocialState {
    let mut next = state.clone();
    let list = Arc::make_mut(&mut next.user_posts).entry(uid(author)).or_default();
    Arc::make_mut(list).push(pid(post));
    next
}

/// The post as it is in the state's table.
pub fn post_in(state: &SocialState, id: &str) -> Result<Post, String> {
    state.posts.get(&pid(id)).map(|p| (**p).clone()).ok_or_else(|| format!("post {id:?} is missing from state.posts"))
}

// ---------------------------------------------------------------------------
// Snapshots: a state as plain, ordered values
// ---------------------------------------------------------------------------

/// Everything a state holds, as plain values in a fixed order. A like count of
/// 0 and no entry mean the same, and so do an empty list and no list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub users: BTreeMap<String, User>,
    pub posts: BTreeMap<String, Post>,
    pub comments: BTreeMap<String, Comment>,
    pub post_comments: BTreeMap<String, Vec<String>>,
    pub likes: BTreeMap<String, u32>,
    pub follows: BTreeMap<String, Vec<String>>,
    pub user_posts: BTreeMap<String, Vec<String>>,
}

pub fn snapshot(state: &SocialState) -> Snapshot {
    Snapshot {
        users: state.users.iter().map(|(k, v)| (k.as_str().to_string(), (**v).clone())).collect(),
        posts: state.posts.iter().map(|(k, v)| (k.as_str().to_string(), (**v).clone())).collect(),
        comments: state.comments.iter().map(|(k, v)| (k.as_str().to_string(), (**v).clone())).collect(),
        post_comments: state
            .post_comments
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.as_str().to_string(), v.iter().map(|x| x.as_str().to_string()).collect()))
            .collect(),
        likes: state.likes.iter().filter(|(_, n)| **n != 0).map(|(k, n)| (k.as_str().to_string(), *n)).collect(),
        follows: state
            .follows
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.as_str().to_string(), v.iter().map(|x| x.as_str().to_string()).collect()))
            .collect(),
        user_posts: state
            .user_posts
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.as_str().to_string(), v.iter().map(|x| x.as_str().to_string()).collect()))
            .collect(),
    }
}

/// Fails with the first table that differs, showing the entries that differ.
pub fn ensure_same_snapshot(actual: &Snapshot, expected: &Snapshot, what: &str) -> CheckResult {
    fn table<V: PartialEq + std::fmt::Debug>(
        name: &str,
        actual: &BTreeMap<String, V>,
        expected: &BTreeMap<String, V>,
        what: &str,
    ) -> CheckResult {
        for key in actual.keys().chain(expected.keys()) {
            let (a, e) = (actual.get(key), expected.get(key));
            if a != e {
                return Err(format!(
                    "{what}: state.{name}[{key:?}] is not as expected\n  expected: {e:?}\n  actual:   {a:?}"
                ));
            }
        }
        Ok(())
    }
    table("users", &actual.users, &expected.users, what)?;
    table("posts", &actual.posts, &expected.posts, what)?;
    table("comments", &actual.comments, &expected.comments, what)?;
    table("post_comments", &actual.post_comments, &expected.post_comments, what)?;
    table("likes", &actual.likes, &expected.likes, what)?;
    table("follows", &actual.follows, &expected.follows, what)?;
    table("user_posts", &actual.user_posts, &expected.user_posts, what)
}

// ---------------------------------------------------------------------------
// The seed's generator
// ---------------------------------------------------------------------------

/// The seed's `generateSocialState`: `user0..`, `post0..`, `comment0..`,
/// posts up to 14 days old, 0-99 likes a post, and `relationships` distinct
/// follows. Seeded, so every run grades the same data.
pub fn generate_social_state(
    users: usize,
    posts: usize,
    comments: usize,
    relationships: usize,
    seed: u64,
) -> Result<SocialState, String> {
    let mut rng = Rng::new(seed);
    let user_ids: Vec<String> = (0..users).map(|i| format!("user{i}")).collect();
    let post_ids: Vec<String> = (0..posts).map(|i| format!("post{i}")).collect();
    let all_users: Vec<User> = user_ids.iter().map(|id| User { id: uid(id), name: format!("User {id}") }).collect();
    let all_posts: Vec<Post> = post_ids
        .iter()
        .map(|id| Post {
            id: pid(id),
            author_id: uid(&user_ids[rng.below(users)]),
            content: format!("Thoughts number {id}"),
            created_at: NOW - rng.below_u64(14 * DAY_MS),
            shares: rng.below_u64(20) as u32,
        })
        .collect();
    let all_comments: Vec<Comment> = (0..comments)
        .map(|i| Comment {
            id: CommentId::from(format!("comment{i}")),
            post_id: pid(&post_ids[rng.below(posts)]),
            author_id: uid(&user_ids[rng.below(users)]),
            content: "So long, and thanks for all the fish".to_string(),
        })
        .collect();
    let likes: Vec<(PostId, u32)> = post_ids.iter().map(|id| (pid(id), rng.below_u64(100) as u32)).collect();
    let mut seen = HashSet::new();
    let mut follows = Vec::with_capacity(relationships);
    while follows.len() < relationships.min(users * users.saturating_sub(1)) {
        let (a, b) = (rng.below(users), rng.below(users));
        if a != b && seen.insert((a, b)) {
            follows.push((uid(&user_ids[a]), uid(&user_ids[b])));
        }
    }
    let what =
        format!("SocialState::from_entities on generate_social_state({users}, {posts}, {comments}, {relationships})");
    ok(SocialState::from_entities(all_users, all_posts, all_comments, likes, follows), &what)
}

/// The seed's validation state: 1,000 users, 10,000 posts, 50,000 comments,
/// 5,000 follow relationships.
pub fn seed_state() -> Result<SocialState, String> {
    generate_social_state(1_000, 10_000, 50_000, 5_000, 42)
}

/// What the details of `id` must be, computed from the tables.
pub fn expected_details(state: &SocialState, id: &PostId) -> Option<(PostId, UserId, u32, u32, u32)> {
    let post = state.posts.get(id)?;
    let author = state.users.get(&post.author_id)?;
    let comments = state.post_comments.get(id).map_or(0, |l| l.len() as u32);
    let likes = state.likes.get(id).copied().unwrap_or(0);
    Some((post.id.clone(), author.id.clone(), comments, likes, comments + likes))
}

/// The same five facts, read from a selector's answer.
pub fn details_facts(d: &PostWithDetails) -> (PostId, UserId, u32, u32, u32) {
    (d.post.id.clone(), d.author.id.clone(), d.comments_count, d.likes_count, d.engagement)
}
