// The plugins extension: plugins are asked, then told, in the order added,
// may veto an operation, and one that throws is removed while the host goes
// on. Twins of the Rust level's extension.plugins-* checks; each is exported
// on its own so that an innovation check can run them.

import { ensure, ensureEq } from '../harness';
import { D, T, W, applied, dump, e, insert, op, refuses, text, typeText, world, type Operation, type State } from './data';
import { must } from './collab';
import * as L from './learner';

const U2 = L.userId('arthur');
const U3 = L.userId('ford');

/** e1 "alpha", e2 "beta" at revision 1, with two more users. */
function base(): State {
  let s = world();
  for (const [id, name] of [
    [U2, 'Arthur'],
    [U3, 'Ford'],
  ] as const) {
    const before = s;
    s = must(() => L.addUser(before, T, id, name), `addUser ${name}`);
  }
  return applied(s, [op([insert(1, null, 0, 'alpha'), insert(2, null, 1, 'beta')])], 'build the document');
}

const by = (user: L.UserId, o: Operation): Operation => ({ ...o, userId: user });

interface Probe {
  /** Vetoes an operation that types text holding this word. */
  veto?: string;
  /** Throws on this call of `check` (1: the first). */
  throwInCheck?: number;
  throwInApplied?: number;
  /** Leaves out a hook: plugins need not have both. */
  only?: 'check' | 'applied';
}

const line = (name: string, hook: string, o: Operation): string => `${name} ${hook} ${o.documentId} ${o.userId} ${o.edits.length} edits`;

/** A plugin that writes down each call in `log`. */
function probe(name: string, log: string[], p: Probe = {}): L.Plugin {
  let checks = 0;
  let applieds = 0;
  const check = (o: Operation, state: L.CollaborationState): string | undefined => {
    checks += 1;
    log.push(`${line(name, 'check', o)} on rev ${L.selectRevision(state, o.tenantId, o.documentId)}`);
    if (p.throwInCheck === checks) throw new Error(`plugin ${name} fails in check`);
    const word = p.veto;
    const vetoed = word !== undefined && o.edits.some((edit) => edit.kind === 'insertText' && edit.text.includes(word));
    return vetoed ? `${name} vetoes it` : undefined;
  };
  const appliedHook = (o: Operation, revision: number, state: L.CollaborationState): void => {
    applieds += 1;
    log.push(`${line(name, 'applied', o)} rev ${revision}, state at rev ${L.selectRevision(state, o.tenantId, o.documentId)}`);
    if (p.throwInApplied === applieds) throw new Error(`plugin ${name} fails in applied`);
  };
  if (p.only === 'check') return { check };
  if (p.only === 'applied') return { applied: appliedHook };
  return { check, applied: appliedHook };
}

const told = (names: readonly string[], o: Operation, revision: number): string[] =>
  names.map((n) => `${line(n, 'applied', o)} rev ${revision}, state at rev ${revision}`);

/** Empties `log`, returning its `applied` lines. */
function takeApplied(log: string[]): string[] {
  return log.splice(0).filter((l) => l.includes(' applied '));
}

function apply(host: L.PluginHost, o: Operation, what: string): number {
  return must(() => host.apply(o), what);
}

function typing(t: string, user = U2): Operation {
  return by(user, op([typeText(2, 0, t)]));
}

// Catches: plugins called in another order than added, told before every
// check is done, told of an operation the host refused, a hook left out
// treated as a failure, or the wrong revision or state passed on.
export function observeOrder(): void {
  const log: string[] = [];
  const host = new L.PluginHost(base());
  ['A', 'B', 'C'].forEach((name, k) => ensureEq(host.addPlugin(probe(name, log)), k, `addPlugin's number for plugin ${name}`));
  ensureEq(host.addPlugin(probe('W', log, { only: 'applied' })), 3, "addPlugin's number for plugin W (it has no check)");
  ensureEq(host.plugins(), [0, 1, 2, 3], 'plugins() after adding four');
  const o = by(U2, op([typeText(2, 0, 'so '), insert(4, null, 2, 'long')]));
  ensureEq(apply(host, o, 'apply through the host'), 2, 'the revision apply returns (the state was at 1)');
  const want = [...['A', 'B', 'C'].map((n) => `${line(n, 'check', o)} on rev 1`), ...told(['A', 'B', 'C', 'W'], o, 2)];
  ensureEq(log.splice(0), want, 'the plugins\' calls for one operation: every check in order (W has none), then every applied');
  ensureEq(text(host.state(), 4), 'long', "element e4 in the host's state after the operation");
  ensureEq(host.plugins(), [0, 1, 2, 3], 'plugins() after an operation (a plugin without check is not a failing one)');

  const bad = by(U3, op([typeText(99, 0, 'x')]));
  refuses(() => host.apply(bad), 'typing into unknown element e99, through the host', 'unknown-element');
  const wrongly = takeApplied(log);
  ensure(wrongly.length === 0, `an operation the host refused was reported as applied: ${wrongly.join('; ')}`);

  const next = typing('and ', U3);
  ensureEq(apply(host, next, 'apply'), 3, 'the next revision');
  ensureEq(takeApplied(log), told(['A', 'B', 'C', 'W'], next, 3), "the plugins told of the next operation (ford's), in order");
}

// Catches: a veto that comes after the change (the state, its revision or
// the feed already changed), plugins asked after the veto, or a vetoed
// operation reported as applied.
export function veto(): void {
  const log: string[] = [];
  const host = new L.PluginHost(base());
  host.addPlugin(probe('A', log));
  host.addPlugin(probe('B', log, { veto: 'vogon', only: 'check' }));
  host.addPlugin(probe('C', log));
  const before = host.state();
  const poem = by(U2, op([typeText(1, 0, 'fine '), typeText(2, 0, 'vogon ')]));
  refuses(() => host.apply(poem), 'plugin 1 vetoes text holding "vogon": apply', 'vetoed');
  const after = host.state();
  ensureEq(dump(after), dump(before), 'the document after a vetoed operation');
  ensureEq(L.selectRevision(after, T, D), 1, 'the revision after a vetoed operation');
  ensureEq(L.selectActivity(after, T, W, 10), L.selectActivity(before, T, W, 10), 'the activity feed after a vetoed operation');
  ensureEq(log.splice(0), [`${line('A', 'check', poem)} on rev 1`, `${line('B', 'check', poem)} on rev 1`], 'the calls for a vetoed operation: A and B asked, nobody after the veto, nobody told');
  ensureEq(host.plugins(), [0, 1, 2], 'plugins() after a veto (a veto is not a failure)');
  const fine = typing('fine ');
  ensureEq(apply(host, fine, 'apply after the veto'), 2, 'the revision after a vetoed operation (the veto must not use one up)');
  ensureEq(takeApplied(log), told(['A', 'C'], fine, 2), 'the plugins told of the operation after the veto');
}

// Catches: a plugin's throw that escapes apply, that leaves the operation
// half-done, undone after the fact, or the plugin installed, or that stops
// the plugins after it.
export function throwIsolated(): void {
  const log: string[] = [];
  const host = new L.PluginHost(base());
  host.addPlugin(probe('A', log));
  host.addPlugin(probe('P', log, { throwInCheck: 2 }));
  host.addPlugin(probe('C', log));
  apply(host, typing('one '), 'apply');
  log.length = 0;

  const before = host.state();
  refuses(() => host.apply(typing('two ')), 'plugin 1 throws in check: apply (the throw must not escape: refuse the operation)', 'vetoed');
  ensureEq(dump(host.state()), dump(before), 'plugin 1 threw in check: the document after the refused operation');
  ensureEq(host.plugins(), [0, 2], 'plugins() after plugin 1 threw in check');
  const three = typing('three ');
  ensureEq(apply(host, three, 'apply after plugin 1 threw'), 3, 'the revision after the refused operation');
  ensureEq(takeApplied(log), told(['A', 'C'], three, 3), 'the plugins told of the next operation');
  ensure(!log.some((l) => l.startsWith('P')), `plugin 1 was called again after it threw: ${log.join('; ')}`);
  log.length = 0;

  ensureEq(host.addPlugin(probe('Q', log, { throwInApplied: 1 })), 3, "addPlugin's number for the fourth plugin added (numbers are not reused)");
  ensureEq(host.addPlugin(probe('R', log)), 4, "addPlugin's number for the fifth");
  const four = typing('four ');
  ensureEq(apply(host, four, 'apply, with plugin 3 throwing in applied'), 4, 'the revision of the operation plugin 3 threw after');
  ensureEq(text(host.state(), 2), 'four three one beta', "element e2 after the operation plugin 3 threw after (it stays applied)");
  ensureEq(takeApplied(log), told(['A', 'C', 'Q', 'R'], four, 4), 'the plugins told of that operation: R, after the one that threw, too');
  ensureEq(host.plugins(), [0, 2, 4], 'plugins() after plugin 3 threw in applied');
  const five = typing('five ');
  ensureEq(apply(host, five, 'apply'), 5, 'the next revision');
  ensureEq(takeApplied(log), told(['A', 'C', 'R'], five, 5), 'the plugins told of the operation after plugin 3 threw');
  ensureEq(L.selectElement(host.state(), T, D, e(2))?.text, 'five four three one beta', "element e2 at the end");
}
