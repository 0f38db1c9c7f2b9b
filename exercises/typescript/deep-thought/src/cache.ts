// ---------------------------------------------------------------------------
// Step 7: the state cache
// ---------------------------------------------------------------------------
//
// The seed's StateCache, with its three methods. A result is cached per
// query; invalidateCache(changed) drops exactly the cached results that
// depend on what changed (nothing else: a cache that drops everything is
// correct but useless), warmCache loads the popular ones again, and
// compressCache packs the ones nobody read lately into something smaller.

import {
  NotImplemented,
  type Activity,
  type CollaborationState,
  type DocumentId,
  type ElementId,
  type TenantId,
  type WorkspaceId,
} from './index';

/** A cacheable read: the select function of the same name, with the same arguments. */
export type CacheQuery =
  | { kind: 'documentElements'; tenantId: TenantId; documentId: DocumentId }
  | { kind: 'subtree'; tenantId: TenantId; documentId: DocumentId; elementId: ElementId }
  | { kind: 'activity'; tenantId: TenantId; workspaceId: WorkspaceId; limit: number };

/** What the select function returned: element ids, or activity entries. */
export type QueryResult = { kind: 'elements'; ids: ElementId[] } | { kind: 'activity'; entries: Activity[] };

/**
 * Something that changed, named with everything above it (the seed passes
 * bare ids; element ids are per document, so a bare id is ambiguous).
 * - `element`: its text, attributes, deletion, or its child list changed
 *   (an insert under it, a move in or out of it); a moved element is changed
 *   too, and so are both of its parents.
 * - `document`: anything in the document changed.
 * - `workspace`: anything in the workspace changed.
 */
export type EntityRef =
  | { kind: 'workspace'; tenantId: TenantId; workspaceId: WorkspaceId }
  | { kind: 'document'; tenantId: TenantId; workspaceId: WorkspaceId; documentId: DocumentId }
  | { kind: 'element'; tenantId: TenantId; workspaceId: WorkspaceId; documentId: DocumentId; elementId: ElementId };

export interface CacheStats {
  /** Reads answered from the cache (packed results included). */
  hits: number;
  /** Reads that ran the query. */
  misses: number;
  /** Results held now. */
  entries: number;
}

export class StateCache {
  /** `getState` gives the state every query reads (a Redux store's getState). */
  constructor(private readonly getState: () => CollaborationState) {}

  /**
   * The query's result: the cached one (a hit), or the select function's,
   * cached from now on (a miss). Every call counts exactly one hit or one
   * miss, and is one use of the query. Throws what the select function throws.
   */
  public get(query: CacheQuery): QueryResult {
    throw new NotImplemented('read through the cache');
  }

  /**
   * Drops the cached results that depend on what changed, and only those:
   * - `element` e of document d: d's element list, every cached subtree that
   *   holds e or is rooted at e (even one whose result is empty because its
   *   root was hidden), and the workspace's activity.
   * - `document` d: d's element list, all of d's subtrees, the workspace's activity.
   * - `workspace` w: everything cached about w.
   * Another tenant's or another workspace's results stay, as do those of
   * another document with the same element ids.
   */
  public invalidateCache(changed: readonly EntityRef[]): void {
    throw new NotImplemented('invalidate the cache');
  }

  /**
   * Loads again, from the current state, the workspace's queries asked at
   * least twice (uses counted by `get` since the cache was made, whatever was
   * invalidated since) that are not cached now, and resolves to how many it
   * loaded. A query that fails (a subtree of an element that does not exist)
   * is skipped and does not stop the others. Rejects with a CollabError for an unknown tenant or workspace,
   * another tenant's included.
   */
  public warmCache(tenant: TenantId, workspace: WorkspaceId): Promise<number> {
    throw new NotImplemented('warm the cache');
  }

  /**
   * Packs every cached result not read since the previous call (a result
   * cached since then counts as read) into a smaller form, and returns how
   * many it packed. A packed result reads back exactly, as a hit. Results of
   * thousands of ids (or activity entries) must take well under 60% of the
   * memory they took, ArrayBuffers included.
   */
  public compressCache(): number {
    throw new NotImplemented('compress the cache');
  }

  public stats(): CacheStats {
    throw new NotImplemented('cache stats');
  }
}
