// The performance monitor: twins of the Rust level's monitor.* checks.
//
// The timing rules are graded on a clock the check drives (the monitor's
// constructor takes one): a selector "takes" exactly what the check says, so
// a loaded machine cannot blur a mean into a median. One scenario runs on the
// real clock, with lower bounds only (a spin never takes less than asked).

import { ensure, ensureEq, show } from '../harness';
import { liveBytes } from './heap';
import { T, U, W, applied, e, ok, op, ot, world, type Edit, type State } from './data';
import * as L from './learner';

/** A monitor on a clock that moves only when a timed selector says so. */
function onClock(): { m: L.PerformanceMonitor; timings: (name: string, n: number, each: number) => void } {
  let now = 1_000;
  const m = new L.PerformanceMonitor(() => now);
  const timings = (name: string, n: number, each: number): void => {
    for (let i = 0; i < n; i++) {
      m.measureSelector(name, () => {
        now += each;
      });
    }
  };
  return { m, timings };
}

const flagged = (m: L.PerformanceMonitor): string[] => m.regressions().map((r) => r.selector);

function spin(ms: number): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) n++;
  return n;
}

// Catches: a monitor that never flags, one that flags everything, one that
// compares against the last sample instead of a baseline, one that ignores
// the clock it was given or returns something else than the selector.
export function regression(): void {
  const n = L.REGRESSION_WINDOW;
  const { m, timings } = onClock();
  ensureEq(
    m.measureSelector('answer', () => 42),
    42,
    'measureSelector returns what the selector returns',
  );
  timings('steady', 3 * n, 2);
  timings('slowed', n, 2);
  timings('mild', n, 2);
  timings('slowed', n, 10);
  timings('mild', n, 3);
  timings('slowed', 1, 2);
  const found = m.regressions();
  ensureEq(
    found.map((r) => r.selector),
    ['slowed'],
    'regressions() after one selector got 5x slower and one 1.5x (the last timing of the slowed one fast again)',
  );
  ensureEq([found[0]?.baseline, found[0]?.recent], [2, 10], 'the regression of "slowed": [baseline, recent] medians, in milliseconds of the clock given to the constructor');

  // The default clock: real time.
  const real = new L.PerformanceMonitor();
  for (let i = 0; i < n; i++) real.measureSelector('real', () => 0);
  for (let i = 0; i < n; i++) real.measureSelector('real', () => spin(3));
  const r = real.regressions();
  ensureEq(r.map((x) => x.selector), ['real'], `regressions() of a monitor on the default clock, after ${n} empty calls then ${n} of 3 ms or more`);
  ensure((r[0]?.recent ?? 0) >= 3, `the default clock: the recent median is ${String(r[0]?.recent)}, but every recent call took 3 ms or more (milliseconds, from performance.now())`);
}

// Catches: a monitor that judges a half-filled window, compares against all
// timings since the baseline instead of the latest window, lets its baseline
// follow the recent timings, flags one slow call, or lists regressions in
// another order than by name.
export function windows(): void {
  const n = L.REGRESSION_WINDOW;
  const [fast, slow] = [1, 8];
  let { m, timings } = onClock();
  timings('partial', n, fast);
  timings('partial', n - 1, slow);
  ensureEq(flagged(m), [], `regressions() after ${n} fast timings and ${n - 1} slow ones: the window of the latest ${n} is not full yet`);
  timings('partial', 1, slow);
  ensureEq(flagged(m), ['partial'], `regressions() once the window of the latest ${n} timings after the baseline is full of slow ones`);

  ({ m, timings } = onClock());
  timings('recovered', n, fast);
  timings('recovered', n, slow);
  timings('recovered', n, fast);
  ensureEq(flagged(m), [], `regressions() after ${n} fast, ${n} slow, then ${n} fast timings: the latest ${n} are fast again (the window slides)`);

  ({ m, timings } = onClock());
  timings('sustained', n, fast);
  timings('sustained', 3 * n, slow);
  ensureEq(flagged(m), ['sustained'], `regressions() after ${n} fast timings then ${3 * n} slow ones: the baseline stays the first ${n}`);

  ({ m, timings } = onClock());
  timings('blip', 2 * n - 1, fast);
  timings('blip', 1, slow * 10);
  ensureEq(flagged(m), [], `regressions() after one very slow call among ${n} fast ones: the median shrugs it off`);

  ({ m, timings } = onClock());
  const names = ['zeta', 'alpha', 'mu', 'omega', 'beta', 'kappa'];
  for (const name of names) timings(name, n, fast);
  for (const name of names) timings(name, n, slow);
  ensureEq(flagged(m), [...names].sort(), 'regressions() of six regressed selectors: sorted by name');
}

// Catches: a "median" that is not the middle of the window (a lower
// quantile, the fastest timing, the mean).
export function median(): void {
  const n = L.REGRESSION_WINDOW;
  const [base, slow] = [1, 100];
  const fast = Math.floor((n * 2) / 5);
  const { m, timings } = onClock();
  timings('mostly-slow', n, base);
  timings('mostly-slow', fast, base);
  timings('mostly-slow', n - fast, slow);
  const what = `regressions() after a baseline of ${n} timings of ${base} ms, then a recent window of ${fast} at ${base} ms and ${n - fast} at ${slow} ms`;
  const found = m.regressions();
  ensureEq(found.map((r) => r.selector), ['mostly-slow'], what);
  ensureEq(found[0]?.recent, slow, `${what}: the recent median (most of the window took ${slow} ms, so its middle did too)`);
}

// Catches: interactions not recorded, or recorded under the wrong action.
export function interactions(): void {
  const m = new L.PerformanceMonitor();
  m.trackUserInteraction('open document', 10);
  m.trackUserInteraction('type', 5);
  m.trackUserInteraction('open document', 30);
  m.trackUserInteraction('open document', 20);
  ensureEq(m.interaction('open document'), { count: 3, total: 60, max: 30 }, 'interaction("open document")');
  ensureEq(m.interaction('type'), { count: 1, total: 5, max: 5 }, 'interaction("type")');
  ensureEq(m.interaction('search'), undefined, 'interaction("search"), never tracked');
  ensureEq(m.interaction('toString'), undefined, 'interaction("toString"), never tracked');
}

const T2 = L.tenantId('megadodo');
const U2 = L.userId('zarniwoop');

/** Counts of a small two-tenant store, then bytes of a 100,000-element one. */
export function stateSize(): void {
  let s = world();
  s = ok(() => L.addTenant(s, T2, 'Megadodo'), 'addTenant');
  s = ok(() => L.addUser(s, T2, U2, 'Zarniwoop'), 'addUser');
  s = ok(() => L.addWorkspace(s, T2, L.workspaceId('guide'), 'Guide'), 'addWorkspace');
  const rows = (n: number): L.NewElement[] => Array.from({ length: n }, (_, k) => ({ id: e(k + 1), parentId: k === 0 ? null : e(1), text: 'x' }));
  s = ok(() => L.bulkLoad(s, T, W, L.documentId('a'), 'A', U, rows(4)), 'bulkLoad');
  s = ok(() => L.bulkLoad(s, T2, L.workspaceId('guide'), L.documentId('b'), 'B', U2, rows(3)), 'bulkLoad');
  s = applied(s, [op([{ kind: 'insert', id: e(1), parentId: null, index: 0, text: 'y' }, { kind: 'delete', id: e(1) }])], 'insert and delete in earth');
  const a = new L.PerformanceMonitor().analyzeStateSize(s);
  ensureEq(
    [a.tenants, a.users, a.workspaces, a.documents, a.elements, a.activities, a.relationships],
    [2, 2, 2, 3, 8, 8, 13],
    'analyzeStateSize of two tenants (3 documents, 8 elements, one of them deleted, 8 activity entries): [tenants, users, workspaces, documents, elements, activities, relationships]',
  );
  const base = world();
  const big = Array.from({ length: 15_000 }, (_, k): L.NewElement => ({ id: e(k + 1), parentId: k < 10 ? null : e(1 + (k % 10)), text: `item ${k}` }));
  // Not frozen: freezing 15,000 rows would cost more than the check.
  withinFour('a store of 15,000 elements, loaded with bulkLoad', () => L.bulkLoad(base, T, W, L.documentId('big'), 'Big', U, big));
}

/**
 * approxBytes of the state `build` makes is within 4x of the heap it takes.
 * Built twice, measured the second time: the first run compiles the
 * learner's code for this shape, and bytecode lives on the heap too. Nothing
 * is frozen here, so the harness's bookkeeping stays out of the figure.
 */
function withinFour(what: string, build: () => State): void {
  build();
  const before = liveBytes();
  const s = build();
  const measured = liveBytes() - before;
  const estimate = new L.PerformanceMonitor().analyzeStateSize(s).approxBytes;
  ensure(
    estimate * 4 >= measured && estimate <= measured * 4,
    `${what}: approxBytes is ${show(estimate)}, but the state takes ${measured} bytes (measured); stay within 4x by counting everything it holds`,
  );
}

/** A flat copy: padEnd and repeat build trees that share their pieces, far smaller than the text. */
const flat = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

const loaded = (texts: readonly string[]): State => L.bulkLoad(world(), T, W, L.documentId('shape'), 'Shape', U, texts.map((text, k) => ({ id: e(k + 1), parentId: null, text })));

// Catches: a byte estimate that leaves out part of what the state holds
// (the texts, the attributes, the activity log): the store of
// monitor.state-size holds little of each, so leaving one out stays within
// 4x there. Here each makes up most of a state.
export function stateSizeShapes(): void {
  withinFour('500 elements of 4,200 characters each (mostly text)', () => loaded(Array.from({ length: 500 }, (_, k) => flat(`lorem ${k} `.repeat(600).slice(0, 4200)))));
  withinFour('500 elements of 2,000 characters outside Latin-1 each (mostly two-byte text)', () => loaded(Array.from({ length: 500 }, (_, k) => flat(`ħ${k}`.padEnd(2000, 'ŵ')))));
  withinFour('50 elements with ten 4,000-character attributes each (mostly attributes)', () => {
    const s = loaded(Array.from({ length: 50 }, () => 'a'));
    const edits: Edit[] = [];
    for (let k = 1; k <= 50; k++) for (let j = 0; j < 10; j++) edits.push({ kind: 'setAttribute', id: e(k), key: `key${j}`, value: flat(`${k}:${j}:`.padEnd(4000, 'v')) });
    return ot().applyOperation(s, { ...op(edits), documentId: L.documentId('shape') });
  });
  withinFour('16 workspaces, each with one element changed by 600 operations (mostly the activity log)', () => {
    let s = world();
    const engine = ot();
    for (let w = 0; w < 16; w++) {
      const [workspace, documentId] = [L.workspaceId(`log-${w}`), L.documentId(`log-${w}`)];
      s = L.bulkLoad(L.addWorkspace(s, T, workspace, 'Log'), T, workspace, documentId, 'Log', U, [{ id: e(1), parentId: null, text: 'a' }]);
      for (let i = 0; i < 600; i++) s = engine.applyOperation(s, { ...op([{ kind: 'setAttribute', id: e(1), key: 'k', value: i % 2 === 0 ? 'on' : 'off' }]), documentId });
    }
    return s;
  });
}
