//! Update logic: every update returns a new state, changes only what it
//! should, keeps the relationship maps in step with the tables, and refuses
//! what would break them.

use super::data::*;
use crate::harness::*;
use towel::*;

/// alice wrote p1, p2; bob wrote p3; bob commented c1 on p1.
fn small_blog() -> Result<BlogState, String> {
    build(
        vec![user("alice", "Alice"), user("bob", "Bob")],
        vec![post("p1", "alice"), post("p2", "alice"), post("p3", "bob")],
        vec![comment("c1", "p1", "bob")],
    )
}

// Catches: an update that writes `None` fields as empty strings, or rebuilds
// the post from the update alone, or re-appends it to its author's list.
pub fn update_post_partial() -> CheckResult {
    let state = small_blog()?;
    let title_only = PostUpdate { title: Some("New title".to_string()), ..Default::default() };
    let state = ok(update_post(&state, &pid("p1"), title_only), "update_post(\"p1\", only title set)")?;
    let expected = Post { title: "New title".to_string(), ..post("p1", "alice") };
    ensure_eq!(
        select_post(&state, &pid("p1")),
        Some(&expected),
        "update_post(\"p1\") with only the title set: every other field stays"
    );

    let content_only = PostUpdate { content: Some("New content".to_string()), ..Default::default() };
    let state = ok(update_post(&state, &pid("p1"), content_only), "update_post(\"p1\", only content set)")?;
    let expected = Post { content: "New content".to_string(), ..expected };
    ensure_eq!(
        select_post(&state, &pid("p1")),
        Some(&expected),
        "then update_post(\"p1\") with only the content set: the new title stays, and every other field"
    );

    let date_only = PostUpdate { updated_at: Some("2024-02-03".to_string()), ..Default::default() };
    let state = ok(update_post(&state, &pid("p1"), date_only), "update_post(\"p1\", only updated_at set)")?;
    let expected = Post { updated_at: "2024-02-03".to_string(), ..expected };
    ensure_eq!(select_post(&state, &pid("p1")), Some(&expected), "then update_post(\"p1\") with only updated_at set");

    for other in [post("p2", "alice"), post("p3", "bob")] {
        ensure_eq!(select_post(&state, &other.id), Some(&other), "updating p1 should leave post {:?} alone", other.id);
    }
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("alice"))),
        pids(&["p1", "p2"]),
        "updating p1 without changing its author should leave select_user_posts(\"alice\") as it was"
    );
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("p1"))),
        cids(&["c1"]),
        "updating p1 should keep its comments"
    );
    Ok(())
}

/// Everything the selectors say about the ids these checks use.
#[derive(Debug, PartialEq)]
enum Answer {
    Post(Option<Post>),
    User(Option<User>),
    Comments(Vec<Comment>),
    Posts(Vec<Post>),
}

fn snapshot(state: &BlogState) -> Vec<(String, Answer)> {
    let mut answers = Vec::new();
    for p in ["p1", "p2", "p3", "p4"] {
        answers.push((format!("select_post({p:?})"), Answer::Post(select_post(state, &pid(p)).cloned())));
        answers.push((
            format!("select_post_comments({p:?})"),
            Answer::Comments(owned(select_post_comments(state, &pid(p)))),
        ));
    }
    for u in ["alice", "bob", "carol"] {
        answers.push((format!("select_user({u:?})"), Answer::User(select_user(state, &uid(u)).cloned())));
        answers.push((format!("select_user_posts({u:?})"), Answer::Posts(owned(select_user_posts(state, &uid(u))))));
    }
    answers
}

// Catches: tables or relationship maps shared between states through
// Arc<Mutex<..>>, RefCell or unsafe code and changed in place, so an "old"
// state, or a sibling, sees the new data.
pub fn old_state_unchanged() -> CheckResult {
    let start = small_blog()?;
    // Each step applies to the state the previous one returned.
    type Step = (&'static str, fn(&BlogState) -> Result<BlogState, BlogError>);
    let steps: [Step; 5] = [
        ("update_post(\"p1\", new title)", |s| {
            update_post(s, &pid("p1"), PostUpdate { title: Some("Changed".to_string()), ..Default::default() })
        }),
        ("add_comment(\"c2\" on p2)", |s| add_comment(s, comment("c2", "p2", "alice"))),
        ("add_post(\"p4\" by bob)", |s| add_post(s, post("p4", "bob"))),
        ("add_user(\"carol\")", |s| add_user(s, user("carol", "Carol"))),
        ("update_user(\"alice\", new name)", |s| {
            update_user(s, &uid("alice"), UserUpdate { name: Some("Changed".to_string()), ..Default::default() })
        }),
    ];

    let mut states = vec![("the starting state".to_string(), snapshot(&start), start)];
    for (op, step) in steps {
        let last = &states.last().expect("never empty").2;
        let next = ok(step(last), op)?;
        // Every earlier state must still answer exactly as it did.
        for (name, before, state) in &states {
            for ((what, was), (_, now)) in before.iter().zip(snapshot(state)) {
                ensure_eq!(
                    &now,
                    was,
                    "after {op}, {name} answers {what} differently: an update must return a new state and leave the old one alone"
                );
            }
        }
        states.push((format!("the state returned by {op}"), snapshot(&next), next));
    }
    siblings_independent()
}

/// Two updates of the same state must not see each other. A comment (or
/// post) list shared in place stays hidden behind the tables in a plain
/// chain, but shows when both siblings use the same new id.
///
/// Each sibling is compared with the same update applied to a state of its
/// own, never with a hand-written answer: this check is about the states
/// leaking into each other, and must not fail for a bug that every new state
/// has (an ordering mistake, say), which the other checks name.
fn siblings_independent() -> CheckResult {
    type Add = (&'static str, fn(&BlogState) -> Result<BlogState, BlogError>);
    let pairs: [(Add, Add, &str); 2] = [
        (
            ("add_comment(\"c9\" on p1)", |s| add_comment(s, comment("c9", "p1", "alice"))),
            ("add_comment(\"c9\" on p2)", |s| add_comment(s, comment("c9", "p2", "bob"))),
            "one add_comment put \"c9\" on p1 and another put a different \"c9\" on p2",
        ),
        (
            ("add_post(\"p9\" by alice)", |s| add_post(s, post("p9", "alice"))),
            ("add_post(\"p9\" by bob)", |s| add_post(s, post("p9", "bob"))),
            "one add_post added \"p9\" by alice and another a different \"p9\" by bob",
        ),
    ];
    for ((first_op, first), (second_op, second), both) in pairs {
        let start = small_blog()?;
        let a = ok(first(&start), &format!("{first_op} on the starting state"))?;
        let b = ok(second(&start), &format!("{second_op} on the same starting state"))?;
        let a_alone = ok(first(&small_blog()?), &format!("{first_op} on a fresh copy of the starting state"))?;
        let b_alone = ok(second(&small_blog()?), &format!("{second_op} on a fresh copy of the starting state"))?;
        for (name, sibling, alone) in [("first", &a, &a_alone), ("second", &b, &b_alone)] {
            for ((what, got), (_, expected)) in snapshot(sibling).iter().zip(snapshot(alone)) {
                ensure_eq!(
                    got,
                    &expected,
                    "from the same state, {both}. The {name} new state answers {what} differently from the same \
                     update applied to a state of its own: the two new states share data that one of them changed \
                     in place"
                );
            }
        }
    }
    Ok(())
}

// Catches: changing author_id on the post but not moving it between the two
// authors' post lists, and checking the new author only after changing things.
pub fn update_post_moves_author() -> CheckResult {
    let state = build(
        vec![user("alice", "Alice"), user("bob", "Bob")],
        vec![post("p1", "alice"), post("p4", "bob"), post("p2", "alice"), post("p5", "bob"), post("p3", "alice")],
        vec![],
    )?;
    let to_bob = PostUpdate { author_id: Some(uid("bob")), ..Default::default() };
    let moved = ok(update_post(&state, &pid("p2"), to_bob), "update_post(\"p2\", author_id \"bob\")")?;

    let expected = Post { author_id: uid("bob"), ..post("p2", "alice") };
    ensure_eq!(
        select_post(&moved, &pid("p2")),
        Some(&expected),
        "after moving p2 from alice to bob, select_post(\"p2\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&moved, &uid("alice"))),
        pids(&["p1", "p3"]),
        "after moving p2 from alice to bob, select_user_posts(\"alice\") (she had p1, p2, p3)"
    );
    ensure_eq!(
        post_ids(select_user_posts(&moved, &uid("bob"))),
        pids(&["p4", "p5", "p2"]),
        "after moving p2 from alice to bob, select_user_posts(\"bob\") (he had p4, p5; p2 joins at the end)"
    );

    let to_ghost =
        PostUpdate { author_id: Some(uid("ghost")), title: Some("Haunted".to_string()), ..Default::default() };
    ensure_eq!(
        outcome(&update_post(&state, &pid("p2"), to_ghost)),
        Err(BlogError::UnknownUser(uid("ghost"))),
        "update_post(\"p2\", author_id \"ghost\"), a user who does not exist"
    );
    ensure_eq!(
        select_post(&state, &pid("p2")),
        Some(&post("p2", "alice")),
        "after the refused move to \"ghost\", select_post(\"p2\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("alice"))),
        pids(&["p1", "p2", "p3"]),
        "after the refused move to \"ghost\", select_user_posts(\"alice\")"
    );
    Ok(())
}

// Catches: update_post that quietly returns the state unchanged, or inserts
// a half-empty post, when the id is unknown.
pub fn update_post_unknown() -> CheckResult {
    let state = small_blog()?;
    let update = PostUpdate { title: Some("Ghost story".to_string()), ..Default::default() };
    ensure_eq!(
        outcome(&update_post(&state, &pid("p9"), update)),
        Err(BlogError::UnknownPost(pid("p9"))),
        "update_post(\"p9\"), a post that does not exist"
    );
    Ok(())
}

// Catches: add_comment that fills only one of the comments table and the
// post's comment list, or replaces the list instead of appending to it.
pub fn add_comment_updates_both() -> CheckResult {
    let state = small_blog()?;
    let c2 =
        Comment { id: cid("c2"), content: "Mostly harmless.".to_string(), author_id: uid("alice"), post_id: pid("p1") };
    let state = ok(add_comment(&state, c2.clone()), "add_comment(\"c2\" by alice on p1)")?;
    ensure_eq!(
        owned(select_post_comments(&state, &pid("p1"))),
        vec![comment("c1", "p1", "bob"), c2.clone()],
        "p1 had comment c1; after add_comment(\"c2\" on p1), select_post_comments(\"p1\")"
    );

    let c3 =
        Comment { id: cid("c3"), content: "Share and enjoy!".to_string(), author_id: uid("bob"), post_id: pid("p3") };
    let state = ok(add_comment(&state, c3.clone()), "add_comment(\"c3\" by bob on p3)")?;
    ensure_eq!(
        owned(select_post_comments(&state, &pid("p3"))),
        vec![c3],
        "after add_comment(\"c3\" on p3), select_post_comments(\"p3\")"
    );
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("p1"))),
        cids(&["c1", "c2"]),
        "adding a comment to p3 should leave p1's comments alone"
    );
    Ok(())
}

// Catches: add_comment that checks nothing, checks only the post, lets a
// duplicate id overwrite a comment, or half-applies a refused comment.
pub fn add_comment_rejects_bad() -> CheckResult {
    let state = small_blog()?;
    let cases = [
        (
            "add_comment(\"c2\" on \"nowhere\"), a post that does not exist",
            comment("c2", "nowhere", "alice"),
            BlogError::UnknownPost(pid("nowhere")),
        ),
        (
            "add_comment(\"c2\" by \"ghost\"), a user who does not exist",
            comment("c2", "p1", "ghost"),
            BlogError::UnknownUser(uid("ghost")),
        ),
        (
            "add_comment(\"c1\" on p2) when comment c1 already exists",
            comment("c1", "p2", "alice"),
            BlogError::DuplicateComment(cid("c1")),
        ),
    ];
    for (what, c, expected) in cases {
        ensure_eq!(outcome(&add_comment(&state, c)), Err(expected), "{what}");
        ensure_eq!(
            owned(select_post_comments(&state, &pid("p1"))),
            vec![comment("c1", "p1", "bob")],
            "after the refused {what}, select_post_comments(\"p1\") on the original state"
        );
    }
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("p2"))),
        cids(&[]),
        "after the refused comments, select_post_comments(\"p2\")"
    );

    let state = ok(
        add_comment(&state, comment("c2", "p1", "alice")),
        "add_comment(\"c2\" by alice on p1) after the refused ones",
    )?;
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("p1"))),
        cids(&["c1", "c2"]),
        "after the refusals, a valid add_comment(\"c2\" on p1), then select_post_comments(\"p1\")"
    );
    Ok(())
}

// Catches: add_post that skips the author's post list, checks nothing, or
// records a duplicate post in the list before refusing it.
pub fn add_post_indexes_author() -> CheckResult {
    let state = small_blog()?;
    let p4 = post("p4", "bob");
    let added = ok(add_post(&state, p4.clone()), "add_post(\"p4\" by bob)")?;
    ensure_eq!(select_post(&added, &pid("p4")), Some(&p4), "after add_post(\"p4\" by bob), select_post(\"p4\")");
    ensure_eq!(
        post_ids(select_user_posts(&added, &uid("bob"))),
        pids(&["p3", "p4"]),
        "bob wrote p3; after add_post(\"p4\" by bob), select_user_posts(\"bob\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&added, &uid("alice"))),
        pids(&["p1", "p2"]),
        "after add_post(\"p4\" by bob), alice's posts"
    );

    ensure_eq!(
        outcome(&add_post(&state, post("p5", "ghost"))),
        Err(BlogError::UnknownUser(uid("ghost"))),
        "add_post(\"p5\" by \"ghost\"), a user who does not exist"
    );
    let again = Post { title: "Same id, other post".to_string(), ..post("p1", "alice") };
    ensure_eq!(
        outcome(&add_post(&state, again)),
        Err(BlogError::DuplicatePost(pid("p1"))),
        "add_post(\"p1\") when post p1 already exists"
    );
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("alice"))),
        pids(&["p1", "p2"]),
        "after the refused duplicate add_post(\"p1\" by alice), select_user_posts(\"alice\") on the original state"
    );
    ensure_eq!(
        select_post(&state, &pid("p1")),
        Some(&post("p1", "alice")),
        "after the refused duplicate add_post(\"p1\"), select_post(\"p1\")"
    );
    Ok(())
}

// Catches: add_user that overwrites an existing user with the same id.
pub fn add_user_then_select() -> CheckResult {
    let state = BlogState::default();
    let state = ok(add_user(&state, user("alice", "Alice")), "add_user(\"alice\") on an empty state")?;
    let state = ok(add_user(&state, user("bob", "Bob")), "add_user(\"bob\")")?;
    ensure_eq!(
        select_user(&state, &uid("alice")),
        Some(&user("alice", "Alice")),
        "after add_user(\"alice\"), add_user(\"bob\"): select_user(\"alice\")"
    );
    ensure_eq!(
        select_user(&state, &uid("bob")),
        Some(&user("bob", "Bob")),
        "after add_user(\"alice\"), add_user(\"bob\"): select_user(\"bob\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("bob"))),
        pids(&[]),
        "select_user_posts(\"bob\") for a user just added"
    );

    ensure_eq!(
        outcome(&add_user(&state, user("alice", "Another Alice"))),
        Err(BlogError::DuplicateUser(uid("alice"))),
        "add_user(\"alice\") when user alice already exists"
    );
    ensure_eq!(
        select_user(&state, &uid("alice")),
        Some(&user("alice", "Alice")),
        "after the refused duplicate, select_user(\"alice\")"
    );
    Ok(())
}

// Catches: `None` fields written as empty strings, or an unknown user
// quietly accepted.
pub fn update_user_partial() -> CheckResult {
    let state = small_blog()?;
    let email_only = UserUpdate { email: Some("alice@wonderland.example".to_string()), ..Default::default() };
    let state = ok(update_user(&state, &uid("alice"), email_only), "update_user(\"alice\", only email set)")?;
    let expected = User { email: "alice@wonderland.example".to_string(), ..user("alice", "Alice") };
    ensure_eq!(
        select_user(&state, &uid("alice")),
        Some(&expected),
        "update_user(\"alice\") with only the email set: the name stays"
    );

    let name_only = UserUpdate { name: Some("Alice Liddell".to_string()), ..Default::default() };
    let state = ok(update_user(&state, &uid("alice"), name_only), "update_user(\"alice\", only name set)")?;
    let expected = User { name: "Alice Liddell".to_string(), ..expected };
    ensure_eq!(
        select_user(&state, &uid("alice")),
        Some(&expected),
        "then update_user(\"alice\") with only the name set: the new email stays"
    );
    ensure_eq!(select_user(&state, &uid("bob")), Some(&user("bob", "Bob")), "updating alice should leave bob alone");

    let update = UserUpdate { name: Some("Nobody".to_string()), ..Default::default() };
    ensure_eq!(
        outcome(&update_user(&state, &uid("ghost"), update)),
        Err(BlogError::UnknownUser(uid("ghost"))),
        "update_user(\"ghost\"), a user who does not exist"
    );
    Ok(())
}

// Catches: relationship lists created in one place and only appended to in
// another (`if let Some(list) = user_posts.get_mut(..)`), so a user loaded
// without posts, or a post added after loading, never gets a list and their
// first post or comment is stored but never listed.
pub fn first_post_first_comment() -> CheckResult {
    // carol is loaded with no posts; p1 is loaded with no comments.
    let state = build(vec![user("alice", "Alice"), user("carol", "Carol")], vec![post("p1", "alice")], vec![])?;

    let state = ok(add_post(&state, post("pc", "carol")), "add_post(\"pc\" by carol, who was loaded with no posts)")?;
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("carol"))),
        pids(&["pc"]),
        "carol came from from_entities with no posts; after add_post(\"pc\" by carol), select_user_posts(\"carol\")"
    );
    let state =
        ok(add_comment(&state, comment("k1", "pc", "alice")), "add_comment(\"k1\" on pc, a post added by add_post)")?;
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("pc"))),
        cids(&["k1"]),
        "pc was added by add_post; after add_comment(\"k1\" on pc), select_post_comments(\"pc\")"
    );
    let state = ok(add_comment(&state, comment("k2", "p1", "carol")), "add_comment(\"k2\" on p1)")?;
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("p1"))),
        cids(&["k2"]),
        "p1 came from from_entities with no comments; after add_comment(\"k2\" on p1), select_post_comments(\"p1\")"
    );

    let state = ok(add_user(&state, user("dave", "Dave")), "add_user(\"dave\")")?;
    let state = ok(add_post(&state, post("pd", "dave")), "add_post(\"pd\" by dave, just added)")?;
    let state = ok(add_comment(&state, comment("k3", "pd", "dave")), "add_comment(\"k3\" on pd)")?;
    ensure_eq!(
        post_ids(select_user_posts(&state, &uid("dave"))),
        pids(&["pd"]),
        "after add_user(\"dave\") and add_post(\"pd\" by dave), select_user_posts(\"dave\")"
    );
    ensure_eq!(
        comment_ids(select_post_comments(&state, &pid("pd"))),
        cids(&["k3"]),
        "after add_post(\"pd\") and add_comment(\"k3\" on pd), select_post_comments(\"pd\")"
    );
    Ok(())
}

// Catches: a move that appends to the new author's list only if they already
// have one, so a post moved to a user who never wrote one vanishes from every
// list; and a move that loses the post's comments.
pub fn move_to_author_without_posts() -> CheckResult {
    let state = build(
        vec![user("alice", "Alice"), user("carol", "Carol")],
        vec![post("p1", "alice"), post("p2", "alice")],
        vec![comment("c1", "p1", "carol")],
    )?;
    let to_carol = PostUpdate { author_id: Some(uid("carol")), ..Default::default() };
    let moved = ok(update_post(&state, &pid("p1"), to_carol), "update_post(\"p1\", author_id \"carol\")")?;
    let what = "carol was loaded with no posts; after moving p1 from alice to carol";
    ensure_eq!(
        post_ids(select_user_posts(&moved, &uid("carol"))),
        pids(&["p1"]),
        "{what}, select_user_posts(\"carol\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&moved, &uid("alice"))),
        pids(&["p2"]),
        "{what}, select_user_posts(\"alice\")"
    );
    ensure_eq!(
        select_post(&moved, &pid("p1")).map(|p| p.author_id.clone()),
        Some(uid("carol")),
        "{what}, select_post(\"p1\").author_id"
    );
    ensure_eq!(comment_ids(select_post_comments(&moved, &pid("p1"))), cids(&["c1"]), "{what}, its comments");

    let added = ok(add_user(&state, user("dave", "Dave")), "add_user(\"dave\")")?;
    let to_dave = PostUpdate { author_id: Some(uid("dave")), ..Default::default() };
    let moved = ok(update_post(&added, &pid("p2"), to_dave), "update_post(\"p2\", author_id \"dave\")")?;
    ensure_eq!(
        post_ids(select_user_posts(&moved, &uid("dave"))),
        pids(&["p2"]),
        "dave was just added with add_user; after moving p2 to dave, select_user_posts(\"dave\")"
    );
    Ok(())
}

// Catches: a "move" to the author the post already has that removes the post
// from the list and appends it again, so it jumps to the end.
pub fn same_author_keeps_place() -> CheckResult {
    let state = small_blog()?;
    let same = PostUpdate { author_id: Some(uid("alice")), ..Default::default() };
    let next = ok(update_post(&state, &pid("p1"), same), "update_post(\"p1\", author_id \"alice\", its own author)")?;
    ensure_eq!(
        post_ids(select_user_posts(&next, &uid("alice"))),
        pids(&["p1", "p2"]),
        "alice wrote p1 then p2; update_post(\"p1\") with author_id \"alice\" (already its author) is not a move: \
         select_user_posts(\"alice\")"
    );
    ensure_eq!(
        select_post(&next, &pid("p1")).map(|p| p.author_id.clone()),
        Some(uid("alice")),
        "after update_post(\"p1\", author_id \"alice\"), select_post(\"p1\").author_id"
    );
    Ok(())
}

/// `users` users; the first 50 wrote one post each, and `comments` comments
/// are spread over those 50 posts.
fn sharing_blog(users: usize, comments: usize) -> Result<BlogState, String> {
    let all_users = (0..users).map(|i| user(&format!("u{i}"), "Someone")).collect();
    let posts = (0..50).map(|i| post(&format!("p{i}"), &format!("u{i}"))).collect();
    let all_comments =
        (0..comments).map(|i| comment(&format!("c{i}"), &format!("p{}", i % 50), &format!("u{}", i % 50))).collect();
    build(all_users, posts, all_comments)
}

type Update = (&'static str, fn(&BlogState) -> Result<BlogState, BlogError>);

const ADD_USER: Update = ("add_user", |s| add_user(s, user("newcomer", "Newcomer")));
const ADD_POST: Update = ("add_post", |s| add_post(s, post("new-post", "u0")));
const ADD_COMMENT: Update = ("add_comment", |s| add_comment(s, comment("new-comment", "p0", "u1")));
const UPDATE_POST: Update = ("update_post", |s| {
    update_post(s, &pid("p0"), PostUpdate { title: Some("New".to_string()), ..Default::default() })
});
const UPDATE_USER: Update =
    ("update_user", |s| update_user(s, &uid("u0"), UserUpdate { name: Some("New".to_string()), ..Default::default() }));

// Catches: tables without an Arc of their own (a rename then copies every
// comment), and adds that start from a deep copy of every table. Each update
// runs on a blog where the tables it does not change are large, against the
// same update on a blog where every table is small.
pub fn copy_only_changed_tables() -> Result<Measurement, String> {
    let small = sharing_blog(50, 50)?;
    let many_users = sharing_blog(20_000, 50)?;
    let many_comments = sharing_blog(50, 20_000)?;
    // Each update beside a blog whose tables it does not change are big.
    let big: [(Update, &BlogState, &str); 6] = [
        (ADD_COMMENT, &many_users, "20,000 users"),
        (UPDATE_POST, &many_users, "20,000 users"),
        (ADD_USER, &many_comments, "20,000 comments"),
        (ADD_POST, &many_comments, "20,000 comments"),
        (UPDATE_POST, &many_comments, "20,000 comments"),
        (UPDATE_USER, &many_comments, "20,000 comments"),
    ];
    for ((name, update), state, what) in big.iter() {
        ok(update(&small), &format!("{name} on a blog of 50 users, 50 posts and 50 comments"))?;
        ok(update(state), &format!("{name} on a blog of 50 posts and {what}"))?;
    }
    let m = compare(
        "6 updates, every table small",
        &mut || {
            for ((_, update), _, _) in big.iter() {
                keep(update(&small));
            }
        },
        "6 updates, untouched tables of 20,000 rows",
        &mut || {
            for ((_, update), state, _) in big.iter() {
                keep(update(state));
            }
        },
    );
    leave((small, many_users, many_comments));
    Ok(m)
}
