// Hidden checks for the Babel Fish level, "Advanced Selector Orchestration"
// (TypeScript track). The grader bundles them with checks/typescript/harness.ts
// and the learner's code, which they reach only through ./learner (generated:
// `export * from '<level folder>/src/index.ts';`).
//
// States are built by the checks (data.ts) and deep-frozen; the hook checks
// render the learner's hooks with real React (render.ts).

import { check, perf, type Test } from '../harness';
import * as extension from './extension';
import * as memo from './memo';
import * as perfChecks from './perf';
import * as queries from './queries';
import * as updates from './updates';
import * as views from './views';

export const tests: Test[] = [
  // Memoized selectors
  check('memo.caches-last-inputs', memo.cachesLastInputs),
  check('memo.instances-isolated', memo.instancesIsolated),
  check('memo.seed-validation', memo.seedValidation),
  check('memo.feed-same-arc', memo.feedSameReference),
  check('memo.no-recompute-on-unrelated-update', memo.noRecomputeOnUnrelatedUpdate),
  check('memo.last-inputs-only', memo.lastInputsOnly),
  check('memo.same-as-is-pointer-equality', memo.referenceEquality),
  perf('memo.cache-hit-cost-flat', memo.cacheHitCostFlat),
  // Complex queries
  check('queries.post-details', queries.postDetails),
  check('queries.post-details-missing', queries.postDetailsMissing),
  check('queries.feed-followed-only', queries.feedFollowedOnly),
  check('queries.feed-by-engagement', queries.feedByEngagement),
  check('queries.feed-last-7-days', queries.feedLast7Days),
  check('queries.feed-at-most-50', queries.feedAtMost50),
  check('queries.feed-window-edges', queries.feedWindowEdges),
  check('queries.feed-followed-user-without-posts', queries.feedFollowedUserWithoutPosts),
  check('queries.feed-limit-edges', queries.feedLimitEdges),
  check('queries.feed-limit-counts-recent-only', queries.feedLimitCountsRecentOnly),
  check('queries.feed-ties-by-id', queries.feedTiesById),
  // Performance optimization
  check('views.one-update-one-render', views.oneUpdateOneRender),
  check('views.feed-view-follows-changes', views.feedViewFollowsChanges),
  check('views.refused-action-changes-nothing', views.refusedActionChangesNothing),
  check('views.stable-across-renders', views.stableAcrossRenders),
  perf('perf.select-100-fresh-selectors', perfChecks.select100FreshSelectors),
  perf('perf.batch-copies-posts-once', perfChecks.batchCopiesPostsOnce),
  // Real-time updates
  check('updates.engagement-merge', updates.engagementMerge),
  check('updates.comments-both-tables', updates.commentsBothTables),
  check('updates.selectors-see-updates', updates.selectorsSeeUpdates),
  check('updates.sharing-and-old-state', updates.sharingAndOldState),
  check('updates.batch-applies-all', updates.batchAppliesAll),
  check('updates.refuses-bad', updates.refusesBad),
  // Extension (bonus)
  check('extension.add-post-reaches-feeds', extension.addPostReachesFeeds),
  check('extension.unaffected-feeds-keep-arc', extension.unaffectedFeedsKeepReference),
  check('extension.live-views', extension.liveViews),
  check('extension.first-post-reaches-feeds', extension.firstPostReachesFeeds),
];
