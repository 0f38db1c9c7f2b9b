//! Views: each subscribed view owns a selector instance, and the store
//! re-renders a view only when its selector hands back a different `Arc`.

use super::data::*;
use crate::harness::*;
use babel_fish::*;

fn renders(store: &Store, views: &[ViewId]) -> Vec<usize> {
    views.iter().map(|v| store.renders(*v)).collect()
}

/// Dispatches `action` and checks that exactly the views at `expected`
/// (indices into `views`) re-rendered, once each. A `refused` action must
/// return an error.
fn dispatch_expect(
    store: &mut Store,
    views: &[ViewId],
    names: &dyn Fn(usize) -> String,
    action: Action,
    what: &str,
    expected: &[usize],
    refused: bool,
) -> CheckResult {
    let before = renders(store, views);
    let outcome = store.dispatch(action);
    if refused {
        ensure!(outcome.is_err(), "store.dispatch({what}): expected Err, got Ok");
    } else {
        ok(outcome, &format!("store.dispatch({what})"))?;
    }
    let after = renders(store, views);
    let rerendered: Vec<String> = (0..views.len()).filter(|i| after[*i] != before[*i]).map(names).collect();
    let expected: Vec<String> = expected.iter().map(|i| names(*i)).collect();
    ensure_eq!(
        rerendered,
        expected,
        "after store.dispatch({what}): the views that re-rendered (each view has its own selector instance and \
         re-renders only when its selector hands back a different Arc)"
    );
    for i in 0..views.len() {
        ensure!(
            after[i] <= before[i] + 1,
            "after store.dispatch({what}): view {} rendered {} times for one action; once is enough",
            names(i),
            after[i] - before[i]
        );
    }
    Ok(())
}

fn shown_post(store: &Store, view: ViewId, what: &str) -> Result<std::sync::Arc<PostWithDetails>, String> {
    match store.rendered(view) {
        Rendered::Post(Some(details)) => Ok(details.clone()),
        other => Err(format!("{what}: expected Rendered::Post(Some(..)), got {other:?}")),
    }
}

// The check: 100 post views on the seed's state. Catches: a store
// that re-renders every view on every action, selectors whose inputs are
// whole tables (each update then hands every view a new Arc), one cache
// shared by all views, and a view that misses its own post's update.
pub fn one_update_one_render() -> CheckResult {
    let state = seed_state()?;
    let likes_of = |id: &str| state.likes.get(&pid(id)).copied().unwrap_or(0);
    let (likes42, likes5000) = (likes_of("post42"), likes_of("post5000"));
    let comments7 = state.post_comments.get(&pid("post7")).map_or(0, |l| l.len() as u32);
    let mut store = Store::new(state);
    let views: Vec<ViewId> = (0..100).map(|i| store.subscribe(View::Post(pid(&format!("post{i}"))))).collect();
    ensure_eq!(
        renders(&store, &views),
        vec![1; 100],
        "renders() of 100 post views (post0..post99) just after subscribing: one first render each"
    );
    let names = |i: usize| format!("post{i}");

    let like = |post: &str, likes: u32| {
        Action::UpdatePostEngagement(EngagementUpdate { post_id: pid(post), likes: Some(likes), ..Default::default() })
    };
    dispatch_expect(&mut store, &views, &names, like("post42", likes42 + 1), "new like count on post42", &[42], false)?;
    let shown = shown_post(&store, views[42], "the view of post42 after its like")?;
    ensure_eq!(shown.likes_count, likes42 + 1, "the likes_count the view of post42 shows after its like");

    dispatch_expect(
        &mut store,
        &views,
        &names,
        like("post5000", likes5000 + 1),
        "new like count on post5000, which no view shows",
        &[],
        false,
    )?;

    let comment = Comment {
        id: cid("fresh-comment"),
        post_id: pid("post7"),
        author_id: uid("user0"),
        content: "Mostly harmless".into(),
    };
    let update = EngagementUpdate { post_id: pid("post7"), comments: vec![comment], ..Default::default() };
    dispatch_expect(
        &mut store,
        &views,
        &names,
        Action::UpdatePostEngagement(update),
        "a new comment on post7",
        &[7],
        false,
    )?;
    let shown = shown_post(&store, views[7], "the view of post7 after a new comment")?;
    ensure_eq!(shown.comments_count, comments7 + 1, "the comments_count the view of post7 shows after a new comment");

    let shares = EngagementUpdate { post_id: pid("post99"), shares: Some(1_000), ..Default::default() };
    dispatch_expect(
        &mut store,
        &views,
        &names,
        Action::UpdatePostEngagement(shares),
        "1,000 shares on post99",
        &[99],
        false,
    )?;

    let batch = vec![
        PostChange { post_id: pid("post3"), content: Some("Edited".into()), shares: None },
        PostChange { post_id: pid("post4000"), content: None, shares: Some(7) },
    ];
    dispatch_expect(
        &mut store,
        &views,
        &names,
        Action::BatchUpdatePosts(batch),
        "a batch that edits post3 and post4000",
        &[3],
        false,
    )?;

    let refused = EngagementUpdate { post_id: pid("nowhere"), likes: Some(1), ..Default::default() };
    dispatch_expect(
        &mut store,
        &views,
        &names,
        Action::UpdatePostEngagement(refused),
        "an update of post \"nowhere\", which must be refused",
        &[],
        true,
    )?;
    Ok(())
}

// Catches: a store that only refreshes post views (feeds go stale), a feed
// view that keeps an old Arc when the engagement in it changed, and a view
// that re-renders on a refused action.
pub fn feed_view_follows_changes() -> CheckResult {
    let mut store = Store::new(galaxy()?);
    let feed = store.subscribe(View::Feed { user: uid("arthur"), now: NOW });
    let f1 = store.subscribe(View::Post(pid("f1")));
    let views = [feed, f1];
    let names = |i: usize| ["arthur's feed", "post f1"][i].to_string();
    let shown_feed = |store: &Store| match store.rendered(feed) {
        Rendered::Feed(entries) => Ok(feed_scores(entries)),
        other => Err(format!("arthur's feed view: expected Rendered::Feed(..), got {other:?}")),
    };
    let s = |pairs: &[(&str, u32)]| pairs.iter().map(|(id, n)| (id.to_string(), *n)).collect::<Vec<_>>();
    ensure_eq!(
        shown_feed(&store)?,
        s(&[("f2", 10), ("f1", 7), ("z1", 7), ("z2", 0)]),
        "arthur's feed view just after subscribing, as (post id, engagement)"
    );

    let like_z2 = EngagementUpdate { post_id: pid("z2"), likes: Some(20), ..Default::default() };
    dispatch_expect(&mut store, &views, &names, Action::UpdatePostEngagement(like_z2), "20 likes on z2", &[0], false)?;
    ensure_eq!(
        shown_feed(&store)?,
        s(&[("z2", 20), ("f2", 10), ("f1", 7), ("z1", 7)]),
        "arthur's feed view after 20 likes on z2"
    );

    let comments = vec![comment("c7", "f1", "trillian"), comment("c8", "f1", "marvin")];
    let on_f1 = EngagementUpdate { post_id: pid("f1"), comments, ..Default::default() };
    dispatch_expect(
        &mut store,
        &views,
        &names,
        Action::UpdatePostEngagement(on_f1),
        "two new comments on f1",
        &[0, 1],
        false,
    )?;
    ensure_eq!(
        shown_feed(&store)?,
        s(&[("z2", 20), ("f2", 10), ("f1", 9), ("z1", 7)]),
        "arthur's feed view after two comments on f1: the same posts in the same order, but f1's engagement is 9 now"
    );

    let refused = EngagementUpdate { post_id: pid("nowhere"), likes: Some(1), ..Default::default() };
    dispatch_expect(
        &mut store,
        &views,
        &names,
        Action::UpdatePostEngagement(refused),
        "an update of post \"nowhere\", which must be refused",
        &[],
        true,
    )
}

// "A refused action changes nothing and renders nothing", for both kinds of
// action a core check can send (AddPost is the extension's). Catches: a store
// that applies a batch one change at a time to its own state, so a batch
// refused for an unknown post keeps the changes before it.
pub fn refused_action_changes_nothing() -> CheckResult {
    let mut store = Store::new(galaxy()?);
    let f2 = store.subscribe(View::Post(pid("f2")));
    let z1 = store.subscribe(View::Post(pid("z1")));
    let feed = store.subscribe(View::Feed { user: uid("arthur"), now: NOW });
    let views = [f2, z1, feed];
    let names = |i: usize| ["post f2", "post z1", "arthur's feed"][i].to_string();
    let before = snapshot(store.state());

    let batch = vec![
        PostChange { post_id: pid("f2"), content: Some("lost".into()), shares: Some(99) },
        PostChange { post_id: pid("z1"), content: None, shares: Some(5) },
        PostChange { post_id: pid("nowhere"), content: None, shares: Some(1) },
    ];
    dispatch_expect(
        &mut store,
        &views,
        &names,
        Action::BatchUpdatePosts(batch),
        "a batch that changes f2 and z1, then names post \"nowhere\", which must be refused whole",
        &[],
        true,
    )?;
    ensure_same_snapshot(
        &snapshot(store.state()),
        &before,
        "store.state() after a refused batch (changes to f2 and z1, then unknown post \"nowhere\"): a refused batch \
         changes nothing, not even the changes before the unknown post",
    )?;

    let update = EngagementUpdate { post_id: pid("nowhere"), likes: Some(70), ..Default::default() };
    dispatch_expect(
        &mut store,
        &views,
        &names,
        Action::UpdatePostEngagement(update),
        "70 likes on post \"nowhere\", which must be refused",
        &[],
        true,
    )?;
    ensure_same_snapshot(
        &snapshot(store.state()),
        &before,
        "store.state() after a refused update of post \"nowhere\"",
    )?;

    // The next action starts from the state the store had, not from the
    // refused batch's half.
    let shares = EngagementUpdate { post_id: pid("z1"), shares: Some(5), ..Default::default() };
    ok(store.dispatch(Action::UpdatePostEngagement(shares)), "then store.dispatch(5 shares on z1)")?;
    ensure_eq!(
        store.state().posts.get(&pid("f2")).map(|p| (p.content.clone(), p.shares)),
        Some(("f2, by ford".to_string(), 0)),
        "post f2 (content, shares) in store.state() after the refused batch and a later update of z1"
    );
    Ok(())
}
