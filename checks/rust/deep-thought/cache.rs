//! The state cache: dependency-tracked invalidation, warming and compression.

use super::data::*;
use super::live_bytes;
use crate::harness::*;
use deep_thought::*;

/// Tenants 1 and 2 alike: workspace 1, document 1 with subtrees A (1 and
/// its children 2..=5) and B (10 and 11..=14), document 2 (20..=24).
fn cache_store() -> Result<Store, String> {
    let mut store = Store::new();
    for tenant in [1, 2] {
        let tn = t(tenant);
        ok(store.add_tenant(tn, "Heart of Gold"), "add_tenant")?;
        ok(store.add_user(tn, u(1), "Trillian"), "add_user")?;
        ok(store.add_workspace(tn, w(1), "Bridge"), "add_workspace")?;
        ok(store.add_document(tn, w(1), d(1), "Log"), "add_document")?;
        ok(store.add_document(tn, w(1), d(2), "Menu"), "add_document")?;
        let mut edits = vec![insert(1, None, 0, "a"), insert(10, None, 1, "b")];
        for k in 0..4 {
            edits.push(insert(2 + k, Some(1), k as usize, "leaf"));
            edits.push(insert(11 + k, Some(10), k as usize, "leaf"));
        }
        ok(store.apply(tn, d(1), u(1), &op(edits)), "apply")?;
        let edits = (0..5).map(|k| insert(20 + k, None, k as usize, "dish")).collect();
        ok(store.apply(tn, d(2), u(1), &op(edits)), "apply")?;
    }
    Ok(store)
}

/// What the store answers directly.
fn direct(store: &Store, q: &Query) -> Result<QueryResult, String> {
    Ok(match q {
        Query::DocumentElements(tn, dn) => {
            QueryResult::Elements(ok(store.document_elements(*tn, *dn), "document_elements")?)
        }
        Query::Subtree(tn, dn, en) => QueryResult::Elements(ok(store.subtree(*tn, *dn, *en), "subtree")?),
        Query::Search(tn, wn, word) => QueryResult::Hits(ok(store.search(*tn, *wn, word), "search")?),
        Query::Activity(tn, wn, k) => QueryResult::Activity(ok(store.activity(*tn, *wn, *k), "activity")?),
    })
}

/// Runs `query` and says whether it was a hit; also checks the value.
fn get(cache: &mut StateCache, store: &Store, query: &Query) -> Result<bool, String> {
    let before = cache.stats();
    let got = ok(cache.get(store, query), &format!("get({query:?})"))?;
    let after = cache.stats();
    ensure_eq!(got, direct(store, query)?, "get({query:?}) returned a stale or wrong result");
    let hit = after.hits == before.hits + 1 && after.misses == before.misses;
    let miss = after.misses == before.misses + 1 && after.hits == before.hits;
    ensure!(
        hit || miss,
        "get({query:?}) must count exactly one hit or one miss: stats went from {before:?} to {after:?}"
    );
    Ok(hit)
}

fn expect(cache: &mut StateCache, store: &Store, query: &Query, hit: bool, after: &str) -> CheckResult {
    let was = get(cache, store, query)?;
    ensure!(
        was == hit,
        "after {after}, get({query:?}) was a {}; expected a {}",
        if was { "hit" } else { "miss" },
        if hit { "hit (nothing it depends on changed)" } else { "miss (something it depends on changed)" }
    );
    Ok(())
}

// Catches: a cache that never hits, one that drops everything on any change,
// one that drops nothing (stale results), and one that mixes up tenants.
pub fn dependency_invalidation() -> CheckResult {
    let mut store = cache_store()?;
    let mut cache = StateCache::new();
    let qa = Query::Subtree(t(1), d(1), e(1));
    let qb = Query::Subtree(t(1), d(1), e(10));
    let qd2 = Query::DocumentElements(t(1), d(2));
    let qs = Query::Search(t(1), w(1), "zebra".into());
    let qact = Query::Activity(t(1), w(1), 3);
    let qt2 = Query::Subtree(t(2), d(1), e(1));
    let all = [&qa, &qb, &qd2, &qs, &qact, &qt2];
    for q in all {
        expect(&mut cache, &store, q, false, "nothing (first read)")?;
    }
    for q in all {
        expect(&mut cache, &store, q, true, "nothing (second read)")?;
    }

    ok(store.apply(t(1), d(1), u(1), &op(vec![type_text(3, 0, "zebra ")])), "apply")?;
    cache.invalidate(&[EntityRef::Element(t(1), w(1), d(1), e(3))]);
    let after = "typing in element 3 (in subtree A) and invalidating it";
    expect(&mut cache, &store, &qa, false, after)?;
    expect(&mut cache, &store, &qb, true, after)?;
    expect(&mut cache, &store, &qd2, true, after)?;
    expect(&mut cache, &store, &qs, false, after)?;
    expect(&mut cache, &store, &qact, false, after)?;
    expect(&mut cache, &store, &qt2, true, after)?;

    ok(store.apply(t(1), d(1), u(1), &op(vec![insert(15, Some(10), 4, "new leaf")])), "apply")?;
    cache.invalidate(&[EntityRef::Element(t(1), w(1), d(1), e(10)), EntityRef::Element(t(1), w(1), d(1), e(15))]);
    let after = "inserting element 15 under 10 (subtree B) and invalidating both";
    expect(&mut cache, &store, &qb, false, after)?;
    expect(&mut cache, &store, &qa, true, after)?;

    cache.invalidate(&[EntityRef::Element(t(2), w(1), d(1), e(1))]);
    let after = "invalidating tenant 2's element 1 (same ids, other tenant)";
    expect(&mut cache, &store, &qt2, false, after)?;
    expect(&mut cache, &store, &qa, true, after)?;

    cache.invalidate(&[EntityRef::Document(t(1), w(1), d(2))]);
    let after = "invalidating document 2";
    expect(&mut cache, &store, &qd2, false, after)?;
    expect(&mut cache, &store, &qa, true, after)?;

    cache.invalidate(&[EntityRef::Workspace(t(1), w(1))]);
    let after = "invalidating tenant 1's workspace";
    for q in [&qa, &qb, &qd2, &qs] {
        expect(&mut cache, &store, q, false, after)?;
    }
    expect(&mut cache, &store, &qt2, true, after)?;
    Ok(())
}

// Catches: a warm_cache that loads nothing, loads stale data, or warms
// another tenant's queries.
pub fn warm() -> CheckResult {
    let mut store = cache_store()?;
    let mut cache = StateCache::new();
    let qa = Query::Subtree(t(1), d(1), e(1));
    let qs = Query::Search(t(1), w(1), "zebra".into());
    let qt2 = Query::DocumentElements(t(2), d(1));
    for q in [&qa, &qa, &qa, &qs, &qs, &qt2, &qt2] {
        get(&mut cache, &store, q)?;
    }
    ok(store.apply(t(1), d(1), u(1), &op(vec![type_text(12, 0, "zebra ")])), "apply")?;
    cache.invalidate(&[EntityRef::Workspace(t(1), w(1)), EntityRef::Workspace(t(2), w(1))]);
    ok(cache.warm_cache(&store, t(1), w(1)), "warm_cache")?;
    let after = "warm_cache(tenant 1, workspace 1)";
    expect(&mut cache, &store, &qa, true, after)?;
    expect(&mut cache, &store, &qs, true, after)?;
    expect(&mut cache, &store, &qt2, false, after)?;
    ensure!(cache.warm_cache(&store, t(9), w(1)).is_err(), "warm_cache of an unknown tenant");
    Ok(())
}

// Catches: a compress_cache that saves nothing, or that garbles the data.
pub fn compress() -> CheckResult {
    let mut store = cache_store()?;
    let n = 20_000u64;
    let big: Vec<NewElement> =
        (1..=n).map(|k| NewElement { id: e(k), parent: None, text: format!("common item{k}") }).collect();
    ok(store.bulk_load(t(1), w(1), d(3), "inventory", u(1), big), "bulk_load")?;
    let queries = [
        Query::DocumentElements(t(1), d(3)),
        Query::Search(t(1), w(1), "common".into()),
        Query::Activity(t(1), w(1), n as usize),
        Query::Subtree(t(1), d(1), e(1)),
    ];
    let answers: Vec<QueryResult> = queries.iter().map(|q| direct(&store, q)).collect::<Result<_, _>>()?;
    let mut cache = StateCache::new();
    let empty = live_bytes();
    for q in &queries {
        keep(ok(cache.get(&store, q), "get")?);
    }
    let full = live_bytes();
    cache.compress_cache();
    keep(ok(cache.get(&store, &queries[3]), "get")?);
    cache.compress_cache();
    let packed = live_bytes();
    let (before, after) = (full - empty, packed - empty);
    ensure!(
        after * 10 <= before * 6,
        "compress_cache: the cache took {before} bytes before and {after} after; inactive results should shrink by well over 40%"
    );
    for (q, want) in queries.iter().zip(&answers) {
        let hits = cache.stats().hits;
        let got = ok(cache.get(&store, q), "get after compress_cache")?;
        ensure!(got == *want, "get({q:?}) after compress_cache returned different data");
        ensure_eq!(cache.stats().hits, hits + 1, "get({q:?}) after compress_cache should still be a hit");
    }
    Ok(())
}

// Catches: a packed form that does not read back exactly for some numbers:
// an off-by-one at a byte boundary of a variable-length encoding (lengths and
// ids of exactly 128, 16,384), deltas that go down as well as up, ids beyond
// 32 bits.
pub fn compress_round_trip() -> CheckResult {
    let mut store = cache_store()?;
    let el = |id: u64| NewElement { id: e(id), parent: None, text: format!("edge w{id}") };
    let steps: Vec<u64> = (1..=128).map(|k| k * 64).collect();
    let swings: Vec<u64> =
        [128, 127, 16_384, 16_383, 16_511, 255, 256, 129, 1, 200_000, 1 << 32, (1 << 40) + 128, 2].to_vec();
    let layouts = [
        (d(3), "128 elements 64 apart", steps),
        (d(4), "127 elements", (1..=127).collect::<Vec<u64>>()),
        (d(5), "ids that jump up and down: 128, 127, 16,384, ..., 2^32, 2^40 + 128", swings),
    ];
    for (doc, what, ids) in &layouts {
        ok(store.bulk_load(t(1), w(1), *doc, what, u(1), ids.iter().map(|id| el(*id)).collect()), what)?;
    }
    let mut queries: Vec<Query> = layouts.iter().map(|(doc, _, _)| Query::DocumentElements(t(1), *doc)).collect();
    queries.extend([
        Query::Search(t(1), w(1), "edge".into()),
        Query::Search(t(1), w(1), "w128".into()),
        Query::Activity(t(1), w(1), 128),
        Query::Activity(t(1), w(1), 129),
    ]);
    let mut cache = StateCache::new();
    for q in &queries {
        get(&mut cache, &store, q)?;
    }
    cache.compress_cache();
    let packed = cache.compress_cache();
    ensure_eq!(
        packed,
        queries.len(),
        "compress_cache() called twice after caching {} results and reading none of them: how many the second call packed",
        queries.len()
    );
    for q in &queries {
        // `get` compares the answer with the store's own.
        let hit = get(&mut cache, &store, q)?;
        ensure!(hit, "get({q:?}) after compress_cache should still be a hit");
    }
    Ok(())
}

/// Tenant 1: workspace 1 with documents 1 (elements 1 [2, 3], 4) and 2
/// (elements 1 [2], 3: the same ids as document 1), workspace 2 with
/// document 3 (element 1).
fn edge_store() -> Result<Store, String> {
    let mut store = Store::new();
    ok(store.add_tenant(t(1), "Milliways"), "add_tenant")?;
    ok(store.add_user(t(1), u(1), "Max Quordlepleen"), "add_user")?;
    ok(store.add_workspace(t(1), w(1), "Menu"), "add_workspace")?;
    ok(store.add_workspace(t(1), w(2), "Bills"), "add_workspace")?;
    ok(store.add_document(t(1), w(1), d(1), "Starters"), "add_document")?;
    ok(store.add_document(t(1), w(1), d(2), "Mains"), "add_document")?;
    ok(store.add_document(t(1), w(2), d(3), "Tab"), "add_document")?;
    let edits = vec![
        insert(1, None, 0, "soup"),
        insert(2, Some(1), 0, "dish"),
        insert(3, Some(1), 1, "dish"),
        insert(4, None, 1, "bread"),
    ];
    ok(store.apply(t(1), d(1), u(1), &op(edits)), "apply")?;
    let edits = vec![insert(1, None, 0, "steak"), insert(2, Some(1), 0, "dish"), insert(3, None, 1, "dish")];
    ok(store.apply(t(1), d(2), u(1), &op(edits)), "apply")?;
    ok(store.apply(t(1), d(3), u(1), &op(vec![insert(1, None, 0, "dish")])), "apply")?;
    Ok(store)
}

// Catches: an element change that keeps its document's element list, a
// document change that keeps the workspace's searches or its subtrees, a
// change that reaches another workspace or a same-numbered element of another
// document, and stats().entries that does not count what is held now.
pub fn invalidation_edges() -> CheckResult {
    let mut store = edge_store()?;
    let mut cache = StateCache::new();
    let list1 = Query::DocumentElements(t(1), d(1));
    let list2 = Query::DocumentElements(t(1), d(2));
    let sub1 = Query::Subtree(t(1), d(1), e(1));
    let sub2 = Query::Subtree(t(1), d(2), e(1));
    let search1 = Query::Search(t(1), w(1), "dish".into());
    let feed1 = Query::Activity(t(1), w(1), 5);
    let search2 = Query::Search(t(1), w(2), "dish".into());
    let feed2 = Query::Activity(t(1), w(2), 5);
    let all = [&list1, &list2, &sub1, &sub2, &search1, &feed1, &search2, &feed2];
    for q in all {
        expect(&mut cache, &store, q, false, "nothing (first read)")?;
    }
    ensure_eq!(cache.stats().entries, 8, "stats().entries after caching 8 results");

    ok(store.apply(t(1), d(1), u(1), &op(vec![insert(5, Some(4), 0, "dish")])), "apply")?;
    cache.invalidate(&[EntityRef::Element(t(1), w(1), d(1), e(4)), EntityRef::Element(t(1), w(1), d(1), e(5))]);
    let after = "inserting element 5 under element 4 of document 1 and invalidating both";
    expect(&mut cache, &store, &list1, false, after)?;
    expect(&mut cache, &store, &sub1, true, after)?;
    expect(&mut cache, &store, &sub2, true, &format!("{after} (document 2 has elements with the same ids)"))?;
    expect(&mut cache, &store, &list2, true, after)?;
    expect(&mut cache, &store, &search1, false, after)?;
    expect(&mut cache, &store, &search2, true, &format!("{after} (workspace 2 is another workspace)"))?;
    expect(&mut cache, &store, &feed2, true, &format!("{after} (workspace 2 is another workspace)"))?;
    ensure_eq!(
        cache.stats().entries,
        7,
        "stats().entries: 8 results, 3 dropped by the invalidation (feed1 among them), 2 read back since"
    );

    ok(store.apply(t(1), d(2), u(1), &op(vec![type_text(2, 0, "side ")])), "apply")?;
    cache.invalidate(&[EntityRef::Document(t(1), w(1), d(2))]);
    let after = "changing document 2 and invalidating the document";
    expect(&mut cache, &store, &sub2, false, &format!("{after}: its subtrees go too"))?;
    expect(&mut cache, &store, &list2, false, after)?;
    expect(&mut cache, &store, &search1, false, &format!("{after}: the workspace's searches go too"))?;
    expect(&mut cache, &store, &feed1, false, &format!("{after}: the workspace's activity goes too"))?;
    expect(&mut cache, &store, &sub1, true, after)?;
    expect(&mut cache, &store, &list1, true, after)?;
    expect(&mut cache, &store, &search2, true, after)?;
    ensure_eq!(cache.stats().entries, 8, "stats().entries once every result is cached again");

    cache.invalidate(&[EntityRef::Workspace(t(1), w(2))]);
    ensure_eq!(cache.stats().entries, 6, "stats().entries after invalidating workspace 2 (its search and activity go)");
    expect(&mut cache, &store, &feed2, false, "invalidating workspace 2")?;
    expect(&mut cache, &store, &list1, true, "invalidating workspace 2")?;
    Ok(())
}

// Catches: a cache that files a subtree only under the elements in its
// result, so a subtree whose root is hidden (an empty result) is never dropped
// when the root changes, and stays empty after the root comes back.
pub fn hidden_subtree_root() -> CheckResult {
    let mut store = edge_store()?;
    ok(store.apply(t(1), d(1), u(1), &op(vec![Edit::Delete { id: e(1) }])), "delete element 1 (\"soup\")")?;
    let mut cache = StateCache::new();
    let hidden = Query::Subtree(t(1), d(1), e(2));
    expect(
        &mut cache,
        &store,
        &hidden,
        false,
        "nothing (first read of the subtree of element 2, hidden under deleted 1)",
    )?;
    expect(&mut cache, &store, &hidden, true, "nothing (second read)")?;
    let doc = ok(store.document(t(1), d(1)), "document")?.clone();
    ok(
        store.apply(t(1), d(1), u(1), &op(vec![move_edit(&doc, e(2), None, 0)])),
        "move element 2 out of the deleted element 1, to the root list",
    )?;
    cache.invalidate(&[EntityRef::Element(t(1), w(1), d(1), e(2)), EntityRef::Element(t(1), w(1), d(1), e(1))]);
    expect(
        &mut cache,
        &store,
        &hidden,
        false,
        "moving element 2 out of the deleted element 1 and invalidating both: the cached subtree is rooted at \
         element 2, so it goes, even though its result (empty, element 2 was hidden) did not hold element 2",
    )?;
    Ok(())
}

// Catches: a warm_cache that reports the wrong count, warms queries asked
// once or another workspace's, and a compress_cache that packs results read
// since the previous call (or reports a wrong count).
pub fn warm_and_compress_policies() -> CheckResult {
    let store = edge_store()?;
    let mut cache = StateCache::new();
    let twice = Query::Subtree(t(1), d(1), e(1));
    let thrice = Query::Search(t(1), w(1), "dish".into());
    let once = Query::DocumentElements(t(1), d(2));
    let cached = Query::DocumentElements(t(1), d(1));
    let elsewhere = Query::Search(t(1), w(2), "dish".into());
    for q in [&twice, &twice, &thrice, &thrice, &thrice, &once, &cached, &cached, &elsewhere, &elsewhere] {
        get(&mut cache, &store, q)?;
    }
    cache.invalidate(&[EntityRef::Workspace(t(1), w(1)), EntityRef::Workspace(t(1), w(2))]);
    get(&mut cache, &store, &cached)?;
    let warmed = ok(cache.warm_cache(&store, t(1), w(1)), "warm_cache(tenant 1, workspace 1)")?;
    ensure_eq!(
        warmed,
        2,
        "warm_cache(tenant 1, workspace 1) should load the 2 queries of workspace 1 asked at least twice and not cached now (a subtree and a search; the element list of document 1 is cached already)"
    );
    let after = "warm_cache(tenant 1, workspace 1)";
    expect(&mut cache, &store, &twice, true, after)?;
    expect(&mut cache, &store, &thrice, true, after)?;
    expect(&mut cache, &store, &once, false, &format!("{after} (this query was asked only once)"))?;
    expect(&mut cache, &store, &elsewhere, false, &format!("{after} (this query is workspace 2's)"))?;

    // Compression packs what was not read since the previous call.
    let mut cache = StateCache::new();
    let queries = [twice.clone(), thrice.clone(), once.clone(), cached.clone()];
    for q in &queries {
        get(&mut cache, &store, q)?;
    }
    let packed = cache.compress_cache();
    ensure_eq!(
        packed,
        0,
        "compress_cache() right after caching 4 results: how many it packed (a result cached since the previous call counts as read)"
    );
    get(&mut cache, &store, &cached)?;
    let packed = cache.compress_cache();
    ensure_eq!(
        packed,
        3,
        "compress_cache() after reading 1 of 4 cached results since the previous call: how many it packed (the 3 not read)"
    );
    for q in &queries {
        expect(&mut cache, &store, q, true, "compress_cache()")?;
    }
    Ok(())
}
