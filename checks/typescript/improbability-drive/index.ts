// Hidden checks for the Improbability Drive level, "Real-Time Normalized
// Synchronization" (TypeScript track). The grader bundles them with
// checks/typescript/harness.ts and the learner's code, which they reach only
// through ./learner. Check ids are the Rust level's where the behaviour is
// the same (CONTRACT.md maps them).

import { check, perf, type Test } from '../harness';
import * as conflicts from './conflicts';
import * as extension from './extension';
import * as normalization from './normalization';
import * as optimistic from './optimistic';
import * as production from './production';

export const tests: Test[] = [
  // Advanced Normalization
  check('normalization.membership-both-ways', normalization.membershipBothWays),
  check('normalization.typing-and-receipts', normalization.typingAndReceipts),
  check('normalization.delete-keeps-integrity', normalization.deleteKeepsIntegrity),
  check('normalization.thread-view', normalization.threadView),
  check('normalization.presence-and-unknown-ids', normalization.presenceAndUnknownIds),
  check('normalization.empty-and-unknown', normalization.emptyAndUnknown),
  check('normalization.threads-one-level', normalization.threadsOneLevel),
  // Optimistic Updates
  check('optimistic.send-appears-pending', optimistic.sendAppearsPending),
  check('optimistic.seed-send-rollback', optimistic.seedSendRollback),
  check('optimistic.rollback-removes-everywhere', optimistic.rollbackRemovesEverywhere),
  check('optimistic.rollback-restores-edit', optimistic.rollbackRestoresEdit),
  check('optimistic.confirm-replaces-id', optimistic.confirmReplacesId),
  check('optimistic.failed-send-can-retry', optimistic.failedSendCanRetry),
  check('optimistic.equal-timestamps', optimistic.equalTimestamps),
  check('optimistic.edit-status-and-rollback-place', optimistic.editStatusAndRollbackPlace),
  check('optimistic.confirm-checks-the-copy', optimistic.confirmChecksTheCopy),
  // Conflict Resolution
  check('conflicts.seed-scenario', conflicts.seedScenario),
  check('conflicts.newer-version-wins', conflicts.newerVersionWins),
  check('conflicts.edit-time-breaks-ties', conflicts.editTimeBreaksTies),
  check('conflicts.reactions-union', conflicts.reactionsUnion),
  check('conflicts.confirm-resolves', conflicts.confirmResolves),
  check('conflicts.sync-resolves-pending-edits', conflicts.syncResolvesPendingEdits),
  check('conflicts.sync-confirms-echo', conflicts.syncConfirmsEcho),
  check('conflicts.sync-channel-updates-and-times', conflicts.syncChannelUpdatesAndTimes),
  check('conflicts.resolution-ids-and-status', conflicts.resolutionIdsAndStatus),
  check('conflicts.sync-versions-and-places', conflicts.syncVersionsAndPlaces),
  check('conflicts.sync-echo-of-failed-send', conflicts.syncEchoOfFailedSend),
  check('conflicts.sync-empty-batches', conflicts.syncEmptyBatches),
  // Production Patterns
  check('production.channel-view', production.channelViewCheck),
  check('production.typing-excludes-viewer', production.typingExcludesViewer),
  check('production.unread-count', production.unreadCount),
  check('production.selectors-memoized', production.selectorsMemoized),
  check('production.structural-sharing', production.structuralSharing),
  check('production.random-sequences', production.randomSequences),
  perf('production.channel-view-under-load', production.channelViewUnderLoad),
  perf('production.thread-view-under-load', production.threadViewUnderLoad),
  check('production.memo-sees-every-input', production.memoSeesEveryInput),
  check('production.view-limit-edges', production.viewLimitEdges),
  check('production.action-log', production.actionLog),
  // Extension (bonus)
  check('extension.selectors-decrypt', extension.selectorsDecrypt),
  check('extension.decrypt-once', extension.decryptOnce),
];
