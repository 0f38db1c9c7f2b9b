// Live heap bytes, after a full garbage collection: the twin of the Rust
// checks' live_bytes (a counting allocator). Differences of a few hundred
// kilobytes or more are what the checks compare; V8's own noise is far less.

import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let collect: (() => void) | undefined;

function gc(): void {
  if (!collect) {
    // The harness runs without --expose-gc: switch it on, then fetch the
    // function from a fresh context, where the flag now applies.
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

/**
 * Bytes in use on the heap (and in ArrayBuffers) once everything
 * unreachable is collected. Pages are swept lazily after a collection, so
 * one reading can still count garbage: collect until two readings agree.
 */
export function liveBytes(): number {
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 12; i++) {
    gc();
    // ArrayBuffers live outside the heap: a cache packing into them pays too.
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    const now = heapUsed + arrayBuffers;
    if (Math.abs(now - last) < 16 * 1024) return now;
    last = now;
  }
  return last;
}
