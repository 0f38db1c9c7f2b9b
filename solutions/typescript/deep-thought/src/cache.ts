// Step 7: the state cache. Each cached result files itself under the keys it
// depends on; invalidateCache turns what changed into keys and drops exactly
// the results filed there. Use counts outlive invalidation, so warmCache knows
// what is popular, and results not read for a while are packed into strings.

import {
  CollabError,
  selectActivity,
  selectDocumentElements,
  selectDocuments,
  selectSubtree,
  type Activity,
  type CollaborationState,
  type DocumentId,
  type ElementId,
  type TenantId,
  type UserId,
  type WorkspaceId,
} from './index';

/** A cacheable read: the select function of the same name. */
export type CacheQuery =
  | { kind: 'documentElements'; tenantId: TenantId; documentId: DocumentId }
  | { kind: 'subtree'; tenantId: TenantId; documentId: DocumentId; elementId: ElementId }
  | { kind: 'activity'; tenantId: TenantId; workspaceId: WorkspaceId; limit: number };

export type QueryResult = { kind: 'elements'; ids: ElementId[] } | { kind: 'activity'; entries: Activity[] };

/** Something that changed, named with everything above it. */
export type EntityRef =
  | { kind: 'workspace'; tenantId: TenantId; workspaceId: WorkspaceId }
  | { kind: 'document'; tenantId: TenantId; workspaceId: WorkspaceId; documentId: DocumentId }
  | { kind: 'element'; tenantId: TenantId; workspaceId: WorkspaceId; documentId: DocumentId; elementId: ElementId };

export interface CacheStats {
  hits: number;
  misses: number;
  /** Results held now. */
  entries: number;
}

type Stored = { packed: false; result: QueryResult } | { packed: true; kind: QueryResult['kind']; bytes: string };

interface Entry {
  stored: Stored;
  keys: string[];
  /** Read (or cached) since the last compressCache. */
  active: boolean;
}

const key = (...parts: string[]): string => parts.join('\u0000');

function queryKey(q: CacheQuery): string {
  switch (q.kind) {
    case 'documentElements':
      return key('elements', q.tenantId, q.documentId);
    case 'subtree':
      return key('subtree', q.tenantId, q.documentId, q.elementId);
    case 'activity':
      return key('activity', q.tenantId, q.workspaceId, String(q.limit));
  }
}

function run(state: CollaborationState, q: CacheQuery): QueryResult {
  switch (q.kind) {
    case 'documentElements':
      return { kind: 'elements', ids: selectDocumentElements(state, q.tenantId, q.documentId) };
    case 'subtree':
      return { kind: 'elements', ids: selectSubtree(state, q.tenantId, q.documentId, q.elementId) };
    case 'activity':
      return { kind: 'activity', entries: selectActivity(state, q.tenantId, q.workspaceId, q.limit) };
  }
}

/** The query's workspace, or undefined when the tenant does not hold it. */
function workspaceOf(state: CollaborationState, q: CacheQuery): WorkspaceId | undefined {
  if (q.kind === 'activity') return q.workspaceId;
  const doc = Object.hasOwn(state.documents, q.documentId) ? state.documents[q.documentId] : undefined;
  return doc?.tenantId === q.tenantId ? doc.workspaceId : undefined;
}

function keysOf(q: CacheQuery, workspace: WorkspaceId, result: QueryResult): string[] {
  const keys = [key('all', q.tenantId, workspace)];
  switch (q.kind) {
    case 'documentElements':
      keys.push(key('doc', q.tenantId, q.documentId));
      break;
    case 'subtree':
      // Filed under its root too: a hidden root gives an empty result.
      keys.push(key('subtrees', q.tenantId, q.documentId), key('el', q.tenantId, q.documentId, q.elementId));
      if (result.kind === 'elements') for (const id of result.ids) keys.push(key('el', q.tenantId, q.documentId, id));
      break;
    case 'activity':
      keys.push(key('content', q.tenantId, workspace));
      break;
  }
  return keys;
}

export class StateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, Set<string>>();
  private readonly uses = new Map<string, { query: CacheQuery; count: number }>();
  private hits = 0;
  private misses = 0;

  /** `getState` gives the state every query reads (a Redux store's getState). */
  constructor(private readonly getState: () => CollaborationState) {}

  /** The cached result, or runs the query and caches it. Throws what the select function throws. */
  public get(query: CacheQuery): QueryResult {
    const k = queryKey(query);
    const use = this.uses.get(k);
    if (use) use.count++;
    else this.uses.set(k, { query, count: 1 });
    const entry = this.entries.get(k);
    if (entry) {
      this.hits++;
      entry.active = true;
      return entry.stored.packed ? unpack(entry.stored) : entry.stored.result;
    }
    this.misses++;
    return this.load(this.getState(), k, query);
  }

  private load(state: CollaborationState, k: string, query: CacheQuery): QueryResult {
    const workspace = workspaceOf(state, query);
    const result = run(state, query);
    if (workspace === undefined) return result;
    const keys = keysOf(query, workspace, result);
    for (const dep of keys) {
      const set = this.byKey.get(dep);
      if (set) set.add(k);
      else this.byKey.set(dep, new Set([k]));
    }
    this.entries.set(k, { stored: { packed: false, result }, keys, active: true });
    return result;
  }

  private dropKey(dep: string): void {
    const queries = this.byKey.get(dep);
    if (!queries) return;
    this.byKey.delete(dep);
    for (const k of queries) {
      const entry = this.entries.get(k);
      if (!entry) continue;
      this.entries.delete(k);
      for (const other of entry.keys) if (other !== dep) this.byKey.get(other)?.delete(k);
    }
  }

  /** Drops exactly the results that depend on what changed. When an element's children change, the element counts as changed. */
  public invalidateCache(changed: readonly EntityRef[]): void {
    for (const c of changed) {
      switch (c.kind) {
        case 'workspace':
          this.dropKey(key('all', c.tenantId, c.workspaceId));
          break;
        case 'document':
          this.dropKey(key('doc', c.tenantId, c.documentId));
          this.dropKey(key('subtrees', c.tenantId, c.documentId));
          this.dropKey(key('content', c.tenantId, c.workspaceId));
          break;
        case 'element':
          this.dropKey(key('doc', c.tenantId, c.documentId));
          this.dropKey(key('el', c.tenantId, c.documentId, c.elementId));
          this.dropKey(key('content', c.tenantId, c.workspaceId));
      }
    }
  }

  /**
   * Loads the workspace's popular queries (asked at least twice) that are not
   * cached now, and resolves to how many it loaded. Rejects with a
   * CollabError for an unknown tenant or workspace.
   */
  public async warmCache(tenant: TenantId, workspace: WorkspaceId): Promise<number> {
    selectDocuments(this.getState(), tenant, workspace);
    let loaded = 0;
    for (const [k, { query, count }] of this.uses) {
      if (count < 2 || this.entries.has(k) || query.tenantId !== tenant) continue;
      // Yield between loads: warming never holds the event loop for long.
      await Promise.resolve();
      const state = this.getState();
      if (workspaceOf(state, query) !== workspace) continue;
      try {
        this.load(state, k, query);
        loaded++;
      } catch (err) {
        if (!(err instanceof CollabError)) throw err;
      }
    }
    return loaded;
  }

  /** Packs every result not read since the previous call (still readable, a little slower). Returns how many. */
  public compressCache(): number {
    let packed = 0;
    for (const entry of this.entries.values()) {
      if (!entry.active && !entry.stored.packed) {
        entry.stored = pack(entry.stored.result);
        packed++;
      }
      entry.active = false;
    }
    return packed;
  }

  public stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }
}

// -- Packing into one-byte strings: varints of 7 bits per character --------

function putNumber(out: string[], n: number): void {
  let rest = n;
  while (rest >= 0x40) {
    out.push(String.fromCharCode(0x40 | rest % 0x40));
    rest = Math.floor(rest / 0x40);
  }
  out.push(String.fromCharCode(rest));
}

class Reader {
  at = 0;
  constructor(readonly bytes: string) {}
  number(): number {
    let n = 0;
    for (let scale = 1; ; scale *= 0x40) {
      const c = this.bytes.charCodeAt(this.at++);
      n += (c % 0x40) * scale;
      if (c < 0x40) return n;
    }
  }
  text(length: number): string {
    this.at += length;
    return this.bytes.slice(this.at - length, this.at);
  }
}

/** An id ending in a number (no leading zero, safe to add to): its head and that number. */
const NUMBERED = /^([^]*?)(0|[1-9][0-9]{0,14})$/;

class IdCoder {
  prev = '';
  head: string | undefined = undefined;
  num = 0;
  /** Remembers `id` as the previous one. */
  saw(id: string): void {
    const m = NUMBERED.exec(id);
    this.prev = id;
    this.head = m?.[1];
    this.num = Number(m?.[2] ?? 0);
  }
}

/**
 * Ids against the one before: the same head with a number a small step
 * away (`e1041` after `e1040`) costs one character; any other id is
 * front-coded (how much of the previous id it shares, then the rest). The
 * first number says which: even for a step (zig-zag), odd for front coding.
 */
function packIds(ids: readonly string[], out: string[]): void {
  putNumber(out, ids.length);
  const c = new IdCoder();
  for (const id of ids) {
    const m = NUMBERED.exec(id);
    if (m && c.head !== undefined && m[1] === c.head) {
      const step = Number(m[2]) - c.num;
      putNumber(out, 2 * (step >= 0 ? 2 * step : -2 * step - 1));
    } else {
      let same = 0;
      while (same < c.prev.length && same < id.length && c.prev.charCodeAt(same) === id.charCodeAt(same)) same++;
      putNumber(out, 2 * same + 1);
      putNumber(out, id.length - same);
      out.push(id.slice(same));
    }
    c.saw(id);
  }
}

function unpackIds(r: Reader): string[] {
  const ids: string[] = [];
  const c = new IdCoder();
  for (let n = r.number(); n > 0; n--) {
    const tag = r.number();
    let id: string;
    if (tag % 2 === 0) {
      const zig = tag / 2;
      id = `${c.head ?? ''}${c.num + (zig % 2 === 0 ? zig / 2 : -(zig + 1) / 2)}`;
    } else {
      id = c.prev.slice(0, (tag - 1) / 2) + r.text(r.number());
    }
    ids.push(id);
    c.saw(id);
  }
  return ids;
}

/** Activity as runs: entries of one document and user, the same number of edits, revisions one apart (down or up). */
function packActivity(entries: readonly Activity[], out: string[]): void {
  const runs: [Activity, number, number][] = [];
  for (const a of entries) {
    const last = runs[runs.length - 1];
    const [head, count, dir] = last ?? [a, 0, -1];
    const same = last && head.documentId === a.documentId && head.userId === a.userId && head.edits === a.edits;
    if (same && count === 1 && Math.abs(a.revision - head.revision) === 1) {
      last[1] = 2;
      last[2] = a.revision - head.revision;
    } else if (same && head.revision + dir * count === a.revision) {
      last[1]++;
    } else {
      runs.push([a, 1, -1]);
    }
  }
  packIds(runs.map(([a]) => a.documentId), out);
  packIds(runs.map(([a]) => a.userId), out);
  let revision = 0;
  for (const [a, count, dir] of runs) {
    // Revisions as steps from the previous run's: small either way.
    const step = a.revision - revision;
    putNumber(out, step >= 0 ? 2 * step : -2 * step - 1);
    putNumber(out, a.edits);
    putNumber(out, 2 * count + (dir > 0 ? 1 : 0));
    revision = a.revision;
  }
}

function unpackActivity(r: Reader): Activity[] {
  const docs = unpackIds(r) as DocumentId[];
  const users = unpackIds(r) as UserId[];
  const entries: Activity[] = [];
  let last = 0;
  docs.forEach((documentId, i) => {
    const userId = users[i] as UserId;
    const zig = r.number();
    const revision = last + (zig % 2 === 0 ? zig / 2 : -(zig + 1) / 2);
    last = revision;
    const edits = r.number();
    const run = r.number();
    const dir = run % 2 === 1 ? 1 : -1;
    for (let k = 0; k < run >> 1; k++) entries.push({ documentId, userId, revision: revision + dir * k, edits });
  });
  return entries;
}

function pack(result: QueryResult): Stored {
  const out: string[] = [];
  if (result.kind === 'elements') packIds(result.ids, out);
  else packActivity(result.entries, out);
  // join builds one flat string, not a tree of pieces.
  return { packed: true, kind: result.kind, bytes: out.join('') };
}

function unpack(stored: { kind: QueryResult['kind']; bytes: string }): QueryResult {
  const r = new Reader(stored.bytes);
  return stored.kind === 'elements' ? { kind: 'elements', ids: unpackIds(r) as ElementId[] } : { kind: 'activity', entries: unpackActivity(r) };
}
