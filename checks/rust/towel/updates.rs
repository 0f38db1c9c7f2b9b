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
    let title_only = PostUpdate {
        title: Some("New title".to_string()),
        ..Default::default()
    };
    let state = ok(
        update_post(&state, &pid("p1"), title_only),
        "update_post(\"p1\", only title set)",
    )?;
    let expected = Post {
        title: "New title".to_string(),
        ..post("p1", "alice")
    };
    ensure_eq!(
        select_post(&state, &pid("p1")),
        Some(&expected),
        "update_post(\"p1\") with only the title set: every other field stays"
    );

    let content_only = PostUpdate {
        content: Some("New content".to_string()),
        ..Default::default()
    };
    let state = ok(
        update_post(&state, &pid("p1"), content_only),
        "update_post(\"p1\", only content set)",
    )?;
    let expected = Post {
        content: "New content".to_string(),
        ..expected
    };
    ensure_eq!(
        select_post(&state, &pid("p1")),
        Some(&expected),
        "then update_post(\"p1\") with only the content set: the new title stays, and every other field"
    );

    let date_only = PostUpdate {
        updated_at: Some("2024-02-03".to_string()),
        ..Default::default()
    };
    let state = ok(
        update_post(&state, &pid("p1"), date_only),
        "update_post(\"p1\", only updated_at set)",
    )?;
    let expected = Post {
        updated_at: "2024-02-03".to_string(),
        ..expected
    };
    ensure_eq!(
        select_post(&state, &pid("p1")),
        Some(&expected),
        "then update_post(\"p1\") with only updated_at set"
    );

    for other in [post("p2", "alice"), post("p3", "bob")] {
        ensure_eq!(
            select_post(&state, &other.id),
            Some(&other),
            "updating p1 should leave post {:?} alone",
            other.id
        );
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
        answers.push((
            format!("select_post({p:?})"),
            Answer::Post(select_post(state, &pid(p)).cloned()),
        ));
        answers.push((
            format!("select_post_comments({p:?})"),
            Answer::Comments(owned(select_post_comments(state, &pid(p)))),
        ));
    }
    for u in ["alice", "bob", "carol"] {
        answers.push((
            format!("select_user({u:?})"),
            Answer::User(select_user(state, &uid(u)).cloned()),
        ));
        answers.push((
            format!("select_user_posts({u:?})"),
            Answer::Posts(owned(select_user_posts(state, &uid(u)))),
        ));
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
            update_post(
                s,
                &pid("p1"),
                PostUpdate {
                    title: Some("Changed".to_string()),
                    ..Default::default()
                },
            )
        }),
        ("add_comment(\"c2\" on p2)", |s| {
            add_comment(s, comment("c2", "p2", "alice"))
        }),
        ("add_post(\"p4\" by bob)", |s| {
            add_post(s, post("p4", "bob"))
        }),
        ("add_user(\"carol\")", |s| {
            add_user(s, user("carol", "Carol"))
        }),
        ("update_user(\"alice\", new name)", |s| {
            update_user(
                s,
                &uid("alice"),
                UserUpdate {
                    name: Some("Changed".to_string()),
                    ..Default::default()
                },
            )
        }),
    ];

    let mut states = vec![("the starting state".to_string(), snapshot(&start), start)];
    for (op, step) in steps {
        let last = &states.last().expect("never empty").2;
        let next = ok(step(last), op)?;
        // Every earlier state must still answer exactly as it did.
        for (name, before, state) in &states {
            for ((what, was), (_, now)) in before.iter().zip(snapshot(state)) {
                ensure_eq!(&now, was, "after {op}, {name} answers {what} differently: an update must return a new state and leave the old one alone");
            }
        }
        states.push((format!("the state returned by {op}"), snapshot(&next), next));
    }
    siblings_independent()
}

/// Two updates of the same state must not see each other. A comment (or
/// post) list shared in place stays hidden behind the tables in a plain
/// chain, but shows when both siblings use the same new id.
fn siblings_independent() -> CheckResult {
    let start = small_blog()?;
    let on_p1 = comment("c9", "p1", "alice");
    let on_p2 = comment("c9", "p2", "bob");
    let a = ok(
        add_comment(&start, on_p1.clone()),
        "add_comment(\"c9\" on p1) on the starting state",
    )?;
    let b = ok(
        add_comment(&start, on_p2.clone()),
        "add_comment(\"c9\" on p2) on the same starting state",
    )?;
    let both = "from the same state, one add_comment put \"c9\" on p1 and another put a different \"c9\" on p2";
    ensure_eq!(
        owned(select_post_comments(&a, &pid("p1"))),
        vec![comment("c1", "p1", "bob"), on_p1],
        "{both}; the first new state's select_post_comments(\"p1\")"
    );
    ensure_eq!(
        owned(select_post_comments(&a, &pid("p2"))),
        Vec::<Comment>::new(),
        "{both}; the first new state's select_post_comments(\"p2\")"
    );
    ensure_eq!(
        owned(select_post_comments(&b, &pid("p1"))),
        vec![comment("c1", "p1", "bob")],
        "{both}; the second new state's select_post_comments(\"p1\")"
    );
    ensure_eq!(
        owned(select_post_comments(&b, &pid("p2"))),
        vec![on_p2],
        "{both}; the second new state's select_post_comments(\"p2\")"
    );

    let by_alice = post("p9", "alice");
    let by_bob = post("p9", "bob");
    let a = ok(
        add_post(&start, by_alice.clone()),
        "add_post(\"p9\" by alice) on the starting state",
    )?;
    let b = ok(
        add_post(&start, by_bob.clone()),
        "add_post(\"p9\" by bob) on the same starting state",
    )?;
    let both = "from the same state, one add_post added \"p9\" by alice and another a different \"p9\" by bob";
    ensure_eq!(
        post_ids(select_user_posts(&a, &uid("alice"))),
        pids(&["p1", "p2", "p9"]),
        "{both}; the first new state's select_user_posts(\"alice\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&a, &uid("bob"))),
        pids(&["p3"]),
        "{both}; the first new state's select_user_posts(\"bob\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&b, &uid("alice"))),
        pids(&["p1", "p2"]),
        "{both}; the second new state's select_user_posts(\"alice\")"
    );
    ensure_eq!(
        post_ids(select_user_posts(&b, &uid("bob"))),
        pids(&["p3", "p9"]),
        "{both}; the second new state's select_user_posts(\"bob\")"
    );
    Ok(())
}

// Catches: changing author_id on the post but not moving it between the two
// authors' post lists, and checking the new author only after changing things.
pub fn update_post_moves_author() -> CheckResult {
    let state = build(
        vec![user("alice", "Alice"), user("bob", "Bob")],
        vec![
            post("p1", "alice"),
            post("p4", "bob"),
            post("p2", "alice"),
            post("p5", "bob"),
            post("p3", "alice"),
        ],
        vec![],
    )?;
    let to_bob = PostUpdate {
        author_id: Some(uid("bob")),
        ..Default::default()
    };
    let moved = ok(
        update_post(&state, &pid("p2"), to_bob),
        "update_post(\"p2\", author_id \"bob\")",
    )?;

    let expected = Post {
        author_id: uid("bob"),
        ..post("p2", "alice")
    };
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

    let to_ghost = PostUpdate {
        author_id: Some(uid("ghost")),
        title: Some("Haunted".to_string()),
        ..Default::default()
    };
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
    let update = PostUpdate {
        title: Some("Ghost story".to_string()),
        ..Default::default()
    };
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
    let c2 = Comment {
        id: cid("c2"),
        content: "Mostly harmless.".to_string(),
        author_id: uid("alice"),
        post_id: pid("p1"),
    };
    let state = ok(
        add_comment(&state, c2.clone()),
        "add_comment(\"c2\" by alice on p1)",
    )?;
    ensure_eq!(
        owned(select_post_comments(&state, &pid("p1"))),
        vec![comment("c1", "p1", "bob"), c2.clone()],
        "p1 had comment c1; after add_comment(\"c2\" on p1), select_post_comments(\"p1\")"
    );

    let c3 = Comment {
        id: cid("c3"),
        content: "Share and enjoy!".to_string(),
        author_id: uid("bob"),
        post_id: pid("p3"),
    };
    let state = ok(
        add_comment(&state, c3.clone()),
        "add_comment(\"c3\" by bob on p3)",
    )?;
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
    ensure_eq!(
        select_post(&added, &pid("p4")),
        Some(&p4),
        "after add_post(\"p4\" by bob), select_post(\"p4\")"
    );
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
    let again = Post {
        title: "Same id, other post".to_string(),
        ..post("p1", "alice")
    };
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
    let state = ok(
        add_user(&state, user("alice", "Alice")),
        "add_user(\"alice\") on an empty state",
    )?;
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
    let email_only = UserUpdate {
        email: Some("alice@wonderland.example".to_string()),
        ..Default::default()
    };
    let state = ok(
        update_user(&state, &uid("alice"), email_only),
        "update_user(\"alice\", only email set)",
    )?;
    let expected = User {
        email: "alice@wonderland.example".to_string(),
        ..user("alice", "Alice")
    };
    ensure_eq!(
        select_user(&state, &uid("alice")),
        Some(&expected),
        "update_user(\"alice\") with only the email set: the name stays"
    );

    let name_only = UserUpdate {
        name: Some("Alice Liddell".to_string()),
        ..Default::default()
    };
    let state = ok(
        update_user(&state, &uid("alice"), name_only),
        "update_user(\"alice\", only name set)",
    )?;
    let expected = User {
        name: "Alice Liddell".to_string(),
        ..expected
    };
    ensure_eq!(
        select_user(&state, &uid("alice")),
        Some(&expected),
        "then update_user(\"alice\") with only the name set: the new email stays"
    );
    ensure_eq!(
        select_user(&state, &uid("bob")),
        Some(&user("bob", "Bob")),
        "updating alice should leave bob alone"
    );

    let update = UserUpdate {
        name: Some("Nobody".to_string()),
        ..Default::default()
    };
    ensure_eq!(
        outcome(&update_user(&state, &uid("ghost"), update)),
        Err(BlogError::UnknownUser(uid("ghost"))),
        "update_user(\"ghost\"), a user who does not exist"
    );
    Ok(())
}
