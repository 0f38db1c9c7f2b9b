//! Builders shared by the Improbability Drive checks: ids, entities with
//! readable defaults, a small crew of users, a seeded PRNG, and the
//! invariants every state must keep.

use crate::harness::*;
use improbability_drive::*;
use std::collections::{BTreeMap, BTreeSet};

pub fn cid(id: &str) -> ChannelId {
    ChannelId::from(id)
}

pub fn mid(id: &str) -> MessageId {
    MessageId::from(id)
}

pub fn uid(id: &str) -> UserId {
    UserId::from(id)
}

pub fn mids(ids: &[&str]) -> Vec<MessageId> {
    ids.iter().map(|id| mid(id)).collect()
}

pub fn uids(ids: &[&str]) -> Vec<UserId> {
    ids.iter().map(|id| uid(id)).collect()
}

pub fn channel(id: &str) -> Channel {
    Channel { id: cid(id), name: format!("#{id}"), topic: format!("all about {id}"), created_at: 50 }
}

pub fn user(id: &str) -> User {
    let mut name = id.to_string();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    User { id: uid(id), name }
}

/// A synced message, version 1, never edited, no reactions.
pub fn msg(id: &str, channel: &str, author: &str, timestamp: u64) -> Message {
    Message {
        id: mid(id),
        content: format!("text of {id}"),
        author_id: uid(author),
        channel_id: cid(channel),
        timestamp,
        edited_at: None,
        parent_message_id: None,
        reactions: Reactions::new(),
        sync_status: SyncStatus::Synced,
        optimistic_id: None,
        version: 1,
    }
}

/// A synced reply to `parent`.
pub fn reply(id: &str, channel: &str, author: &str, timestamp: u64, parent: &str) -> Message {
    Message { parent_message_id: Some(mid(parent)), ..msg(id, channel, author, timestamp) }
}

pub fn draft(channel: &str, author: &str, content: &str) -> NewMessage {
    NewMessage {
        channel_id: cid(channel),
        author_id: uid(author),
        content: content.to_string(),
        parent_message_id: None,
    }
}

pub fn draft_reply(channel: &str, author: &str, content: &str, parent: &str) -> NewMessage {
    NewMessage { parent_message_id: Some(mid(parent)), ..draft(channel, author, content) }
}

/// Reactions from (emoji, users) pairs.
pub fn reactions(pairs: &[(&str, &[&str])]) -> Reactions {
    let mut out = Reactions::new();
    for (emoji, users) in pairs {
        out.insert(emoji.to_string(), users.iter().map(|u| uid(u)).collect());
    }
    out
}

pub const CREW: [&str; 5] = ["arthur", "ford", "zaphod", "trillian", "marvin"];

/// The crew, with the heart-of-gold (arthur, ford, zaphod, trillian) and
/// vogon-poetry (arthur, marvin) channels, and the given messages.
pub fn crew_snapshot(messages: Vec<Message>) -> ChatSnapshot {
    let mut members = Vec::new();
    for u in ["arthur", "ford", "zaphod", "trillian"] {
        members.push((cid("heart-of-gold"), uid(u)));
    }
    for u in ["arthur", "marvin"] {
        members.push((cid("vogon-poetry"), uid(u)));
    }
    ChatSnapshot {
        channels: vec![channel("heart-of-gold"), channel("vogon-poetry")],
        users: CREW.iter().map(|u| user(u)).collect(),
        members,
        messages,
        presence: vec![],
        receipts: vec![],
    }
}

/// `ChatState::from_snapshot` on a snapshot the check knows to be valid.
pub fn build(snapshot: ChatSnapshot) -> Result<ChatState, String> {
    let what = format!(
        "ChatState::from_snapshot with {} channels, {} users and {} messages, all valid",
        snapshot.channels.len(),
        snapshot.users.len(),
        snapshot.messages.len()
    );
    ok(ChatState::from_snapshot(snapshot), &what)
}

/// heart-of-gold: h1 (ford, 100), h2 (zaphod, 200), h3 (trillian, 300).
pub fn crew_state() -> Result<ChatState, String> {
    build(crew_snapshot(vec![
        msg("h1", "heart-of-gold", "ford", 100),
        msg("h2", "heart-of-gold", "zaphod", 200),
        msg("h3", "heart-of-gold", "trillian", 300),
    ]))
}

/// `Ok(())` or the error, for checks about refusals.
pub fn outcome(result: &Result<ChatState, ChatError>) -> Result<(), ChatError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) => Err(e.clone()),
    }
}

/// A channel's order as the state records it (missing = empty).
pub fn order(state: &ChatState, channel: &str) -> Vec<MessageId> {
    state.channel_messages.get(&cid(channel)).cloned().unwrap_or_default()
}

/// A message's replies as the state records them (missing = empty).
pub fn thread(state: &ChatState, parent: &str) -> Vec<MessageId> {
    state.message_threads.get(&mid(parent)).cloned().unwrap_or_default()
}

/// The message with this id, or a failure naming it.
pub fn message<'a>(state: &'a ChatState, id: &str, when: &str) -> Result<&'a Message, String> {
    state
        .messages
        .get(&mid(id))
        .ok_or_else(|| format!("{when}: message {id:?} should be in the messages table, and is not"))
}

pub fn view_ids(view: &ChannelView) -> Vec<MessageId> {
    view.messages.iter().map(|m| m.message.id.clone()).collect()
}

pub fn user_ids(users: &[User]) -> Vec<UserId> {
    users.iter().map(|u| u.id.clone()).collect()
}

/// The channel view of a fresh selector.
pub fn channel_view(state: &ChatState, channel: &str, viewer: &str) -> Result<std::sync::Arc<ChannelView>, String> {
    some(
        make_select_channel_with_live_data().select(state, &cid(channel), &uid(viewer)),
        &format!("the channel view of {channel:?} for {viewer}"),
    )
}

/// The thread view of a fresh selector.
pub fn thread_view(state: &ChatState, parent: &str) -> Result<std::sync::Arc<ThreadView>, String> {
    some(make_select_message_thread().select(state, &mid(parent)), &format!("the thread view of {parent:?}"))
}

// ---------------------------------------------------------------------------
// A seeded PRNG (splitmix64): every run grades the same data.
// ---------------------------------------------------------------------------

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability percent/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() { None } else { Some(&items[self.below(items.len())]) }
    }
}

// ---------------------------------------------------------------------------
// Invariants: what must hold of every state, whatever happened to it.
// ---------------------------------------------------------------------------

fn sorted_keys<K: Ord + Clone, V>(map: &std::collections::HashMap<K, V>) -> Vec<K> {
    let mut keys: Vec<K> = map.keys().cloned().collect();
    keys.sort();
    keys
}

/// Every id in every relationship exists, the channel order and threads are
/// sorted by (timestamp, id) without repeats, membership is two-way, and the
/// pending entries match the messages' sync status.
pub fn invariants(state: &ChatState) -> CheckResult {
    let messages = &state.messages;
    for id in sorted_keys(messages) {
        let m = &messages[&id];
        ensure!(m.id == id, "the messages table holds message {:?} under the key {:?}", m.id, id);
        ensure!(
            state.channels.contains_key(&m.channel_id),
            "message {id:?} belongs to channel {:?}, which is not in the channels table",
            m.channel_id
        );
        ensure!(
            state.users.contains_key(&m.author_id),
            "message {id:?} was written by {:?}, who is not in the users table",
            m.author_id
        );
        let in_order = state.channel_messages.get(&m.channel_id).map_or(0, |l| l.iter().filter(|x| **x == id).count());
        ensure!(
            in_order == 1,
            "message {id:?} should appear once in the channel order of {:?}, and appears {in_order} times",
            m.channel_id
        );
        if let Some(parent) = &m.parent_message_id {
            let Some(p) = messages.get(parent) else {
                return Err(format!("message {id:?} replies to {parent:?}, which is not in the messages table"));
            };
            ensure!(
                p.channel_id == m.channel_id && p.parent_message_id.is_none(),
                "message {id:?} replies to {parent:?}, which is in another channel or is itself a reply"
            );
            let in_thread = state.message_threads.get(parent).map_or(0, |l| l.iter().filter(|x| **x == id).count());
            ensure!(
                in_thread == 1,
                "message {id:?} replies to {parent:?}, so it should appear once in that thread, and appears {in_thread} times"
            );
        }
        let pending = state.messages_pending_sync.contains_key(&id);
        ensure!(
            pending == (m.sync_status != SyncStatus::Synced),
            "message {id:?} has status {:?} but {} in messages_pending_sync: a message is pending (or failed) exactly when it has a pending entry",
            m.sync_status,
            if pending { "an entry" } else { "no entry" }
        );
    }

    let sorted = |what: &str, list: &[MessageId]| -> CheckResult {
        for pair in list.windows(2) {
            let (a, b) = (&messages[&pair[0]], &messages[&pair[1]]);
            ensure!(
                (a.timestamp, &a.id) < (b.timestamp, &b.id),
                "{what} is not sorted by (timestamp, id) without repeats: {:?} (at {}) comes before {:?} (at {})",
                a.id,
                a.timestamp,
                b.id,
                b.timestamp
            );
        }
        Ok(())
    };
    let mut listed = 0;
    for channel in sorted_keys(&state.channel_messages) {
        ensure!(
            state.channels.contains_key(&channel),
            "channel_messages has an entry for {channel:?}, which is not in the channels table"
        );
        let list = &state.channel_messages[&channel];
        for id in list {
            let Some(m) = messages.get(id) else {
                return Err(format!(
                    "the channel order of {channel:?} lists {id:?}, which is not in the messages table"
                ));
            };
            ensure!(
                m.channel_id == channel,
                "the channel order of {channel:?} lists {id:?}, which belongs to {:?}",
                m.channel_id
            );
        }
        sorted(&format!("the channel order of {channel:?}"), list)?;
        listed += list.len();
    }
    ensure!(
        listed == messages.len(),
        "the channel orders list {listed} messages in all, but the messages table holds {}",
        messages.len()
    );

    for parent in sorted_keys(&state.message_threads) {
        ensure!(
            messages.contains_key(&parent),
            "message_threads has an entry for {parent:?}, which is not in the messages table"
        );
        let list = &state.message_threads[&parent];
        for id in list {
            let Some(m) = messages.get(id) else {
                return Err(format!("the thread of {parent:?} lists {id:?}, which is not in the messages table"));
            };
            ensure!(
                m.parent_message_id.as_ref() == Some(&parent),
                "the thread of {parent:?} lists {id:?}, whose parent is {:?}",
                m.parent_message_id
            );
        }
        sorted(&format!("the thread of {parent:?}"), list)?;
    }

    let mut pairs_by_channel = BTreeSet::new();
    for channel in sorted_keys(&state.channel_members) {
        ensure!(
            state.channels.contains_key(&channel),
            "channel_members has an entry for the unknown channel {channel:?}"
        );
        for u in &state.channel_members[&channel] {
            ensure!(state.users.contains_key(u), "channel_members of {channel:?} lists the unknown user {u:?}");
            ensure!(
                pairs_by_channel.insert((channel.clone(), u.clone())),
                "channel_members of {channel:?} lists {u:?} twice"
            );
        }
    }
    let mut pairs_by_user = BTreeSet::new();
    for u in sorted_keys(&state.user_channels) {
        ensure!(state.users.contains_key(&u), "user_channels has an entry for the unknown user {u:?}");
        for channel in &state.user_channels[&u] {
            ensure!(
                state.channels.contains_key(channel),
                "user_channels of {u:?} lists the unknown channel {channel:?}"
            );
            ensure!(
                pairs_by_user.insert((channel.clone(), u.clone())),
                "user_channels of {u:?} lists {channel:?} twice"
            );
        }
    }
    if pairs_by_channel != pairs_by_user {
        let one: Vec<_> = pairs_by_channel.difference(&pairs_by_user).collect();
        let other: Vec<_> = pairs_by_user.difference(&pairs_by_channel).collect();
        return Err(format!(
            "channel_members and user_channels disagree: (channel, user) only in channel_members: {one:?}; only in user_channels: {other:?}"
        ));
    }

    for channel in sorted_keys(&state.typing_indicators) {
        ensure!(
            state.channels.contains_key(&channel),
            "typing_indicators has an entry for the unknown channel {channel:?}"
        );
    }
    for id in sorted_keys(&state.read_receipts) {
        ensure!(
            messages.contains_key(&id),
            "read_receipts has receipts for {id:?}, which is not in the messages table"
        );
    }
    for u in sorted_keys(&state.user_presence) {
        ensure!(state.users.contains_key(&u), "user_presence has an entry for the unknown user {u:?}");
    }
    for id in sorted_keys(&state.messages_pending_sync) {
        ensure!(
            messages.contains_key(&id),
            "messages_pending_sync has an entry for {id:?}, which is not in the messages table (an orphaned pending entry)"
        );
    }
    for channel in sorted_keys(&state.last_sync) {
        ensure!(state.channels.contains_key(&channel), "last_sync has an entry for the unknown channel {channel:?}");
    }
    for id in sorted_keys(&state.conflicts) {
        ensure!(messages.contains_key(&id), "conflicts has a record for {id:?}, which is not in the messages table");
    }
    Ok(())
}

/// The message ids of a state, sorted.
pub fn message_ids(state: &ChatState) -> BTreeSet<MessageId> {
    state.messages.keys().cloned().collect()
}

/// The names of the tables two states share (same `Arc`).
pub fn shared_tables(a: &ChatState, b: &ChatState) -> BTreeMap<&'static str, bool> {
    use std::sync::Arc;
    BTreeMap::from([
        ("channels", Arc::ptr_eq(&a.channels, &b.channels)),
        ("messages", Arc::ptr_eq(&a.messages, &b.messages)),
        ("users", Arc::ptr_eq(&a.users, &b.users)),
        ("typing_indicators", Arc::ptr_eq(&a.typing_indicators, &b.typing_indicators)),
        ("read_receipts", Arc::ptr_eq(&a.read_receipts, &b.read_receipts)),
        ("user_presence", Arc::ptr_eq(&a.user_presence, &b.user_presence)),
        ("channel_messages", Arc::ptr_eq(&a.channel_messages, &b.channel_messages)),
        ("channel_members", Arc::ptr_eq(&a.channel_members, &b.channel_members)),
        ("user_channels", Arc::ptr_eq(&a.user_channels, &b.user_channels)),
        ("message_threads", Arc::ptr_eq(&a.message_threads, &b.message_threads)),
        ("messages_pending_sync", Arc::ptr_eq(&a.messages_pending_sync, &b.messages_pending_sync)),
        ("last_sync", Arc::ptr_eq(&a.last_sync, &b.last_sync)),
        ("conflicts", Arc::ptr_eq(&a.conflicts, &b.conflicts)),
    ])
}

/// Names the part of a check that runs now. If the check runs out of time,
/// the grader reports the last part named (building the test data, or the
/// timed calls), so the learner knows where to look.
pub fn phase(what: &str) {
    eprintln!("workshop-phase: {what}");
}
