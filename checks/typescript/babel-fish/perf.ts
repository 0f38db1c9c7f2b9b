// Performance: the seed's "100 posts with details through fresh selectors",
// and a batch of updates that copies the posts table once.

import { thousands } from '../gen';
import { compare, ensureEq, keep, phase, type Measurement } from '../harness';
import { expectedFacts, facts, generateSocialState, okState, seedState, type State } from './data';
import * as L from './learner';

const FIRST_100 = Array.from({ length: 100 }, (_, i) => `post${i}`);

function verifyDetails(state: State, what: string): void {
  for (const id of FIRST_100) {
    ensureEq(facts(L.makeSelectPostWithDetails()(state, id)), expectedFacts(state, id), `${what}: details of ${JSON.stringify(id)} as [id, author id, commentsCount, likesCount, engagement]`);
  }
}

// The seed's validation, "< 50 ms", against the same 100 selects on a state
// 100 times smaller: the cost must not grow with the store. Catches: counting
// a post's comments or likes by scanning a whole table, and a factory that
// indexes or copies the state for each new instance.
export function select100FreshSelectors(): Measurement {
  const small = generateSocialState({ users: 10, posts: 100, comments: 500, relationships: 50 }, 7);
  phase(`building the seed's state of ${thousands(10_000)} posts`);
  const big = seedState();
  verifyDetails(small, 'on a state of 100 posts');
  verifyDetails(big, `on the seed's state of ${thousands(10_000)} posts`);
  return compare(
    '100 fresh selectors, 100 posts',
    () => {
      for (const id of FIRST_100) keep(L.makeSelectPostWithDetails()(small, id));
    },
    `100 fresh selectors, ${thousands(10_000)} posts`,
    () => {
      for (const id of FIRST_100) keep(L.makeSelectPostWithDetails()(big, id));
    },
  );
}

// Catches: a batch that applies its updates one by one, copying the 10,000-post
// table once per update. The seed's state is the one the check before built.
export function batchCopiesPostsOnce(): Measurement {
  phase(`building the seed's state of ${thousands(10_000)} posts`);
  const state = seedState();
  const one: L.PostUpdate[] = [{ postId: 'post0', changes: { shares: 1_000 } }];
  const fifty: L.PostUpdate[] = Array.from({ length: 50 }, (_, i) => ({ postId: `post${i * 193}`, changes: { shares: 1_000 + i } }));
  for (const [updates, what] of [[one, 'a batch of 1 update'], [fifty, 'a batch of 50 updates']] as const) {
    const next = okState(() => L.batchUpdatePosts(state, updates), `batchUpdatePosts with ${what}`);
    for (const u of updates) ensureEq(next.posts[u.postId]?.shares, u.changes.shares, `after batchUpdatePosts with ${what}, the shares of ${u.postId}`);
  }
  return compare(
    `batch of 1 update, ${thousands(10_000)} posts`,
    () => keep(L.batchUpdatePosts(state, one)),
    `batch of 50 updates, ${thousands(10_000)} posts`,
    () => keep(L.batchUpdatePosts(state, fifty)),
  );
}
