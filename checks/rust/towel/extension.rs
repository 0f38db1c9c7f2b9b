//! Extension (bonus): join a post with its author when reading, borrowing
//! both from the state.

use super::data::*;
use crate::harness::*;
use towel::*;

// Catches: joining with the wrong user, or a join that keeps its own copy of
// the author and misses a rename.
pub fn post_with_author() -> CheckResult {
    let state =
        build(vec![user("alice", "Alice"), user("bob", "Bob")], vec![post("p1", "alice"), post("p2", "bob")], vec![])?;
    let joined = some(select_post_with_author(&state, &pid("p2")), "select_post_with_author(\"p2\")")?;
    ensure_eq!(joined.post, &post("p2", "bob"), "select_post_with_author(\"p2\").post");
    ensure_eq!(joined.author, &user("bob", "Bob"), "select_post_with_author(\"p2\").author, bob wrote p2");

    let rename = UserUpdate { name: Some("Robert".to_string()), ..Default::default() };
    let state = ok(update_user(&state, &uid("bob"), rename), "update_user(\"bob\", name \"Robert\")")?;
    let joined =
        some(select_post_with_author(&state, &pid("p2")), "after renaming bob, select_post_with_author(\"p2\")")?;
    ensure_eq!(
        joined.author.name.as_str(),
        "Robert",
        "after renaming bob to Robert, select_post_with_author(\"p2\").author.name"
    );
    ensure_eq!(joined.post, &post("p2", "bob"), "after renaming bob, select_post_with_author(\"p2\").post");

    ensure!(
        select_post_with_author(&state, &pid("p9")).is_none(),
        "select_post_with_author(\"p9\"), a post that does not exist: expected None, got Some"
    );
    Ok(())
}

// Catches: a join that hands out copies (a cache of joined posts kept in the
// state, say) instead of the entities in the tables.
pub fn post_with_author_borrows() -> CheckResult {
    let state =
        build(vec![user("alice", "Alice"), user("bob", "Bob")], vec![post("p1", "alice"), post("p2", "bob")], vec![])?;
    let joined = some(select_post_with_author(&state, &pid("p1")), "select_post_with_author(\"p1\")")?;
    let post = some(select_post(&state, &pid("p1")), "select_post(\"p1\")")?;
    let author = some(select_user(&state, &uid("alice")), "select_user(\"alice\")")?;
    ensure!(
        std::ptr::eq(joined.post, post),
        "select_post_with_author(\"p1\").post should be the very Post that select_post(\"p1\") returns, not a copy of it"
    );
    ensure!(
        std::ptr::eq(joined.author, author),
        "select_post_with_author(\"p1\").author should be the very User that select_user(\"alice\") returns, not a copy of it"
    );
    Ok(())
}
