// The real-time analytics extension: the live metrics must equal a recount
// from scratch of what happened (kept here, outside the learner's state),
// and reading them must cost the same after 100,000 operations as after
// 1,000,000 (perf.analytics-reads-1m, on the perf checks' shared stores,
// where each bulk-loaded element is one operation).

import { Rng, thousands } from '../gen';
import { compare, deepFreeze, ensureEq, keep, phase, type Measurement } from '../harness';
import { e, insert, isCollabError, ok, ot, refuses, remove, setAttr, typeText, type Edit, type Operation, type State } from './data';
import * as L from './learner';
import { HUGE, MAIN, T1, U1, bigLabel, label, stores } from './scale';

/** One applyOperation, or one bulkLoad element: `edits` undefined if refused. */
interface Entry {
  tenant: number;
  workspace: number;
  document: number;
  user: number;
  edits: number | undefined;
}

const ACTIVE_WINDOW = 50;

/** The four numbers of a Metrics, whatever else the learner's object holds. */
const numbers = (m: L.Metrics): L.Metrics => ({ operations: m.operations, edits: m.edits, refused: m.refused, activeEditors: m.activeEditors });

/** The metrics of the entries `keep` selects, counted from scratch. */
function recount(log: readonly Entry[], select: (x: Entry) => boolean): L.Metrics {
  const m: L.Metrics = { operations: 0, edits: 0, refused: 0, activeEditors: 0 };
  const authors: number[] = [];
  for (const entry of log) {
    if (!select(entry)) continue;
    if (entry.edits === undefined) {
      m.refused += 1;
      continue;
    }
    m.operations += 1;
    m.edits += entry.edits;
    authors.push(entry.user);
  }
  m.activeEditors = new Set(authors.slice(-ACTIVE_WINDOW)).size;
  return m;
}

const USERS = 6;
/** Documents 1 and 2 are in workspace 1, 3 and 4 in workspace 2; document 5 is bulk-loaded into workspace 2 of tenant 1. */
const DOCS = 4;
const LOADED = DOCS + 1;
const workspaceOf = (document: number): number => (document <= 2 ? 1 : 2);

// Two tenants with the same names; ids are unique across the store (CONTRACT.md).
const tenant = (t: number): L.TenantId => L.tenantId(`improbability-${t}`);
const userOf = (t: number, u: number): L.UserId => L.userId(`t${t}-editor-${u}`);
const workspace = (t: number, w: number): L.WorkspaceId => L.workspaceId(`t${t}-dashboards-${w}`);
const documentOf = (t: number, d: number): L.DocumentId => L.documentId(`t${t}-report-${d}`);

function againstRecount(s: State, log: readonly Entry[], when: string): void {
  for (const t of [1, 2]) {
    for (const w of [1, 2]) {
      const want = recount(log, (x) => x.tenant === t && x.workspace === w);
      ensureEq(numbers(L.selectMetrics(s, tenant(t), workspace(t, w))), want, `${when}: selectMetrics(tenant ${t}, workspace ${w}) against a recount of what happened`);
      for (let u = 1; u <= USERS; u++) {
        const ops = recount(log, (x) => x.tenant === t && x.workspace === w && x.user === u).operations;
        ensureEq(L.selectOperationsBy(s, tenant(t), workspace(t, w), userOf(t, u)), ops, `${when}: selectOperationsBy(tenant ${t}, workspace ${w}, user ${u})`);
      }
    }
    const loaded = t === 1 && log.some((x) => x.document === LOADED);
    for (let d = 1; d <= (loaded ? LOADED : DOCS); d++) {
      const want = recount(log, (x) => x.tenant === t && x.document === d);
      ensureEq(numbers(L.selectDocumentMetrics(s, tenant(t), documentOf(t, d))), want, `${when}: selectDocumentMetrics(tenant ${t}, document ${d}) against a recount`);
    }
  }
}

function store(): State {
  let s = ok(() => L.createCollaborationState(), 'createCollaborationState()');
  for (const t of [1, 2]) {
    s = ok(() => L.addTenant(s, tenant(t), 'Infinite Improbability Inc'), 'addTenant');
    for (let u = 1; u <= USERS; u++) s = ok(() => L.addUser(s, tenant(t), userOf(t, u), `editor ${u}`), 'addUser');
    for (const w of [1, 2]) s = ok(() => L.addWorkspace(s, tenant(t), workspace(t, w), 'Dashboards'), 'addWorkspace');
    for (let d = 1; d <= DOCS; d++) s = ok(() => L.addDocument(s, tenant(t), workspace(t, workspaceOf(d)), documentOf(t, d), 'Report'), 'addDocument');
  }
  return s;
}

/**
 * A random operation on a document whose applied inserts are `known`: valid
 * edits (inserts, text, attributes, deletes: each valid whatever the others
 * did), sometimes followed by one that is refused, sometimes none at all.
 */
function randomOperation(rng: Rng, known: number[], next: { n: number }): Edit[] {
  const roll = rng.int(100);
  if (roll < 6) return [];
  const edits: Edit[] = [];
  for (let k = rng.int(3); k >= 0; k--) {
    const target = known.length === 0 ? undefined : rng.pick(known);
    const kind = target === undefined ? 0 : rng.int(4);
    if (kind === 0 || target === undefined) {
      next.n += 1;
      edits.push(insert(next.n, null, 0, 'row'));
    } else if (kind === 1) edits.push(typeText(target, 0, 'more '));
    else if (kind === 2) edits.push(setAttr(target, 'status', rng.pick(['draft', 'final'])));
    else edits.push(remove(target));
  }
  // A refusal: an unknown element, or an index past the end of the root list.
  if (roll < 26) edits.push(rng.int(2) === 0 ? typeText(999_999, 0, 'x') : insert(next.n + 1, null, 10_000, 'x'));
  return edits;
}

// Catches: metrics that drift from what happened: refused operations counted
// as applied (or not at all), a bulkLoad left out, an operation with no
// edits counted, active editors counted over all time instead of the latest
// ACTIVE_WINDOW operations, and counts that leak between workspaces or
// tenants.
export function recountMatches(): void {
  const rng = new Rng(0xa7a1);
  let s = store();
  refuses(() => L.selectMetrics(s, L.tenantId('nobody'), workspace(1, 1)), 'selectMetrics of an unknown tenant', 'unknown-tenant');
  refuses(() => L.selectMetrics(s, tenant(1), workspace(2, 1)), "selectMetrics of the other tenant's workspace", 'unknown-workspace');
  refuses(() => L.selectDocumentMetrics(s, tenant(1), documentOf(2, 1)), "selectDocumentMetrics of the other tenant's document", 'unknown-document');
  refuses(() => L.selectOperationsBy(s, tenant(1), workspace(1, 1), userOf(2, 1)), "selectOperationsBy of the other tenant's user", 'unknown-user');
  refuses(() => L.selectOperationsBy(s, tenant(1), workspace(2, 1), userOf(1, 1)), "selectOperationsBy in the other tenant's workspace", 'unknown-workspace');
  const foreign = deepFreeze({ tenantId: tenant(1), documentId: documentOf(1, 1), userId: userOf(2, 1), edits: [typeText(1, 0, 'x')] });
  refuses(() => L.recordRefusal(s, foreign), "recordRefusal of an operation by the other tenant's user", 'unknown-user');
  againstRecount(s, [], 'before any operation');

  const log: Entry[] = [];
  const known = new Map<string, number[]>();
  const next = { n: 1_000 };
  // A few people edit at a time, and the crowd changes: the latest
  // ACTIVE_WINDOW operations are not everyone who ever edited.
  let crowd = [1];
  for (let step = 0; step < 1_000; step++) {
    if (step % 120 === 0) {
      crowd = Array.from({ length: USERS }, (_, i) => i + 1).filter(() => rng.int(100) < 40);
      if (crowd.length === 0) crowd.push(1 + rng.int(USERS));
    }
    if (step === 500) {
      // A bulkLoad counts one operation (of one edit) per element.
      const rows: L.NewElement[] = Array.from({ length: 120 }, (_, k) => ({ id: e(k + 1), parentId: null, text: `row ${k + 1}` }));
      const before = s;
      s = ok(() => L.bulkLoad(before, tenant(1), workspace(1, 2), documentOf(1, LOADED), 'Imported', userOf(1, 6), rows), 'bulkLoad of 120 elements');
      for (let k = 0; k < 120; k++) log.push({ tenant: 1, workspace: 2, document: LOADED, user: 6, edits: 1 });
      // An empty list is an empty document: nothing to count, for anyone.
      const loaded = s;
      s = ok(() => L.bulkLoad(loaded, tenant(2), workspace(2, 1), L.documentId('t2-empty'), 'Nothing yet', userOf(2, 5), []), 'bulkLoad of an empty list');
      const none: L.Metrics = { operations: 0, edits: 0, refused: 0, activeEditors: 0 };
      ensureEq(numbers(L.selectDocumentMetrics(s, tenant(2), L.documentId('t2-empty'))), none, 'selectDocumentMetrics of a document bulk-loaded from an empty list');
      againstRecount(s, log, 'right after a bulkLoad of 120 elements and one of none');
    }
    const t = rng.int(100) < 85 ? 1 : 2;
    const d = 1 + rng.int(DOCS);
    const u = rng.pick(crowd);
    const mine = known.get(`${t}/${d}`) ?? [];
    const before = next.n;
    const edits = randomOperation(rng, mine, next);
    const operation: Operation = deepFreeze({ tenantId: tenant(t), documentId: documentOf(t, d), userId: userOf(t, u), edits });
    const entry: Entry = { tenant: t, workspace: workspaceOf(d), document: d, user: u, edits: edits.length };
    const now = s;
    try {
      s = deepFreeze(ot().applyOperation(now, operation));
      for (let id = before + 1; id <= next.n; id++) mine.push(id);
      known.set(`${t}/${d}`, mine);
      // An operation with no edits changes nothing: it is not counted.
      if (edits.length > 0) log.push(entry);
    } catch (err) {
      if (!isCollabError(err)) throw err;
      s = ok(() => L.recordRefusal(now, operation), `recordRefusal of an operation applyOperation refused (${describeEdits(edits)})`);
      log.push({ ...entry, edits: undefined });
    }
    if (step % 100 === 99) againstRecount(s, log, `after ${step + 1} operations`);
  }
  againstRecount(s, log, `at the end (${thousands(log.length)} operations counted)`);
}

function describeEdits(edits: readonly Edit[]): string {
  return edits.map((x) => x.kind).join(', ');
}

/** The three live reads of a dashboard. */
function liveMetrics(s: State): [L.Metrics, L.Metrics, number] {
  return [numbers(L.selectMetrics(s, T1, MAIN)), numbers(L.selectDocumentMetrics(s, T1, HUGE)), L.selectOperationsBy(s, T1, MAIN, U1)];
}

// Catches: live metrics recounted from the activity feed (or the documents)
// on every read, instead of kept up to date as operations are applied.
export function analyticsReads(): Measurement {
  const [small, big] = stores();
  for (const s of [small, big]) {
    // The guide's elements, each one bulk-loaded operation by zaphod (the other tenant's 1,000 are not).
    const ops = s.elements - 1000;
    // The huge document holds a tenth of the store (scaleStore): counted, not walked, as a heavy store must not time this check out.
    const huge = s.elements / 10;
    const want = { operations: ops, edits: ops, refused: 0, activeEditors: 1 };
    ensureEq(
      liveMetrics(s.state),
      [want, { ...want, operations: huge, edits: huge }, ops],
      `[selectMetrics(guide), selectDocumentMetrics(huge), selectOperationsBy(guide, zaphod)] after bulkLoads of ${thousands(s.elements)} elements`,
    );
  }
  phase('the timed calls: the same reads on both stores, in turns');
  return compare(label(small), () => keep(liveMetrics(small.state)), bigLabel(big), () => keep(liveMetrics(big.state)));
}

/** The analytics extension's correctness checks (its timing counts for its own bonus item only). */
export const ANALYTICS_CHECKS: readonly (() => void)[] = [recountMatches];
