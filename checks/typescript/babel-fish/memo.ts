// Memoized selectors: each factory call makes an instance with a cache of its
// own, remembering its last call; inputs compare by reference (===), so an
// instance hands back the very same object for as long as nothing it reads
// has changed. Graded by the objects handed back, never by how they were made.

import { compare, ensure, ensureEq, keep, type Measurement } from '../harness';
import {
  DAY_MS,
  HOUR,
  NOW,
  comment,
  expectedFacts,
  facts,
  galaxy,
  post,
  postIn,
  seedState,
  social,
  user,
  withComment,
  withFollow,
  withLikes,
  withPost,
  withUser,
  withUserPost,
  type Details,
  type State,
} from './data';
import { Rng } from '../gen';
import * as L from './learner';

/** Runs `f`, returning what it returned and every console.warn/error it printed. */
export function capturingWarnings<T>(f: () => T): { value: T; warnings: string[] } {
  const warnings: string[] = [];
  const { warn, error } = console;
  const collect = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  console.warn = collect;
  console.error = collect;
  try {
    return { value: f(), warnings };
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

/** Redux Toolkit's own dev-mode words about an unstable input selector, when it said any. */
function rtkSaid(warnings: string[]): string {
  const said = warnings.find((w) => /input selector/i.test(w));
  return said === undefined ? '' : ` Redux Toolkit warned about it too: "${said.split('\n')[0]}"`;
}

/**
 * Calls `select` four times and fails, with a message about the cache itself,
 * unless every call hands back the first call's object. Callers pass a new
 * shallow copy of one state each time, as a dispatch that changed nothing the
 * selector reads would: the inputs run again and must find the same objects.
 * Checks run this before they vary an input.
 */
export function ensureSteady(what: string, select: () => unknown): void {
  const { value: first, warnings } = capturingWarnings(select);
  let hits = 0;
  for (let call = 2; call <= 4; call++) {
    const again = select();
    if (again === first) {
      hits++;
      continue;
    }
    ensure(
      false,
      hits === 0
        ? `${what}, called ${call} times in a row on states that share every table: call ${call} handed back a new object. The cache never hits: ` +
            'an input selector probably returns a new array or object on every call (`.map(...)`, `.filter(...)`, `?? []`, `{ ... }`), so the ' +
            'inputs never look the same. Make each input return something stored in the state, or a number.' +
            rtkSaid(warnings)
        : `${what}, called ${call} times in a row on states that share every table: call 2 handed back the first object, but call ${call} a new one. ` +
            'The cache loses its entry on a hit.',
    );
  }
}

const postDetails = (id: string) => `makeSelectPostWithDetails()(state, ${JSON.stringify(id)})`;

function detailsOf(select: L.SelectPostWithDetails, state: State, id: string, what: string): Details {
  const d = select(state, id);
  ensure(d !== null && d !== undefined, `${what}: expected the post's details, got ${String(d)}`);
  return d;
}

// Catches: an input selector that builds a new array each call (mapping the
// comment ids to comments, or `?? []` for a post with no comment list), a
// cache keyed on the state object instead of on the inputs, and a cache that
// never notices a changed input.
export function cachesLastInputs(): void {
  const state = galaxy();
  for (const id of ['f1', 'f2', 'z2']) {
    const steady = L.makeSelectPostWithDetails();
    ensureSteady(`${postDetails(id)}${id === 'f1' ? '' : ` (${id} has no comments${id === 'z2' ? ' and no likes' : ''})`}`, () => steady({ ...state }, id));
  }
  const select = L.makeSelectPostWithDetails();
  const first = detailsOf(select, state, 'f1', postDetails('f1'));
  ensureEq(first.content, 'f1, by ford', `${postDetails('f1')}.content`);
  ensure(
    select({ ...state }, 'f1') === first,
    'a shallow copy of the state ({ ...state }) shares every table, so the inputs are the same objects and the selector should hand back the same ' +
      'object. Compare the inputs, not the state object.',
  );
  const otherChanged = withPost(state, { ...post('f2', 'ford', 2 * DAY_MS), content: 'edited' });
  ensure(select(otherChanged, 'f1') === first, 'only post f2 changed; the inputs for f1 are the same objects, so select(state, "f1") should hand back the same object');
  const thisChanged = withPost(state, { ...post('f1', 'ford', HOUR), content: "Don't panic" });
  const changed = detailsOf(select, thisChanged, 'f1', 'select(state, "f1") after post f1 was replaced');
  ensureEq(changed.content, "Don't panic", 'post f1 was replaced by a new object with new content; select(state, "f1") must recompute: its content');
  ensureEq(select(state, 'nowhere'), null, 'select(state, "nowhere"), a post that does not exist');
}

// Catches: one cache shared by every instance (a selector made once at module
// level and handed out by the factory): two components asking for different
// posts would evict each other on every call.
export function instancesIsolated(): void {
  const state = galaxy();
  const steady = L.makeSelectPostWithDetails();
  ensureSteady(postDetails('f1'), () => steady({ ...state }, 'f1'));
  const a = L.makeSelectPostWithDetails();
  const b = L.makeSelectPostWithDetails();
  const a1 = a(state, 'f1');
  const b1 = b(state, 'z1');
  for (let round = 1; round <= 3; round++) {
    const a2 = a(state, 'f1');
    const b2 = b(state, 'z1');
    ensure(
      a1 === a2 && b1 === b2,
      `two instances of makeSelectPostWithDetails(), A on f1 and B on z1, called alternately; round ${round}: each should keep handing back its ` +
        `own first object (A's cache: ${a1 === a2 ? 'kept' : 'lost'}, B's cache: ${b1 === b2 ? 'kept' : 'lost'}). Each call of the factory must ` +
        'make a new selector with createSelector, with a cache of its own.',
    );
  }
  const feedA = L.makeSelectUserFeed();
  const feedB = L.makeSelectUserFeed();
  const fa = feedA(state, 'arthur', NOW);
  const fb = feedB(state, 'trillian', NOW);
  for (let round = 1; round <= 3; round++) {
    ensure(
      feedA(state, 'arthur', NOW) === fa && feedB(state, 'trillian', NOW) === fb,
      `two instances of makeSelectUserFeed(), one for arthur and one for trillian, called alternately; round ${round}: each should keep handing ` +
        'back its own first array. Each call of the factory must make a new selector.',
    );
  }
}

// The seed's own validation on generateSocialState(1,000 users, 10,000 posts,
// 50,000 comments, 5,000 relationships). Catches: a cache that never hits, and
// one instance handed out by every factory call.
export function seedValidation(): void {
  const state = seedState();
  const selector1 = L.makeSelectPostWithDetails();
  const selector2 = L.makeSelectPostWithDetails();
  const result1a = selector1(state, 'post1');
  const result1b = selector1(state, 'post1');
  const result2 = selector2(state, 'post1');
  ensure(result1a !== null && result1a !== undefined, `selector1(testState, "post1"): expected post1's details, got ${String(result1a)}`);
  ensure(result1a === result1b, 'Memoization working: false. selector1 called twice with the same state and "post1" should return the same object');
  ensure(
    result1a !== result2,
    'Instance isolation working: false. selector2 is a second instance: it should compute its own result, not hand back selector1\'s object',
  );
  ensureEq(facts(result2), facts(result1a), "the two instances' answers for post1 as [id, author id, commentsCount, likesCount, engagement]");
  ensureEq(facts(result1a), expectedFacts(state, 'post1'), "post1's details as [id, author id, commentsCount, likesCount, engagement]");
}

// Catches: a feed selector whose cache never hits (an input that builds a new
// array each call), and one that compares the state object.
export function feedSameReference(): void {
  const state = galaxy();
  const steady = L.makeSelectUserFeed();
  ensureSteady('makeSelectUserFeed()(state, "arthur", NOW)', () => steady({ ...state }, 'arthur', NOW));
  const quiet = L.makeSelectUserFeed();
  ensureSteady('makeSelectUserFeed()(state, "marvin", NOW) (marvin follows nobody)', () => quiet({ ...state }, 'marvin', NOW));
  const feed = L.makeSelectUserFeed();
  const first = feed(state, 'arthur', NOW);
  ensure(Array.isArray(first) && first.length > 0, 'arthur follows ford and zaphod, who posted this week: his feed should not be empty');
  ensure(feed({ ...state }, 'arthur', NOW) === first, 'a shallow copy of the state shares every table: the feed should be the same array');
}

// Catches: input selectors that return whole tables (every post update then
// recomputes every post's details), and a selector that leaves an input out
// (the author, the likes) and misses a change to it.
export function noRecomputeOnUnrelatedUpdate(): void {
  const state = galaxy();
  const steady = L.makeSelectPostWithDetails();
  ensureSteady(postDetails('f1'), () => steady({ ...state }, 'f1'));
  const select = L.makeSelectPostWithDetails();
  const first = detailsOf(select, state, 'f1', postDetails('f1'));
  const unrelated: [string, State][] = [
    ["post f2's like count changed", withLikes(state, 'f2', 99)],
    ['a comment was added to post z1', withComment(state, comment('c9', 'z1', 'ford'))],
    ['post f2 was edited', withPost(state, { ...post('f2', 'ford', 2 * DAY_MS), shares: 3 })],
    ['a new post by ford arrived', withPost(state, post('f9', 'ford', 0))],
    ['trillian was renamed', withUser(state, user('trillian', 'Tricia'))],
    ['marvin followed ford', withFollow(state, 'marvin', 'ford')],
    ["ford's list of posts changed", withUserPost(state, 'ford', 'f9')],
  ];
  for (const [what, next] of unrelated) {
    ensure(
      select(next, 'f1') === first,
      `post f1's details, after ${what}: nothing about f1 changed, so the selector should hand back the same object (it returned a new one). ` +
        "Pick inputs at the grain of one post: the post, its author, its comment count, its like count, not whole tables.",
    );
  }
  const liked = withLikes(state, 'f1', 6);
  const afterLike = detailsOf(select, liked, 'f1', 'select(state, "f1") after its likes went from 5 to 6');
  ensureEq([afterLike.likesCount, afterLike.engagement], [6, 8], "post f1's [likesCount, engagement] after its like count went from 5 to 6 (it has 2 comments)");
  const renamed = withUser(liked, user('ford', 'Ford Prefect'));
  const afterRename = detailsOf(select, renamed, 'f1', 'select(state, "f1") after its author ford was renamed');
  ensureEq(afterRename.author?.name, 'Ford Prefect', "post f1's author.name after ford was renamed");
  const commented = withComment(renamed, comment('c9', 'f1', 'marvin'));
  const afterComment = detailsOf(select, commented, 'f1', 'select(state, "f1") after a comment was added to f1');
  ensureEq([afterComment.commentsCount, afterComment.engagement], [3, 9], "post f1's [commentsCount, engagement] after a third comment was added");
}

// The policy the README states: an instance remembers its last call only.
// Catches: a cache per argument (Redux Toolkit's default weakMapMemoize, or
// a cache of several entries), under which one instance shared by every
// component looks fine and grows with every post and every `now` it is asked.
export function lastInputsOnly(): void {
  const state = galaxy();
  const policy =
    'Each instance remembers its last call only, so f1 is forgotten once z1 is asked for: create the selectors with ' +
    '`{ memoize: lruMemoize, argsMemoize: lruMemoize }` (Redux Toolkit\'s default, weakMapMemoize, keeps every call)';
  const select = L.makeSelectPostWithDetails();
  const first = select(state, 'f1');
  select(state, 'z1');
  ensure(select(state, 'f1') !== first, `makeSelectPostWithDetails(): one instance asked for f1, then z1, then f1 again handed back its first object for f1. ${policy}`);
  const feed = L.makeSelectUserFeed();
  const arthur = feed(state, 'arthur', NOW);
  feed(state, 'trillian', NOW);
  ensure(feed(state, 'arthur', NOW) !== arthur, `makeSelectUserFeed(): one instance asked for arthur, then trillian, then arthur again handed back its first array. ${policy}`);
}

// "Inputs compare by reference, never by contents." Catches: an equality
// check that compares contents (deep equality), which costs as much as the
// data is big on every call.
export function referenceEquality(): void {
  const state = galaxy();
  const select = L.makeSelectPostWithDetails();
  const first = select(state, 'f1');
  const twin = withPost(state, { ...postIn(state, 'f1') });
  const after = select(twin, 'f1');
  ensure(
    after !== first,
    'post f1 was replaced by a new object holding an equal post: a different object is a different input, so the selector should recompute and ' +
      'hand back a new object. Compare inputs with === (createSelector does), never by their contents.',
  );
  ensureEq(facts(after), facts(first), "post f1's details after it was replaced by an equal copy");
}

/** A reader following `authors` users who wrote `postsEach` recent posts each. */
function feedWorld(authors: number, postsEach: number): State {
  const rng = new Rng(7);
  const users = [user('reader')];
  const posts = [];
  const likes: [string, number][] = [];
  const follows: [string, string][] = [];
  for (let i = 0; i < authors; i++) {
    users.push(user(`author${i}`));
    follows.push(['reader', `author${i}`]);
    for (let j = 0; j < postsEach; j++) {
      posts.push(post(`p${i}-${j}`, `author${i}`, rng.int(6 * DAY_MS)));
      likes.push([`p${i}-${j}`, rng.int(1_000)]);
    }
  }
  return social(users, posts, [], likes, follows);
}

// Catches: a feed cache that never hits. A hit costs the same whatever the
// feed; recomputing costs more the more posts the reader follows.
export function cacheHitCostFlat(): Measurement {
  const small = feedWorld(2, 1);
  const big = feedWorld(200, 20);
  const smallFeed = L.makeSelectUserFeed();
  const bigFeed = L.makeSelectUserFeed();
  ensureEq(smallFeed(small, 'reader', NOW).length, 2, 'the length of the feed of a reader following 2 recent posts');
  ensure(bigFeed(big, 'reader', NOW).length > 0, 'the feed of a reader following 4,000 recent posts should not be empty');
  // A new state object with the same tables each time, as after a dispatch
  // that changed nothing the feed reads: the inputs run, the result must not.
  return compare(
    'feed selected again, 2 posts followed',
    () => keep(smallFeed({ ...small }, 'reader', NOW)),
    'feed selected again, 4,000 posts followed',
    () => keep(bigFeed({ ...big }, 'reader', NOW)),
  );
}
