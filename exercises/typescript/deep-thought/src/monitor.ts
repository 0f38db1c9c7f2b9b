// ---------------------------------------------------------------------------
// Step 8: the performance monitor
// ---------------------------------------------------------------------------
//
// The seed's PerformanceMonitor, with its three methods, and `regressions()`
// and `interaction()` to read what it found. Times are in milliseconds.

import { NotImplemented, type CollaborationState } from './index';

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
  /** Entries in every workspace's activity feed. */
  activities: number;
  /** Parent links: element -> parent element or document, document -> workspace, workspace -> tenant. */
  relationships: number;
  /** Approximate heap bytes of the whole state: within 4x of what it really takes is enough. */
  approxBytes: number;
}

/** Times in milliseconds. */
export interface InteractionStats {
  count: number;
  total: number;
  max: number;
}

export class PerformanceMonitor {
  /** `now` reads a clock in milliseconds (the checks pass their own); keep the default. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Runs `fn`, records how long it took under `selectorName` (read `now`
   * before and after), and returns what `fn` returned. A selector's first
   * REGRESSION_WINDOW timings are its baseline; after that, its latest
   * REGRESSION_WINDOW timings are its recent window.
   */
  public measureSelector<T>(selectorName: string, fn: () => T): T {
    throw new NotImplemented('measure a selector');
  }

  /**
   * The selectors whose recent window is full and whose recent median is
   * more than REGRESSION_FACTOR times their baseline median, sorted by name.
   * Medians, not means: one slow call is noise.
   */
  public regressions(): Regression[] {
    throw new NotImplemented('list regressions');
  }

  /** Counts entities per kind and estimates the state's heap size. */
  public analyzeStateSize(state: CollaborationState): StateAnalysis {
    throw new NotImplemented('analyze the state size');
  }

  /** Records one user interaction: an action and how long it took, in milliseconds. */
  public trackUserInteraction(action: string, duration: number): void {
    throw new NotImplemented('track an interaction');
  }

  /** Count, total and maximum of one action, or undefined when it was never tracked. */
  public interaction(action: string): InteractionStats | undefined {
    throw new NotImplemented('read an interaction');
  }
}
