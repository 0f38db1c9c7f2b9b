// Merge-first updates: only the given fields change, comments land in both
// tables, the selectors see the change, and everything else stays the very
// same object.

import { ensure, ensureEq, fail } from '../harness';
import { NOW, comment, facts, feedScores, galaxy, okState, plain, postIn, refusesWith, type State } from './data';
import * as L from './learner';

type Plain = ReturnType<typeof plain>;

/** A copy of plain data to edit into an expectation. */
function copy(p: Plain): Plain {
  return structuredClone(p);
}

function setIn(p: Plain, table: string, key: string, value: unknown): void {
  const t = p[table] ?? fail(`harness: no table ${table}`);
  t[key] = value;
}

const engage = (state: State, update: L.EngagementUpdate, doing: string) => okState(() => L.updatePostEngagement(state, update), doing);

// Catches: a merge that resets the counts it was not given, one that writes
// `undefined` over a field, and one that rebuilds the post from the update.
export function engagementMerge(): void {
  const state = galaxy();
  const expected = copy(plain(state));
  let next = engage(state, { postId: 'f1', likes: 9 }, 'updatePostEngagement(state, { postId: "f1", likes: 9 })');
  setIn(expected, 'likes', 'f1', 9);
  ensureEq(plain(next), expected, 'after updatePostEngagement(f1, only likes: 9)');

  next = engage(next, { postId: 'f1', shares: 4, likes: undefined }, 'then updatePostEngagement(state, { postId: "f1", shares: 4, likes: undefined })');
  setIn(expected, 'posts', 'f1', { ...postIn(state, 'f1'), shares: 4 });
  ensureEq(plain(next), expected, 'then updatePostEngagement(f1, shares: 4, likes: undefined): likes stay 9 (an undefined field is not given)');

  next = engage(next, { postId: 'f1', comments: [comment('c7', 'f1', 'marvin')] }, 'then updatePostEngagement(f1, one new comment)');
  setIn(expected, 'comments', 'c7', comment('c7', 'f1', 'marvin'));
  setIn(expected, 'postComments', 'f1', ['c1', 'c3', 'c7']);
  ensureEq(plain(next), expected, 'then updatePostEngagement(f1, only a new comment c7): likes stay 9 and shares 4');

  next = engage(
    next,
    { postId: 'z2', likes: 0, shares: 1, comments: [comment('c8', 'z2', 'arthur')] },
    'then updatePostEngagement(z2, likes 0, shares 1, one comment)',
  );
  setIn(expected, 'posts', 'z2', { ...postIn(state, 'z2'), shares: 1 });
  setIn(expected, 'comments', 'c8', comment('c8', 'z2', 'arthur'));
  setIn(expected, 'postComments', 'z2', ['c8']);
  ensureEq(plain(next), expected, 'then updatePostEngagement(z2, all three fields)');

  const same = engage(next, { postId: 'z1' }, 'then updatePostEngagement(z1) with nothing set');
  ensureEq(plain(same), expected, 'then updatePostEngagement(z1) with no field set');
  const undef = engage(next, { postId: 'z1', likes: undefined, shares: undefined, comments: undefined }, 'then updatePostEngagement(z1) with every field undefined');
  ensureEq(plain(undef), expected, 'then updatePostEngagement(z1, { likes: undefined, shares: undefined, comments: undefined })');
}

// Catches: comments added to the comments table but not to the post's list
// (or the other way round), and lists that lose their order.
export function commentsBothTables(): void {
  const state = galaxy();
  const added = [comment('k2', 'z1', 'arthur'), comment('k1', 'z1', 'marvin'), comment('k3', 'z1', 'ford')];
  const next = engage(state, { postId: 'z1', comments: added }, 'updatePostEngagement(z1, comments k2, k1, k3)');
  for (const c of added) {
    ensureEq(next.comments[c.id], c, `after adding comments k2, k1, k3 to z1: state.comments[${JSON.stringify(c.id)}] (the comment as an entity)`);
  }
  ensureEq(
    next.postComments.z1,
    ['c2', 'c4', 'c5', 'c6', 'k2', 'k1', 'k3'],
    'after adding comments k2, k1, k3 to z1: state.postComments["z1"] (the relationship), in the order added',
  );
  const details = L.makeSelectPostWithDetails()(next, 'z1');
  ensureEq([details?.commentsCount, details?.engagement], [7, 10], "z1's [commentsCount, engagement] after 3 new comments (it had 4 comments and 3 likes)");
  const first = engage(next, { postId: 'm1', comments: [comment('k4', 'm1', 'trillian')] }, 'then updatePostEngagement(m1, comment k4): m1 had no comments');
  ensureEq(first.postComments.m1, ['k4'], 'state.postComments["m1"] after the first comment on m1');
  ensureEq(first.comments.k4, comment('k4', 'm1', 'trillian'), 'state.comments["k4"] after it was added to m1');
}

// Catches: selectors that keep showing old counts after an update (an input
// left out, or a feed that keeps its old array though an engagement in it
// changed), and a stored engagement that goes stale.
export function selectorsSeeUpdates(): void {
  const state = galaxy();
  const details = L.makeSelectPostWithDetails();
  const feed = L.makeSelectUserFeed();
  details(state, 'f1');
  feed(state, 'arthur', NOW);
  let next = engage(state, { postId: 'f1', likes: 30 }, 'updatePostEngagement(f1, likes 30)');
  const after = details(next, 'f1');
  ensureEq([after?.likesCount, after?.engagement], [30, 32], "f1's [likesCount, engagement] from the instance that saw it before, after likes went to 30");
  ensureEq(feedScores(feed(next, 'arthur', NOW)), [['f1', 32], ['f2', 10], ['z1', 7], ['z2', 0]], "arthur's feed, from the instance that saw it before, after f1's likes went to 30");

  next = engage(next, { postId: 'f1', likes: 31, shares: 2 }, 'then updatePostEngagement(f1, likes 31, shares 2)');
  const again = details(next, 'f1');
  ensureEq([again?.shares, again?.likesCount, again?.engagement], [2, 31, 33], "f1's [shares, likesCount, engagement] after likes 31 and shares 2");
  ensureEq(
    feedScores(feed(next, 'arthur', NOW)),
    [['f1', 33], ['f2', 10], ['z1', 7], ['z2', 0]],
    "arthur's feed after f1's likes went to 31: the same posts in the same order, with f1's new engagement",
  );
  const edited = okState(() => L.batchUpdatePosts(next, [{ postId: 'f1', changes: { content: '42' } }]), 'then batchUpdatePosts(f1 content "42")');
  ensureEq(details(edited, 'f1')?.content, '42', "f1's content in its details after batchUpdatePosts edited it");
  ensureEq(Object.keys(postIn(edited, 'f1')).sort(), ['authorId', 'content', 'createdAt', 'id', 'shares'], 'the fields of post f1 as stored after the updates (engagement is derived by the selectors, never stored)');
}

const TABLES = ['users', 'posts', 'comments', 'postComments', 'likes', 'follows', 'userPosts'] as const;

// Catches: an update that copies tables it did not change or replaces posts
// it did not touch (every view of them would re-render), and one that
// changes the old state.
export function sharingAndOldState(): void {
  const state = galaxy();
  const before = plain(state);
  const expectShared = (next: State, changed: readonly string[], what: string) => {
    for (const table of TABLES) {
      const shouldChange = changed.includes(table);
      ensure(
        (next[table] === state[table]) !== shouldChange,
        shouldChange
          ? `${what}: state.${table} should be a new object (the update changes it)`
          : `${what}: state.${table} should stay the very same object as in the old state: the update does not change it`,
      );
    }
    for (const id of Object.keys(state.posts)) {
      const touched = changed.includes(`post ${id}`);
      const kept = next.posts[id] === state.posts[id];
      ensure(kept !== touched, `${what}: post ${JSON.stringify(id)} should ${touched ? 'be a new object' : 'stay the very same object: the update does not change it'}`);
    }
    for (const id of Object.keys(state.postComments)) {
      ensure(
        next.postComments[id] === state.postComments[id] || changed.includes(`comments of ${id}`),
        `${what}: the comment list of post ${JSON.stringify(id)} should stay the very same array: the update does not change it`,
      );
    }
    ensureEq(plain(state), before, `${what}: the OLD state`);
  };
  expectShared(engage(state, { postId: 'z1', likes: 77 }, 'updatePostEngagement(z1, likes 77)'), ['likes'], 'updatePostEngagement(z1, only likes)');
  expectShared(engage(state, { postId: 'z1', shares: 5 }, 'updatePostEngagement(z1, shares 5)'), ['posts', 'post z1'], 'updatePostEngagement(z1, only shares)');
  expectShared(
    engage(state, { postId: 'f1', comments: [comment('c9', 'f1', 'zaphod')] }, 'updatePostEngagement(f1, one comment)'),
    ['comments', 'postComments', 'comments of f1'],
    'updatePostEngagement(f1, only a comment)',
  );
  expectShared(engage(state, { postId: 'z1' }, 'updatePostEngagement(z1, nothing set)'), [], 'updatePostEngagement(z1) with nothing set');
  const batch = okState(
    () =>
      L.batchUpdatePosts(state, [
        { postId: 'f2', changes: { content: 'Edited' } },
        { postId: 't1', changes: { shares: 8 } },
      ]),
    'batchUpdatePosts(f2 content, t1 shares)',
  );
  expectShared(batch, ['posts', 'post f2', 'post t1'], 'batchUpdatePosts editing f2 and t1');
}

// Catches: a batch that applies only the first or last change, applies each
// change to the original post (so two changes to one post lose one), writes
// `undefined` over fields, or applies part of a batch naming an unknown post.
export function batchAppliesAll(): void {
  const state = galaxy();
  const next = okState(
    () =>
      L.batchUpdatePosts(state, [
        { postId: 'f1', changes: { content: 'first edit' } },
        { postId: 'z1', changes: { shares: 3, content: undefined } },
        { postId: 'f1', changes: { shares: 6 } },
        { postId: 't1', changes: { content: 'draft', shares: 1 } },
        { postId: 't1', changes: { content: 'final' } },
      ]),
    'batchUpdatePosts with 5 updates',
  );
  const expected = copy(plain(state));
  setIn(expected, 'posts', 'f1', { ...postIn(state, 'f1'), content: 'first edit', shares: 6 });
  setIn(expected, 'posts', 'z1', { ...postIn(state, 'z1'), shares: 3 });
  setIn(expected, 'posts', 't1', { ...postIn(state, 't1'), content: 'final', shares: 1 });
  ensureEq(
    plain(next),
    expected,
    'batchUpdatePosts: f1 content then f1 shares, z1 shares (content: undefined), t1 content and shares then t1 content again; every change lands, in order',
  );
  refusesWith(
    () => L.batchUpdatePosts(state, [{ postId: 'f2', changes: { content: 'lost' } }, { postId: 'nowhere', changes: { shares: 1 } }]),
    'unknown-post',
    'nowhere',
    'batchUpdatePosts with an update of f2 and one of "nowhere": the whole batch is refused',
  );
  const empty = okState(() => L.batchUpdatePosts(state, []), 'batchUpdatePosts with no updates');
  ensureEq(plain(empty), plain(state), 'batchUpdatePosts with no updates');
}

// Catches: an update that accepts a dangling comment (on another post, by
// nobody, or with a taken id) or quietly ignores an unknown post.
export function refusesBad(): void {
  const state = galaxy();
  const cases: [string, L.EngagementUpdate, L.SocialErrorCode, string][] = [
    ['an unknown post', { postId: 'nowhere', likes: 1 }, 'unknown-post', 'nowhere'],
    ['"constructor", an inherited name, as the post', { postId: 'constructor', likes: 1 }, 'unknown-post', 'constructor'],
    ['a comment whose postId is z1, in an update of f1', { postId: 'f1', comments: [comment('c9', 'z1', 'arthur')] }, 'comment-on-other-post', 'c9'],
    ['a comment by "ghost", who is not a user', { postId: 'f1', comments: [comment('c9', 'f1', 'ghost')] }, 'unknown-user', 'ghost'],
    ['a comment with the id c1, which is taken', { postId: 'f1', likes: 2, comments: [comment('c1', 'f1', 'marvin')] }, 'duplicate-comment', 'c1'],
    ['two new comments with the same id c9', { postId: 'f1', comments: [comment('c9', 'f1', 'marvin'), comment('c9', 'f1', 'ford')] }, 'duplicate-comment', 'c9'],
  ];
  for (const [what, update, code, id] of cases) {
    refusesWith(() => L.updatePostEngagement(state, update), code, id, `updatePostEngagement with ${what} should be refused`);
  }
  ensureEq(plain(state), plain(galaxy()), 'the state after six refused updates');
  ensureEq(facts(L.makeSelectPostWithDetails()(state, 'f1')), ['f1', 'ford', 2, 5, 7], "f1's details after the refused updates");
}
