// The hidden-check runtime for the TypeScript track, bundled (esbuild) with a
// level's checks and the learner's code into one harness.mjs. Node built-ins
// only. A port of checks/rust/harness.rs, with the same result records, so the
// grader reads both tracks with the same code.
//
// Protocol (run with `node --enable-source-maps harness.mjs ...`):
//   --list                    the test ids, one a line
//   run <id> <record-file> [--budget <ratio>]
//                             runs one test, writes one JSON record to the file.
//                             A perf test given its budget stops measuring once
//                             its verdict is clear (see `compare`)
//   serve <record-dir>        a worker: writes the line "@@workshop ready" once
//                             node has loaded the packages (before the learner's
//                             module runs); reads test ids from stdin, one a
//                             line; for each, runs it, writes <record-dir>/<id>.json
//                             atomically (temp file, then rename), then writes
//                             the line "@@workshop done <id>" to stdout. Exits
//                             when stdin closes. The grader owns timeouts: it
//                             kills and restarts a worker that hangs or dies.
//   run-all <dir> [<id>=<budget>...]
//                             every test in this process, <dir>/<id>.json each
//                             (for benchmarks only)
//   run-group <dir> [--gate] <id>[=<budget>]...
//                             the tests named, in order, in this process (a test
//                             reuses the data the one before built), <dir>/<id>.json
//                             each. With --gate, each builds its data, writes
//                             <dir>/<id>.json.ready, then waits for a line on stdin
//                             before its timed calls (EOF: exits, no record)
//
// A record is {"id","status":"pass"|"fail"|"panic","message","duration_ms"}
// plus, for a passing perf test, "perf": {"baseline","candidate",
// "baseline_ns","candidate_ns","ratio","null_ratio","rounds"} and, when the
// environment names the reference's bundle (WORKSHOP_REFERENCE), "reference_ns"
// and "vs_reference": the reference solution timed on the candidate workload,
// paired with the learner's calls.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

// The entry imports this module first, so a worker says it is ready before the
// learner's module runs: the grader times a check from here, and a busy
// machine's slow start of node is not counted against the learner's code.
if (process.argv[2] === 'serve') fs.writeSync(1, '@@workshop ready\n');

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/** A correctness check returns nothing (or throws); a perf test returns its Measurement. */
export type Test =
  | { id: string; kind: 'check'; fn: () => void | Promise<void> }
  | { id: string; kind: 'perf'; fn: () => Measurement | Promise<Measurement> };

export const check = (id: string, fn: () => void | Promise<void>): Test => ({ id, kind: 'check', fn });
export const perf = (id: string, fn: () => Measurement | Promise<Measurement>): Test => ({ id, kind: 'perf', fn });

/** A check's verdict "this is wrong": status "fail" with this message. */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Fails the check with `message`. */
export function fail(message: string): never {
  throw new CheckFailure(message);
}

/** Fails the check with `message` unless `cond` holds. */
export function ensure(cond: unknown, message: string): asserts cond {
  if (!cond) throw new CheckFailure(message);
}

/**
 * Fails the check with "what / expected / actual" (and the first place where
 * they differ) unless the two are deeply equal: same own keys, same values,
 * arrays in the same order. `{ a: undefined }` is not `{}`.
 */
export function ensureEq(actual: unknown, expected: unknown, what: string): void {
  if (deepEqual(actual, expected)) return;
  let message = `${what}\n  expected: ${show(expected)}\n  actual:   ${show(actual)}`;
  const where = firstDifference(actual, expected, '');
  if (where !== undefined && where.path !== '') {
    message += `\n  first difference at ${where.path}: expected ${show(where.expected)}, actual ${show(where.actual)}`;
  }
  throw new CheckFailure(message);
}

/** Fails unless `actual === expected` (the same object, not an equal copy). */
export function ensureSame(actual: unknown, expected: unknown, what: string): void {
  if (actual === expected) return;
  const equal = deepEqual(actual, expected);
  throw new CheckFailure(
    equal
      ? `${what}: expected the very same object, got an equal copy of it\n  value: ${show(actual)}`
      : `${what}: expected the very same object\n  expected: ${show(expected)}\n  actual:   ${show(actual)}`,
  );
}

/** The value, or a failure "what: expected a value, got undefined". */
export function some<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) fail(`${what}: expected a value, got ${String(value)}`);
  return value;
}

/**
 * Calls `f` and returns its result. An error that `isRefusal` recognizes (the
 * level's own "refused" error) fails the check, saying what was being done;
 * anything else propagates (a panic, or a mutation of frozen input).
 */
export function ok<T>(f: () => T, doing: string, isRefusal: (e: unknown) => boolean): T {
  try {
    return f();
  } catch (e) {
    if (isRefusal(e)) fail(`${doing}: expected it to succeed, but it threw ${describe(e)}`);
    throw e;
  }
}

/**
 * Calls `f`, which must throw an error for which `verdict` returns undefined
 * (the right refusal). `verdict` returns a description of what is wrong with
 * an error of the right family, or throws it on (a panic). Returning normally
 * fails the check.
 */
export function refuses(f: () => unknown, doing: string, expected: string, verdict: (e: unknown) => string | undefined): void {
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    const wrong = verdict(e);
    if (wrong !== undefined) fail(`${doing}\n  expected: ${expected} to be thrown\n  actual:   ${wrong}`);
    return;
  }
  fail(`${doing}\n  expected: ${expected} to be thrown\n  actual:   it returned ${show(result, 1)}`);
}

/**
 * Errors that mean the learner's code crashed rather than refused: a refusal
 * check throws them on, and the harness reports a panic with its place.
 */
export function crashed(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || (e instanceof Error && e.message.startsWith('not implemented'));
}

/** A level's own refusal error: `new BlogError(code, id)`, `new ChatError(code, id)`, ... */
export type LevelError = Error & { code: string; id: string };

/** A learner call that must throw the level's error (`isError`, called `name`) with this code and id. */
export function refusesWithCode(f: () => unknown, doing: string, name: string, isError: (e: unknown) => e is LevelError, code: string, id: string): void {
  refuses(f, doing, `${name} ${code} ${JSON.stringify(id)}`, (e) => {
    if (isError(e)) return e.code === code && e.id === id ? undefined : `${name} ${String(e.code)} ${JSON.stringify(e.id)} (${e.message})`;
    if (crashed(e)) throw e;
    return `${describe(e)} (refusals must throw a ${name}, with a code and the id)`;
  });
}

/**
 * Runs a learner update that must succeed and return a state (called
 * `name`: an object whose `tables` are objects), and freezes the result
 * before any other learner code sees it. The level's refusal fails the check.
 */
export function okStateOf<S>(f: () => S, doing: string, isRefusal: (e: unknown) => boolean, name: string, tables: readonly string[]): S {
  const result: unknown = ok(f, doing, isRefusal);
  const isState = isObject(result) && tables.every((t) => isObject(result[t]) && !Array.isArray(result[t]));
  if (!isState) fail(`${doing}: expected a ${name} (an object with ${tables.join(', ')}), got ${show(result, 1)}`);
  return deepFreeze(result as S);
}

/** `Name: message` for errors, a readable value for anything else thrown. */
export function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `a value that is not an Error was thrown: ${show(e)}`;
}

/** A readable one-line rendering of a value, JSON-ish, long values cut. */
export function show(value: unknown, depth = 4): string {
  const text = inspect(value, { depth, breakLength: Infinity, maxArrayLength: 12, maxStringLength: 200, sorted: false });
  return text.length > 600 ? `${text.slice(0, 600)} …` : text;
}

/**
 * Structural equality: primitives by value (0 equals -0, NaN equals NaN),
 * arrays element by element, other objects by their own enumerable string
 * keys, whatever their prototypes (a table made with Object.create(null)
 * equals the same table written as a literal). A key present with the value
 * `undefined` is not the same as an absent key.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (!isObject(a) || !isObject(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

/** The first path at which two values differ, depth first, in key order. */
function firstDifference(a: unknown, b: unknown, at: string): { path: string; actual: unknown; expected: unknown } | undefined {
  if (deepEqual(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) return { path: `${at}[${i}]`, actual: a[i], expected: b[i] };
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return { path: at, actual: a, expected: b };
  }
  if (isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    for (const k of keys) {
      const inA = Object.hasOwn(a, k);
      const inB = Object.hasOwn(b, k);
      if (inA !== inB) {
        return { path: `${at}${key(k)}`, actual: inA ? a[k] : '(absent)', expected: inB ? b[k] : '(absent)' };
      }
      const d = firstDifference(a[k], b[k], `${at}${key(k)}`);
      if (d) return d;
    }
    return { path: at, actual: a, expected: b };
  }
  return { path: at, actual: a, expected: b };
}

// ---------------------------------------------------------------------------
// Frozen inputs
// ---------------------------------------------------------------------------

// Every object deepFreeze has finished with that holds objects (or more than a
// few values): all of it is frozen, so a state that shares tables with an
// earlier one is frozen again in time proportional to what is new. Small
// leaves stay out: settled() recognises them, and a million WeakSet entries
// cost more than the scans (and weigh on every garbage collection).
const deepFrozen = new WeakSet<object>();

/**
 * Freezes `value` and every object reachable through own enumerable
 * properties, as Redux Toolkit's dev-mode immutability check would notice: in
 * strict mode (every ES module) an assignment, push, delete or sort on it then
 * throws a TypeError. Returns `value`.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || settled(value)) return value;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const obj = stack.pop() as object;
    Object.freeze(obj);
    const values = Object.values(obj) as unknown[];
    let holdsObjects = false;
    for (const v of values) {
      if (typeof v === 'object' && v !== null) {
        holdsObjects = true;
        if (!settled(v)) stack.push(v);
      }
    }
    // Added before its children are popped: a cycle back to it stops here.
    if (holdsObjects || values.length > 8) deepFrozen.add(obj);
  }
  return value;
}

/**
 * deepFreeze for a container just built from `values` (a table from its
 * rows), without reading the container back: on a table of 100,000 rows that
 * is most of the cost. `values` must include every value the container holds.
 */
export function freezeBuilt<T extends object>(container: T, values: Iterable<unknown>): T {
  for (const v of values) deepFreeze(v);
  Object.freeze(container);
  deepFrozen.add(container);
  return container;
}

// A frozen object that holds no objects is deeply frozen already, and cheaper
// to recognise than to remember: a table of 100,000 rows stays fast to build.
function settled(obj: object): boolean {
  if (deepFrozen.has(obj)) return true;
  if (!Object.isFrozen(obj)) return false;
  for (const v of Object.values(obj) as unknown[]) if (typeof v === 'object' && v !== null) return false;
  return true;
}

// V8's messages for a write to a frozen object (assignment, push, pop, splice,
// sort, delete, defineProperty, Object.assign onto it).
const MUTATION =
  /^(Cannot assign to read only property|Cannot add property|Cannot delete property|Cannot define property|Cannot redefine property|Cannot add\/remove sealed array elements)|object is not extensible/;

// ---------------------------------------------------------------------------
// Where in the learner's code an error happened
// ---------------------------------------------------------------------------

// The bundle lives in the build directory, and the source map points the check
// files there too: a frame under it is the checks' or the harness's, never the
// learner's. (The learner's files live in the workspace's level folder.)
const BUILD_DIR = (() => {
  try {
    return path.dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
})();

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

function slash(p: string): string {
  return p.split(path.sep).join('/');
}

/** "towel/src/index.ts" for ".../towel/src/index.ts": from the level folder on. */
function shortPath(file: string): string {
  const f = slash(file);
  const i = f.lastIndexOf('/src/');
  if (i < 0) return path.basename(file);
  const start = f.lastIndexOf('/', i - 1);
  return f.slice(start + 1);
}

/** The names of an error's constructor and its ancestors: their frames ("new X") are skipped. */
function constructorNames(e: unknown): Set<string> {
  const names = new Set<string>();
  let proto: unknown = isObject(e) ? Object.getPrototypeOf(e) : undefined;
  while (isObject(proto) && proto !== Object.prototype) {
    const ctor = (proto as { constructor?: unknown }).constructor;
    if (typeof ctor === 'function' && ctor.name) names.add(`new ${ctor.name}`);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/**
 * "towel/src/index.ts:42": the innermost frame of `e`'s stack in the learner's
 * code, i.e. a TypeScript or JavaScript file outside the build directory and
 * outside node_modules, skipping the error's own constructor (so a
 * `throw new NotImplemented(...)` points at the throw, not the class).
 */
export function learnerLocation(e: unknown): string | undefined {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  const skip = constructorNames(e);
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const fn = m[1];
    let file = m[2] ?? '';
    if (fn !== undefined && skip.has(fn)) continue;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if (!path.isAbsolute(file)) continue; // node:internal/..., <anonymous>, native
    const f = slash(file);
    if (f.includes('/node_modules/')) continue;
    if (BUILD_DIR !== undefined && f.startsWith(`${slash(BUILD_DIR)}/`)) continue;
    if (!/\.[cm]?[jt]sx?$/.test(f)) continue;
    return `${shortPath(file)}:${m[3]}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Performance: paired measurement against a baseline in the same run
// ---------------------------------------------------------------------------

/** What a performance check measured. Times are medians per call. */
export interface Measurement {
  baseline: string;
  candidate: string;
  baseline_ns: number;
  candidate_ns: number;
  /** Median of the paired candidate/baseline ratios. */
  ratio: number;
  /** Median ratio of the baseline against itself: how noisy the machine was. */
  null_ratio: number;
  rounds: number;
  /** The reference solution's time per call on the candidate workload. */
  reference_ns?: number;
  /** Median of the paired learner/reference ratios on the candidate workload. */
  vs_reference?: number;
}

// ---------------------------------------------------------------------------
// You against the reference: the same check, bundled with the reference
// solution, builds the same workload; its `compare` hands over the candidate
// instead of measuring, and the learner's `compare` times the two in pairs.
// ---------------------------------------------------------------------------

const CAPTURE = Symbol.for('workshop.capture-reference');

interface Captured {
  candidate: () => void;
}

/** The reference's candidate for the running perf test, when there is one. */
let reference: Captured | undefined;

/**
 * Builds the reference's workload for perf test `id` from the bundle the
 * grader names, and keeps its candidate. The reference failing is our bug,
 * not the learner's: it only costs the comparison, and says so on stderr.
 */
async function captureReference(id: string): Promise<Captured | undefined> {
  const file = process.env.WORKSHOP_REFERENCE;
  if (file === undefined || file === '') return undefined;
  const slot = globalThis as unknown as Record<symbol, ((c: Captured) => void) | undefined>;
  let captured: Captured | undefined;
  try {
    const mod = (await import(pathToFileURL(file).href)) as { tests?: Test[] };
    const test = mod.tests?.find((t) => t.id === id && t.kind === 'perf');
    if (test === undefined) return undefined;
    phase("building the reference solution's test data");
    slot[CAPTURE] = (c) => {
      captured = c;
    };
    await test.fn();
  } catch (e) {
    fs.writeSync(2, `workshop: the reference solution could not run ${id}: ${describe(e)}\n`);
    return undefined;
  } finally {
    slot[CAPTURE] = undefined;
  }
  return captured;
}

// Long enough that a sub-millisecond call still fills a block several times
// over, short enough that the timed phase stays short: Deep Thought times six
// checks while nothing else runs (4 ms blocks made it 0.6 s of a 4.5 s check;
// 2 ms kept perf_fairness at 0 false failures in 50 runs).
const TARGET_BLOCK_NS = 2e6;
const ROUNDS = 15;
// After MIN_ROUNDS, a median ratio CLEAR times inside or outside the budget
// is a verdict noise does not flip; the remaining rounds would only make the
// learner wait.
const MIN_ROUNDS = 5;
const CLEAR = 2;

/** The running perf test's ratio budget, when the grader gave one. */
let budget: number | undefined;
/** With a gate: the file that says this test is ready for its timed calls. */
let readyFile: string | undefined;

/**
 * Names the part of a check that runs now, for the grader: a timeout reports
 * the last part named, so the learner knows where to look.
 */
export function phase(what: string): void {
  fs.writeSync(2, `workshop-phase: ${what}\n`);
}

/**
 * Says it is ready, then blocks until the grader writes a line on stdin: `go`,
 * or `skip` when the test is no longer wanted (it throws, and the next test
 * of the group reuses the data). Exits if no line will come.
 */
function awaitGo(ready: string): void {
  fs.writeFileSync(ready, '');
  const buf = Buffer.alloc(64);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      continue;
    }
    if (n === 0) process.exit(0);
    if (buf.subarray(0, n).includes(10)) {
      if (buf.subarray(0, n).toString().startsWith('skip')) throw new Error('skipped by the grader');
      return;
    }
  }
}
const MAX_CALIBRATE = 2 ** 24;
const MAX_ITERS = 2 ** 26;

/** Runs `f` `iters` times and returns the elapsed nanoseconds. */
function block(f: () => void, iters: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) f();
  return Number(process.hrtime.bigint() - start);
}

/**
 * How many calls of `f` fill one timing block (at least one).
 *
 * The per-call cost is the fastest of several blocks: being preempted only
 * ever adds time. Both sides of a comparison get blocks of the same length,
 * so an interruption is as likely to land on either side.
 */
function calibrate(f: () => void): number {
  let iters = 1;
  for (;;) {
    const t = block(f, iters);
    if (t >= TARGET_BLOCK_NS / 4 || iters >= MAX_CALIBRATE) break;
    iters *= 4;
  }
  let fastest = Infinity;
  for (let i = 0; i < 5; i++) fastest = Math.min(fastest, block(f, iters) / iters);
  return Math.min(Math.max(Math.ceil(TARGET_BLOCK_NS / Math.max(fastest, 0.1)), 1), MAX_ITERS);
}

// A candidate call this slow, and FAR times its budget over the baseline's,
// settles the verdict on two calls: ABBA rounds of it would run into the
// time limit, and a learner would see "timed out" instead of how slow.
const SLOW_CALL_NS = 1e8;
const FAR = 3;

/**
 * The faster of two candidate calls against the baseline, if that is far
 * over budget; the baseline against itself still says how quiet the machine was.
 */
function farTooSlow(baseline: () => void, candidate: () => void, itersA: number): Omit<Measurement, 'baseline' | 'candidate'> | undefined {
  if (budget === undefined) return undefined;
  const slow = Math.min(block(candidate, 1), block(candidate, 1));
  if (slow < SLOW_CALL_NS) return undefined;
  const nulls: number[] = [];
  const perA: number[] = [];
  for (let r = 0; r < MIN_ROUNDS; r++) {
    const a1 = block(baseline, itersA) / itersA;
    const a2 = block(baseline, itersA) / itersA;
    nulls.push(a2 / Math.max(a1, 1e-3));
    perA.push((a1 + a2) / 2);
  }
  const base = median(perA);
  const ratio = slow / Math.max(base, 1e-3);
  return ratio >= budget * FAR ? { baseline_ns: base, candidate_ns: slow, ratio, null_ratio: median(nulls), rounds: 1 } : undefined;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 === 1 ? (v[(n - 1) / 2] as number) : ((v[n / 2 - 1] as number) + (v[n / 2] as number)) / 2;
}

/**
 * ABBA rounds: each round times A, B, B, A blocks, so slow drifts of the
 * machine hit both sides alike; the verdict is the median paired ratio. The
 * two A blocks of a round also time the baseline against itself: the null
 * ratio, far from 1.0 when the machine was too noisy to trust the verdict.
 */
function abba(
  a: () => void,
  b: () => void,
  itersA: number,
  itersB: number,
  limit: number | undefined,
): { ratios: number[]; nulls: number[]; perA: number[]; perB: number[] } {
  const ratios: number[] = [];
  const nulls: number[] = [];
  const perA: number[] = [];
  const perB: number[] = [];
  const clear = () => {
    if (limit === undefined || ratios.length < MIN_ROUNDS) return false;
    const m = median(ratios);
    return m <= limit / CLEAR || m >= limit * CLEAR;
  };
  for (let r = 0; r < ROUNDS && !clear(); r++) {
    const a1 = block(a, itersA) / itersA;
    const b1 = block(b, itersB) / itersB;
    const b2 = block(b, itersB) / itersB;
    const a2 = block(a, itersA) / itersA;
    ratios.push((b1 + b2) / Math.max(a1 + a2, 1e-3));
    nulls.push(a2 / Math.max(a1, 1e-3));
    perA.push((a1 + a2) / 2);
    perB.push((b1 + b2) / 2);
  }
  return { ratios, nulls, perA, perB };
}

/**
 * Measures `candidate` against `baseline`, both called repeatedly. Each
 * function should do one unit of work and hand its result to `keep`.
 */
export function compare(baselineLabel: string, baseline: () => void, candidateLabel: string, candidate: () => void): Measurement {
  const capture = (globalThis as unknown as Record<symbol, ((c: Captured) => void) | undefined>)[CAPTURE];
  if (capture !== undefined) {
    // This is the reference's copy of the check: the learner's copy measures.
    capture({ candidate });
    return { baseline: baselineLabel, candidate: candidateLabel, baseline_ns: 0, candidate_ns: 0, ratio: 1, null_ratio: 1, rounds: 0 };
  }
  // Sizing the blocks (which also warms up the JIT) needs no quiet machine:
  // it runs before the gate, beside the correctness checks. A candidate whose
  // one call is already slow is sized after it, if at all.
  phase('sizing the timed blocks');
  const itersA = calibrate(baseline);
  let itersB = block(candidate, 1) < SLOW_CALL_NS ? calibrate(candidate) : undefined;
  const itersR = reference === undefined ? undefined : calibrate(reference.candidate);
  if (readyFile !== undefined) awaitGo(readyFile);
  phase('making the timed calls');
  if (itersB === undefined) {
    const slow = farTooSlow(baseline, candidate, itersA);
    if (slow !== undefined) {
      // Too slow to pair in rounds: its faster call against the reference's.
      const against = reference === undefined || itersR === undefined ? {} : slowAgainstReference(slow.candidate_ns, reference.candidate, itersR);
      return { baseline: baselineLabel, candidate: candidateLabel, ...slow, ...against };
    }
    itersB = calibrate(candidate);
  }
  block(baseline, itersA);
  block(candidate, itersB);
  const { ratios, nulls, perA, perB } = abba(baseline, candidate, itersA, itersB, budget);
  const measured: Measurement = {
    baseline: baselineLabel,
    candidate: candidateLabel,
    baseline_ns: median(perA),
    candidate_ns: median(perB),
    ratio: median(ratios),
    null_ratio: median(nulls),
    rounds: ratios.length,
  };
  if (reference !== undefined && itersR !== undefined) {
    // The reference is A, the learner B: the paired ratio is yours / theirs,
    // over all 15 rounds (two programs pair more noisily than one at two sizes).
    phase("timing the reference solution's calls beside yours");
    const pairs = abba(reference.candidate, candidate, itersR, itersB, undefined);
    measured.reference_ns = median(pairs.perA);
    measured.vs_reference = median(pairs.ratios);
  }
  return measured;
}

function slowAgainstReference(slowNs: number, candidate: () => void, iters: number): Pick<Measurement, 'reference_ns' | 'vs_reference'> {
  let fastest = Infinity;
  for (let i = 0; i < 3; i++) fastest = Math.min(fastest, block(candidate, iters) / iters);
  return { reference_ns: fastest, vs_reference: slowNs / Math.max(fastest, 1e-3) };
}

// A value stored here is observable from outside the measured function, so
// the JIT cannot drop the work that produced it.
const sink: unknown[] = new Array(16).fill(undefined);
let sinkIndex = 0;

/** Keeps a value alive and opaque to the optimizer. */
export function keep(value: unknown): void {
  sink[sinkIndex] = value;
  sinkIndex = (sinkIndex + 1) & 15;
}

// ---------------------------------------------------------------------------
// Running one test and reporting it
// ---------------------------------------------------------------------------

type Status = 'pass' | 'fail' | 'panic';

function record(id: string, status: Status, message: string, durationMs: number, perf?: Measurement): string {
  const out: Record<string, unknown> = { id, status, message, duration_ms: durationMs };
  if (perf !== undefined) {
    out.perf = {
      baseline: perf.baseline,
      candidate: perf.candidate,
      baseline_ns: perf.baseline_ns,
      candidate_ns: perf.candidate_ns,
      ratio: perf.ratio,
      null_ratio: perf.null_ratio,
      rounds: perf.rounds,
    };
    if (perf.vs_reference !== undefined) Object.assign(out.perf as object, { reference_ns: perf.reference_ns, vs_reference: perf.vs_reference });
  }
  // JSON.stringify writes NaN and Infinity as null, as the Rust harness does.
  return JSON.stringify(out);
}

/** Turns whatever a test threw into its status and message. */
function verdictOf(e: unknown): { status: Status; message: string } {
  if (e instanceof CheckFailure) return { status: 'fail', message: e.message };
  const at = learnerLocation(e);
  const where = at === undefined ? '' : ` at ${at}`;
  if (e instanceof TypeError && at !== undefined && MUTATION.test(e.message)) {
    return {
      status: 'fail',
      message:
        `your code changed the state it was given, in place (${e.message}${where}). ` +
        'Redux states are immutable: copy what you change (spread, or `[...list, id]`) and leave the old state as it was.',
    };
  }
  if (e instanceof Error && e.message.startsWith('not implemented')) {
    return { status: 'panic', message: `${e.message}${where}` };
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return { status: 'panic', message: `${describe(e)}${where} (endless recursion?)` };
  }
  return { status: 'panic', message: `${describe(e)}${where}` };
}

function isMeasurement(x: unknown): x is Measurement {
  return isObject(x) && typeof x.ratio === 'number' && typeof x.baseline === 'string' && typeof x.candidate === 'string';
}

/** Runs one test and returns its JSON record. Never throws. */
export async function runOne(test: Test): Promise<string> {
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
  try {
    reference = test.kind === 'perf' ? await captureReference(test.id) : undefined;
    if (test.kind === 'perf') phase('building the test data');
    const out: unknown = await test.fn();
    if (test.kind === 'perf') {
      if (!isMeasurement(out)) return record(test.id, 'panic', 'harness: a perf test must return a Measurement', elapsed());
      return record(test.id, 'pass', '', elapsed(), out);
    }
    return record(test.id, 'pass', '', elapsed());
  } catch (e) {
    const { status, message } = verdictOf(e);
    return record(test.id, status, message, elapsed());
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function die(message: string): never {
  process.stderr.write(`harness: ${message}\n`);
  process.exit(2);
}

/** The harness entry point: `main(tests)`. */
export async function main(tests: Test[]): Promise<void> {
  const ids = new Set<string>();
  for (const t of tests) {
    if (ids.has(t.id)) die(`two tests are named ${t.id}`);
    ids.add(t.id);
  }
  const find = (id: string) => tests.find((t) => t.id === id);
  const args = process.argv.slice(2);

  if (args.length === 1 && args[0] === '--list') {
    fs.writeSync(1, tests.map((t) => `${t.id}\n`).join(''));
  } else if (args.length >= 3 && args[0] === 'run') {
    const [, id, file, ...options] = args as [string, string, string, ...string[]];
    const test = find(id) ?? die(`no test named ${id}`);
    for (let i = 0; i < options.length; i++) {
      if (options[i] === '--budget' && i + 1 < options.length) budget = budgetOf(options[++i] as string);
      else die(`run: unknown option ${options[i]}`);
    }
    const line = await runOne(test);
    try {
      writeAtomic(file, line);
    } catch (e) {
      die(`cannot write ${file}: ${describe(e)}`);
    }
  } else if (args.length === 2 && args[0] === 'serve') {
    const dir = args[1] as string;
    const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const raw of lines) {
      const id = raw.trim();
      if (id === '') continue;
      const test = find(id);
      const line = test ? await runOne(test) : record(id, 'panic', `harness: no test named ${id}`, 0);
      try {
        writeAtomic(path.join(dir, `${id}.json`), line);
      } catch (e) {
        die(`cannot write a record in ${dir}: ${describe(e)}`);
      }
      fs.writeSync(1, `@@workshop done ${id}\n`);
    }
  } else if (args.length >= 2 && (args[0] === 'run-all' || args[0] === 'run-group')) {
    // run-all: every test in this one process, one record per test (the floor
    // the latency benchmark compares `workshop check` against). run-group:
    // the perf tests named, in order, each at its gate; a test reuses the data
    // the one before it built.
    const [mode, dir] = args as [string, string];
    const gated = mode === 'run-group' && args[2] === '--gate';
    const specs = new Map(
      args.slice(gated ? 3 : 2).map((spec) => {
        const at = spec.lastIndexOf('=');
        return at < 0 ? ([spec, undefined] as const) : ([spec.slice(0, at), budgetOf(spec.slice(at + 1))] as const);
      }),
    );
    const chosen = mode === 'run-all' ? tests : [...specs.keys()].map((id) => find(id) ?? die(`no test named ${id}`));
    for (const test of chosen) {
      budget = specs.get(test.id);
      const file = path.join(dir, `${test.id}.json`);
      readyFile = gated ? `${file}.ready` : undefined;
      const line = await runOne(test);
      try {
        writeAtomic(file, line);
      } catch (e) {
        die(`cannot write a record in ${dir}: ${describe(e)}`);
      }
    }
  } else {
    die('usage: harness --list | run <test-id> <record-file> [--budget <ratio>] | serve <record-dir> | run-all <dir> [<id>=<budget>...] | run-group <dir> [--gate] <id>[=<budget>]...');
  }
}

function budgetOf(text: string): number {
  const b = Number(text);
  return Number.isFinite(b) && b >= 1 ? b : die(`${text} is not a ratio budget (a number of at least 1)`);
}
