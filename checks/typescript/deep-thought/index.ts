// Hidden checks for the Deep Thought level, "Architecting the Ultimate State
// Machine" (TypeScript track), steps 1-3 so far. The grader bundles them with
// checks/typescript/harness.ts and the learner's code, which they reach only
// through ./learner. Check ids are the Rust level's where the behaviour is
// the same (CONTRACT.md maps them, and lists what is still to build).

import { check, perf, type Test } from '../harness';
import * as arch from './arch';
import * as ot from './ot';
import * as queries from './queries';
import * as scale from './scale';
import * as search from './search';

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
];
