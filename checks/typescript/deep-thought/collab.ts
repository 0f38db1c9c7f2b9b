// Real-time collaboration through the central sequencer: a deterministic
// network with seeded delays (in order per link, like TCP), clients that go
// offline and come back, and partitions of several clients at once. Twins of
// the Rust level's collab.* checks, with smaller edit counts (CONTRACT.md).

import { Rng } from '../gen';
import { crashed, deepFreeze, describe, ensure, ensureEq, fail, show } from '../harness';
import { D, T, applied, children, dump, e, erase, insert, isCollabError, move, op, pathOf, randomDoc, randomOp, remove, setAttr, text, typeText, world, type Operation, type State } from './data';
import * as L from './learner';

export const clientName = (i: number): L.ClientId => L.clientId(`c${i + 1}`);

/** A learner call that must not throw: a CollabError fails the check with `doing` (a function when costly to build). */
export function must<R>(f: () => R, doing: string | (() => string)): R {
  try {
    return f();
  } catch (err) {
    if (isCollabError(err)) fail(`${typeof doing === 'string' ? doing : doing()}: expected it to succeed, but it threw ${describe(err)}`);
    throw err;
  }
}

/** A learner call that must throw a CollabError (any code). */
export function mustRefuse(f: () => unknown, doing: string): void {
  let result: unknown;
  try {
    result = f();
  } catch (err) {
    if (isCollabError(err)) return;
    if (crashed(err)) throw err;
    fail(`${doing}\n  expected: a CollabError\n  actual:   ${describe(err)}`);
  }
  fail(`${doing}\n  expected: a CollabError\n  actual:   it returned ${show(result, 2)}`);
}

type Msg = { up: true; submit: L.Submit } | { up: false; broadcast: L.Broadcast };

interface Flight {
  client: number;
  /** A message sent on an older connection is lost in transit. */
  epoch: number;
  msg: Msg;
}

export class Sim {
  readonly server: L.CollaborationServer;
  readonly clients: L.CollaborationClient[];
  readonly online: boolean[];
  private readonly epoch: number[];
  private readonly linkUp: number[];
  private readonly linkDown: number[];
  /** Messages by the tick they arrive, each tick's in the order sent. */
  private readonly due = new Map<number, Flight[]>();
  private inFlight = 0;
  now = 0;
  private readonly rng: Rng;

  constructor(
    base: State,
    n: number,
    seed: number,
    private readonly maxDelay: number,
    /** What the simulation plays out, for failure messages. */
    readonly scenario: string,
  ) {
    this.server = new L.CollaborationServer(base);
    this.clients = Array.from({ length: n }, (_, i) => new L.CollaborationClient(clientName(i), base, 0));
    this.online = this.clients.map(() => true);
    this.epoch = this.clients.map(() => 0);
    this.linkUp = this.clients.map(() => 0);
    this.linkDown = this.clients.map(() => 0);
    this.rng = new Rng(seed);
  }

  at(): string {
    return `in ${this.scenario}, at tick ${this.now}`;
  }

  private send(client: number, msg: Msg): void {
    const links = msg.up ? this.linkUp : this.linkDown;
    const arrives = Math.max(this.now + 1 + this.rng.int(this.maxDelay), links[client] as number);
    links[client] = arrives;
    const list = this.due.get(arrives);
    const flight: Flight = { client, epoch: this.epoch[client] as number, msg };
    if (list) list.push(flight);
    else this.due.set(arrives, [flight]);
    this.inFlight += 1;
  }

  pump(i: number): void {
    if (!this.online[i]) return;
    for (let s = this.clients[i]?.nextSubmit(); s !== undefined; s = this.clients[i]?.nextSubmit()) {
      this.send(i, { up: true, submit: deepFreeze(s) });
    }
  }

  edit(i: number, o: Operation): void {
    must(() => this.clients[i]?.edit(o), () => `${this.at()}: client ${i}'s edit() of an operation valid on its own state\n  operation: ${show(o.edits, 6)}`);
    this.pump(i);
  }

  /** Delivers everything due now, then lets a tick pass. */
  step(): void {
    const flights = this.due.get(this.now) ?? [];
    this.due.delete(this.now);
    for (const { client, epoch, msg } of flights) {
      this.inFlight -= 1;
      if (epoch !== this.epoch[client] || !this.online[client]) continue;
      if (msg.up) {
        const s = msg.submit;
        const b = deepFreeze(
          must(
            () => this.server.receive(s),
            () => `${this.at()}: the server's receive() of { clientId: ${s.clientId}, seq: ${s.seq}, baseRevision: ${s.baseRevision} } (server at revision ${this.server.revision()})\n  operation: ${show(s.operation.edits, 6)}\n  Clients only submit edits that were valid on their own states: either nextSubmit() sent an operation that does not fit the revision it names, or the server transformed it wrongly past the operations sequenced since`,
          ),
        );
        this.clients.forEach((_, j) => {
          if (this.online[j]) this.send(j, { up: false, broadcast: b });
        });
      } else {
        const b = msg.broadcast;
        must(() => this.clients[client]?.receive(b), () => `${this.at()}: client ${client}'s receive() of the broadcast of revision ${b.revision} (from ${b.clientId}, seq ${b.seq})\n  operation: ${show(b.operation.edits, 6)}`);
        this.pump(client);
      }
    }
    this.now += 1;
  }

  disconnect(i: number): void {
    this.online[i] = false;
    this.epoch[i] = (this.epoch[i] as number) + 1;
    this.clients[i]?.disconnect();
  }

  reconnect(i: number): void {
    const client = this.clients[i] as L.CollaborationClient;
    this.online[i] = true;
    this.epoch[i] = (this.epoch[i] as number) + 1;
    const missed = deepFreeze(this.server.historySince(client.syncMetadata().revision));
    must(() => client.reconnect(missed), () => `${this.at()}: client ${i}'s reconnect() with the ${missed.length} broadcasts it missed`);
    this.pump(i);
  }

  /** Runs until every message is delivered and every online client is in sync. */
  settle(): void {
    for (let n = 0; n < 200_000; n++) {
      if (this.inFlight === 0) {
        this.clients.forEach((_, i) => this.pump(i));
        if (this.inFlight === 0) {
          const stuck = this.clients.flatMap((c, i) => (this.online[i] && c.syncMetadata().operationsQueue.length > 0 ? [i] : []));
          ensure(stuck.length === 0, `${this.at()}: the network is quiet, but clients ${stuck.join(', ')} still have unacknowledged edits (syncMetadata().operationsQueue is not empty) and nextSubmit() sends nothing`);
          return;
        }
      }
      this.step();
    }
    fail(`${this.at()}: the simulation did not settle: messages kept flowing`);
  }

  /** Every client shows exactly the server's document. */
  converged(): void {
    const server = dump(this.server.state());
    this.clients.forEach((client, i) => {
      const revision = client.syncMetadata().revision;
      ensure(revision === this.server.revision(), `${this.at()}, once settled: client ${i} is at revision ${revision} but the server is at ${this.server.revision()}`);
      const mine = dump(client.state());
      const k = mine.findIndex((row, j) => row !== server[j]);
      if (k >= 0 || mine.length !== server.length) {
        const first = k >= 0 ? k : Math.min(mine.length, server.length);
        fail(
          `${this.at()}, once settled: client ${i} did not converge to the server's document (${mine.length} vs ${server.length} rows)\n  first difference: client ${String(mine[first])}\n                    server ${String(server[first])}`,
        );
      }
    });
  }

  /** Every conflict logged, by the server and by every client. */
  conflicts(): L.ConflictResolution[] {
    return [...this.server.conflictLog, ...this.clients.flatMap((c) => c.conflictLog)];
  }
}

const num = (id: L.ElementId): number => Number(id.slice(1));

/**
 * Each client's own elements and the words it typed into them: nobody else
 * edits that text, so every word must survive, wherever the element moves.
 */
class Writer {
  private readonly own: number[] = [];
  private nextId: number;
  readonly tokens: [number, string][] = [];

  constructor(readonly client: number) {
    this.nextId = (client + 1) * 1_000_000;
  }

  /** Mostly writing into its own elements; sometimes moving, restyling or deleting anyone's. */
  edit(rng: Rng, s: State): Operation {
    const roll = rng.int(100);
    const token = `c${this.client}w${this.tokens.length}`;
    const visible = L.selectDocumentElements(s, T, D).map(num);
    if (roll < 20 || this.own.length === 0) {
      const parent = visible.length === 0 || rng.int(100) < 40 ? null : rng.pick(visible);
      const index = rng.int(children(s, parent === null ? null : e(parent)).length + 1);
      this.nextId += 1;
      this.own.push(this.nextId);
      this.tokens.push([this.nextId, token]);
      return op([insert(this.nextId, parent, index, `${token} `)]);
    }
    if (roll < 70 || visible.length === 0) {
      const id = rng.pick(this.own);
      this.tokens.push([id, token]);
      return op([typeText(id, rng.int(2) === 0 ? 0 : text(s, id).length, `${token} `)]);
    }
    const target = rng.pick(visible);
    const kind = rng.int(100);
    if (kind < 8) return op([remove(target)]);
    if (kind < 48) return op([setAttr(target, 'color', rng.pick(['teal', 'mauve', 'ochre']))]);
    const parents = [null, ...visible.filter((p) => !pathOf(s, e(p)).includes(e(target)))];
    const to = rng.pick(parents);
    const from = L.selectElement(s, T, D, e(target))?.parentId ?? null;
    const toId = to === null ? null : e(to);
    return op([move(s, target, to, rng.int(children(s, toId).length - (toId === from ? 1 : 0) + 1))]);
  }
}

function nothingLost(sim: Sim, writers: readonly Writer[]): void {
  const s = sim.server.state();
  for (const writer of writers) {
    for (const [id, token] of writer.tokens) {
      const t = text(s, id);
      ensure(t !== '<missing>', `${sim.scenario}: client ${writer.client}'s element e${id} is missing from the server's document`);
      ensure(t.includes(token), `${sim.scenario}: client ${writer.client} typed ${JSON.stringify(token)} into its own element e${id}, but the server's text is ${JSON.stringify(t)}: an edit was lost`);
    }
  }
}

// Catches: a transform that breaks ties differently on the server and on the
// clients, acknowledgements matched to the wrong operation, and clients that
// apply server operations without rebasing their pending edits.
export function fiftyClients(): void {
  const rng = new Rng(0x50c11e47);
  const sim = new Sim(randomDoc(rng, 16, 1), 50, 0xde1a7, 30, 'the 50-client simulation (collab.fifty-clients)');
  const left = Array.from({ length: 50 }, () => 3);
  const nextIds = Array.from({ length: 50 }, (_, i) => ({ n: (i + 1) * 1_000_000 }));
  while (left.some((n) => n > 0)) {
    for (let i = 0; i < 50; i++) {
      if ((left[i] as number) > 0 && rng.int(100) < 15) {
        left[i] = (left[i] as number) - 1;
        sim.edit(i, randomOp(rng, (sim.clients[i] as L.CollaborationClient).state(), nextIds[i] as { n: number }, 2));
      }
    }
    sim.step();
  }
  sim.settle();
  sim.converged();
  nextIds.forEach((last, i) => {
    for (let id = (i + 1) * 1_000_000 + 1; id <= last.n; id++) {
      ensure(text(sim.server.state(), id) !== '<missing>', `${sim.scenario}: client ${i}'s new element e${id} never reached the server`);
    }
  });
}

function oneRoot(t: string): State {
  return applied(world(), [op([insert(1, null, 0, t)])], 'build the document');
}

function submitOf(client: L.CollaborationClient, what: string): L.Submit {
  const s = client.nextSubmit();
  if (s === undefined) fail(`${what}: expected a Submit, got undefined`);
  return deepFreeze(s);
}

function queued(client: L.CollaborationClient): number {
  return client.syncMetadata().operationsQueue.length;
}

function meta(client: L.CollaborationClient): [number, boolean, number] {
  const m = client.syncMetadata();
  return [m.revision, m.online, m.operationsQueue.length];
}

// Catches: a client with more than one operation in flight, one that sends
// while offline, sequence numbers that do not count from 1, a resend under a
// new number, and edits made meanwhile that are not sent as one operation.
export function clientProtocol(): void {
  const base = oneRoot('42');
  const server = new L.CollaborationServer(base);
  const client = new L.CollaborationClient(L.clientId('c7'), base, 0);
  ensureEq(meta(client), [0, true, 0], "a new client's syncMetadata(): [revision, online, operationsQueue.length]");
  ensure(client.nextSubmit() === undefined, "a new client's nextSubmit() should be undefined");

  must(() => client.edit(op([typeText(1, 2, '!')])), 'client.edit (type "!")');
  ensureEq(text(client.state(), 1), '42!', "the client's state right after its edit (applied at once)");
  ensure(queued(client) > 0, "after an edit, syncMetadata().operationsQueue should not be empty");
  const first = submitOf(client, 'nextSubmit() after the first edit');
  ensureEq([first.clientId, first.seq, first.baseRevision], [L.clientId('c7'), 1, 0], "the first Submit's [clientId, seq, baseRevision]: sequence numbers count from 1");
  must(() => client.edit(op([typeText(1, 3, '?')])), 'client.edit (type "?") while the first is in flight');
  must(() => client.edit(op([typeText(1, 0, '[')])), 'client.edit (type "[") while the first is in flight');
  ensure(client.nextSubmit() === undefined, 'nextSubmit() while an operation is in flight should be undefined: at most one operation in flight');

  const b1 = deepFreeze(must(() => server.receive(first), 'server.receive(the first submit)'));
  ensureEq([b1.revision, b1.clientId, b1.seq], [1, L.clientId('c7'), 1], "the first Broadcast's [revision, clientId, seq]: the first revision is 1");
  client.receive(b1);
  ensureEq(client.syncMetadata().revision, 1, "the client's revision after its own broadcast (the acknowledgement)");
  const second = submitOf(client, 'nextSubmit() after the acknowledgement');
  ensureEq([second.seq, second.baseRevision], [2, 1], "the second Submit's [seq, baseRevision]");
  ensureEq(text(applied(oneRoot('42!'), [second.operation], "the second submit's operation, on the server's revision 1"), 1), '[42!?', 'the second submit: both edits made while the first was in flight, as one operation');
  ensure(client.nextSubmit() === undefined, 'nextSubmit() with the second operation in flight should be undefined');

  // The connection drops before the server gets the second operation.
  client.disconnect();
  must(() => client.edit(op([typeText(1, 5, '.')])), 'client.edit while offline');
  ensure(client.nextSubmit() === undefined, 'nextSubmit() while offline should be undefined');
  const offline = client.syncMetadata();
  ensureEq([offline.revision, offline.online], [1, false], 'syncMetadata() offline: [revision, online]');
  ensureEq(
    dump(applied(server.state(), offline.operationsQueue, "the client's operationsQueue, applied in turn on the server's state at its revision")),
    dump(client.state()),
    "the server's state plus the client's operationsQueue, against the client's state",
  );
  client.reconnect(deepFreeze(server.historySince(client.syncMetadata().revision)));
  const resent = submitOf(client, 'nextSubmit() after reconnecting (the second operation never arrived)');
  ensureEq([resent.seq, resent.baseRevision], [2, 1], "the resent Submit's [seq, baseRevision]: a resend keeps its number");
  let seq = resent.seq;
  client.receive(deepFreeze(must(() => server.receive(resent), 'server.receive(the resend)')));
  // The edit made offline follows (or went with the resend).
  for (let next = client.nextSubmit(); next !== undefined; next = client.nextSubmit()) {
    const s = deepFreeze(next);
    ensure(s.seq > seq, `a Submit after seq ${seq} has seq ${s.seq}: sequence numbers only go up`);
    seq = s.seq;
    client.receive(deepFreeze(must(() => server.receive(s), 'server.receive(the next submit)')));
  }
  ensureEq(meta(client), [server.revision(), true, 0], "syncMetadata() once every operation is acknowledged: [revision, online, operationsQueue.length]");
  ensureEq(text(server.state(), 1), '[42!?.', "the server's text");
  ensureEq(text(client.state(), 1), '[42!?.', "the client's text");

  // Offline again, with nothing in flight this time.
  client.disconnect();
  must(() => client.edit(op([typeText(1, 0, '>')])), 'client.edit while offline, nothing in flight');
  ensure(client.nextSubmit() === undefined, 'nextSubmit() while offline, with nothing in flight, should be undefined');
  client.reconnect(deepFreeze(server.historySince(client.syncMetadata().revision)));
  const last = submitOf(client, 'nextSubmit() after reconnecting');
  ensureEq([last.seq, last.baseRevision], [seq + 1, server.revision()], "the Submit of the edit made offline: [seq, baseRevision]");
  client.receive(deepFreeze(must(() => server.receive(last), 'server.receive(the edit made offline)')));
  ensureEq(meta(client), [server.revision(), true, 0], "syncMetadata() once that is acknowledged: [revision, online, operationsQueue.length]");
  ensureEq(text(client.state(), 1), '>[42!?.', "the client's text");
}

// Catches: a server that applies a resend twice, accepts a base revision it
// has not reached, logs no refusal, or slices its history wrongly.
export function serverSequencing(): void {
  const server = new L.CollaborationServer(oneRoot('ab'));
  const submit = (client: string, seq: number, baseRevision: number, o: Operation): L.Submit => deepFreeze({ clientId: L.clientId(client), seq, baseRevision, operation: o });
  const s1 = submit('c1', 1, 0, op([typeText(1, 0, 'x')]));
  const b1 = deepFreeze(must(() => server.receive(s1), 'server.receive(client c1, seq 1)'));
  const b2 = deepFreeze(must(() => server.receive(submit('c2', 1, 0, op([typeText(1, 2, 'y')]))), 'server.receive(client c2, seq 1, made on revision 0)'));
  ensureEq([b1.revision, b2.revision, server.revision()], [1, 2, 2], "[first broadcast's revision, second's, the server's revision]");
  ensureEq([b1.clientId, b1.seq, b2.clientId, b2.seq], [L.clientId('c1'), 1, L.clientId('c2'), 1], 'the broadcasts: [clientId, seq] of the first, then of the second');
  ensureEq(text(server.state(), 1), 'xaby', "the server's text after both (the second transformed past the first)");
  ensureEq(b2.operation.edits, [typeText(1, 3, 'y')], "the second broadcast's edits: as applied, on revision 1");
  ensureEq(server.historySince(0), [b1, b2], 'historySince(0)');
  ensureEq(server.historySince(1), [b2], 'historySince(1)');
  ensureEq(server.historySince(2), [], 'historySince(2), the current revision');
  ensureEq(server.historySince(9), [], 'historySince(9), past the current revision');

  const s3 = submit('c1', 2, 2, op([typeText(1, 4, '!')]));
  const b3 = deepFreeze(must(() => server.receive(s3), 'server.receive(client c1, seq 2, made on revision 2)'));
  ensureEq([b3.revision, text(server.state(), 1)], [3, 'xaby!'], "[the third broadcast's revision, the server's text]");

  // Client c1 resends seq 2, then seq 1 (their acknowledgements were lost).
  for (const [again, answer, seq] of [
    [s3, b3, 2],
    [s1, b1, 1],
  ] as const) {
    try {
      ensureEq(server.receive(again), answer, `a resend of (c1, seq ${seq}), already sequenced, may be answered with its broadcast again`);
    } catch (err) {
      if (!isCollabError(err)) throw err;
    }
    ensureEq([server.revision(), text(server.state(), 1)], [3, 'xaby!'], `the server's [revision, text] after a resend of (c1, seq ${seq}), which it already sequenced: not applied twice`);
  }

  const logged = server.conflictLog.length;
  mustRefuse(() => server.receive(submit('c3', 1, 5, op([typeText(1, 0, 'z')]))), 'server.receive of an operation based on revision 5, which the server (at 3) has not reached');
  mustRefuse(() => server.receive(submit('c3', 2, -1, op([typeText(1, 0, 'z')]))), 'server.receive of an operation based on revision -1');
  mustRefuse(() => server.receive(submit('c3', 3, 3, op([typeText(1, 99, 'z')]))), 'server.receive of an operation typing at position 99 of a 5-unit text');
  ensureEq([server.revision(), text(server.state(), 1)], [3, 'xaby!'], "the server's [revision, text] after three refusals");
  const log = server.conflictLog.slice(logged);
  ensure(
    log.length === 3 && log.every((x) => x.clientId === L.clientId('c3') && x.reason.trim() !== ''),
    `the three refused operations should be in the server's conflictLog, for client c3, with a reason: ${show(log, 3)}`,
  );
}

// Catches: a reconnect that drops the offline queue, or sends it without
// rebasing it on the operations missed meanwhile.
export function offlineRebase(): void {
  const rng = new Rng(0x0ff1143);
  const sim = new Sim(randomDoc(rng, 12, 1), 8, 0xa5, 20, 'the offline simulation (client 0 offline from tick 5 to 300)');
  const writers = Array.from({ length: 8 }, (_, i) => new Writer(i));
  for (let tick = 0; tick < 400; tick++) {
    if (tick === 5) sim.disconnect(0);
    if (tick === 300) sim.reconnect(0);
    writers.forEach((writer, i) => {
      if (writer.tokens.length < (i === 0 ? 24 : 14) && tick < 290 && rng.int(100) < (i === 0 ? 12 : 8)) {
        sim.edit(i, writer.edit(rng, (sim.clients[i] as L.CollaborationClient).state()));
      }
    });
    sim.step();
  }
  sim.settle();
  sim.converged();
  nothingLost(sim, writers);
}

// Catches: in-flight operations forgotten when the connection drops, and
// queues that only survive one client being offline at a time.
export function partitions(): void {
  const rng = new Rng(0x9a271710);
  const n = 20;
  const sim = new Sim(randomDoc(rng, 16, 1), n, 0x5eed, 25, 'the partition simulation (four overlapping cuts, client 19 flapping)');
  const writers = Array.from({ length: n }, (_, i) => new Writer(i));
  // [first client, last client + 1, cut at, heal at]
  const cuts = [
    [0, 5, 20, 120],
    [5, 10, 60, 200],
    [10, 13, 150, 260],
    [3, 7, 230, 330],
  ] as const;
  for (let tick = 0; tick < 420; tick++) {
    for (const [from, to, cut, heal] of cuts) {
      for (let i = from; i < to; i++) {
        if (tick === cut && sim.online[i]) sim.disconnect(i);
        if (tick === heal && !sim.online[i]) sim.reconnect(i);
      }
    }
    // Client 19's connection flaps.
    if (tick % 17 === 0 && tick < 380) {
      if (sim.online[19]) sim.disconnect(19);
      else sim.reconnect(19);
    }
    writers.forEach((writer, i) => {
      if (writer.tokens.length < 12 && tick < 370 && rng.int(100) < 8) sim.edit(i, writer.edit(rng, (sim.clients[i] as L.CollaborationClient).state()));
    });
    sim.step();
  }
  sim.online.forEach((up, i) => {
    if (!up) sim.reconnect(i);
  });
  sim.settle();
  sim.converged();
  nothingLost(sim, writers);
}

function mentions(o: Operation, needle: string): boolean {
  return JSON.stringify(o).includes(needle);
}

// Catches: conflicts resolved silently (nothing in any log), and logs that
// blame the operation that won.
export function conflictLog(): void {
  const base = applied(world(), [op([insert(1, null, 0, 'the quick brown fox'), insert(2, null, 1, 'two'), insert(3, null, 2, 'three'), insert(5, null, 3, 'five')])], 'build the base');
  const sim = new Sim(base, 4, 0xb0b, 5, 'the conflict-log scenario (A and C offline, B and D online)');
  const [a, b, c, d] = [0, 1, 2, 3];
  const stateOf = (i: number): State => (sim.clients[i] as L.CollaborationClient).state();
  sim.disconnect(a);
  sim.disconnect(c);
  // Offline, C moves 3 to the end of the root list.
  sim.edit(c, op([move(stateOf(c), 3, null, 3)]));
  // Offline, A types inside "quick", nests 2 in 3, and adds a word to 5.
  sim.edit(a, op([typeText(1, 6, 'LOST')]));
  sim.edit(a, op([move(stateOf(a), 2, 3, 0)]));
  sim.edit(a, op([typeText(5, 4, ' KEPT')]));
  // Online, B deletes "quick brown " and nests 3 in 2, while D sets an attribute of 1.
  sim.edit(b, op([erase(1, 4, 12)]));
  sim.edit(d, op([setAttr(1, 'size', 'large')]));
  sim.edit(b, op([move(stateOf(b), 3, 2, 0)]));
  sim.settle();
  sim.reconnect(a);
  sim.reconnect(c);
  sim.settle();
  sim.converged();

  const s = sim.server.state();
  const rows = dump(s);
  ensure(rows.length === 4 && rows.every((r) => !r.trimStart().startsWith('<')), `the tree is broken after the nesting moves: ${show(rows)}`);
  ensureEq(text(s, 1), 'the fox', "element 1's text");
  ensureEq(text(s, 5), 'five KEPT', "element 5's text");

  const log = sim.conflicts();
  ensure(
    log.some((x) => x.clientId === clientName(a) && x.reason.trim() !== '' && mentions(x.submitted, 'LOST')),
    `A's "LOST", typed inside text that B deleted, is gone, but no conflictLog (server or client) records it with a reason: ${show(log, 6)}`,
  );
  ensure(
    log.some((x) => x.clientId === clientName(a) && x.reason.trim() !== '' && mentions(x.submitted, '"move"')),
    `A's move of 2 into 3 (while B moved 3 into 2) was not applied as made, but no conflictLog records it: ${show(log, 6)}`,
  );
  ensure(
    log.some((x) => x.clientId === clientName(c) && x.reason.trim() !== '' && mentions(x.submitted, '"move"')),
    `C's move of 3 (while B moved 3 into 2, sequenced first) was dropped, but no conflictLog records it with a reason: ${show(log, 6)}`,
  );
  for (const [who, name] of [
    [b, 'B'],
    [d, 'D'],
  ] as const) {
    ensure(!log.some((x) => x.clientId === clientName(who)), `${name}'s operations were applied as made, yet a conflictLog records a conflict for ${name}: ${show(log, 6)}`);
  }
}

// Catches: two concurrent writes of one attribute settled silently: the
// write that lost is in no conflict log.
export function attributeConflictLogged(): void {
  const sim = new Sim(oneRoot('the answer'), 2, 0xa77, 5, 'the attribute-conflict scenario (A offline, B online)');
  const [a, b] = [0, 1];
  sim.disconnect(a);
  sim.edit(a, op([setAttr(1, 'color', 'mauve')]));
  sim.edit(b, op([setAttr(1, 'color', 'teal')]));
  sim.settle();
  sim.reconnect(a);
  sim.settle();
  sim.converged();
  ensureEq(L.selectElement(sim.server.state(), T, D, e(1))?.attributes.color, 'teal', "the color after B's write (sequenced first) and A's (sequenced second)");
  const log = sim.conflicts();
  ensure(
    log.some((x) => x.clientId === clientName(a) && x.reason.trim() !== '' && mentions(x.submitted, 'mauve')),
    `A's write of color = "mauve" lost to B's "teal", sequenced first, but no conflictLog (server or client) records it with a reason: ${show(log, 6)}`,
  );
  ensure(!log.some((x) => x.clientId === clientName(b)), `B's write was sequenced first and applied as made, yet a conflictLog records a conflict for B: ${show(log, 6)}`);
}
