//! Real-time collaboration through the central sequencer: a deterministic
//! network with seeded delays (in-order per link, like TCP), clients that
//! go offline and come back, and partitions of several clients at once.

use super::data::*;
use crate::harness::*;
use deep_thought::*;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

enum Msg {
    Up(Submit),
    Down(Broadcast),
}

pub struct Sim {
    /// What the simulation plays out, for failure messages.
    pub scenario: String,
    pub server: Server,
    pub clients: Vec<Client>,
    pub online: Vec<bool>,
    /// A message sent on an older connection is lost in transit.
    epoch: Vec<u64>,
    link_up: Vec<u64>,
    link_down: Vec<u64>,
    queue: BinaryHeap<Reverse<(u64, u64)>>,
    msgs: HashMap<u64, (usize, u64, Msg)>,
    next_msg: u64,
    pub now: u64,
    rng: Rng,
    max_delay: usize,
    pub submits: usize,
    /// When set, the server's document after each revision.
    pub trail: Option<Vec<(usize, Vec<Row>)>>,
}

impl Sim {
    pub fn new(doc: Document, clients: usize, seed: u64, max_delay: usize) -> Sim {
        Sim {
            scenario: String::from("a simulation"),
            server: Server::new(doc.clone()),
            clients: (0..clients).map(|i| Client::new(c(i as u64 + 1), doc.clone(), 0)).collect(),
            online: vec![true; clients],
            epoch: vec![0; clients],
            link_up: vec![0; clients],
            link_down: vec![0; clients],
            queue: BinaryHeap::new(),
            msgs: HashMap::new(),
            next_msg: 0,
            now: 0,
            rng: Rng::new(seed),
            max_delay,
            submits: 0,
            trail: None,
        }
    }

    /// Names the scenario in failure messages.
    pub fn named(mut self, scenario: &str) -> Sim {
        self.scenario = scenario.to_string();
        self
    }

    /// "in <scenario>, at tick <now>": where a failure happened.
    pub fn at(&self) -> String {
        format!("in {}, at tick {}", self.scenario, self.now)
    }

    fn send(&mut self, client: usize, msg: Msg) {
        let delay = 1 + self.rng.below(self.max_delay) as u64;
        let link = match msg {
            Msg::Up(_) => &mut self.link_up[client],
            Msg::Down(_) => &mut self.link_down[client],
        };
        let at = (self.now + delay).max(*link);
        *link = at;
        self.next_msg += 1;
        self.queue.push(Reverse((at, self.next_msg)));
        self.msgs.insert(self.next_msg, (client, self.epoch[client], msg));
    }

    pub fn pump(&mut self, i: usize) {
        if !self.online[i] {
            return;
        }
        while let Some(s) = self.clients[i].next_submit() {
            self.submits += 1;
            self.send(i, Msg::Up(s));
        }
    }

    pub fn edit(&mut self, i: usize, o: Operation) -> CheckResult {
        let copy = o.clone();
        let at = self.at();
        self.clients[i].edit(o).map_err(|err| {
            format!("{at}: client {i}'s edit() refused an edit that is valid on its document ({err:?})\n  operation: {copy:?}")
        })?;
        self.pump(i);
        Ok(())
    }

    /// Delivers everything due now, then lets a tick pass.
    pub fn step(&mut self) -> CheckResult {
        while let Some(Reverse((at, id))) = self.queue.peek().copied() {
            if at > self.now {
                break;
            }
            self.queue.pop();
            let Some((client, epoch, msg)) = self.msgs.remove(&id) else { continue };
            if epoch != self.epoch[client] || !self.online[client] {
                continue; // lost with the connection it was sent on
            }
            match msg {
                Msg::Up(s) => {
                    let at = self.at();
                    let what = format!(
                        "Submit {{ client: {:?}, seq: {}, base_rev: {} }} (server at revision {})\n  operation: {:?}",
                        s.client,
                        s.seq,
                        s.base_rev,
                        self.server.revision(),
                        s.op
                    );
                    let b = self.server.receive(s).map_err(|err| {
                        format!(
                            "{at}: the server's receive() refused {what}\n  error: {err:?}\n  Clients only submit edits that were valid on their own documents: either the client's next_submit() sent an operation that does not fit the revision it names, or the server transformed it wrongly past the operations sequenced since."
                        )
                    })?;
                    if let Some(trail) = self.trail.as_mut() {
                        trail.push(dump(self.server.document()));
                    }
                    for j in 0..self.clients.len() {
                        if self.online[j] {
                            self.send(j, Msg::Down(b.clone()));
                        }
                    }
                }
                Msg::Down(b) => {
                    self.clients[client].receive(&b);
                    self.pump(client);
                }
            }
        }
        self.now += 1;
        Ok(())
    }

    pub fn disconnect(&mut self, i: usize) {
        self.online[i] = false;
        self.epoch[i] += 1;
        self.clients[i].disconnect();
    }

    pub fn reconnect(&mut self, i: usize) {
        self.online[i] = true;
        self.epoch[i] += 1;
        let missed = self.server.history_since(self.clients[i].revision());
        self.clients[i].reconnect(&missed);
        self.pump(i);
    }

    /// Runs until every message is delivered and every online client is in sync.
    pub fn settle(&mut self) -> CheckResult {
        for _ in 0..200_000 {
            if self.queue.is_empty() {
                for i in 0..self.clients.len() {
                    self.pump(i);
                }
                if self.queue.is_empty() {
                    let stuck: Vec<usize> =
                        (0..self.clients.len()).filter(|i| self.online[*i] && !self.clients[*i].is_synced()).collect();
                    ensure!(
                        stuck.is_empty(),
                        "{}: the network is quiet but clients {stuck:?} still have unacknowledged edits (is_synced() is false) and next_submit() sends nothing",
                        self.at()
                    );
                    return Ok(());
                }
            }
            self.step()?;
        }
        Err(format!("{}: the simulation did not settle: messages kept flowing", self.at()))
    }

    /// Every client shows exactly the server's document.
    pub fn converged(&self) -> CheckResult {
        let server = dump(self.server.document());
        for (i, client) in self.clients.iter().enumerate() {
            ensure!(
                client.revision() == self.server.revision(),
                "{}, once settled: client {i} is at revision {} but the server is at {}",
                self.at(),
                client.revision(),
                self.server.revision()
            );
            let mine = dump(client.document());
            if mine != server {
                let first = mine.1.iter().zip(&server.1).position(|(a, b)| a != b);
                return Err(format!(
                    "{}, once settled: client {i} did not converge to the server's document ({} vs {} elements)\n  first difference: client {:?}\n                    server {:?}",
                    self.at(),
                    mine.0,
                    server.0,
                    first.map(|k| &mine.1[k]),
                    first.map(|k| &server.1[k]),
                ));
            }
        }
        Ok(())
    }
}

/// Each client's own elements and the words it typed into them: nobody else
/// edits that text, so every word must survive, wherever the element moves.
pub struct Writer {
    client: usize,
    own: Vec<ElementId>,
    next_id: u64,
    pub tokens: Vec<(ElementId, String)>,
}

impl Writer {
    pub fn new(client: usize) -> Writer {
        Writer { client, own: Vec::new(), next_id: (client as u64 + 1) * 1_000_000, tokens: Vec::new() }
    }

    fn token(&mut self) -> String {
        format!("c{}w{}", self.client, self.tokens.len())
    }

    /// Mostly writing into its own elements; sometimes moving, restyling or
    /// deleting anyone's.
    pub fn edit(&mut self, rng: &mut Rng, doc: &Document) -> Operation {
        let roll = rng.below(100);
        if roll < 20 || self.own.is_empty() {
            let visible = doc.visible_elements();
            let parent = if visible.is_empty() || rng.chance(40) { None } else { Some(rng.pick(&visible)) };
            let index = rng.below(doc.children(parent).len() + 1);
            self.next_id += 1;
            let id = e(self.next_id);
            let token = self.token();
            self.own.push(id);
            self.tokens.push((id, token.clone()));
            return op(vec![Edit::Insert { id, parent, index, text: format!("{token} ") }]);
        }
        if roll < 70 {
            let id = rng.pick(&self.own);
            let len = doc.element(id).map_or(0, |el| char_len(&el.text));
            let token = self.token();
            self.tokens.push((id, token.clone()));
            let pos = if rng.chance(50) { 0 } else { len };
            return op(vec![Edit::InsertText { id, pos, text: format!("{token} ") }]);
        }
        let mix = Mix { insert: 0, delete: 8, set_attr: 40, moves: 52, type_text: 0, erase: 0, visible_only: true };
        let mut unused = 0;
        op(vec![random_edit(rng, doc, &mut unused, mix)])
    }
}

fn nothing_lost(sim: &Sim, writers: &[Writer]) -> CheckResult {
    let doc = sim.server.document();
    for writer in writers {
        for (id, token) in &writer.tokens {
            let Some(el) = doc.element(*id) else {
                return Err(format!(
                    "{}: client {}'s element {id:?} is missing from the server's document",
                    sim.scenario, writer.client
                ));
            };
            ensure!(
                el.text.contains(token.as_str()),
                "{}: client {} typed {token:?} into its own element {id:?}, but the server's text is {:?}: an edit was lost",
                sim.scenario,
                writer.client,
                el.text
            );
        }
    }
    Ok(())
}

// Catches: a transform that breaks ties differently on the server and on
// the clients, acks matched to the wrong operation, and clients that apply
// server operations without rebasing their pending edits.
pub fn fifty_clients() -> CheckResult {
    let mut rng = Rng::new(0x50_C11E47);
    let base = random_doc(&mut rng, 30, 1);
    let mut sim = Sim::new(base, 50, 0xDE1A7, 30).named("the 50-client simulation (collab.fifty-clients)");
    let mix = Mix { insert: 25, delete: 5, set_attr: 12, moves: 8, type_text: 30, erase: 20, visible_only: true };
    let mut left = vec![30usize; 50];
    let mut next_ids: Vec<u64> = (0..50).map(|i| (i as u64 + 1) * 1_000_000).collect();
    while left.iter().any(|n| *n > 0) {
        for i in 0..50 {
            if left[i] > 0 && rng.chance(15) {
                left[i] -= 1;
                let o = random_op(&mut rng, sim.clients[i].document(), &mut next_ids[i], 1, mix);
                sim.edit(i, o)?;
            }
        }
        sim.step()?;
    }
    sim.settle()?;
    sim.converged()?;
    for (i, last) in next_ids.iter().enumerate() {
        for id in (i as u64 + 1) * 1_000_000 + 1..=*last {
            ensure!(
                sim.server.document().element(e(id)).is_some(),
                "{}: client {i}'s new element {id} never reached the server",
                sim.scenario
            );
        }
    }
    Ok(())
}

// Catches: a reconnect that drops the offline queue, or sends it without
// rebasing it on the operations missed meanwhile.
pub fn offline_rebase() -> CheckResult {
    let mut rng = Rng::new(0x0FF_1143);
    let base = random_doc(&mut rng, 12, 1);
    let mut sim = Sim::new(base, 8, 0xA5, 20).named("the offline simulation (client 0 offline from tick 5 to 300)");
    let mut writers: Vec<Writer> = (0..8).map(Writer::new).collect();
    for tick in 0..400u64 {
        if tick == 5 {
            sim.disconnect(0);
        }
        if tick == 300 {
            sim.reconnect(0);
        }
        for (i, writer) in writers.iter_mut().enumerate() {
            let budget = if i == 0 { 30 } else { 20 };
            if writer.tokens.len() < budget && tick < 290 && rng.chance(if i == 0 { 12 } else { 8 }) {
                let o = writer.edit(&mut rng, sim.clients[i].document());
                sim.edit(i, o)?;
            }
        }
        sim.step()?;
    }
    sim.settle()?;
    sim.converged()?;
    nothing_lost(&sim, &writers)
}

// Catches: in-flight operations forgotten when the connection drops, and
// queues that only survive one client being offline at a time.
pub fn partitions() -> CheckResult {
    let mut rng = Rng::new(0x9A27_1710);
    let base = random_doc(&mut rng, 16, 1);
    let n = 20;
    let mut sim =
        Sim::new(base, n, 0x5EED, 25).named("the partition simulation (four overlapping cuts, client 19 flapping)");
    let mut writers: Vec<Writer> = (0..n).map(Writer::new).collect();
    // (first client, last client + 1, cut at, heal at)
    let cuts = [(0, 5, 20, 120), (5, 10, 60, 200), (10, 13, 150, 260), (3, 7, 230, 330)];
    for tick in 0..420u64 {
        for &(from, to, cut, heal) in &cuts {
            for i in from..to {
                if tick == cut && sim.online[i] {
                    sim.disconnect(i);
                }
                if tick == heal && !sim.online[i] {
                    sim.reconnect(i);
                }
            }
        }
        // Client 19's connection flaps.
        if tick % 17 == 0 && tick < 380 {
            if sim.online[19] {
                sim.disconnect(19);
            } else {
                sim.reconnect(19);
            }
        }
        for (i, writer) in writers.iter_mut().enumerate() {
            if writer.tokens.len() < 25 && tick < 370 && rng.chance(8) {
                let o = writer.edit(&mut rng, sim.clients[i].document());
                sim.edit(i, o)?;
            }
        }
        sim.step()?;
    }
    for i in 0..n {
        if !sim.online[i] {
            sim.reconnect(i);
        }
    }
    sim.settle()?;
    sim.converged()?;
    nothing_lost(&sim, &writers)
}

fn mentions(o: &Operation, needle: &str) -> bool {
    format!("{o:?}").contains(needle)
}

// Catches: conflicts resolved silently (nothing in any log), and logs that
// blame the operation that won.
pub fn conflict_log() -> CheckResult {
    let mut base = Document::new();
    ok(
        base.apply(&op(vec![
            insert(1, None, 0, "the quick brown fox"),
            insert(2, None, 1, "two"),
            insert(3, None, 2, "three"),
            insert(5, None, 3, "five"),
        ])),
        "build the base",
    )?;
    let mut sim = Sim::new(base.clone(), 2, 0xB0B, 5).named("the conflict-log scenario (A offline, B online)");
    let (a, b) = (0, 1);
    sim.disconnect(a);
    // Offline, A types inside "quick", nests 2 in 3, and adds a word to 5.
    sim.edit(a, op(vec![type_text(1, 6, "LOST")]))?;
    let nest = move_edit(sim.clients[a].document(), e(2), Some(e(3)), 0);
    sim.edit(a, op(vec![nest]))?;
    sim.edit(a, op(vec![type_text(5, 4, " KEPT")]))?;
    // Online, B deletes "quick brown " and nests 3 in 2.
    sim.edit(b, op(vec![erase(1, 4, 12)]))?;
    let nest = move_edit(sim.clients[b].document(), e(3), Some(e(2)), 0);
    sim.edit(b, op(vec![nest]))?;
    sim.settle()?;
    sim.reconnect(a);
    sim.settle()?;
    sim.converged()?;

    let doc = sim.server.document();
    let (n, rows) = dump(doc);
    ensure!(
        rows.len() == n && rows.iter().all(|r| !r.text.starts_with('<')),
        "the tree is broken after the nesting moves: {rows:?}"
    );
    ensure_eq!(doc.element(e(1)).map(|el| el.text.clone()), Some("the fox".to_string()), "element 1's text");
    ensure_eq!(doc.element(e(5)).map(|el| el.text.clone()), Some("five KEPT".to_string()), "element 5's text");

    let mut log: Vec<Conflict> = sim.server.conflicts().to_vec();
    for client in &sim.clients {
        log.extend(client.conflicts().iter().cloned());
    }
    let (id_a, id_b) = (c(1), c(2));
    ensure!(
        log.iter().any(|x| x.client == id_a && !x.reason.trim().is_empty() && mentions(&x.submitted, "LOST")),
        "A's \"LOST\", typed inside text that B deleted, is gone, but no conflict log (server or client) records it with a reason: {log:?}"
    );
    ensure!(
        log.iter().any(|x| x.client == id_a && !x.reason.trim().is_empty() && mentions(&x.submitted, "Move")),
        "A's move of 2 into 3 (while B moved 3 into 2) was not applied as made, but no conflict log records it: {log:?}"
    );
    ensure!(
        !log.iter().any(|x| x.client == id_b),
        "B's operations were sequenced first and applied as made, yet the log records a conflict for B: {log:?}"
    );
    Ok(())
}

fn one_root(text: &str) -> Result<Document, String> {
    let mut doc = Document::new();
    ok(doc.apply(&op(vec![insert(1, None, 0, text)])), "build the document")?;
    Ok(doc)
}

fn submit(client: &mut Client, what: &str) -> Result<Submit, String> {
    some(client.next_submit(), what)
}

// Catches: a client with more than one operation in flight, one that sends
// while offline, sequence numbers that do not count from 1, a resend under a
// new number, and edits made meanwhile that are not sent as one operation.
pub fn client_protocol() -> CheckResult {
    let base = one_root("42")?;
    let mut server = Server::new(base.clone());
    let mut client = Client::new(c(7), base.clone(), 0);
    ensure!(client.is_synced(), "a new client has nothing to send: is_synced()");
    ensure!(client.next_submit().is_none(), "a new client's next_submit() should be None");

    ok(client.edit(op(vec![type_text(1, 2, "!")])), "client.edit (type \"!\")")?;
    ensure_eq!(text_of(client.document(), 1), "42!", "the client's document right after its edit (applied at once)");
    ensure!(!client.is_synced(), "after an edit, is_synced() should be false");
    let first = submit(&mut client, "next_submit() after the first edit")?;
    ensure_eq!(
        (first.client, first.seq, first.base_rev),
        (c(7), 1, 0),
        "the first Submit's (client, seq, base_rev): sequence numbers count from 1"
    );
    ok(client.edit(op(vec![type_text(1, 3, "?")])), "client.edit (type \"?\") while the first is in flight")?;
    ok(client.edit(op(vec![type_text(1, 0, "[")])), "client.edit (type \"[\") while the first is in flight")?;
    ensure!(
        client.next_submit().is_none(),
        "next_submit() while an operation is in flight should be None: at most one operation in flight"
    );

    let b1 = ok(server.receive(first), "server.receive(the first submit)")?;
    ensure_eq!(
        (b1.rev, b1.client, b1.seq),
        (1, c(7), 1),
        "the first Broadcast's (rev, client, seq): the first revision is 1"
    );
    client.receive(&b1);
    ensure_eq!(client.revision(), 1, "the client's revision after its own broadcast (the acknowledgement)");
    let second = submit(&mut client, "next_submit() after the acknowledgement")?;
    ensure_eq!((second.seq, second.base_rev), (2, 1), "the second Submit's (seq, base_rev)");
    let mut replay = Document::new();
    ok(replay.apply(&op(vec![insert(1, None, 0, "42!")])), "build a copy")?;
    ok(replay.apply(&second.op), "the second submit's operation, on the server's revision 1")?;
    ensure_eq!(
        text_of(&replay, 1),
        "[42!?",
        "the second submit: both edits made while the first was in flight, as one operation"
    );
    ensure!(client.next_submit().is_none(), "next_submit() with the second operation in flight should be None");

    // The connection drops before the server gets the second operation.
    client.disconnect();
    ok(client.edit(op(vec![type_text(1, 5, ".")])), "client.edit while offline")?;
    ensure!(client.next_submit().is_none(), "next_submit() while offline should be None");
    client.reconnect(&server.history_since(client.revision()));
    let resent = submit(&mut client, "next_submit() after reconnecting (the second operation never arrived)")?;
    ensure_eq!((resent.seq, resent.base_rev), (2, 1), "the resent Submit's (seq, base_rev): a resend keeps its number");
    let mut seq = resent.seq;
    let b2 = ok(server.receive(resent), "server.receive(the resend)")?;
    client.receive(&b2);
    // The edit made offline follows (or went with the resend).
    while let Some(next) = client.next_submit() {
        ensure!(next.seq > seq, "a Submit after seq {seq} has seq {}: sequence numbers only go up", next.seq);
        seq = next.seq;
        let b = ok(server.receive(next), "server.receive(the next submit)")?;
        client.receive(&b);
    }
    ensure!(client.is_synced(), "after every operation is acknowledged, is_synced() should be true");
    ensure_eq!(text_of(server.document(), 1), "[42!?.", "the server's text");
    ensure_eq!(text_of(client.document(), 1), "[42!?.", "the client's text");
    Ok(())
}

fn text_of(doc: &Document, id: u64) -> String {
    doc.element(e(id)).map(|el| el.text.clone()).unwrap_or_else(|| "<missing>".into())
}

// Catches: a server that applies a resend twice, accepts a base revision it
// has not reached, logs no refusal, or slices its history past the end.
pub fn server_sequencing() -> CheckResult {
    let base = one_root("ab")?;
    let mut server = Server::new(base);
    let s1 = Submit { client: c(1), seq: 1, base_rev: 0, op: op(vec![type_text(1, 0, "x")]) };
    let s2 = Submit { client: c(2), seq: 1, base_rev: 0, op: op(vec![type_text(1, 2, "y")]) };
    let b1 = ok(server.receive(s1.clone()), "server.receive(client 1, seq 1)")?;
    let b2 = ok(server.receive(s2), "server.receive(client 2, seq 1, made on revision 0)")?;
    ensure_eq!(
        (b1.rev, b2.rev, server.revision()),
        (1, 2, 2),
        "(first broadcast's rev, second's, the server's revision)"
    );
    ensure_eq!(
        text_of(server.document(), 1),
        "xaby",
        "the server's text after both (the second transformed past the first)"
    );
    ensure_eq!(
        b2.op.clone(),
        op(vec![type_text(1, 3, "y")]),
        "the second broadcast's operation: as applied, on revision 1"
    );
    ensure_eq!(server.history_since(0), vec![b1.clone(), b2.clone()], "history_since(0)");
    ensure_eq!(server.history_since(1), vec![b2.clone()], "history_since(1)");
    ensure_eq!(server.history_since(2), vec![], "history_since(2), the current revision");
    ensure_eq!(server.history_since(9), vec![], "history_since(9), past the current revision (no panic, nothing)");

    // Client 1 resends seq 1 (its acknowledgement was lost).
    if let Ok(b) = server.receive(s1) {
        ensure_eq!(b, b1, "a resend of (client 1, seq 1), already sequenced, may be answered with its broadcast again");
    }
    ensure_eq!(
        server.revision(),
        2,
        "the server's revision after a resend of an operation it already sequenced: not applied twice"
    );
    ensure_eq!(text_of(server.document(), 1), "xaby", "the server's text after the resend");

    let conflicts = server.conflicts().len();
    let future = Submit { client: c(3), seq: 1, base_rev: 5, op: op(vec![type_text(1, 0, "z")]) };
    ensure!(
        server.receive(future).is_err(),
        "server.receive of an operation based on revision 5, which the server (at 2) has not reached"
    );
    let bad = Submit { client: c(3), seq: 2, base_rev: 2, op: op(vec![type_text(1, 99, "z")]) };
    ensure!(
        server.receive(bad).is_err(),
        "server.receive of an operation typing at character 99 of a 4-character text"
    );
    ensure_eq!(
        (server.revision(), text_of(server.document(), 1)),
        (2, "xaby".to_string()),
        "the server after two refusals: (revision, text)"
    );
    let log = &server.conflicts()[conflicts..];
    ensure!(
        log.len() == 2 && log.iter().all(|x| x.client == c(3) && !x.reason.trim().is_empty()),
        "both refused operations should be in the server's conflict log, for client 3, with a reason: {log:?}"
    );
    Ok(())
}

// Catches: two concurrent writes of one attribute settled silently: the
// write that lost is in no conflict log.
pub fn attribute_conflict_logged() -> CheckResult {
    let base = one_root("the answer")?;
    let mut sim = Sim::new(base, 2, 0xA77, 5).named("the attribute-conflict scenario (A offline, B online)");
    let (a, b) = (0, 1);
    sim.disconnect(a);
    sim.edit(a, op(vec![Edit::SetAttr { id: e(1), key: "color".into(), value: Some("mauve".into()) }]))?;
    sim.edit(b, op(vec![Edit::SetAttr { id: e(1), key: "color".into(), value: Some("teal".into()) }]))?;
    sim.settle()?;
    sim.reconnect(a);
    sim.settle()?;
    sim.converged()?;
    let color = sim.server.document().element(e(1)).and_then(|el| el.attrs.get("color").cloned());
    ensure_eq!(
        color,
        Some("teal".to_string()),
        "the color after B's write (sequenced first) and A's (sequenced second)"
    );
    let mut log: Vec<Conflict> = sim.server.conflicts().to_vec();
    for client in &sim.clients {
        log.extend(client.conflicts().iter().cloned());
    }
    ensure!(
        log.iter().any(|x| x.client == c(1) && !x.reason.trim().is_empty() && mentions(&x.submitted, "mauve")),
        "A's write of color = \"mauve\" lost to B's \"teal\", sequenced first, but no conflict log (server or client) records it with a reason: {log:?}"
    );
    ensure!(
        !log.iter().any(|x| x.client == c(2)),
        "B's write was sequenced first and applied as made, yet the log records a conflict for B: {log:?}"
    );
    Ok(())
}
