// The state cache: twins of the Rust level's cache.* checks. Search queries
// join when the scale step's search does (CONTRACT.md); the activity feed
// stands in for "the workspace's content" meanwhile.

import { ensure, ensureEq, show } from '../harness';
import { liveBytes } from './heap';
import { D, T, U, W, applied, e, insert, move, ok, op, refuses, remove, typeText, world, type Edit, type State } from './data';
import * as L from './learner';

const D2 = L.documentId('menu');
const T2 = L.tenantId('krikkit');
const U2 = L.userId('krikkit-robot');
const W2 = L.workspaceId('krikkit-ships');
const D21 = L.documentId('krikkit-log');

type Query = L.CacheQuery;
const elementsOf = (tenantId: L.TenantId, documentId: L.DocumentId): Query => ({ kind: 'documentElements', tenantId, documentId });
const subtree = (tenantId: L.TenantId, documentId: L.DocumentId, id: number): Query => ({ kind: 'subtree', tenantId, documentId, elementId: e(id) });
const feed = (tenantId: L.TenantId, workspaceId: L.WorkspaceId, limit: number): Query => ({ kind: 'activity', tenantId, workspaceId, limit });
const elementRef = (documentId: L.DocumentId, id: number, tenantId = T, workspaceId = W): L.EntityRef => ({ kind: 'element', tenantId, workspaceId, documentId, elementId: e(id) });

function on(s: State, tenantId: L.TenantId, documentId: L.DocumentId, userId: L.UserId, edits: readonly Edit[]): State {
  return applied(s, [{ ...op(edits), tenantId, documentId, userId }], `apply to ${documentId}`);
}

/** Subtrees A (e1 and e2..e5) and B (e10 and e11..e14) in `document`, and e20..e24 in `second`. */
function fill(s: State, tenant: L.TenantId, user: L.UserId, document: L.DocumentId, second: L.DocumentId): State {
  const edits: Edit[] = [insert(1, null, 0, 'a'), insert(10, null, 1, 'b')];
  for (let k = 0; k < 4; k++) edits.push(insert(2 + k, 1, k, 'leaf'), insert(11 + k, 10, k, 'leaf'));
  const next = on(s, tenant, document, user, edits);
  return on(next, tenant, second, user, [0, 1, 2, 3, 4].map((k) => insert(20 + k, null, k, 'dish')));
}

/** Tenant T (workspace W: D and D2) and tenant T2 (W2: D21 and D22), filled alike. */
function cacheStore(): State {
  let s = world();
  s = ok(() => L.addDocument(s, T, W, D2, 'Menu'), 'addDocument');
  s = ok(() => L.addTenant(s, T2, 'Krikkit'), 'addTenant');
  s = ok(() => L.addUser(s, T2, U2, 'Robot'), 'addUser');
  s = ok(() => L.addWorkspace(s, T2, W2, 'Ships'), 'addWorkspace');
  s = ok(() => L.addDocument(s, T2, W2, D21, 'Log'), 'addDocument');
  const D22 = L.documentId('krikkit-menu');
  s = ok(() => L.addDocument(s, T2, W2, D22, 'Menu'), 'addDocument');
  return fill(fill(s, T, U, D, D2), T2, U2, D21, D22);
}

/** What the state answers directly. */
function direct(s: State, q: Query): L.QueryResult {
  switch (q.kind) {
    case 'documentElements':
      return { kind: 'elements', ids: L.selectDocumentElements(s, q.tenantId, q.documentId) };
    case 'subtree':
      return { kind: 'elements', ids: L.selectSubtree(s, q.tenantId, q.documentId, q.elementId) };
    case 'activity':
      return { kind: 'activity', entries: L.selectActivity(s, q.tenantId, q.workspaceId, q.limit) };
  }
}

/** A cache over a state the check can change: `set` replaces what getState returns. */
function cacheOver(start: State): { cache: L.StateCache; now: () => State; set: (s: State) => void } {
  let current = start;
  const cache = new L.StateCache(() => current);
  return {
    cache,
    now: () => current,
    set: (s) => {
      current = s;
    },
  };
}

/** Runs `query` through the cache, checks the value, and says whether it was a hit. */
function get(cache: L.StateCache, s: State, query: Query): boolean {
  const before = cache.stats();
  const got = cache.get(query);
  const after = cache.stats();
  ensureEq(got, direct(s, query), `get(${show(query)}) returned a stale or wrong result`);
  const hit = after.hits === before.hits + 1 && after.misses === before.misses;
  const miss = after.misses === before.misses + 1 && after.hits === before.hits;
  ensure(hit || miss, `get(${show(query)}) must count exactly one hit or one miss: stats went from ${show(before)} to ${show(after)}`);
  return hit;
}

function expect(cache: L.StateCache, s: State, query: Query, hit: boolean, after: string): void {
  const was = get(cache, s, query);
  ensure(
    was === hit,
    `after ${after}, get(${show(query)}) was a ${was ? 'hit' : 'miss'}; expected a ${hit ? 'hit (nothing it depends on changed)' : 'miss (something it depends on changed)'}`,
  );
}

// Catches: a cache that never hits, one that drops everything on any change,
// one that drops nothing (stale results), and one that mixes up tenants.
export function dependencyInvalidation(): void {
  const { cache, now, set } = cacheOver(cacheStore());
  const qa = subtree(T, D, 1);
  const qb = subtree(T, D, 10);
  const qd2 = elementsOf(T, D2);
  const qact = feed(T, W, 3);
  const qt2 = subtree(T2, D21, 1);
  const all = [qa, qb, qd2, qact, qt2];
  for (const q of all) expect(cache, now(), q, false, 'nothing (first read)');
  for (const q of all) expect(cache, now(), q, true, 'nothing (second read)');

  set(on(now(), T, D, U, [typeText(3, 0, 'zebra ')]));
  cache.invalidateCache([elementRef(D, 3)]);
  let after = 'typing in e3 (in subtree A) and invalidating it';
  expect(cache, now(), qa, false, after);
  expect(cache, now(), qb, true, after);
  expect(cache, now(), qd2, true, after);
  expect(cache, now(), qact, false, after);
  expect(cache, now(), qt2, true, after);

  set(on(now(), T, D, U, [insert(15, 10, 4, 'new leaf')]));
  cache.invalidateCache([elementRef(D, 10), elementRef(D, 15)]);
  after = 'inserting e15 under e10 (subtree B) and invalidating both';
  expect(cache, now(), qb, false, after);
  expect(cache, now(), qa, true, after);

  cache.invalidateCache([elementRef(D21, 1, T2, W2)]);
  after = "invalidating tenant krikkit's e1 (same element id, other tenant)";
  expect(cache, now(), qt2, false, after);
  expect(cache, now(), qa, true, after);

  cache.invalidateCache([{ kind: 'document', tenantId: T, workspaceId: W, documentId: D2 }]);
  after = 'invalidating document menu';
  expect(cache, now(), qd2, false, after);
  expect(cache, now(), qa, true, after);

  cache.invalidateCache([{ kind: 'workspace', tenantId: T, workspaceId: W }]);
  after = "invalidating tenant magrathea's workspace";
  for (const q of [qa, qb, qd2, qact]) expect(cache, now(), q, false, after);
  expect(cache, now(), qt2, true, after);
}

// Catches: a warmCache that loads nothing, loads stale data, forgets what it
// loaded, or warms another tenant's queries.
export async function warm(): Promise<void> {
  const { cache, now, set } = cacheOver(cacheStore());
  const qa = subtree(T, D, 12);
  const qact = feed(T, W, 2);
  const qt2 = elementsOf(T2, D21);
  for (const q of [qa, qa, qa, qact, qact, qt2, qt2]) get(cache, now(), q);
  set(on(now(), T, D, U, [typeText(12, 0, 'zebra ')]));
  cache.invalidateCache([
    { kind: 'workspace', tenantId: T, workspaceId: W },
    { kind: 'workspace', tenantId: T2, workspaceId: W2 },
  ]);
  const pending = cache.warmCache(T, W);
  ensure(pending instanceof Promise, `warmCache must return a Promise (as the seed's does); it returned ${show(pending, 1)}`);
  await pending;
  const after = 'awaiting warmCache(magrathea, planets)';
  expect(cache, now(), qa, true, after);
  expect(cache, now(), qact, true, after);
  expect(cache, now(), qt2, false, `${after} (this query is tenant krikkit's)`);
  const unknown = await cache.warmCache(L.tenantId('nobody'), W).then(
    (n) => `resolved to ${show(n)}`,
    (err: unknown) => (err instanceof L.CollabError ? undefined : `rejected with ${show(err, 1)}, not a CollabError`),
  );
  ensure(unknown === undefined, `warmCache of an unknown tenant should reject with a CollabError; it ${String(unknown)}`);
  const foreign = await cache.warmCache(T, W2).then(
    (n) => `resolved to ${show(n)}`,
    (err: unknown) => (err instanceof L.CollabError ? undefined : `rejected with ${show(err, 1)}, not a CollabError`),
  );
  ensure(foreign === undefined, `warmCache(magrathea, krikkit-ships), another tenant's workspace, should reject with a CollabError; it ${String(foreign)}`);
}

const BIG = 30_000;
const INVENTORY = L.documentId('inventory');

// Catches: a compressCache that saves nothing, or that garbles the data.
export function compress(): void {
  const rows = Array.from({ length: BIG }, (_, k): L.NewElement => ({ id: e(k + 1), parentId: null, text: `common item${k + 1}` }));
  // Not frozen: the cache only reads, and freezing 30,000 rows costs more than the check.
  const s = L.bulkLoad(cacheStore(), T, W, INVENTORY, 'Inventory', U, rows);
  const queries = [elementsOf(T, INVENTORY), feed(T, W, BIG), subtree(T, D, 1), elementsOf(T, D)];
  const answers = queries.map((q) => direct(s, q));
  // A first round on a small cache compiles packing and unpacking, so that
  // their bytecode (on the heap too) is not counted below.
  const small = [subtree(T, D, 1), elementsOf(T, D), feed(T, W, 5)];
  const warmup = cacheOver(s).cache;
  for (const q of small) warmup.get(q);
  warmup.compressCache();
  warmup.compressCache();
  for (const q of small) warmup.get(q);
  const { cache } = cacheOver(s);
  const empty = liveBytes();
  for (const q of queries) cache.get(q);
  const full = liveBytes();
  cache.compressCache();
  cache.get(queries[2] as Query);
  cache.compressCache();
  const packed = liveBytes();
  const [before, after] = [full - empty, packed - empty];
  ensure(
    after * 10 <= before * 6,
    `compressCache: the cache took ${before} bytes before and ${after} after (measured); results nobody read lately should shrink by well over 40%`,
  );
  queries.forEach((q, i) => {
    const hits = cache.stats().hits;
    ensureEq(cache.get(q), answers[i], `get(${show(q)}) after compressCache`);
    ensureEq(cache.stats().hits, hits + 1, `hits after get(${show(q)}) after compressCache (a packed result is still a hit)`);
  });
}

// Catches: a packed form that does not read back exactly: ids that share a
// long prefix or none, numbered ids going down, with leading zeros or 16
// digits, ids outside Latin-1 and astral ones, lengths at variable-length
// boundaries (63/64, 127/128, 4,095/4,096), revisions that jump, and a
// feed whose runs of one document are cut by another document's edit.
export function compressRoundTrip(): void {
  let s = cacheStore();
  const id = (raw: string): L.NewElement => ({ id: L.elementId(raw), parentId: null, text: 'edge' });
  const layouts: [L.DocumentId, string[]][] = [
    [L.documentId('d-128'), Array.from({ length: 128 }, (_, k) => `e${(k + 1) * 64}`)],
    [L.documentId('d-127'), Array.from({ length: 127 }, (_, k) => `e${k + 1}`)],
    [L.documentId('d-swing'), ['e128', 'e127', 'e16384', 'x', 'e', 'e1e', 'é', '🐬', '🐬🐬', 'ñandú', 'e'.repeat(64), 'e'.repeat(63) + 'f', 'a'.repeat(4096), 'a'.repeat(4095), '\u0000', '\u007f\u0080', 'e007', 'e7', 'e00', 'x999999999999999', 'x1', '0', '1', 'e1234567890123456', 'e1234567890123455']],
  ];
  for (const [doc, ids] of layouts) s = ok(() => L.bulkLoad(s, T, W, doc, doc, U, ids.map(id)), `bulkLoad ${doc}`);
  s = on(s, T, D, U, [typeText(1, 0, 'x ')]);
  // Two documents edited in turns: D's revisions are one apart with D2's edit between them, and the
  // feed must come back in that order (a run continues only from the entry just before it).
  s = on(s, T, D2, U, [typeText(20, 0, 'y ')]);
  s = on(s, T, D, U, [typeText(1, 0, 'z ')]);
  const queries: Query[] = layouts.map(([doc]) => elementsOf(T, doc));
  queries.push(feed(T, W, 128), feed(T, W, 129), feed(T, W, 1000), subtree(T, D, 10));
  const { cache } = cacheOver(s);
  for (const q of queries) get(cache, s, q);
  cache.compressCache();
  const packed = cache.compressCache();
  ensureEq(packed, queries.length, `compressCache() called twice after caching ${queries.length} results and reading none of them: how many the second call packed`);
  for (const q of queries) ensure(get(cache, s, q), `get(${show(q)}) after compressCache should still be a hit`);
}

const EDGE_W2 = L.workspaceId('bills');
const TAB = L.documentId('tab');

/** Workspace W: D (e1 [e2, e3], e4) and D2 (e1 [e2], e3: the same ids as D); workspace bills: tab (e1). */
function edgeStore(): State {
  let s = world();
  s = ok(() => L.addWorkspace(s, T, EDGE_W2, 'Bills'), 'addWorkspace');
  s = ok(() => L.addDocument(s, T, W, D2, 'Mains'), 'addDocument');
  s = ok(() => L.addDocument(s, T, EDGE_W2, TAB, 'Tab'), 'addDocument');
  s = on(s, T, D, U, [insert(1, null, 0, 'soup'), insert(2, 1, 0, 'dish'), insert(3, 1, 1, 'dish'), insert(4, null, 1, 'bread')]);
  s = on(s, T, D2, U, [insert(1, null, 0, 'steak'), insert(2, 1, 0, 'dish'), insert(3, null, 1, 'dish')]);
  return on(s, T, TAB, U, [insert(1, null, 0, 'dish')]);
}

// Catches: an element change that keeps its document's element list, a
// document change that keeps the workspace's activity or its subtrees, a
// change that reaches another workspace or a same-numbered element of
// another document, and stats().entries that does not count what is held now.
export function invalidationEdges(): void {
  const { cache, now, set } = cacheOver(edgeStore());
  const list1 = elementsOf(T, D);
  const list2 = elementsOf(T, D2);
  const sub1 = subtree(T, D, 1);
  const sub2 = subtree(T, D2, 1);
  const feed1 = feed(T, W, 5);
  const feed2 = feed(T, EDGE_W2, 5);
  for (const q of [list1, list2, sub1, sub2, feed1, feed2]) expect(cache, now(), q, false, 'nothing (first read)');
  ensureEq(cache.stats().entries, 6, 'stats().entries after caching 6 results');

  set(on(now(), T, D, U, [insert(5, 4, 0, 'dish')]));
  cache.invalidateCache([elementRef(D, 4), elementRef(D, 5)]);
  let after = 'inserting e5 under e4 of document earth and invalidating both';
  expect(cache, now(), list1, false, after);
  expect(cache, now(), sub1, true, after);
  expect(cache, now(), sub2, true, `${after} (document menu has elements with the same ids)`);
  expect(cache, now(), list2, true, after);
  expect(cache, now(), feed2, true, `${after} (bills is another workspace)`);
  ensureEq(cache.stats().entries, 5, 'stats().entries: 6 results, 2 dropped by the invalidation (the activity of planets among them), 1 read back since');
  expect(cache, now(), feed1, false, after);

  set(on(now(), T, D2, U, [typeText(2, 0, 'side ')]));
  cache.invalidateCache([{ kind: 'document', tenantId: T, workspaceId: W, documentId: D2 }]);
  after = 'changing document menu and invalidating the document';
  expect(cache, now(), sub2, false, `${after}: its subtrees go too`);
  expect(cache, now(), list2, false, after);
  expect(cache, now(), feed1, false, `${after}: the workspace's activity goes too`);
  expect(cache, now(), sub1, true, after);
  expect(cache, now(), list1, true, after);
  expect(cache, now(), feed2, true, after);
  ensureEq(cache.stats().entries, 6, 'stats().entries once every result is cached again');

  cache.invalidateCache([{ kind: 'workspace', tenantId: T, workspaceId: EDGE_W2 }]);
  ensureEq(cache.stats().entries, 5, 'stats().entries after invalidating workspace bills (its activity goes)');
  expect(cache, now(), feed2, false, 'invalidating workspace bills');
  expect(cache, now(), list1, true, 'invalidating workspace bills');
}

// Catches: a cache that files a subtree only under the elements in its
// result, so a subtree whose root is hidden (an empty result) is never
// dropped when the root changes, and stays empty after the root comes back.
export function hiddenSubtreeRoot(): void {
  const { cache, now, set } = cacheOver(on(edgeStore(), T, D, U, [remove(1)]));
  const hidden = subtree(T, D, 2);
  expect(cache, now(), hidden, false, 'nothing (first read of the subtree of e2, hidden under deleted e1)');
  expect(cache, now(), hidden, true, 'nothing (second read)');
  set(on(now(), T, D, U, [move(now(), 2, null, 0)]));
  cache.invalidateCache([elementRef(D, 2), elementRef(D, 1)]);
  expect(
    cache,
    now(),
    hidden,
    false,
    'moving e2 out of the deleted e1, to the root list, and invalidating both: the cached subtree is rooted at e2, so it goes, even though its result (empty, e2 was hidden) did not hold e2',
  );
}

// Catches: a warmCache that resolves to the wrong count, warms queries asked
// once or another workspace's, stops at a query that fails, and a compressCache that packs results read
// since the previous call (or reports a wrong count).
export async function warmAndCompressPolicies(): Promise<void> {
  const s = edgeStore();
  const twice = subtree(T, D, 1);
  const thrice = feed(T, W, 4);
  const once = elementsOf(T, D2);
  const cached = elementsOf(T, D);
  const elsewhere = feed(T, EDGE_W2, 4);
  let { cache } = cacheOver(s);
  for (const q of [twice, twice, thrice, thrice, thrice, once, cached, cached, elsewhere, elsewhere]) get(cache, s, q);
  const missing = subtree(T, D, 99);
  for (let i = 0; i < 2; i++) refuses(() => cache.get(missing), `get(${show(missing)}), an element earth does not have`, 'unknown-element');
  cache.invalidateCache([
    { kind: 'workspace', tenantId: T, workspaceId: W },
    { kind: 'workspace', tenantId: T, workspaceId: EDGE_W2 },
  ]);
  get(cache, s, cached);
  const warmed = await cache.warmCache(T, W);
  ensureEq(
    warmed,
    2,
    'warmCache(magrathea, planets) should load the 2 queries of planets asked at least twice and not cached now (a subtree and the activity; the element list of earth is cached already, and the subtree of e99 fails without stopping the others)',
  );
  const after = 'warmCache(magrathea, planets)';
  expect(cache, s, twice, true, after);
  expect(cache, s, thrice, true, after);
  expect(cache, s, once, false, `${after} (this query was asked only once)`);
  expect(cache, s, elsewhere, false, `${after} (this query is workspace bills')`);

  // Compression packs what was not read since the previous call.
  ({ cache } = cacheOver(s));
  const queries = [twice, thrice, once, cached];
  for (const q of queries) get(cache, s, q);
  ensureEq(cache.compressCache(), 0, 'compressCache() right after caching 4 results: how many it packed (a result cached since the previous call counts as read)');
  get(cache, s, cached);
  ensureEq(cache.compressCache(), 3, 'compressCache() after reading 1 of 4 cached results since the previous call: how many it packed (the 3 not read)');
  for (const q of queries) expect(cache, s, q, true, 'compressCache()');
}
