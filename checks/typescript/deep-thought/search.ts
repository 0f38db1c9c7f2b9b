// Search: twins of the Rust level's queries.search-* checks. Element ids are
// strings here, so results sort by string order ("e30" before "e5").

import { ensureEq } from '../harness';
import { D, T, U, W, applied, e, erase, insert, move, ok, op, refuses, remove, typeText, world, type Edit, type State } from './data';
import * as L from './learner';

const ARTHUR = L.userId('arthur');
const D2 = L.documentId('heart-of-gold');
const D3 = L.documentId('magrathea-ii');
const W2 = L.workspaceId('fjords');

type Hit = [L.DocumentId, L.ElementId];

export function hits(s: State, word: string, workspace: L.WorkspaceId = W): Hit[] {
  return L.selectSearch(s, T, workspace, word).map((h): Hit => [h.documentId, h.elementId]);
}

/** World plus arthur, a second document in W and a third in another workspace. */
function smallStore(): State {
  let s = world();
  s = ok(() => L.addUser(s, T, ARTHUR, 'Arthur'), 'addUser arthur');
  s = ok(() => L.addDocument(s, T, W, D2, 'Heart of Gold'), 'addDocument heart-of-gold');
  s = ok(() => L.addWorkspace(s, T, W2, 'Fjords'), 'addWorkspace fjords');
  return ok(() => L.addDocument(s, T, W2, D3, 'Magrathea II'), 'addDocument magrathea-ii');
}

const to = (s: State, document: L.DocumentId, user: L.UserId, edits: readonly Edit[], what: string): State =>
  applied(s, [{ ...op(edits), documentId: document, userId: user }], what);

// Catches: a case-sensitive index, substring matches, hits in index order
// rather than sorted, tombstones found, an index that text edits never
// update, another workspace's hits, and an index on a plain object that
// finds "constructor" in every workspace.
export function searchWords(): void {
  let s = smallStore();
  // Inserted in an order that is not the sorted one ("e30" < "e5").
  s = to(s, D2, U, [insert(5, null, 0, 'TOWEL-42'), insert(30, null, 1, 'towel Towels'), insert(12, null, 2, 'a towel42')], 'apply to heart-of-gold');
  s = to(s, D, U, [insert(9, null, 0, "Don't PANIC, Ñandú"), insert(3, 9, 0, 'towel'), insert(4, null, 1, 'towel again')], 'apply to earth');
  s = to(s, D3, U, [insert(1, null, 0, 'towel in another workspace, constructor')], 'apply to magrathea-ii (workspace fjords)');

  const towels: Hit[] = [
    [D, e(3)],
    [D, e(4)],
    [D2, e(30)],
    [D2, e(5)],
  ];
  ensureEq(hits(s, 'towel'), towels, 'selectSearch("towel"): whole words in any case, sorted by document id then element id as strings; "Towels" and "towel42" are other words, fjords is another workspace');
  ensureEq(hits(s, 'TOWEL'), towels, 'selectSearch("TOWEL"): any case');
  ensureEq(hits(s, 'panic'), [[D, e(9)]], 'selectSearch("panic") for the text "Don\'t PANIC, Ñandú"');
  ensureEq(hits(s, 'ÑANDÚ'), [[D, e(9)]], 'selectSearch("ÑANDÚ") for the text "Don\'t PANIC, Ñandú": any case, beyond ASCII too');
  ensureEq(hits(s, '42'), [[D2, e(5)]], 'selectSearch("42"): digits make words too ("TOWEL-42" holds it, "towel42" does not)');
  ensureEq(hits(s, 'towel42'), [[D2, e(12)]], 'selectSearch("towel42"): a run of letters and digits is one word');
  ensureEq(hits(s, 'towel', W2), [[D3, e(1)]], 'selectSearch in workspace fjords: its own hits only');
  ensureEq([hits(s, 'constructor'), hits(s, 'toString'), hits(s, 'hasOwnProperty')], [[], [], []], 'selectSearch of "constructor", "toString", "hasOwnProperty" in planets, where no text holds them');

  // Text edits keep the index up to date.
  s = to(s, D, ARTHUR, [typeText(4, 11, ' zaphod')], 'type " zaphod" at the end of e4');
  ensureEq(hits(s, 'zaphod'), [[D, e(4)]], 'selectSearch("zaphod") after typing it into e4');
  s = to(s, D, ARTHUR, [erase(4, 0, 6)], 'delete "towel " from the start of e4');
  ensureEq(hits(s, 'towel'), [[D, e(3)], [D2, e(30)], [D2, e(5)]], 'selectSearch("towel") after deleting the word from e4');
  s = to(s, D2, ARTHUR, [erase(30, 0, 6)], 'delete "towel " from e30, which still holds "Towels"');
  ensureEq(hits(s, 'towels'), [[D2, e(30)]], 'selectSearch("towels") after deleting the other word of e30');
  ensureEq(hits(s, 'towel'), [[D, e(3)], [D2, e(5)]], 'selectSearch("towel") after e30 lost it');
  s = to(s, D, ARTHUR, [erase(3, 2, 1)], 'delete the "w" of "towel" in e3');
  ensureEq(hits(s, 'towel'), [[D2, e(5)]], 'selectSearch("towel") after the text of e3 became "toel"');
  ensureEq(hits(s, 'toel'), [[D, e(3)]], 'selectSearch("toel"), the word e3 holds now');
  s = to(s, D, ARTHUR, [typeText(3, 2, 'w')], 'type the "w" back: e3 holds "towel" again');
  ensureEq(hits(s, 'towel'), [[D, e(3)], [D2, e(5)]], 'selectSearch("towel") after earth lost the word and got it back');
  ensureEq([hits(s, ''), hits(s, ' - ')], [[], []], 'selectSearch of "" and " - ", which hold no word');

  // Only visible elements are found.
  s = to(s, D, U, [insert(20, 9, 1, 'towel under nine')], 'insert e20 under e9');
  ensureEq(hits(s, 'nine'), [[D, e(20)]], 'selectSearch("nine") before any delete');
  s = to(s, D, U, [remove(9)], 'delete e9 (the parent of e3 and e20)');
  ensureEq(hits(s, 'panic'), [], 'selectSearch("panic") after its element e9 was deleted');
  ensureEq(hits(s, 'nine'), [], 'selectSearch("nine") after e9, the parent of e20, was deleted');
  s = to(s, D, U, [move(s, 20, null, 0)], 'move e20 out of the deleted e9, to the root list');
  ensureEq(hits(s, 'nine'), [[D, e(20)]], 'selectSearch("nine") after e20 moved out of the deleted e9');

  const nowhere = L.workspaceId('nowhere');
  refuses(() => L.selectSearch(s, T, nowhere, 'towel'), 'selectSearch in an unknown workspace', 'unknown-workspace', nowhere);
}

// Catches: a word index that lists an element twice: for a word repeated in
// one text (in any case), for an operation that inserts an element and then
// types into it, for a text edit that keeps a word, for a bulk-loaded text
// that repeats a word, and for a document that lost a word and got it back.
export function searchEachElementOnce(): void {
  let s = smallStore();
  const D6 = L.documentId('loaded');
  s = to(s, D2, U, [insert(7, null, 0, 'so long')], 'apply to heart-of-gold');
  s = to(s, D2, U, [insert(40, null, 1, 'Vogon vogon VOGON'), typeText(40, 17, ' poetry'), typeText(7, 7, ' long')], 'one operation: insert e40 "Vogon vogon VOGON", type " poetry" into it, type " long" into e7');
  ensureEq(hits(s, 'vogon'), [[D2, e(40)]], 'selectSearch("vogon") for e40, "Vogon vogon VOGON poetry": each element once, however often it holds the word');
  ensureEq(hits(s, 'poetry'), [[D2, e(40)]], 'selectSearch("poetry") after one operation inserted e40 and typed the word into it');
  ensureEq(hits(s, 'long'), [[D2, e(7)]], 'selectSearch("long") for e7, "so long long"');

  const el = (id: number, parent: number | null, text: string): L.NewElement => ({ id: e(id), parentId: parent === null ? null : e(parent), text });
  s = ok(() => L.bulkLoad(s, T, W, D6, 'loaded', U, [el(1, null, 'Vogon poetry, VOGON poetry'), el(2, 1, 'Éclair éclair ÉCLAIR'), el(3, null, 'poetry')]), 'bulkLoad the document "loaded"');
  ensureEq(hits(s, 'vogon'), [[D2, e(40)], [D6, e(1)]], 'selectSearch("vogon") after bulk-loading "Vogon poetry, VOGON poetry" as e1 of "loaded"');
  ensureEq(hits(s, 'poetry'), [[D2, e(40)], [D6, e(1)], [D6, e(3)]], 'selectSearch("poetry") after the bulk load');
  ensureEq(hits(s, 'ÉCLAIR'), [[D6, e(2)]], 'selectSearch("ÉCLAIR") for the bulk-loaded "Éclair éclair ÉCLAIR"');
  s = to(s, D6, ARTHUR, [erase(1, 0, 6)], 'delete "Vogon " from e1 of "loaded"');
  ensureEq(hits(s, 'vogon'), [[D2, e(40)], [D6, e(1)]], 'selectSearch("vogon") after deleting the first of two from e1 of "loaded" ("poetry, VOGON poetry" is left)');
  s = to(s, D6, ARTHUR, [erase(1, 8, 6)], 'delete "VOGON" from e1 of "loaded", its last "vogon"');
  ensureEq(hits(s, 'vogon'), [[D2, e(40)]], 'selectSearch("vogon") after "loaded" lost its last one');
  s = to(s, D6, ARTHUR, [typeText(1, 0, 'vogon ')], 'type "vogon " back into e1 of "loaded"');
  s = to(s, D2, ARTHUR, [typeText(40, 0, 'vogon ')], 'type one more "vogon " into e40');
  ensureEq(hits(s, 'vogon'), [[D2, e(40)], [D6, e(1)]], 'selectSearch("vogon") after "loaded" got the word back and e40 got one more');
}
