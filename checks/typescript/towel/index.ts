// Hidden checks for the Towel level, "Don't Panic About Normalization"
// (TypeScript track). The grader bundles them with checks/typescript/harness.ts
// and the learner's code, which they reach only through ./learner (generated:
// `export * from '<level folder>/src/index.ts';`).
//
// The Type Safety checks are not here: they are the sections of types.ts,
// type-checked with the learner's code and never run.

import { check, perf, type Test } from '../harness';
import * as extension from './extension';
import * as schema from './schema';
import * as selectors from './selectors';
import * as updates from './updates';

export const tests: Test[] = [
  // Schema design
  check('schema.from-entities', schema.fromEntities),
  check('schema.from-entities-rejects-dangling', schema.fromEntitiesRejectsDangling),
  check('schema.rename-visible-everywhere', schema.renameVisibleEverywhere),
  check('schema.unusual-ids', schema.unusualIds),
  perf('schema.rename-cost-flat', schema.renameCostFlat),
  // Basic selectors
  check('selectors.select-post', selectors.selectPostFoundOrUndefined),
  check('selectors.select-user', selectors.selectUserFoundOrUndefined),
  check('selectors.post-comments-in-order', selectors.postCommentsInOrder),
  check('selectors.post-comments-only-this-post', selectors.postCommentsOnlyThisPost),
  check('selectors.user-posts-in-order', selectors.userPostsInOrder),
  check('selectors.dangling-ids-skipped', selectors.danglingIdsSkipped),
  check('selectors.inherited-names-are-unknown', selectors.inheritedNamesAreUnknown),
  check('selectors.unusual-ids', selectors.unusualIds),
  check('selectors.reusable-across-states', selectors.reusableAcrossStates),
  check('selectors.seed-scenario', selectors.seedScenario),
  perf('selectors.post-comments-cost-flat', selectors.postCommentsCostFlat),
  // Update logic
  check('updates.update-post-partial', updates.updatePostPartial),
  check('updates.undefined-keeps-field', updates.undefinedKeepsField),
  check('updates.old-state-unchanged', updates.oldStateUnchanged),
  check('updates.frozen-state', updates.frozenState),
  check('updates.shares-untouched-tables', updates.sharesUntouchedTables),
  check('updates.update-post-moves-author', updates.updatePostMovesAuthor),
  check('updates.update-post-unknown', updates.updatePostUnknown),
  check('updates.add-comment-updates-both', updates.addCommentUpdatesBoth),
  check('updates.add-to-absent-list', updates.addToAbsentList),
  check('updates.add-comment-rejects-bad', updates.addCommentRejectsBad),
  check('updates.add-post-indexes-author', updates.addPostIndexesAuthor),
  check('updates.add-user', updates.addUserThenSelect),
  check('updates.update-user-partial', updates.updateUserPartial),
  check('updates.unusual-ids', updates.unusualIds),
  // Extension (bonus)
  check('extension.post-with-author', extension.postWithAuthor),
  check('extension.post-with-author-borrows', extension.postWithAuthorBorrows),
];
