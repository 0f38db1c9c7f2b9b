/**
 * Step 6: the indexes behind search and the activity feed. Each answers from
 * what it needs, never from a scan of the store, and an update shares what it
 * does not change with the state before, so states stay immutable without
 * copying a million-entry table.
 */

import type { Activity, DocumentId, ElementId, UserId } from './index';

/** Runs of letters and digits, beyond ASCII too. */
const WORD = /[\p{Alphabetic}\p{N}]+/gu;

/** The distinct words of a text, lower-cased. */
export function wordsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const [word] of text.matchAll(WORD)) out.add(word.toLowerCase());
  return out;
}

/** One document's index: word -> the elements whose text holds it, each once. */
export type DocumentWords = ReadonlyMap<string, readonly ElementId[]>;

/**
 * The documents of a workspace whose index holds a word, newest first. A
 * list shared by later states: adding a document puts one node in front.
 */
export interface DocumentList {
  readonly documentId: DocumentId;
  readonly next: DocumentList | null;
}

/** A workspace's index: word -> the documents to look in. */
export type WorkspaceWords = ReadonlyMap<string, DocumentList>;

/** Builds a document's index from its elements (a bulk load). */
export function indexElements(elements: readonly { id: ElementId; text: string }[]): Map<string, ElementId[]> {
  const index = new Map<string, ElementId[]>();
  for (const { id, text } of elements) {
    const words = text.toLowerCase().match(WORD);
    if (words === null) continue;
    for (const word of words) {
      const list = index.get(word);
      if (list === undefined) index.set(word, [id]);
      // A word repeated in one text lists its element once: the list ends with it.
      else if (list[list.length - 1] !== id) list.push(id);
    }
  }
  // A list grown by push keeps spare room (17 slots for one id): give it back.
  for (const [word, list] of index) index.set(word, list.slice());
  return index;
}

/**
 * A document's index after some elements' texts changed: `changed` maps each
 * such element to its text before (`undefined` for a new element) and after.
 * Only the words an element gained or lost are touched.
 */
export function reindex(index: DocumentWords, changed: ReadonlyMap<ElementId, readonly [string | undefined, string]>): DocumentWords {
  let out: Map<string, readonly ElementId[]> | undefined;
  for (const [id, [before, after]] of changed) {
    const old = wordsOf(before ?? '');
    const now = wordsOf(after);
    for (const word of old) {
      if (now.has(word)) continue;
      out ??= new Map(index);
      const left = (out.get(word) ?? []).filter((x) => x !== id);
      if (left.length === 0) out.delete(word);
      else out.set(word, left);
    }
    for (const word of now) {
      if (old.has(word)) continue;
      out ??= new Map(index);
      out.set(word, [...(out.get(word) ?? []), id]);
    }
  }
  return out ?? index;
}

/** The workspace's index after `document`'s index went from `before` to `after`. */
export function relist(index: WorkspaceWords, document: DocumentId, before: DocumentWords, after: DocumentWords): WorkspaceWords {
  if (before === after) return index;
  let out: Map<string, DocumentList> | undefined;
  for (const word of after.keys()) {
    if (before.has(word)) continue;
    out ??= new Map(index);
    out.set(word, { documentId: document, next: out.get(word) ?? null });
  }
  for (const word of before.keys()) {
    if (after.has(word)) continue;
    out ??= new Map(index);
    // Rare (a document lost its last use of a word): rebuild that word's list.
    const kept: DocumentId[] = [];
    for (let at = out.get(word) ?? null; at !== null; at = at.next) if (at.documentId !== document) kept.push(at.documentId);
    const rebuilt = kept.reduceRight<DocumentList | null>((next, documentId) => ({ documentId, next }), null);
    if (rebuilt === null) out.delete(word);
    else out.set(word, rebuilt);
  }
  return out ?? index;
}

/**
 * A workspace's changes, newest first, as a list shared by later states:
 * appending puts one record in front and copies nothing. A record is `count`
 * changes by one user to one document, revisions `revision - count + 1` up to
 * `revision`, with `edits` edits each: a bulk load of n elements is one record.
 */
export interface Feed {
  readonly documentId: DocumentId;
  readonly userId: UserId;
  readonly revision: number;
  readonly count: number;
  readonly edits: number;
  readonly earlier: Feed | null;
}

/** The latest `limit` changes of a feed, newest first. */
export function latest(feed: Feed | null, limit: number): Activity[] {
  const out: Activity[] = [];
  for (let run = feed; run !== null && out.length < limit; run = run.earlier) {
    for (let k = 0; k < run.count && out.length < limit; k++) {
      out.push({ documentId: run.documentId, userId: run.userId, revision: run.revision - k, edits: run.edits });
    }
  }
  return out;
}
