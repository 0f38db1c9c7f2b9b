//! Seeded random sequences of sends, edits, confirmations, failures,
//! rollbacks, syncs, deletions, receipts, typing and membership changes.
//! After every step every invariant holds (see `data::invariants`), and the
//! messages table holds exactly the ids it should.

use super::data::*;
use crate::harness::*;
use improbability_drive::*;
use std::collections::BTreeSet;

const SEEDS: [u64; 8] = [1, 42, 2024, 31337, 8_675_309, 0xD0_17_BA_11, 77_777, 123_456_789];
const STEPS: usize = 150;
const CHANNELS: [&str; 3] = ["c0", "c1", "c2"];
const USERS: [&str; 6] = ["arthur", "ford", "zaphod", "trillian", "marvin", "eddie"];

struct Run {
    seed: u64,
    rng: Rng,
    state: ChatState,
    /// The ids the messages table should hold.
    expected: BTreeSet<MessageId>,
    clock: u64,
    counter: u64,
    recent: Vec<String>,
}

fn sorted<T: Ord + Clone>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = items.collect();
    v.sort();
    v
}

impl Run {
    fn new(seed: u64) -> Result<Run, String> {
        let mut rng = Rng::new(seed);
        let mut members = Vec::new();
        for (i, c) in CHANNELS.iter().enumerate() {
            for (j, u) in USERS.iter().enumerate() {
                if (i + j) % 3 != 2 || rng.chance(30) {
                    members.push((cid(c), uid(u)));
                }
            }
        }
        let mut messages: Vec<Message> = Vec::new();
        for i in 0..12u64 {
            let c = CHANNELS[(i % 3) as usize];
            let author = *rng.pick(&USERS).unwrap();
            // Pairs of equal timestamps, so ids have to break ties.
            let mut m = msg(&format!("m{i}"), c, author, 100 + (i / 2) * 10);
            let parents: Vec<&Message> =
                messages.iter().filter(|p| p.channel_id == m.channel_id && p.parent_message_id.is_none()).collect();
            if i >= 3 && rng.chance(40) {
                m.parent_message_id = rng.pick(&parents).map(|p| p.id.clone());
            }
            messages.push(m);
        }
        messages.reverse();
        let snapshot = ChatSnapshot {
            channels: CHANNELS.iter().map(|c| channel(c)).collect(),
            users: USERS.iter().map(|u| user(u)).collect(),
            members,
            messages,
            presence: vec![],
            receipts: vec![],
        };
        let state = build(snapshot)?;
        invariants(&state).map_err(|e| format!("right after from_snapshot (seed {seed}): {e}"))?;
        Ok(Run { seed, rng, expected: message_ids(&state), state, clock: 1_000, counter: 0, recent: Vec::new() })
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    fn ids(&self) -> Vec<MessageId> {
        sorted(self.state.messages.keys().cloned())
    }

    fn is_pending_send(&self, id: &MessageId) -> bool {
        matches!(self.state.messages_pending_sync.get(id), Some(PendingMessage::Send))
    }

    /// Messages the server knows about: not waiting for their first send.
    fn server_known(&self) -> Vec<MessageId> {
        self.ids().into_iter().filter(|id| !self.is_pending_send(id)).collect()
    }

    /// Top-level messages of a channel; `server_only` leaves out pending sends.
    fn top_level(&self, channel: &ChannelId, server_only: bool) -> Vec<MessageId> {
        self.ids()
            .into_iter()
            .filter(|id| {
                let m = &self.state.messages[id];
                &m.channel_id == channel && m.parent_message_id.is_none() && !(server_only && self.is_pending_send(id))
            })
            .collect()
    }

    /// Pending sends the server could confirm: their parent, if any, is known
    /// to the server.
    fn confirmable_sends(&self) -> Vec<MessageId> {
        sorted(self.state.messages_pending_sync.keys().cloned())
            .into_iter()
            .filter(|id| self.is_pending_send(id))
            .filter(|id| self.state.messages[id].parent_message_id.as_ref().is_none_or(|p| !self.is_pending_send(p)))
            .collect()
    }

    fn pick_channel(&mut self) -> ChannelId {
        cid(CHANNELS[self.rng.below(CHANNELS.len())])
    }

    fn pick_user(&mut self) -> UserId {
        uid(USERS[self.rng.below(USERS.len())])
    }

    fn pick(&mut self, ids: &[MessageId]) -> Option<MessageId> {
        self.rng.pick(ids).cloned()
    }

    /// The server's copy of a confirmed send: a new id, a nearby timestamp.
    fn server_copy_of_send(&mut self, temp: &MessageId) -> Message {
        let local = self.state.messages[temp].clone();
        let id = self.fresh("s");
        let mut server = Message {
            id: mid(&id),
            // The server's clock may be ahead of ours.
            timestamp: local.timestamp + self.rng.below(10) as u64,
            sync_status: SyncStatus::Synced,
            optimistic_id: if self.rng.chance(50) { Some(temp.clone()) } else { None },
            version: 1,
            edited_at: None,
            ..local
        };
        if self.rng.chance(20) {
            server.content = format!("the server's text for {id}");
        }
        if self.rng.chance(20) {
            let who = self.pick_user();
            server.reactions.entry("👍".into()).or_default().insert(who);
        }
        server
    }

    fn step(&mut self) -> Result<String, String> {
        self.clock += self.rng.below(3) as u64;
        let roll = self.rng.below(100);
        let outcome = match roll {
            0..=21 => self.send(),
            22..=30 => self.edit(),
            31..=44 => self.confirm(),
            45..=55 => self.rollback(),
            56..=59 => self.fail(),
            60..=74 => self.sync(),
            75..=83 => self.delete(),
            84..=91 => self.read(),
            92..=96 => self.typing(),
            _ => self.membership(),
        };
        let (what, result) = match outcome {
            Some(pair) => pair,
            None => self.send().expect("a send is always possible"),
        };
        match result {
            Ok(next) => {
                self.state = next;
                Ok(what)
            }
            Err(e) => Err(format!("{what} was refused with {e:?}, but it is valid")),
        }
    }

    fn send(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let channel = self.pick_channel();
        let author = self.pick_user();
        let parents = self.top_level(&channel, false);
        let parent = if self.rng.chance(35) { self.pick(&parents) } else { None };
        let temp = self.fresh("t");
        let what = format!("send {temp} in {channel} at {} (parent {parent:?})", self.clock);
        let draft = NewMessage {
            channel_id: channel,
            author_id: author,
            content: format!("draft {temp}"),
            parent_message_id: parent,
        };
        self.expected.insert(mid(&temp));
        Some((what, send_message_optimistically(&self.state, draft, mid(&temp), self.clock)))
    }

    fn edit(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let ids = self.ids();
        let id = self.pick(&ids)?;
        let text = self.fresh("edit ");
        Some((format!("edit {id} at {}", self.clock), edit_message_optimistically(&self.state, &id, &text, self.clock)))
    }

    fn confirm(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let pending = sorted(self.state.messages_pending_sync.keys().cloned());
        let confirmable: Vec<MessageId> = pending
            .into_iter()
            .filter(|id| !self.is_pending_send(id) || self.confirmable_sends().contains(id))
            .collect();
        let id = self.pick(&confirmable)?;
        let server = if self.is_pending_send(&id) {
            let server = self.server_copy_of_send(&id);
            self.expected.remove(&id);
            self.expected.insert(server.id.clone());
            server
        } else {
            // The server acknowledges an edit, sometimes with changes of its own.
            let local = self.state.messages[&id].clone();
            let mut server = Message { sync_status: SyncStatus::Synced, ..local };
            if self.rng.chance(25) {
                server.content = format!("the server's text for {id}");
                server.edited_at = Some(self.clock);
            }
            server
        };
        let what = format!("confirm {id} as {} at {}", server.id, server.timestamp);
        Some((what, confirm_optimistic_message(&self.state, &id, server)))
    }

    fn rollback(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let pending = sorted(self.state.messages_pending_sync.keys().cloned());
        let id = self.pick(&pending)?;
        if self.is_pending_send(&id) {
            self.expected.remove(&id);
        }
        Some((format!("roll back {id}"), rollback_optimistic_message(&self.state, &id)))
    }

    fn fail(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let pending = sorted(self.state.messages_pending_sync.keys().cloned());
        let id = self.pick(&pending)?;
        Some((format!("mark {id} failed"), mark_sync_failed(&self.state, &id)))
    }

    fn sync(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let mut batch = SyncUpdates { synced_at: self.clock, ..Default::default() };
        let mut notes = Vec::new();
        for _ in 0..self.rng.below(3) {
            let channel = self.pick_channel();
            let parents = self.top_level(&channel, true);
            let parent = if self.rng.chance(30) { self.pick(&parents) } else { None };
            let id = self.fresh("s");
            let author = self.pick_user();
            // Sent a little before or (server clock ahead) after our now.
            let at = (self.clock + self.rng.below(40) as u64).saturating_sub(30);
            let m = Message { parent_message_id: parent.clone(), ..msg(&id, channel.as_str(), author.as_str(), at) };
            notes.push(format!("new {id} in {channel} at {at} (parent {parent:?})"));
            self.expected.insert(m.id.clone());
            batch.messages.push(m);
        }
        let known = self.server_known();
        for _ in 0..self.rng.below(3) {
            let Some(id) = self.pick(&known) else { break };
            if batch.messages.iter().any(|m| m.id == id) {
                continue;
            }
            let local = self.state.messages[&id].clone();
            let mut server = Message { sync_status: SyncStatus::Synced, ..local.clone() };
            let r = self.rng.below(100);
            if r < 15 && local.version > 1 {
                server.version = local.version - 1;
                server.content = format!("a stale copy of {id}");
            } else if r < 60 {
                server.version = local.version + 1;
                server.content = format!("edited on the server at {}", self.clock);
                server.edited_at = Some(self.clock);
            }
            if self.rng.chance(40) {
                let who = self.pick_user();
                server.reactions.entry("🚀".into()).or_default().insert(who);
            }
            notes.push(format!("update of {id} (version {})", server.version));
            batch.messages.push(server);
        }
        if self.rng.chance(25) {
            let sends = self.confirmable_sends();
            if let Some(temp) = self.pick(&sends) {
                let mut echo = self.server_copy_of_send(&temp);
                echo.optimistic_id = Some(temp.clone());
                notes.push(format!("echo of {temp} as {}", echo.id));
                self.expected.remove(&temp);
                self.expected.insert(echo.id.clone());
                batch.messages.push(echo);
            }
        }
        for _ in 0..self.rng.below(3) {
            let id = if self.rng.chance(10) { Some(mid("ghost")) } else { self.pick(&known) };
            if let Some(id) = id {
                notes.push(format!("delete {id}"));
                self.expected.remove(&id);
                batch.deleted_messages.push(id);
            }
        }
        if self.rng.chance(20) {
            let channel = self.pick_channel();
            notes.push(format!("rename {channel}"));
            let name = Some(self.fresh("#room-"));
            batch.channel_updates.push(ChannelUpdate { id: channel, name, topic: None });
        }
        let what = format!("sync at {}: [{}]", self.clock, notes.join(", "));
        Some((what, apply_sync_updates(&self.state, batch)))
    }

    fn delete(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let known = self.server_known();
        let mut deleted = Vec::new();
        for _ in 0..1 + self.rng.below(3) {
            if let Some(id) = self.pick(&known) {
                self.expected.remove(&id);
                deleted.push(id);
            }
        }
        if deleted.is_empty() {
            return None;
        }
        let what = format!("sync deleting {deleted:?}");
        Some((
            what,
            apply_sync_updates(
                &self.state,
                SyncUpdates { deleted_messages: deleted, synced_at: self.clock, ..Default::default() },
            ),
        ))
    }

    fn read(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let ids = self.ids();
        let id = self.pick(&ids)?;
        let who = self.pick_user();
        Some((format!("{who} reads {id}"), mark_read(&self.state, &id, &who, self.clock)))
    }

    fn typing(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let channel = self.pick_channel();
        let who = self.pick_user();
        if self.rng.chance(60) {
            Some((format!("{who} starts typing in {channel}"), start_typing(&self.state, &channel, &who)))
        } else {
            Some((format!("{who} stops typing in {channel}"), stop_typing(&self.state, &channel, &who)))
        }
    }

    fn membership(&mut self) -> Option<(String, Result<ChatState, ChatError>)> {
        let channel = self.pick_channel();
        let who = self.pick_user();
        if self.rng.chance(50) {
            Some((format!("{who} joins {channel}"), join_channel(&self.state, &channel, &who)))
        } else {
            Some((format!("{who} leaves {channel}"), leave_channel(&self.state, &channel, &who)))
        }
    }

    fn context(&self, step: usize) -> String {
        let from = self.recent.len().saturating_sub(6);
        format!(
            "seed {}, step {step} of {STEPS}. The last steps:\n    {}",
            self.seed,
            self.recent[from..].join("\n    ")
        )
    }

    fn run(mut self) -> CheckResult {
        for step in 1..=STEPS {
            let what = match self.step() {
                Ok(what) => what,
                Err(e) => {
                    return Err(format!("{e}\n  ({})", self.context(step)));
                }
            };
            self.recent.push(what);
            if let Err(e) = invariants(&self.state) {
                return Err(format!("{e}\n  ({})", self.context(step)));
            }
            let ids = message_ids(&self.state);
            if ids != self.expected {
                let missing: Vec<_> = self.expected.difference(&ids).collect();
                let extra: Vec<_> = ids.difference(&self.expected).collect();
                return Err(format!(
                    "the messages table should hold exactly the ids sent, confirmed or synced and not rolled back or deleted: missing {missing:?}, unexpected {extra:?}\n  ({})",
                    self.context(step)
                ));
            }
        }
        Ok(())
    }
}

// Catches: any update that leaves a dangling id somewhere (a rollback that
// keeps the channel order entry, a confirm that forgets a thread link, a
// deletion that keeps receipts or pending entries), an unsorted channel
// order or thread, one-sided membership, and pending entries out of step
// with the messages' status.
pub fn random_sequences_keep_invariants() -> CheckResult {
    for seed in SEEDS {
        Run::new(seed)?.run()?;
    }
    Ok(())
}
