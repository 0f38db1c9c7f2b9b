// Complex queries: a post joined with its author and counts, and a feed
// composed from follows, posts, comments and likes.

import { Rng } from '../gen';
import { ensure, ensureEq, ensureSame } from '../harness';
import {
  ARTHUR_FEED,
  DAY_MS,
  FEED_LIMIT,
  FEED_WINDOW_MS,
  HOUR,
  NOW,
  comment,
  expectedFacts,
  facts,
  feedIds,
  feedOf,
  feedScores,
  galaxy,
  post,
  postAt,
  postIn,
  q,
  social,
  sorted,
  user,
  withFollow,
  withPost,
  withoutUser,
  type Comment,
  type Post,
  type State,
} from './data';
import * as L from './learner';

// Catches: counting every comment or like in the store, engagement that
// leaves out comments or likes (or adds shares), the wrong author, and a
// result that drops the post's own fields.
export function postDetails(): void {
  const state = galaxy();
  const cases: [string, string, number, number][] = [
    ['f1', 'ford', 2, 5],
    ['f2', 'ford', 0, 10],
    ['z1', 'zaphod', 4, 3],
    ['z2', 'zaphod', 0, 0],
    ['t1', 'trillian', 0, 42],
  ];
  for (const [id, author, comments, likes] of cases) {
    const d = L.makeSelectPostWithDetails()(state, id);
    ensure(d !== null && d !== undefined, `makeSelectPostWithDetails()(state, ${q(id)}): expected the post's details, got ${String(d)}`);
    ensureEq(
      facts(d),
      [id, author, comments, likes, comments + likes],
      `details of post ${q(id)} as [id, author.id, commentsCount, likesCount, engagement = commentsCount + likesCount]`,
    );
    const p = postIn(state, id);
    ensureEq(
      { id: d.id, authorId: d.authorId, content: d.content, createdAt: d.createdAt, shares: d.shares },
      { ...p },
      `details of post ${q(id)}: all the post's own fields, spread into the result`,
    );
    ensureSame(d.author, state.users[author], `details of post ${q(id)}: author should be the user object stored in state.users`);
  }
  const shared = withPost(state, { ...post('f2', 'ford', 2 * DAY_MS), shares: 1_000 });
  ensureEq(L.makeSelectPostWithDetails()(shared, 'f2')?.engagement, 10, 'engagement of f2 (10 likes, no comments) after it was shared 1,000 times');
}

// Catches: a lookup that throws for a missing post or author, and details
// built with a made-up author.
export function postDetailsMissing(): void {
  const state = galaxy();
  ensureEq(L.makeSelectPostWithDetails()(state, 'nowhere'), null, 'makeSelectPostWithDetails()(state, "nowhere"), a post that does not exist');
  ensureEq(L.makeSelectPostWithDetails()(state, 'constructor'), null, 'makeSelectPostWithDetails()(state, "constructor"): an inherited name is not a post');
  const orphaned = withoutUser(state, 'ford');
  ensureEq(L.makeSelectPostWithDetails()(orphaned, 'f1'), null, 'select(state, "f1") in a state where its author ford is missing from the users table');
  ensureEq(
    facts(L.makeSelectPostWithDetails()(orphaned, 'z1')),
    expectedFacts(orphaned, 'z1'),
    'select(state, "z1") when only ford is missing: zaphod\'s post should still be found',
  );
}

// Catches: a feed of every post, one that includes the reader's own posts or
// posts by people they do not follow, and an unknown user that throws.
export function feedFollowedOnly(): void {
  const state = galaxy();
  const feed = feedOf(state, 'arthur');
  ensureEq(feedIds(feed), ARTHUR_FEED, "arthur follows ford and zaphod: his feed is their recent posts, not his own (a1), not trillian's (t1) or marvin's (m1)");
  ensureEq(feedIds(feedOf(state, 'trillian')), ['m1'], 'trillian follows only marvin: her feed');
  ensureEq(feedIds(feedOf(state, 'marvin')), [], 'marvin follows nobody: his feed');
  ensureEq(feedIds(feedOf(state, 'nobody')), [], 'the feed of "nobody", a user who does not exist');
  ensureEq(feedIds(feedOf(state, 'constructor')), [], 'the feed of "constructor", an inherited name and no user');
  ensureEq(
    feedIds(feedOf(withoutUser(state, 'zaphod'), 'arthur')),
    ['f2', 'f1'],
    "arthur's feed when zaphod is missing from the users table: zaphod's posts have no details (no author), so they are left out",
  );
  const narcissus = withFollow(state, 'trillian', 'trillian');
  ensureEq(
    feedIds(feedOf(narcissus, 'trillian')),
    ['t1', 'm1'],
    'trillian follows marvin and, now, herself: her feed has her own post t1 (42 likes) and marvin\'s m1. A feed is the posts of the users followed, whoever they are',
  );
  for (const entry of feed) {
    ensureEq(facts(entry), expectedFacts(state, entry.id), `arthur's feed entry for ${q(entry.id)} as [id, author.id, commentsCount, likesCount, engagement]`);
    ensureEq(entry.content, postIn(state, entry.id).content, `arthur's feed entry for ${q(entry.id)}: the post's content`);
  }
}

/**
 * A reader following `authors` users with `postsEach` recent posts each,
 * likes and comments drawn at random (many ties); a stranger's popular posts
 * must never appear. Returns the state and every followed post's score.
 */
function scoredWorld(authors: number, postsEach: number, seed: number): [State, [string, number][]] {
  const rng = new Rng(seed);
  const users = [user('reader'), user('stranger')];
  const posts: Post[] = [];
  const comments: Comment[] = [];
  const likes: [string, number][] = [];
  const follows: [string, string][] = [];
  const scores: [string, number][] = [];
  for (let i = 0; i < authors; i++) {
    const name = `author${String(i).padStart(2, '0')}`;
    users.push(user(name));
    follows.push(['reader', name]);
    for (let j = 0; j < postsEach; j++) {
      const id = `p${String(((i * postsEach + j) * 7919) % 1000).padStart(3, '0')}`;
      posts.push(post(id, name, rng.int(6 * DAY_MS)));
      const nLikes = rng.int(8);
      const nComments = rng.int(4);
      for (let k = 0; k < nComments; k++) comments.push(comment(`${id}-c${k}`, id, 'stranger'));
      likes.push([id, nLikes]);
      scores.push([id, nLikes + nComments]);
    }
  }
  for (let k = 0; k < 5; k++) {
    posts.push(post(`s${k}`, 'stranger', HOUR));
    likes.push([`s${k}`, 500]);
  }
  return [social(users, posts, comments, likes, follows), scores];
}

/** Highest engagement first, equal engagement by post id. */
function ranked(scores: [string, number][]): [string, number][] {
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

// Catches: a feed in the order found, sorted lowest first, sorted by likes
// only, or with ties in no particular order.
export function feedByEngagement(): void {
  const [state, scores] = scoredWorld(8, 4, 11);
  ensureEq(
    feedScores(feedOf(state, 'reader')),
    ranked(scores),
    'the reader follows 8 authors with 32 recent posts: the feed as [post id, engagement], highest engagement first, equal engagement by post id (smallest first)',
  );
}

// Catches: no age filter, a filter off by a day, a filter that ignores the
// `now` passed in (a fixed clock, or Date.now()), and a `now` left out of the
// cache's inputs.
export function feedLast7Days(): void {
  const state = galaxy();
  const feed = L.makeSelectUserFeed();
  ensureEq(
    feedIds(feed(state, 'arthur', NOW)),
    ARTHUR_FEED,
    "arthur's feed at NOW: f3 (8 days old, 100 likes) and z3 (7 days and 1 ms old, 50 likes) are too old, z2 (7 days less 1 ms) is not",
  );
  const later = NOW + 4 * DAY_MS + 12 * HOUR;
  ensureEq(
    feedIds(feed(state, 'arthur', later)),
    ['f2', 'f1'],
    'the same feed instance asked again with now = 4.5 days after NOW: z1 is 7.5 days old then and drops out, f2 (6.5 days) stays. `now` is an input like any other',
  );
  ensureEq(feedIds(feedOf(state, 'arthur', NOW + DAY_MS)), ['f2', 'f1', 'z1'], "arthur's feed with now = 1 day after NOW: z2 is then 8 days old and drops out");
}

// Catches: a feed with no limit, and one cut to 50 before it is sorted (the
// first 50 posts found rather than the best 50).
export function feedAtMost50(): void {
  const [state, scores] = scoredWorld(30, 5, 23);
  const feed = feedOf(state, 'reader');
  ensureEq(feed.length, FEED_LIMIT, 'the reader follows 150 recent posts: the length of the feed');
  ensureEq(feedScores(feed), ranked(scores).slice(0, FEED_LIMIT), 'the reader follows 150 recent posts: the feed is the 50 with the highest engagement, best first');
}

// The rule at its edges: kept while now - createdAt <= FEED_WINDOW_MS.
// Catches: `<` for `<=` (a post exactly 7 days old left out), and a post
// dated after `now` left out.
export function feedWindowEdges(): void {
  const week = FEED_WINDOW_MS;
  const posts = [
    postAt('exactly-7-days', 'writer', NOW - week),
    postAt('7-days-and-1-ms', 'writer', NOW - week - 1),
    postAt('from-the-future', 'writer', NOW + HOUR),
    postAt('an-hour-old', 'writer', NOW - HOUR),
  ];
  const likes: [string, number][] = [['exactly-7-days', 3], ['7-days-and-1-ms', 9], ['from-the-future', 2], ['an-hour-old', 1]];
  const state = social([user('reader'), user('writer')], posts, [], likes, [['reader', 'writer']]);
  ensureEq(
    sorted(feedIds(feedOf(state, 'reader'))),
    sorted(['exactly-7-days', 'from-the-future', 'an-hour-old']),
    'the posts in the reader\'s feed at NOW (in any order here), from posts exactly 7 days old (kept: now - createdAt <= FEED_WINDOW_MS), 7 days and ' +
      '1 ms old (left out), dated an hour after NOW (kept: a clock a little ahead counts as new) and an hour old',
  );
  const early = 2 * DAY_MS;
  const young = social(
    [user('reader'), user('writer')],
    [postAt('at-the-epoch', 'writer', 0), postAt('a-day-in', 'writer', DAY_MS), postAt('just-now', 'writer', early)],
    [],
    [],
    [['reader', 'writer']],
  );
  ensureEq(
    sorted(feedIds(feedOf(young, 'reader', early))),
    sorted(['a-day-in', 'at-the-epoch', 'just-now']),
    "the posts in the reader's feed (in any order here) at now = 2 days after the epoch, of posts made at 0, 1 and 2 days: all are younger than 7 days",
  );
}

// Catches: a feed that reads a followed user's post list without a fallback,
// which throws for a user who never posted.
export function feedFollowedUserWithoutPosts(): void {
  const follows: [string, string][] = [['reader', 'lurker'], ['reader', 'writer'], ['writer', 'lurker']];
  const state = social([user('reader'), user('writer'), user('lurker')], [post('w1', 'writer', HOUR)], [], [], follows);
  ensureEq(feedIds(feedOf(state, 'reader')), ['w1'], "the reader follows lurker (who never posted) and writer (who wrote w1): the reader's feed");
  ensureEq(feedIds(feedOf(state, 'writer')), [], "writer follows only lurker, who never posted: writer's feed");
}

/** A reader following one writer of `n` posts an hour old, post i with i + 1 likes. */
function numberedFeed(n: number): State {
  const ids = Array.from({ length: n }, (_, i) => `p${String(i).padStart(3, '0')}`);
  return social(
    [user('reader'), user('writer')],
    ids.map((id) => post(id, 'writer', HOUR)),
    [],
    ids.map((id, i) => [id, i + 1] as const),
    [['reader', 'writer']],
  );
}

const pad = (i: number) => `p${String(i).padStart(3, '0')}`;

// The limit at its edge. Catches: an off-by-one limit, and a cut that keeps
// the first posts found instead of the best.
export function feedLimitEdges(): void {
  ensureEq(
    sorted(feedIds(feedOf(numberedFeed(FEED_LIMIT), 'reader'))),
    Array.from({ length: FEED_LIMIT }, (_, i) => pad(i)),
    'the posts (in any order here) of a feed with exactly 50 eligible posts: all 50 of them',
  );
  ensureEq(
    sorted(feedIds(feedOf(numberedFeed(FEED_LIMIT + 1), 'reader'))),
    Array.from({ length: FEED_LIMIT }, (_, i) => pad(i + 1)),
    'the posts (in any order here) of a feed with 51 eligible posts, p000 with the fewest likes: the best 50, so p000 is the one left out',
  );
}

// Catches: a feed that sorts every followed post, keeps the best 50 and only
// then leaves out the old ones, so popular old posts take recent posts' places.
export function feedLimitCountsRecentOnly(): void {
  const posts = Array.from({ length: FEED_LIMIT + 5 }, (_, i) => post(pad(i), 'writer', HOUR));
  posts.push(...Array.from({ length: 10 }, (_, i) => post(`old${i}`, 'writer', 8 * DAY_MS)));
  const likes = posts.map((p, i) => [p.id, p.id.startsWith('old') ? 1_000 : i + 1] as const);
  const state = social([user('reader'), user('writer')], posts, [], likes, [['reader', 'writer']]);
  ensureEq(
    sorted(feedIds(feedOf(state, 'reader'))),
    Array.from({ length: FEED_LIMIT }, (_, i) => pad(i + 5)),
    'the reader follows a writer of 55 recent posts and 10 posts 8 days old with 1,000 likes each: the posts in the feed (in any order here) are ' +
      'the best 50 recent ones (leave the old ones out first, then keep the best 50)',
  );
}

// The tie-break on its own. Catches: ties left in the order found (follow
// order, then each author's list), ties by time, and ties largest id first.
export function feedTiesById(): void {
  const posts = [post('b', 'zed', 2 * HOUR), post('d', 'zed', HOUR), post('c', 'amy', 3 * HOUR), post('a', 'amy', 4 * HOUR), post('top', 'amy', 5 * HOUR)];
  const likes: [string, number][] = [['a', 4], ['b', 4], ['c', 4], ['d', 4], ['top', 9]];
  const state = social(['reader', 'zed', 'amy'].map((id) => user(id)), posts, [], likes, [['reader', 'zed'], ['reader', 'amy']]);
  ensureEq(
    feedIds(feedOf(state, 'reader')),
    ['top', 'a', 'b', 'c', 'd'],
    'the reader follows zed (posts b, d) then amy (posts c, a, top); a, b, c and d have engagement 4 each and top has 9: the feed, highest ' +
      'engagement first and equal engagement by post id, smallest first (not by the order found, nor by time)',
  );
}
