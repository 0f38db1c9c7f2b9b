// Hidden checks for the Deep Thought level, "Architecting the Ultimate State
// Machine" (TypeScript track): ten steps and five extensions. The grader
// bundles them with checks/typescript/harness.ts and the learner's code, which
// they reach only through ./learner. Check ids are the Rust level's where the
// behaviour is the same (CONTRACT.md maps them).

import { check, perf, type Test } from '../harness';
import * as analytics from './analytics';
import * as arch from './arch';
import * as collab from './collab';
import * as cache from './cache';
import * as extension from './extension';
import * as innovation from './innovation';
import * as monitor from './monitor';
import * as ot from './ot';
import * as platforms from './platforms';
import * as plugins from './plugins';
import * as production from './production';
import * as queries from './queries';
import * as scale from './scale';
import * as search from './search';
import * as view from './view';

export const tests: Test[] = [
  // System Architecture: the tenant hierarchy
  check('arch.tenant-collisions', arch.tenantCollisions),
  check('arch.cross-tenant-errors', arch.crossTenantErrors),
  check('arch.hierarchy', arch.hierarchy),
  check('queries.activity-and-bulk-load', queries.activityAndBulkLoad),
  // System Architecture: apply, transform, compose
  check('ot.apply-edits', ot.applyEdits),
  check('ot.unicode-positions', ot.unicodePositions),
  check('ot.tombstones-and-empty', ot.tombstonesAndEmpty),
  check('ot.transform-tp1', ot.transformTp1),
  check('ot.transform-ties', ot.transformTies),
  check('ot.transform-moves', ot.transformMoves),
  check('ot.transform-text-boundaries', ot.transformTextBoundaries),
  check('ot.compose', ot.compose),
  // System Architecture: the sequencer, offline queues and partitions
  check('collab.fifty-clients', collab.fiftyClients),
  check('collab.client-protocol', collab.clientProtocol),
  check('collab.server-sequencing', collab.serverSequencing),
  check('collab.offline-rebase', collab.offlineRebase),
  check('collab.partitions', collab.partitions),
  check('collab.conflict-log', collab.conflictLog),
  check('collab.attribute-conflict-logged', collab.attributeConflictLogged),
  // Step 6: indexes for a million entities
  check('queries.search-words', search.searchWords),
  check('queries.search-each-element-once', search.searchEachElementOnce),
  perf('perf.document-elements-1m', scale.documentElements),
  perf('perf.subtree-1m', scale.subtreeQuery),
  perf('perf.search-1m', scale.search),
  perf('perf.activity-1m', scale.activityFeed),
  perf('perf.ten-million', scale.tenMillion),
  check('perf.memory-per-entity', scale.memoryPerEntity),
  check('perf.deep-tree', scale.deepTree),
  // Performance Engineering: the state cache
  check('cache.dependency-invalidation', cache.dependencyInvalidation),
  check('cache.warm', cache.warm),
  check('cache.compress', cache.compress),
  check('cache.compress-round-trip', cache.compressRoundTrip),
  check('cache.invalidation-edges', cache.invalidationEdges),
  check('cache.hidden-subtree-root', cache.hiddenSubtreeRoot),
  check('cache.warm-and-compress-policies', cache.warmAndCompressPolicies),
  // Production Ready: malicious inputs and the monitor
  check('prod.malicious-positions', production.maliciousPositions),
  check('prod.malicious-unknown-ids', production.maliciousUnknownIds),
  check('prod.malicious-move-into-descendant', production.maliciousMoveIntoDescendant),
  check('prod.malicious-oversized', production.maliciousOversized),
  check('prod.malicious-other-tenant', production.maliciousOtherTenant),
  check('prod.malicious-garbage', production.maliciousGarbage),
  check('prod.malicious-limits', production.maliciousLimits),
  check('monitor.regression', monitor.regression),
  check('monitor.state-size', monitor.stateSize),
  check('monitor.state-size-shapes', monitor.stateSizeShapes),
  check('monitor.interactions', monitor.interactions),
  check('monitor.windows', monitor.windows),
  check('monitor.median', monitor.median),
  // Innovation: two extensions of the learner's choice
  check('innovation.two-extensions-work', innovation.twoExtensionsWork),
  // Extensions (bonus): time travel, permissions, analytics
  check('extension.time-travel-replay', extension.timeTravelReplay),
  check('extension.permissions-document', extension.permissionsDocument),
  check('extension.permissions-operation', extension.permissionsOperation),
  check('extension.permissions-element', extension.permissionsElement),
  check('extension.permissions-every-edit', extension.permissionsEveryEdit),
  check('extension.analytics-recount', analytics.recountMatches),
  perf('perf.analytics-reads-1m', analytics.analyticsReads),
  // Production Ready: garbage through the server, refused inserts
  check('prod.malicious-garbage-store-and-server', production.maliciousGarbageStoreAndServer),
  check('prod.refused-inserts-leave-no-trace', production.refusedInsertsLeaveNoTrace),
  // Extensions: plugins and cross-platform sync
  check('extension.plugins-observe-order', plugins.observeOrder),
  check('extension.plugins-veto', plugins.veto),
  check('extension.plugins-panic-isolated', plugins.throwIsolated),
  check('extension.cross-platform-converge', platforms.converge),
  check('extension.cross-platform-rendered', platforms.rendered),
  check('extension.cross-platform-edits', platforms.edits),
  // Step 10: the live document and its memoized view
  check('view.document-view', view.documentView),
  check('view.memo-same-object', view.memoSameObject),
  check('view.memo-content', view.memoContent),
  check('view.memo-presence', view.memoPresence),
  check('view.memo-pending', view.memoPending),
  check('view.memo-permissions', view.memoPermissions),
  check('view.cursors-follow-edits', view.cursorsFollowEdits),
  check('view.permissions-hide', view.permissionsHide),
  check('view.window-edges', view.windowEdges),
  perf('perf.view-window-100k', view.windowCost),
];
