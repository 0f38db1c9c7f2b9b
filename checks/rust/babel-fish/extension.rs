//! Extension (bonus): posts arriving in real time. Feeds a new post does not
//! change keep their `Arc`, so their views are not re-rendered.

use std::sync::Arc;

use super::data::DAY_MS;
use super::data::*;
use crate::harness::*;
use babel_fish::*;

// Catches: add_post that forgets the author's post list (the post never
// reaches a follower's feed), accepts a taken id, or an unknown author.
pub fn add_post_reaches_feeds() -> CheckResult {
    let state = galaxy()?;
    let next = ok(add_post(&state, post("f4", "ford", 0)), "add_post(f4 by ford, just now)")?;
    ensure_eq!(post_in(&next, "f4")?, post("f4", "ford", 0), "state.posts[\"f4\"] after add_post");
    ensure_eq!(
        next.user_posts.get(&uid("ford")).map(|l| l.iter().map(|p| p.as_str().to_string()).collect::<Vec<_>>()),
        Some(["f1", "f2", "f3", "f4"].map(String::from).to_vec()),
        "state.user_posts[\"ford\"] after add_post(f4): ford's posts, the new one last"
    );
    let mut feed = feed_ids(&make_select_user_feed().select(&next, &uid("arthur"), NOW));
    feed.sort();
    ensure_eq!(
        feed,
        ["f1", "f2", "f4", "z1", "z2"].map(String::from).to_vec(),
        "the posts in arthur's feed after ford posted f4, whatever their order (sorted by id here): arthur follows \
         ford, so f4 should be there"
    );
    ensure_eq!(
        add_post(&next, post("f4", "ford", 0)).err(),
        Some(SocialError::DuplicatePost(pid("f4"))),
        "add_post(f4) a second time should be refused"
    );
    ensure_eq!(
        add_post(&next, post("g1", "ghost", 0)).err(),
        Some(SocialError::UnknownUser(uid("ghost"))),
        "add_post(g1 by \"ghost\", who is not a user) should be refused"
    );
    Ok(())
}

// Catches: a feed that places a new post out of order: appended at the end
// of a cached feed, or after the posts it ties with.
pub fn new_post_in_feed_order() -> CheckResult {
    let state = galaxy()?;
    let (arthur, trillian) = (uid("arthur"), uid("trillian"));
    let mut arthur_feed = make_select_user_feed();
    let mut trillian_feed = make_select_user_feed();
    arthur_feed.select(&state, &arthur, NOW);
    trillian_feed.select(&state, &trillian, NOW);
    let next = ok(add_post(&state, post("f4", "ford", 0)), "add_post(f4 by ford, just now)")?;
    ensure_eq!(
        feed_ids(&arthur_feed.select(&next, &arthur, NOW)),
        ["f2", "f1", "z1", "f4", "z2"].map(String::from).to_vec(),
        "the order of arthur's feed after ford posted f4: highest engagement first, and f4, with no engagement \
         yet, ties with z2 and comes first by post id (smallest first). f4 did arrive; its place is wrong"
    );
    let next = ok(add_post(&next, post("m2", "marvin", 0)), "add_post(m2 by marvin, just now)")?;
    ensure_eq!(
        feed_ids(&trillian_feed.select(&next, &trillian, NOW)),
        vec!["m1".to_string(), "m2".to_string()],
        "the order of trillian's feed after marvin posted m2: m1 and m2 tie on engagement, so the smaller post id \
         comes first. m2 did arrive; its place is wrong"
    );
    Ok(())
}

// Catches: a feed selector that hands back a new Arc whenever any table
// changed, even when the feed it computes is the same.
pub fn unaffected_feeds_keep_arc() -> CheckResult {
    let state = galaxy()?;
    let (arthur, trillian) = (uid("arthur"), uid("trillian"));
    let mut arthur_feed = make_select_user_feed();
    let mut trillian_feed = make_select_user_feed();
    let first = arthur_feed.select(&state, &arthur, NOW);
    trillian_feed.select(&state, &trillian, NOW);

    let next = ok(add_post(&state, post("m2", "marvin", 0)), "add_post(m2 by marvin)")?;
    let now = arthur_feed.select(&next, &arthur, NOW);
    ensure!(
        Arc::ptr_eq(&first, &now),
        "marvin posted m2, and arthur does not follow marvin: arthur's feed is unchanged, so his feed selector should \
         hand back the same Arc (it handed back a new one). When a recomputed feed equals the last one, return the \
         last one."
    );
    let mut feed = feed_ids(&trillian_feed.select(&next, &trillian, NOW));
    feed.sort();
    ensure_eq!(
        feed,
        vec!["m1".to_string(), "m2".to_string()],
        "the posts in trillian's feed after marvin posted m2, whatever their order (sorted by id here): she follows \
         marvin, so her feed changed and should show m2"
    );

    let next = ok(add_post(&next, post("f5", "ford", 9 * DAY_MS)), "add_post(f5 by ford, 9 days old)")?;
    ensure!(
        Arc::ptr_eq(&first, &arthur_feed.select(&next, &arthur, NOW)),
        "ford's new post f5 is 9 days old, too old for arthur's feed: his feed selector should hand back the same Arc"
    );
    let next = ok(
        update_post_engagement(&next, EngagementUpdate { post_id: pid("t1"), likes: Some(43), ..Default::default() }),
        "update_post_engagement(t1, likes 43)",
    )?;
    ensure!(
        Arc::ptr_eq(&first, &arthur_feed.select(&next, &arthur, NOW)),
        "t1 (trillian's) got a like, and arthur does not follow trillian: his feed selector should hand back the same \
         Arc"
    );
    Ok(())
}

// Catches: a store that re-renders every feed view when any post arrives.
pub fn live_views() -> CheckResult {
    let mut store = Store::new(galaxy()?);
    let names = ["arthur's feed", "trillian's feed", "post f1", "post z1", "post m2 (not posted yet)"];
    let views = [
        store.subscribe(View::Feed { user: uid("arthur"), now: NOW }),
        store.subscribe(View::Feed { user: uid("trillian"), now: NOW }),
        store.subscribe(View::Post(pid("f1"))),
        store.subscribe(View::Post(pid("z1"))),
        store.subscribe(View::Post(pid("m2"))),
    ];
    let arrive = |store: &mut Store, p: Post, what: &str, expected: &[usize]| -> CheckResult {
        let before: Vec<usize> = views.iter().map(|v| store.renders(*v)).collect();
        ok(store.dispatch(Action::AddPost(p)), &format!("store.dispatch(AddPost({what}))"))?;
        let after: Vec<usize> = views.iter().map(|v| store.renders(*v)).collect();
        let rerendered: Vec<&str> = (0..views.len()).filter(|i| after[*i] != before[*i]).map(|i| names[i]).collect();
        let expected: Vec<&str> = expected.iter().map(|i| names[*i]).collect();
        ensure_eq!(rerendered, expected, "the views re-rendered when {what} arrived");
        Ok(())
    };
    arrive(&mut store, post("m2", "marvin", 0), "post m2 by marvin", &[1, 4])?;
    match store.rendered(views[4]) {
        Rendered::Post(Some(d)) => ensure_eq!(d.post.id.as_str(), "m2", "the view of post m2 after it arrived"),
        other => {
            return Err(format!(
                "the view of post m2 after it arrived: expected Rendered::Post(Some(..)), got {other:?}"
            ));
        }
    }
    arrive(&mut store, post("z4", "zaphod", HOUR), "post z4 by zaphod", &[0])?;
    arrive(&mut store, post("t2", "trillian", 0), "post t2 by trillian, whom nobody follows", &[])?;

    // A post that is refused arrives nowhere.
    let before: Vec<usize> = views.iter().map(|v| store.renders(*v)).collect();
    let again = Post { content: "a second m2".into(), ..post("m2", "marvin", 0) };
    ensure!(
        store.dispatch(Action::AddPost(again)).is_err(),
        "store.dispatch(AddPost(m2)) when post m2 already exists: expected Err, got Ok"
    );
    let after: Vec<usize> = views.iter().map(|v| store.renders(*v)).collect();
    let rerendered: Vec<&str> = (0..views.len()).filter(|i| after[*i] != before[*i]).map(|i| names[i]).collect();
    ensure_eq!(rerendered, Vec::<&str>::new(), "the views re-rendered when a second post m2 was refused");
    Ok(())
}

// Catches: add_post that appends to the author's list only if they already
// have one, so a user's first post is stored but never reaches a feed.
pub fn first_post_reaches_feeds() -> CheckResult {
    let state = with_follow(&with_user(&galaxy()?, user("slartibartfast")), "arthur", "slartibartfast");
    let next = ok(add_post(&state, post("s1", "slartibartfast", 0)), "add_post(s1 by slartibartfast, his first post)")?;
    ensure_eq!(
        next.user_posts
            .get(&uid("slartibartfast"))
            .map(|l| l.iter().map(|p| p.as_str().to_string()).collect::<Vec<_>>()),
        Some(vec!["s1".to_string()]),
        "slartibartfast had written nothing; state.user_posts[\"slartibartfast\"] after add_post(s1)"
    );
    let feed = feed_ids(&make_select_user_feed().select(&next, &uid("arthur"), NOW));
    ensure!(
        feed.iter().any(|id| id == "s1"),
        "arthur follows slartibartfast too; after slartibartfast's first post s1, arthur's feed should show it: {feed:?}"
    );
    Ok(())
}
