// Extension (bonus): posts arriving in real time. Feeds a new post does not
// change keep handing back their old array, so their components stay quiet.

import { ensure, ensureEq } from '../harness';
import { DAY_MS, HOUR, NOW, feedIds, feedOf, galaxy, okState, post, postIn, refusesWith, user, withFollow, withUser } from './data';
import { withPage } from './render';
import * as L from './learner';

// Catches: addPost that forgets the author's post list (the post never
// reaches a follower's feed), accepts a taken id, or an unknown author.
export function addPostReachesFeeds(): void {
  const state = galaxy();
  const next = okState(() => L.addPost(state, post('f4', 'ford', 0)), 'addPost(f4 by ford, just now)');
  ensureEq(postIn(next, 'f4'), post('f4', 'ford', 0), 'state.posts["f4"] after addPost');
  ensureEq(next.userPosts.ford, ['f1', 'f2', 'f3', 'f4'], 'state.userPosts["ford"] after addPost(f4): ford\'s posts, the new one last');
  ensureEq(
    feedIds(feedOf(next, 'arthur')),
    ['f2', 'f1', 'z1', 'f4', 'z2'],
    "arthur's feed after ford posted f4 (no engagement yet: it ties with z2 and comes first by id)",
  );
  refusesWith(() => L.addPost(next, post('f4', 'ford', 0)), 'duplicate-post', 'f4', 'addPost(f4) a second time should be refused');
  refusesWith(() => L.addPost(next, post('g1', 'ghost', 0)), 'unknown-user', 'ghost', 'addPost(g1 by "ghost", who is not a user) should be refused');
}

// Catches: a feed selector that hands back a new array whenever any table it
// reads changed, even when the feed it computes is the same.
export function unaffectedFeedsKeepReference(): void {
  const state = galaxy();
  const arthurFeed = L.makeSelectUserFeed();
  const trillianFeed = L.makeSelectUserFeed();
  const first = arthurFeed(state, 'arthur', NOW);
  trillianFeed(state, 'trillian', NOW);
  let next = okState(() => L.addPost(state, post('m2', 'marvin', 0)), 'addPost(m2 by marvin)');
  ensure(
    arthurFeed(next, 'arthur', NOW) === first,
    "marvin posted m2, and arthur does not follow marvin: arthur's feed is unchanged, so his feed selector should hand back the same array (it " +
      'handed back a new one). When a recomputed feed equals the last one, hand back the last one: createSelector\'s ' +
      '`memoizeOptions: { resultEqualityCheck }` does exactly that.',
  );
  ensureEq(feedIds(trillianFeed(next, 'trillian', NOW)), ['m1', 'm2'], 'trillian follows marvin: her feed after he posted m2');
  next = okState(() => L.addPost(next, post('f5', 'ford', 9 * DAY_MS)), 'addPost(f5 by ford, 9 days old)');
  ensure(arthurFeed(next, 'arthur', NOW) === first, "ford's new post f5 is 9 days old, too old for arthur's feed: his feed selector should hand back the same array");
  next = okState(() => L.updatePostEngagement(next, { postId: 't1', likes: 43 }), 'updatePostEngagement(t1, likes 43)');
  ensure(arthurFeed(next, 'arthur', NOW) === first, "t1 (trillian's) got a like, and arthur does not follow trillian: his feed selector should hand back the same array");
  next = okState(() => L.updatePostEngagement(next, { postId: 'z2', shares: 9 }), 'updatePostEngagement(z2, shares 9)');
  const shared = arthurFeed(next, 'arthur', NOW);
  ensure(shared !== first, "z2, in arthur's feed, was shared 9 times: the entry shows its shares, so the feed is a new array");
  ensureEq(shared.find((d) => d.id === 'z2')?.shares, 9, "z2's shares in arthur's feed after it was shared 9 times");
}

// Catches: feed components that all re-render whenever any post arrives.
export async function liveViews(): Promise<void> {
  const names = ["arthur's feed", "trillian's feed", 'post f1', 'post z1', 'post m2 (not posted yet)'];
  const views = [
    { name: "arthur's feed", feed: 'arthur', now: NOW },
    { name: "trillian's feed", feed: 'trillian', now: NOW },
    { name: 'post f1', post: 'f1' },
    { name: 'post z1', post: 'z1' },
    { name: 'post m2 (not posted yet)', post: 'm2' },
  ];
  await withPage(galaxy(), views, (page) => {
    const arrive = (p: L.NormalizedPost, what: string, expected: string[], refused = false) => {
      const before = names.map((n) => page.renders(n));
      const refusal = page.dispatch({ type: 'addPost', post: p });
      if (refused) ensure(refusal !== undefined, `dispatching addPost(${what}): it should be refused, but addPost returned a state`);
      else ensure(refusal === undefined, `dispatching addPost(${what}): it should succeed, but addPost threw ${String(refusal)}`);
      const after = names.map((n) => page.renders(n));
      ensureEq(
        names.filter((_, i) => after[i] !== before[i]),
        expected,
        `the components that re-rendered when ${what} arrived`,
      );
    };
    arrive(post('m2', 'marvin', 0), 'post m2 by marvin', ["trillian's feed", 'post m2 (not posted yet)']);
    arrive(post('z4', 'zaphod', HOUR), 'post z4 by zaphod', ["arthur's feed"]);
    arrive(post('t2', 'trillian', 0), 'post t2 by trillian, whom nobody follows', []);
    arrive({ ...post('m2', 'marvin', 0), content: 'a second m2' }, 'a second post m2, which must be refused', [], true);
  });
}

// Catches: addPost that appends to the author's list only when there is one,
// so a user's first post is stored but never reaches a feed.
export function firstPostReachesFeeds(): void {
  const state = withFollow(withUser(galaxy(), user('slartibartfast')), 'arthur', 'slartibartfast');
  const next = okState(() => L.addPost(state, post('s1', 'slartibartfast', 0)), 'addPost(s1 by slartibartfast, his first post)');
  ensureEq(next.userPosts.slartibartfast, ['s1'], 'slartibartfast had written nothing; state.userPosts["slartibartfast"] after addPost(s1)');
  const feed = feedIds(feedOf(next, 'arthur'));
  ensure(feed.includes('s1'), `arthur follows slartibartfast too; after slartibartfast's first post s1, arthur's feed should show it: ${JSON.stringify(feed)}`);
}
