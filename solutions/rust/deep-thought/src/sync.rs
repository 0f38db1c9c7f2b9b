//! The central sequencer and its clients.
//!
//! The server puts every operation in one order (its revision). A client
//! has at most one operation in flight; whatever it edits meanwhile is
//! composed into a buffer. Server operations from others are transformed
//! past the in-flight operation and the buffer, so the client's document
//! stays "server state + my pending edits". Offline, the buffer just grows;
//! on reconnect the missed server operations are replayed through the same
//! path, which rebases the queue.

use crate::ot::{compose, transform_noting};
use crate::{ClientId, Document, Element, ElementId, IdMap, OpError, Operation, KIND};

/// A client's operation, sent to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submit {
    pub client: ClientId,
    /// Counts the client's submits from 1; a resend keeps its number.
    pub seq: u64,
    /// The server revision the operation was made on.
    pub base_rev: u64,
    pub op: Operation,
}

/// An operation as the server sequenced it, sent to every client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// The server's revision after this operation (the first is 1).
    pub rev: u64,
    pub client: ClientId,
    pub seq: u64,
    /// The operation as applied: transformed onto revision `rev - 1`.
    pub op: Operation,
}

/// An operation that could not be applied as its author made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub client: ClientId,
    /// The submit it belongs to; 0 for edits still in the client's queue.
    pub seq: u64,
    /// Why, in words.
    pub reason: String,
    pub submitted: Operation,
    /// What was applied instead (empty if nothing was).
    pub applied: Operation,
}

/// The central sequencer for one document.
#[derive(Debug, Clone)]
pub struct Server {
    initial: Document,
    doc: Document,
    history: Vec<Broadcast>,
    conflicts: Vec<Conflict>,
    last_seq: IdMap<ClientId, u64>,
}

impl Server {
    pub fn new(doc: Document) -> Server {
        Server { initial: doc.clone(), doc, history: Vec::new(), conflicts: Vec::new(), last_seq: IdMap::default() }
    }

    pub fn revision(&self) -> u64 {
        self.history.len() as u64
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// Sequences one operation: transforms it past everything applied since
    /// its base revision, applies it and returns what to broadcast. A refused
    /// operation changes nothing and is recorded in the conflict log.
    pub fn receive(&mut self, msg: Submit) -> Result<Broadcast, OpError> {
        let last = self.last_seq.get(&msg.client).copied().unwrap_or(0);
        if msg.seq <= last {
            // Already sequenced: a resend. Hand back the same broadcast.
            return self
                .history
                .iter()
                .rev()
                .find(|b| b.client == msg.client && b.seq == msg.seq)
                .cloned()
                .ok_or(OpError::Stale);
        }
        let refuse = |server: &mut Server, reason: String, err: OpError| {
            server.conflicts.push(Conflict {
                client: msg.client,
                seq: msg.seq,
                reason,
                submitted: msg.op.clone(),
                applied: Operation::default(),
            });
            Err(err)
        };
        if msg.base_rev > self.revision() {
            return refuse(self, format!("base revision {} is in the future", msg.base_rev), OpError::Stale);
        }
        if msg.op.edits.len() > crate::MAX_EDITS {
            return refuse(self, "too many edits".into(), OpError::TooLarge);
        }
        let mut op = msg.op.clone();
        let mut lost: Vec<&'static str> = Vec::new();
        for earlier in &self.history[msg.base_rev as usize..] {
            op = transform_noting(&earlier.op, &op, &mut |why| lost.push(why)).1;
        }
        if let Err(e) = self.doc.apply(&op) {
            return refuse(self, format!("refused: {e:?}"), e);
        }
        if !lost.is_empty() {
            lost.dedup();
            self.conflicts.push(Conflict {
                client: msg.client,
                seq: msg.seq,
                reason: lost.join("; "),
                submitted: msg.op.clone(),
                applied: op.clone(),
            });
        }
        self.last_seq.insert(msg.client, msg.seq);
        let b = Broadcast { rev: self.revision() + 1, client: msg.client, seq: msg.seq, op };
        self.history.push(b.clone());
        Ok(b)
    }

    /// Every broadcast after revision `rev`, in order.
    pub fn history_since(&self, rev: u64) -> Vec<Broadcast> {
        self.history.get(rev as usize..).map_or_else(Vec::new, <[Broadcast]>::to_vec)
    }

    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Extension (time travel): the document as it was at revision `rev`,
    /// rebuilt by replaying the first `rev` operations.
    pub fn state_at(&self, rev: u64) -> Option<Document> {
        let ops = self.history.get(..usize::try_from(rev).ok()?)?;
        let mut doc = self.initial.clone();
        for b in ops {
            doc.apply(&b.op).ok()?;
        }
        Some(doc)
    }
}

/// One editor of the document.
#[derive(Debug, Clone)]
pub struct Client {
    id: ClientId,
    rev: u64,
    doc: Document,
    online: bool,
    next_seq: u64,
    /// Sent (or to be re-sent), not yet acknowledged.
    inflight: Option<(u64, Operation)>,
    /// Whether `inflight` has gone out on the current connection.
    sent: bool,
    /// Edits made since, composed into one operation.
    buffer: Option<Operation>,
    /// This client's edits that a rebase dropped or undid, and why.
    conflicts: Vec<Conflict>,
    /// The element kinds this client renders besides text; `None`: all.
    renders: Option<Vec<String>>,
}

impl Client {
    /// A client joining at `rev` with the server's document at that revision.
    pub fn new(id: ClientId, doc: Document, rev: u64) -> Client {
        Client {
            id,
            rev,
            doc,
            online: true,
            next_seq: 1,
            inflight: None,
            sent: false,
            buffer: None,
            conflicts: Vec::new(),
            renders: None,
        }
    }

    /// A client that renders text and the element kinds in `kinds` only
    /// (the cross-platform extension). It keeps and syncs every element all
    /// the same, but shows and edits only those it renders.
    pub fn with_capabilities(id: ClientId, doc: Document, rev: u64, kinds: &[&str]) -> Client {
        Client { renders: Some(kinds.iter().map(|k| k.to_string()).collect()), ..Client::new(id, doc, rev) }
    }

    fn renders(&self, element: &Element) -> bool {
        match (&self.renders, element.attrs.get(KIND)) {
            (None, _) | (_, None) => true,
            (Some(kinds), Some(kind)) => kind == "text" || kinds.contains(kind),
        }
    }

    /// Whether the element, or one of its ancestors, is of a kind this
    /// client does not render. Unknown elements are not hidden.
    fn hidden(&self, id: ElementId) -> bool {
        let mut at = self.doc.element(id);
        while let Some(element) = at {
            if !self.renders(element) {
                return true;
            }
            at = element.parent.and_then(|p| self.doc.element(p));
        }
        false
    }

    /// What this client shows: the visible elements in document order,
    /// without those of a kind it does not render, nor their subtrees.
    pub fn rendered(&self) -> Vec<ElementId> {
        let mut out = Vec::new();
        let mut stack: Vec<ElementId> = self.doc.children(None).iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            let Some(element) = self.doc.element(id) else { continue };
            if element.deleted || !self.renders(element) {
                continue;
            }
            out.push(id);
            stack.extend(self.doc.children(Some(id)).iter().rev());
        }
        out
    }

    pub fn id(&self) -> ClientId {
        self.id
    }

    /// The last server revision this client has seen.
    pub fn revision(&self) -> u64 {
        self.rev
    }

    /// What this client shows: the server's state plus its own pending edits.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// A local edit: applied at once (optimistically) and queued for the server.
    pub fn edit(&mut self, op: Operation) -> Result<(), OpError> {
        // What a client does not render, its user cannot have edited: such
        // an edit is refused as if the element were unknown.
        if self.renders.is_some() {
            for edit in &op.edits {
                if let Some(id) = edit.touched().into_iter().flatten().find(|id| self.hidden(*id)) {
                    return Err(OpError::UnknownElement(id));
                }
            }
        }
        self.doc.apply(&op)?;
        self.buffer = Some(match self.buffer.take() {
            None => op,
            Some(buffer) => compose(&buffer, &op),
        });
        Ok(())
    }

    /// The next message to send, if any: the in-flight operation when it has
    /// not gone out on this connection, else the buffer, once the previous
    /// operation is acknowledged. Nothing while offline.
    pub fn next_submit(&mut self) -> Option<Submit> {
        if !self.online {
            return None;
        }
        if self.inflight.is_none() {
            let op = self.buffer.take()?;
            self.inflight = Some((self.next_seq, op));
            self.next_seq += 1;
            self.sent = false;
        }
        if self.sent {
            return None;
        }
        self.sent = true;
        let (seq, op) = self.inflight.as_ref().expect("set above");
        Some(Submit { client: self.id, seq: *seq, base_rev: self.rev, op: op.clone() })
    }

    /// A broadcast from the server, delivered in revision order.
    pub fn receive(&mut self, msg: &Broadcast) {
        if msg.rev != self.rev + 1 {
            return; // seen already (or a gap, which an in-order link never makes)
        }
        self.rev = msg.rev;
        if msg.client == self.id && self.inflight.as_ref().is_some_and(|(seq, _)| *seq == msg.seq) {
            self.inflight = None; // our own operation, acknowledged
            return;
        }
        // The server's operation came first: rebase ours past it, and note
        // anything of ours the rebase drops.
        let mut op = msg.op.clone();
        if let Some((seq, inflight)) = self.inflight.as_mut() {
            let (op2, inflight2) = rebase(&op, inflight, self.id, *seq, &mut self.conflicts);
            *inflight = inflight2;
            op = op2;
        }
        if let Some(buffer) = self.buffer.as_mut() {
            let (op2, buffer2) = rebase(&op, buffer, self.id, 0, &mut self.conflicts);
            *buffer = buffer2;
            op = op2;
        }
        let applied = self.doc.apply(&op);
        debug_assert!(applied.is_ok(), "a transformed server operation applies: {applied:?}");
    }

    /// The connection is gone: edits queue up locally from now on.
    pub fn disconnect(&mut self) {
        self.online = false;
        self.sent = false;
    }

    /// Back online: catch up on what the server sequenced meanwhile (which
    /// rebases the queue), then send again whatever is still unacknowledged.
    pub fn reconnect(&mut self, missed: &[Broadcast]) {
        self.online = true;
        self.sent = false;
        for msg in missed {
            self.receive(msg);
        }
    }

    /// This client's edits that were dropped or undone while rebasing.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Nothing waits to be sent or acknowledged.
    pub fn is_synced(&self) -> bool {
        self.inflight.is_none() && self.buffer.is_none()
    }
}

/// Transforms `ours` past the server's `theirs`; a loss goes to `log`.
fn rebase(
    theirs: &Operation,
    ours: &Operation,
    client: ClientId,
    seq: u64,
    log: &mut Vec<Conflict>,
) -> (Operation, Operation) {
    let mut lost: Vec<&'static str> = Vec::new();
    let (theirs2, ours2) = transform_noting(theirs, ours, &mut |why| lost.push(why));
    if !lost.is_empty() {
        lost.dedup();
        log.push(Conflict { client, seq, reason: lost.join("; "), submitted: ours.clone(), applied: ours2.clone() });
    }
    (theirs2, ours2)
}
