// Innovation: two extensions that work, whichever two the learner picked.

import { CheckFailure, describe, fail } from '../harness';
import * as analytics from './analytics';
import * as extension from './extension';
import * as platforms from './platforms';
import * as plugins from './plugins';

type Suite = readonly [name: string, checks: readonly (() => void)[]];

/** Each extension's correctness checks, the quickest first. */
const EXTENSIONS: readonly Suite[] = [
  ['permissions', extension.PERMISSIONS_CHECKS],
  ['plugins', [plugins.observeOrder, plugins.veto, plugins.throwIsolated]],
  ['time travel', extension.TIME_TRAVEL_CHECKS],
  ['analytics', analytics.ANALYTICS_CHECKS],
  ['cross-platform sync', [platforms.converge, platforms.rendered, platforms.edits]],
];

/** Why one extension does not work yet, or undefined when all its checks pass. */
function broken([name, checks]: Suite): string | undefined {
  for (const check of checks) {
    try {
      check();
    } catch (e) {
      return `${name}: ${e instanceof CheckFailure ? (e.message.split('\n')[0] ?? '') : describe(e)}`;
    }
  }
  return undefined;
}

// Catches: a level finished with fewer than two working extensions.
export function twoExtensionsWork(): void {
  const working: string[] = [];
  const notYet: string[] = [];
  for (const suite of EXTENSIONS) {
    const why = broken(suite);
    if (why === undefined) working.push(suite[0]);
    else notYet.push(why);
    if (working.length === 2) return;
  }
  fail(`Innovation needs two working extensions; working: ${working.length === 0 ? 'none' : working.join(', ')}. Not working yet:\n  ${notYet.join('\n  ')}`);
}
