// Step 8: the performance monitor: selector timings with regression
// detection, state size analysis and user interaction tracking.

import type { CollaborationState } from './index';

/** How many timings make a selector's baseline, and how many recent ones are compared with it. */
export const REGRESSION_WINDOW = 10;

/** A selector is flagged when its recent median exceeds its baseline median by more than this factor. */
export const REGRESSION_FACTOR = 3;

/** A selector that got slower; times in milliseconds. */
export interface Regression {
  selector: string;
  /** Median of its first REGRESSION_WINDOW timings. */
  baseline: number;
  /** Median of its latest REGRESSION_WINDOW timings. */
  recent: number;
}

/** Entity counts and an approximate size. */
export interface StateAnalysis {
  tenants: number;
  users: number;
  workspaces: number;
  documents: number;
  /** Every element, deleted ones included (they still take memory). */
  elements: number;
  activities: number;
  /** Parent links: element -> parent element or document, document -> workspace, workspace -> tenant. */
  relationships: number;
  /** Approximate heap bytes of the whole state. */
  approxBytes: number;
}

/** Times in milliseconds. */
export interface InteractionStats {
  count: number;
  total: number;
  max: number;
}

interface Timings {
  baseline: number[];
  /** The latest timings after the baseline, at most REGRESSION_WINDOW. */
  recent: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

// Rough V8 sizes on 64-bit: a header of three words, a word per field.
const WORD = 8;
const OBJECT = 3 * WORD;
/** A table entry in a dictionary-mode object: key, value, details, spare room. */
const TABLE_ENTRY = 5 * WORD;

function stringBytes(s: string): number {
  // eslint-disable-next-line no-control-regex
  const wide = /[^\u0000-\u00ff]/.test(s) ? 2 : 1;
  return 2 * WORD + s.length * wide;
}

/** An object's own size: its header, a word per field, and its strings. */
function rowBytes(row: object): number {
  let bytes = OBJECT;
  for (const value of Object.values(row)) bytes += WORD + (typeof value === 'string' ? stringBytes(value) : 0);
  return bytes;
}

export class PerformanceMonitor {
  private readonly selectors = new Map<string, Timings>();
  private readonly interactions = new Map<string, InteractionStats>();

  /** `now` reads a clock in milliseconds; tests may pass their own. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs `fn`, records how long it took under `selectorName`, and returns its result. */
  public measureSelector<T>(selectorName: string, fn: () => T): T {
    const start = this.now();
    try {
      return fn();
    } finally {
      this.record(selectorName, this.now() - start);
    }
  }

  private record(name: string, took: number): void {
    let t = this.selectors.get(name);
    if (!t) {
      t = { baseline: [], recent: [] };
      this.selectors.set(name, t);
    }
    if (t.baseline.length < REGRESSION_WINDOW) {
      t.baseline.push(took);
      return;
    }
    if (t.recent.length === REGRESSION_WINDOW) t.recent.shift();
    t.recent.push(took);
  }

  /** Selectors whose latest timings are more than REGRESSION_FACTOR times slower than their baseline, sorted by name. */
  public regressions(): Regression[] {
    const out: Regression[] = [];
    for (const [selector, t] of this.selectors) {
      if (t.recent.length < REGRESSION_WINDOW) continue;
      const r = { selector, baseline: median(t.baseline), recent: median(t.recent) };
      if (r.recent > REGRESSION_FACTOR * r.baseline) out.push(r);
    }
    return out.sort((a, b) => (a.selector < b.selector ? -1 : a.selector > b.selector ? 1 : 0));
  }

  /** Counts entities per kind and estimates the state's heap size. */
  public analyzeStateSize(state: CollaborationState): StateAnalysis {
    let bytes = 0;
    const rows = (table: object): number => {
      const n = Object.keys(table).length;
      bytes += OBJECT + n * TABLE_ENTRY;
      return n;
    };
    for (const table of [state.tenants, state.users, state.workspaces, state.documents]) {
      for (const row of Object.values(table)) bytes += rowBytes(row);
    }
    const [tenants, users, workspaces, documents] = [rows(state.tenants), rows(state.users), rows(state.workspaces), rows(state.documents)];
    let elements = 0;
    for (const table of Object.values(state.elements)) {
      elements += rows(table);
      for (const el of Object.values(table)) {
        const attributes = Object.entries(el.attributes);
        bytes += rowBytes(el) + OBJECT + attributes.length * TABLE_ENTRY;
        for (const [k, v] of attributes) bytes += stringBytes(k) + stringBytes(v);
      }
    }
    // Child lists: a slot per child, and an array header per list.
    for (const roots of Object.values(state.documentElements)) bytes += OBJECT + roots.length * WORD;
    for (const lists of Object.values(state.elementChildren)) {
      for (const list of Object.values(lists)) bytes += OBJECT + TABLE_ENTRY + list.length * WORD;
    }
    for (const list of Object.values(state.workspaceDocuments)) bytes += OBJECT + list.length * WORD;
    // The feed is a list of runs, newest first: one record covers `count` changes.
    let activities = 0;
    for (const feed of Object.values(state.activity)) {
      for (let run = feed; run !== null; run = run.earlier) {
        activities += run.count;
        bytes += rowBytes(run);
      }
    }
    const relationships = elements + documents + workspaces;
    return { tenants, users, workspaces, documents, elements, activities, relationships, approxBytes: bytes };
  }

  /** Records one user interaction: an action and how long it took, in milliseconds. */
  public trackUserInteraction(action: string, duration: number): void {
    const s = this.interactions.get(action);
    if (!s) {
      this.interactions.set(action, { count: 1, total: duration, max: duration });
      return;
    }
    s.count++;
    s.total += duration;
    s.max = Math.max(s.max, duration);
  }

  /** The stats of one action, or undefined when it was never tracked. */
  public interaction(action: string): InteractionStats | undefined {
    const s = this.interactions.get(action);
    return s && { ...s };
  }
}
