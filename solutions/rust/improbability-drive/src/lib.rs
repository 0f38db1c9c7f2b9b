//! Improbability Drive level: Real-Time Normalized Synchronization.
//! Reference solution.
//!
//! A chat store kept normalized: channels, messages and users live in their
//! own tables, and everything else (channel order, members, threads, read
//! receipts, pending changes, conflicts) points at them by id.
//!
//! How this solution stays consistent:
//! - Every table sits behind an `Arc`. An update clones the state (a few
//!   pointer copies) and calls `Arc::make_mut` only on the tables it really
//!   changes; every other table stays shared with the old state.
//! - A message enters or leaves the channel order and the threads only through
//!   `link` and `unlink`, so those lists can never disagree with the table.
//! - Last activity is derived, never stored: the newest message's timestamp
//!   (the channel order is sorted, so it is the last entry), or the channel's
//!   creation time. A rollback restores it with no bookkeeping at all.
//! - Updates that can be refused work on a copy: an error drops the copy, so
//!   a refused update never leaves half of its work behind.
//!
//! Deletion policy: deleting a message (a server deletion, or the rollback of
//! an optimistic send) removes it from every table and relationship, with its
//! read receipts, pending entry and conflict record. Its replies stay: they
//! become top-level messages of the channel (`parent_message_id` becomes None).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::hash::Hash;
use std::sync::Arc;

// ---------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------

/// Defines one id newtype per name, so a `UserId` never stands where a
/// `MessageId` belongs.
macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}

id_types! {
    /// The id of a [`Channel`].
    ChannelId,
    /// The id of a [`Message`]: the server's id, or a temporary id while an
    /// optimistic send waits for the server.
    MessageId,
    /// The id of a [`User`].
    UserId,
}

// ---------------------------------------------------------------------------
// Step 1: the schema
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: ChannelId,
    pub name: String,
    pub topic: String,
    /// When the channel was created: its last activity until a message arrives.
    pub created_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
}

/// Whether a user is around. A user with no presence recorded is offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    Online,
    Away,
    Offline,
}

/// Where a message stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncStatus {
    /// Local changes the server has not confirmed yet.
    Pending,
    /// The server has this exact version.
    Synced,
    /// The last attempt to reach the server failed: retry or roll back.
    Failed,
}

/// Emoji -> the users who reacted with it.
pub type Reactions = BTreeMap<String, BTreeSet<UserId>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    /// The text; ciphertext when the store is end-to-end encrypted.
    pub content: String,
    pub author_id: UserId,
    pub channel_id: ChannelId,
    /// When it was sent, in milliseconds. Orders the channel and its thread.
    pub timestamp: u64,
    /// When it was last edited; None if it never was.
    pub edited_at: Option<u64>,
    /// The message this one replies to, in the same channel. Threads are one
    /// level deep: a reply's parent is never itself a reply.
    pub parent_message_id: Option<MessageId>,
    pub reactions: Reactions,
    pub sync_status: SyncStatus,
    /// The temporary id an optimistic send used, kept after confirmation.
    pub optimistic_id: Option<MessageId>,
    /// Counts accepted edits: a higher version has seen more of them.
    pub version: u32,
}

/// What a user writes: everything else about the message is decided when it
/// is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub channel_id: ChannelId,
    pub author_id: UserId,
    pub content: String,
    pub parent_message_id: Option<MessageId>,
}

/// Who is typing in one channel, in the order they started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypingIndicator {
    pub users: Vec<UserId>,
}

/// One user has read one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReceipt {
    pub user_id: UserId,
    pub read_at: u64,
}

/// Which side a conflict resolution kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// The local copy as it was: the user's changes win.
    Local,
    /// The server's copy as it was.
    Server,
    /// Something from each side, e.g. the server's text with both sides'
    /// reactions.
    Merge,
}

/// The last conflict met on a message: both sides and what was decided, so a
/// debugging tool can show what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictState {
    pub strategy: Strategy,
    pub local: Message,
    pub server: Message,
}

/// A local change the server has not confirmed: what a rollback needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingMessage {
    /// A message sent optimistically: rolling back removes it.
    Send,
    /// An optimistic edit: rolling back puts back the content, edit time,
    /// version and reactions of `previous`. The message keeps its current
    /// place (channel, parent, timestamp), which may have changed since.
    Edit { previous: Message },
}

/// The whole chat store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatState {
    // Core entities
    pub channels: Arc<HashMap<ChannelId, Channel>>,
    pub messages: Arc<HashMap<MessageId, Message>>,
    pub users: Arc<HashMap<UserId, User>>,

    // Real-time entities
    /// Channel id -> who is typing there.
    pub typing_indicators: Arc<HashMap<ChannelId, TypingIndicator>>,
    /// Message id -> its read receipts, in the order they came in.
    pub read_receipts: Arc<HashMap<MessageId, Vec<ReadReceipt>>>,
    /// User id -> presence. Missing means offline.
    pub user_presence: Arc<HashMap<UserId, Presence>>,

    // Relationships (a missing entry is an empty list)
    /// Channel id -> its message ids, replies included, sorted by
    /// (timestamp, id).
    pub channel_messages: Arc<HashMap<ChannelId, Vec<MessageId>>>,
    /// Channel id -> member ids, in the order they joined.
    pub channel_members: Arc<HashMap<ChannelId, Vec<UserId>>>,
    /// User id -> channel ids, in the order they joined.
    pub user_channels: Arc<HashMap<UserId, Vec<ChannelId>>>,
    /// Message id -> its reply ids, sorted by (timestamp, id).
    pub message_threads: Arc<HashMap<MessageId, Vec<MessageId>>>,

    // Metadata for synchronization
    /// Message id -> the local change waiting for the server. A message has
    /// an entry exactly when its status is Pending or Failed.
    pub messages_pending_sync: Arc<HashMap<MessageId, PendingMessage>>,
    /// Channel id -> when it was last synced.
    pub last_sync: Arc<HashMap<ChannelId, u64>>,
    /// Message id -> the last conflict resolved on it.
    pub conflicts: Arc<HashMap<MessageId, ConflictState>>,

    // Derived counts, kept up to date by every update. They follow the tables
    // only through the update functions: change a table by hand and they go
    // stale.
    /// Channel id -> user id -> how many of the channel's messages the user
    /// has seen: wrote, or has a read receipt for. A view's unread count is
    /// the channel's length minus this, with no walk over the channel. A
    /// count that drops to 0 is removed, so equal states stay equal. Each
    /// channel's counts sit behind their own `Arc`, so an update copies only
    /// the counts of the channel it touches.
    pub channel_seen: Arc<HashMap<ChannelId, Arc<HashMap<UserId, usize>>>>,
    /// Channel id -> how many of its members are Online; no entry means none.
    /// Kept by `set_presence`, `join_channel` and `leave_channel`, so a view
    /// reads one number instead of every member's presence.
    pub channel_online: Arc<HashMap<ChannelId, usize>>,
}

/// Everything the server sends when a client connects, as plain lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatSnapshot {
    pub channels: Vec<Channel>,
    pub users: Vec<User>,
    /// (channel, user): the user is a member of the channel.
    pub members: Vec<(ChannelId, UserId)>,
    /// Messages the server has (status Synced), in any order.
    pub messages: Vec<Message>,
    pub presence: Vec<(UserId, Presence)>,
    /// (message, user, read at).
    pub receipts: Vec<(MessageId, UserId, u64)>,
}

/// Why an update was refused. A refused update changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatError {
    UnknownChannel(ChannelId),
    UnknownUser(UserId),
    UnknownMessage(MessageId),
    DuplicateChannel(ChannelId),
    DuplicateUser(UserId),
    DuplicateMessage(MessageId),
    /// This parent cannot take the reply: it is missing, in another channel,
    /// or a reply itself (or the reply has replies of its own).
    BadParent(MessageId),
    /// The message has no local change waiting for the server.
    NotPending(MessageId),
}

/// The place of (timestamp, id) in a list sorted by (timestamp, id).
fn position(list: &[MessageId], messages: &HashMap<MessageId, Message>, timestamp: u64, id: &MessageId) -> usize {
    list.partition_point(|other| messages.get(other).is_none_or(|m| (m.timestamp, other) < (timestamp, id)))
}

/// Removes `id` from the sorted list under `key`, dropping the list when it
/// becomes empty.
fn remove_sorted<K: Hash + Eq + Clone>(
    lists: &mut HashMap<K, Vec<MessageId>>,
    key: &K,
    messages: &HashMap<MessageId, Message>,
    timestamp: u64,
    id: &MessageId,
) {
    let Some(list) = lists.get_mut(key) else {
        return;
    };
    let at = position(list, messages, timestamp, id);
    if list.get(at) == Some(id) {
        list.remove(at);
    } else {
        list.retain(|other| other != id);
    }
    if list.is_empty() {
        lists.remove(key);
    }
}

/// Removes and returns `key`'s entry, copying the table only when it has one.
fn take_key<K: Hash + Eq + Clone, V: Clone>(table: &mut Arc<HashMap<K, V>>, key: &K) -> Option<V> {
    if table.contains_key(key) {
        Arc::make_mut(table).remove(key)
    } else {
        None
    }
}

/// The users who have seen a message: its author, then every reader with a
/// receipt for it (the author once, even if they also have a receipt).
fn seen_by<'a>(message: &'a Message, receipts: Option<&'a Vec<ReadReceipt>>) -> impl Iterator<Item = &'a UserId> {
    let readers = receipts.map_or(&[][..], Vec::as_slice).iter().map(|r| &r.user_id);
    std::iter::once(&message.author_id).chain(readers.filter(move |user| *user != &message.author_id))
}

impl ChatState {
    /// Normalizes a snapshot into a state in one pass per list: the tables,
    /// the two-way membership maps, the channel order and the threads.
    ///
    /// Refuses duplicate ids, references to missing channels, users or
    /// messages, and replies whose parent is in another channel or is itself
    /// a reply.
    pub fn from_snapshot(snapshot: ChatSnapshot) -> Result<ChatState, ChatError> {
        let ChatSnapshot { channels, users, members, messages, presence, receipts } = snapshot;

        let mut channel_table = HashMap::with_capacity(channels.len());
        for channel in channels {
            if channel_table.contains_key(&channel.id) {
                return Err(ChatError::DuplicateChannel(channel.id));
            }
            channel_table.insert(channel.id.clone(), channel);
        }
        let mut user_table = HashMap::with_capacity(users.len());
        for user in users {
            if user_table.contains_key(&user.id) {
                return Err(ChatError::DuplicateUser(user.id));
            }
            user_table.insert(user.id.clone(), user);
        }

        let mut channel_members: HashMap<ChannelId, Vec<UserId>> = HashMap::new();
        let mut user_channels: HashMap<UserId, Vec<ChannelId>> = HashMap::new();
        for (channel, user) in members {
            if !channel_table.contains_key(&channel) {
                return Err(ChatError::UnknownChannel(channel));
            }
            if !user_table.contains_key(&user) {
                return Err(ChatError::UnknownUser(user));
            }
            // A user joins a handful of channels, so their list is the cheap
            // one to search for a repeat.
            let joined = user_channels.entry(user.clone()).or_default();
            if !joined.contains(&channel) {
                joined.push(channel.clone());
                channel_members.entry(channel).or_default().push(user);
            }
        }

        let mut message_table = HashMap::with_capacity(messages.len());
        for message in messages {
            if !channel_table.contains_key(&message.channel_id) {
                return Err(ChatError::UnknownChannel(message.channel_id));
            }
            if !user_table.contains_key(&message.author_id) {
                return Err(ChatError::UnknownUser(message.author_id));
            }
            if message_table.contains_key(&message.id) {
                return Err(ChatError::DuplicateMessage(message.id));
            }
            message_table.insert(message.id.clone(), message);
        }

        // Links once every message is in, so a reply may come before its
        // parent. Sorting (timestamp, id) pairs avoids a lookup per comparison.
        let mut by_channel: HashMap<ChannelId, Vec<(u64, MessageId)>> = HashMap::new();
        let mut by_parent: HashMap<MessageId, Vec<(u64, MessageId)>> = HashMap::new();
        for message in message_table.values() {
            if let Some(parent_id) = &message.parent_message_id {
                let parent = message_table.get(parent_id);
                if parent.is_none_or(|p| p.channel_id != message.channel_id || p.parent_message_id.is_some()) {
                    return Err(ChatError::BadParent(parent_id.clone()));
                }
                by_parent.entry(parent_id.clone()).or_default().push((message.timestamp, message.id.clone()));
            }
            by_channel.entry(message.channel_id.clone()).or_default().push((message.timestamp, message.id.clone()));
        }
        let sorted = |mut pairs: Vec<(u64, MessageId)>| {
            pairs.sort_unstable();
            pairs.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
        };
        let channel_messages = by_channel.into_iter().map(|(k, v)| (k, sorted(v))).collect();
        let message_threads = by_parent.into_iter().map(|(k, v)| (k, sorted(v))).collect();

        let mut user_presence = HashMap::new();
        for (user, status) in presence {
            if !user_table.contains_key(&user) {
                return Err(ChatError::UnknownUser(user));
            }
            user_presence.insert(user, status);
        }

        let mut read_receipts: HashMap<MessageId, Vec<ReadReceipt>> = HashMap::new();
        for (message, user, read_at) in receipts {
            if !message_table.contains_key(&message) {
                return Err(ChatError::UnknownMessage(message));
            }
            if !user_table.contains_key(&user) {
                return Err(ChatError::UnknownUser(user));
            }
            let list = read_receipts.entry(message).or_default();
            if !list.iter().any(|r| r.user_id == user) {
                list.push(ReadReceipt { user_id: user, read_at });
            }
        }

        // The derived counts, in one pass over the messages.
        let mut channel_seen: HashMap<ChannelId, HashMap<UserId, usize>> = HashMap::new();
        for message in message_table.values() {
            let counts = channel_seen.entry(message.channel_id.clone()).or_default();
            for user in seen_by(message, read_receipts.get(&message.id)) {
                *counts.entry(user.clone()).or_default() += 1;
            }
        }

        let channel_online = channel_members
            .iter()
            .map(|(channel, members)| {
                (channel.clone(), members.iter().filter(|u| user_presence.get(*u) == Some(&Presence::Online)).count())
            })
            .filter(|(_, online)| *online > 0)
            .collect();

        Ok(ChatState {
            channels: Arc::new(channel_table),
            messages: Arc::new(message_table),
            users: Arc::new(user_table),
            typing_indicators: Arc::default(),
            read_receipts: Arc::new(read_receipts),
            user_presence: Arc::new(user_presence),
            channel_messages: Arc::new(channel_messages),
            channel_members: Arc::new(channel_members),
            user_channels: Arc::new(user_channels),
            message_threads: Arc::new(message_threads),
            messages_pending_sync: Arc::default(),
            last_sync: Arc::default(),
            conflicts: Arc::default(),
            channel_seen: Arc::new(channel_seen.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()),
            channel_online: Arc::new(channel_online),
        })
    }

    fn require_channel(&self, id: &ChannelId) -> Result<(), ChatError> {
        match self.channels.contains_key(id) {
            true => Ok(()),
            false => Err(ChatError::UnknownChannel(id.clone())),
        }
    }

    fn require_user(&self, id: &UserId) -> Result<(), ChatError> {
        match self.users.contains_key(id) {
            true => Ok(()),
            false => Err(ChatError::UnknownUser(id.clone())),
        }
    }

    fn require_message(&self, id: &MessageId) -> Result<&Message, ChatError> {
        self.messages.get(id).ok_or_else(|| ChatError::UnknownMessage(id.clone()))
    }

    /// The pending entry of a message, or why there is none.
    fn pending_entry(&self, id: &MessageId) -> Result<&PendingMessage, ChatError> {
        self.require_message(id)?;
        self.messages_pending_sync.get(id).ok_or_else(|| ChatError::NotPending(id.clone()))
    }

    /// Refuses a reply whose parent cannot take it. `replaces` is the id the
    /// message takes over (a temporary id being confirmed), if any.
    fn check_parent(&self, message: &Message, replaces: Option<&MessageId>) -> Result<(), ChatError> {
        let Some(parent_id) = &message.parent_message_id else {
            return Ok(());
        };
        let bad = || ChatError::BadParent(parent_id.clone());
        if parent_id == &message.id || Some(parent_id) == replaces {
            return Err(bad());
        }
        let parent = self.messages.get(parent_id).ok_or_else(bad)?;
        if parent.channel_id != message.channel_id || parent.parent_message_id.is_some() {
            return Err(bad());
        }
        // Threads are one level deep: a message with replies cannot become one.
        let own = replaces.unwrap_or(&message.id);
        if self.message_threads.get(own).is_some_and(|replies| !replies.is_empty()) {
            return Err(bad());
        }
        Ok(())
    }

    /// Puts a message in the table, its channel's order and its parent's thread.
    fn link(&mut self, message: Message) {
        let id = message.id.clone();
        let timestamp = message.timestamp;
        let channel = message.channel_id.clone();
        let parent = message.parent_message_id.clone();
        Arc::make_mut(&mut self.messages).insert(id.clone(), message);
        self.count_seen(&id, true);

        let order = Arc::make_mut(&mut self.channel_messages).entry(channel).or_default();
        let at = position(order, &self.messages, timestamp, &id);
        order.insert(at, id.clone());
        if let Some(parent) = parent {
            let replies = Arc::make_mut(&mut self.message_threads).entry(parent).or_default();
            let at = position(replies, &self.messages, timestamp, &id);
            replies.insert(at, id);
        }
    }

    /// Takes a message out of the table, its channel's order and its parent's
    /// thread. Its own replies, receipts and sync entries are left to the caller.
    fn unlink(&mut self, id: &MessageId) -> Option<Message> {
        let message = self.messages.get(id)?;
        let (timestamp, channel, parent) =
            (message.timestamp, message.channel_id.clone(), message.parent_message_id.clone());
        self.count_seen(id, false);
        remove_sorted(Arc::make_mut(&mut self.channel_messages), &channel, &self.messages, timestamp, id);
        if let Some(parent) = parent {
            remove_sorted(Arc::make_mut(&mut self.message_threads), &parent, &self.messages, timestamp, id);
        }
        Arc::make_mut(&mut self.messages).remove(id)
    }

    /// Counts a message in (`add`) or out of the seen counts of its channel,
    /// for its author and for every reader it has a receipt from. `link` and
    /// `unlink` call it, so every update that moves, replaces or deletes a
    /// message keeps the counts right without thinking about them.
    fn count_seen(&mut self, id: &MessageId, add: bool) {
        let Some(message) = self.messages.get(id) else {
            return;
        };
        let channel = message.channel_id.clone();
        // Collected first: `add_seen` needs `self` mutably.
        let users: Vec<UserId> = seen_by(message, self.read_receipts.get(id)).cloned().collect();
        for user in users {
            self.add_seen(&channel, user, add);
        }
    }

    /// One more (`add`) or one less message seen by `user` in `channel`.
    fn add_seen(&mut self, channel: &ChannelId, user: UserId, add: bool) {
        let channels = Arc::make_mut(&mut self.channel_seen);
        if add {
            *Arc::make_mut(channels.entry(channel.clone()).or_default()).entry(user).or_default() += 1;
            return;
        }
        let Some(counts) = channels.get_mut(channel) else {
            return;
        };
        let counts = Arc::make_mut(counts);
        if let Some(count) = counts.get_mut(&user) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&user);
                if counts.is_empty() {
                    channels.remove(channel);
                }
            }
        }
    }

    /// One more (`add`) or one less Online member in `channel`.
    fn add_online(&mut self, channel: &ChannelId, add: bool) {
        let online = Arc::make_mut(&mut self.channel_online);
        let count = online.entry(channel.clone()).or_default();
        if add {
            *count += 1;
        } else {
            *count = count.saturating_sub(1);
        }
        if *count == 0 {
            online.remove(channel);
        }
    }

    fn is_online(&self, user: &UserId) -> bool {
        self.user_presence.get(user) == Some(&Presence::Online)
    }

    /// Deletes a message everywhere; its replies become top-level messages.
    fn remove_message(&mut self, id: &MessageId) {
        if self.unlink(id).is_none() {
            return;
        }
        if let Some(replies) = take_key(&mut self.message_threads, id) {
            let messages = Arc::make_mut(&mut self.messages);
            for reply in replies {
                if let Some(message) = messages.get_mut(&reply) {
                    message.parent_message_id = None;
                }
            }
        }
        take_key(&mut self.read_receipts, id);
        take_key(&mut self.messages_pending_sync, id);
        take_key(&mut self.conflicts, id);
    }

    /// Moves what is recorded under `old` (replies, receipts, conflict) to `new`.
    fn rekey(&mut self, old: &MessageId, new: &MessageId) {
        if let Some(replies) = take_key(&mut self.message_threads, old) {
            let messages = Arc::make_mut(&mut self.messages);
            for reply in &replies {
                if let Some(message) = messages.get_mut(reply) {
                    message.parent_message_id = Some(new.clone());
                }
            }
            Arc::make_mut(&mut self.message_threads).insert(new.clone(), replies);
        }
        if let Some(receipts) = take_key(&mut self.read_receipts, old) {
            let list = Arc::make_mut(&mut self.read_receipts).entry(new.clone()).or_default();
            for receipt in receipts {
                if !list.iter().any(|r| r.user_id == receipt.user_id) {
                    list.push(receipt);
                }
            }
        }
        if let Some(conflict) = take_key(&mut self.conflicts, old) {
            Arc::make_mut(&mut self.conflicts).insert(new.clone(), conflict);
        }
    }

    /// Settles a message with a pending local change against the server's copy
    /// (`id` may be a temporary id the server's copy replaces).
    fn settle(&mut self, id: &MessageId, server: Message) -> Result<(), ChatError> {
        if &server.id != id && self.messages.contains_key(&server.id) {
            return Err(ChatError::DuplicateMessage(server.id));
        }
        self.require_channel(&server.channel_id)?;
        self.require_user(&server.author_id)?;
        self.check_parent(&server, Some(id))?;

        let local = self.unlink(id).expect("the caller checked the message exists");
        take_key(&mut self.messages_pending_sync, id);
        let new_id = server.id.clone();
        if &new_id != id {
            self.rekey(id, &new_id);
        }

        let differs = local.content != server.content
            || local.edited_at != server.edited_at
            || local.reactions != server.reactions;
        let resolved = if differs {
            let Resolution { resolved, strategy } = resolve_message_conflict(&local, &server);
            if strategy != Strategy::Server {
                // Our side still has changes the server lacks: they stay
                // pending, and a rollback returns to the server's copy.
                let previous = Message { sync_status: SyncStatus::Synced, ..server.clone() };
                Arc::make_mut(&mut self.messages_pending_sync)
                    .insert(new_id.clone(), PendingMessage::Edit { previous });
            }
            let conflict = ConflictState { strategy, local, server };
            Arc::make_mut(&mut self.conflicts).insert(new_id, conflict);
            resolved
        } else {
            let optimistic_id = server.optimistic_id.clone().or(local.optimistic_id);
            Message { sync_status: SyncStatus::Synced, optimistic_id, ..server }
        };
        self.link(resolved);
        Ok(())
    }

    /// Applies one message from a sync batch.
    fn apply_server_message(&mut self, server: Message) -> Result<(), ChatError> {
        // The server echoing one of our optimistic sends: confirm it, rather
        // than keep two copies of one message.
        if let Some(temp) = &server.optimistic_id {
            if temp != &server.id && matches!(self.messages_pending_sync.get(temp), Some(PendingMessage::Send)) {
                let temp = temp.clone();
                return self.settle(&temp, server);
            }
        }
        let id = server.id.clone();
        if self.messages_pending_sync.contains_key(&id) {
            return self.settle(&id, server);
        }
        self.require_channel(&server.channel_id)?;
        self.require_user(&server.author_id)?;
        if let Some(local) = self.messages.get(&id) {
            if server.version < local.version {
                // A stale copy that arrived late: we already have a newer one.
                return Ok(());
            }
        }
        self.check_parent(&server, None)?;
        self.unlink(&id);
        self.link(Message { sync_status: SyncStatus::Synced, ..server });
        Ok(())
    }

    /// Removes a user's typing indicator in a channel, if there is one.
    fn stop_typing_in(&mut self, channel: &ChannelId, user: &UserId) {
        if !self.typing_indicators.get(channel).is_some_and(|t| t.users.contains(user)) {
            return;
        }
        let indicators = Arc::make_mut(&mut self.typing_indicators);
        if let Some(indicator) = indicators.get_mut(channel) {
            indicator.users.retain(|u| u != user);
            if indicator.users.is_empty() {
                indicators.remove(channel);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Step 1b: real-time events
// ---------------------------------------------------------------------------

/// Makes `user` a member of `channel`; both membership maps change. Joining
/// twice changes nothing.
pub fn join_channel(state: &ChatState, channel: &ChannelId, user: &UserId) -> Result<ChatState, ChatError> {
    state.require_channel(channel)?;
    state.require_user(user)?;
    let mut next = state.clone();
    if state.user_channels.get(user).is_some_and(|joined| joined.contains(channel)) {
        return Ok(next);
    }
    Arc::make_mut(&mut next.channel_members).entry(channel.clone()).or_default().push(user.clone());
    Arc::make_mut(&mut next.user_channels).entry(user.clone()).or_default().push(channel.clone());
    if next.is_online(user) {
        next.add_online(channel, true);
    }
    Ok(next)
}

/// Takes `user` out of `channel`, from both membership maps, and stops their
/// typing there. Leaving a channel you are not in changes nothing.
pub fn leave_channel(state: &ChatState, channel: &ChannelId, user: &UserId) -> Result<ChatState, ChatError> {
    state.require_channel(channel)?;
    state.require_user(user)?;
    let mut next = state.clone();
    if !state.user_channels.get(user).is_some_and(|joined| joined.contains(channel)) {
        return Ok(next);
    }
    let members = Arc::make_mut(&mut next.channel_members);
    if let Some(list) = members.get_mut(channel) {
        list.retain(|u| u != user);
        if list.is_empty() {
            members.remove(channel);
        }
    }
    let joined = Arc::make_mut(&mut next.user_channels);
    if let Some(list) = joined.get_mut(user) {
        list.retain(|c| c != channel);
        if list.is_empty() {
            joined.remove(user);
        }
    }
    if next.is_online(user) {
        next.add_online(channel, false);
    }
    next.stop_typing_in(channel, user);
    Ok(next)
}

/// Records a user's presence.
pub fn set_presence(state: &ChatState, user: &UserId, presence: Presence) -> Result<ChatState, ChatError> {
    state.require_user(user)?;
    let mut next = state.clone();
    if state.user_presence.get(user) != Some(&presence) {
        Arc::make_mut(&mut next.user_presence).insert(user.clone(), presence);
    }
    // Going Online, or leaving Online: each of the user's channels has one
    // Online member more, or one fewer.
    let (was, is) = (state.is_online(user), presence == Presence::Online);
    if was != is {
        for channel in state.user_channels.get(user).map_or(&[][..], Vec::as_slice) {
            next.add_online(channel, is);
        }
    }
    Ok(next)
}

/// `user` starts typing in `channel`. Starting again changes nothing.
pub fn start_typing(state: &ChatState, channel: &ChannelId, user: &UserId) -> Result<ChatState, ChatError> {
    state.require_channel(channel)?;
    state.require_user(user)?;
    let mut next = state.clone();
    if !state.typing_indicators.get(channel).is_some_and(|t| t.users.contains(user)) {
        Arc::make_mut(&mut next.typing_indicators).entry(channel.clone()).or_default().users.push(user.clone());
    }
    Ok(next)
}

/// `user` stops typing in `channel`.
pub fn stop_typing(state: &ChatState, channel: &ChannelId, user: &UserId) -> Result<ChatState, ChatError> {
    state.require_channel(channel)?;
    state.require_user(user)?;
    let mut next = state.clone();
    next.stop_typing_in(channel, user);
    Ok(next)
}

/// `user` has read `message` at `at`. A user's first receipt for a message
/// is the one kept.
pub fn mark_read(state: &ChatState, message: &MessageId, user: &UserId, at: u64) -> Result<ChatState, ChatError> {
    state.require_message(message)?;
    state.require_user(user)?;
    let mut next = state.clone();
    if !state.read_receipts.get(message).is_some_and(|list| list.iter().any(|r| &r.user_id == user)) {
        let receipt = ReadReceipt { user_id: user.clone(), read_at: at };
        Arc::make_mut(&mut next.read_receipts).entry(message.clone()).or_default().push(receipt);
        // The derived count follows: one more message seen, unless the
        // reader wrote it (their own messages already count as seen).
        let read = &state.messages[message];
        if &read.author_id != user {
            next.add_seen(&read.channel_id, user.clone(), true);
        }
    }
    Ok(next)
}

// ---------------------------------------------------------------------------
// Step 2: selectors
// ---------------------------------------------------------------------------

/// A channel's messages, replies included, in channel order. Empty for an
/// unknown channel.
pub fn select_channel_messages<'a>(state: &'a ChatState, channel_id: &ChannelId) -> Vec<&'a Message> {
    state
        .channel_messages
        .get(channel_id)
        .map_or_else(Vec::new, |ids| ids.iter().filter_map(|id| state.messages.get(id)).collect())
}

/// How many of the newest messages a channel view shows.
pub const CHANNEL_VIEW_MESSAGES: usize = 50;

/// Decrypts message contents for views, each message version once.
#[derive(Default)]
struct Decryptor {
    cipher: Option<Arc<dyn Cipher>>,
    /// Message id -> (the ciphertext decrypted, its plaintext). A new version
    /// has new ciphertext, so it misses and is decrypted once. A long-running
    /// app would bound this cache; the views here are small.
    plain: HashMap<MessageId, (String, String)>,
}

impl Decryptor {
    fn new(cipher: Option<Arc<dyn Cipher>>) -> Self {
        Decryptor { cipher, plain: HashMap::new() }
    }

    fn content(&mut self, message: &Message) -> String {
        let Some(cipher) = &self.cipher else {
            return message.content.clone();
        };
        if let Some((ciphertext, plaintext)) = self.plain.get(&message.id) {
            if *ciphertext == message.content {
                return plaintext.clone();
            }
        }
        let plaintext = cipher.decrypt(&message.content);
        self.plain.insert(message.id.clone(), (message.content.clone(), plaintext.clone()));
        plaintext
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageWithAuthor {
    pub message: Message,
    pub author: User,
    /// The text to show: `message.content`, decrypted when there is a cipher.
    pub content: String,
}

/// Everything a channel screen shows, for one viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelView {
    pub channel: Channel,
    /// The newest `CHANNEL_VIEW_MESSAGES` messages, oldest first.
    pub messages: Vec<MessageWithAuthor>,
    /// Who is typing, in the order they started, never the viewer.
    pub typing_users: Vec<User>,
    /// Members whose presence is Online.
    pub online_member_count: usize,
    /// Messages in the channel that someone else wrote and the viewer has no
    /// receipt for.
    pub unread_count: usize,
    /// The newest message's timestamp, or the channel's creation time.
    pub last_activity: u64,
}

/// What a channel view was computed from: the tables it reads (compared by
/// pointer) and its arguments. Holding the `Arc`s keeps the pointers valid.
struct ChannelInputs {
    channel_id: ChannelId,
    viewer: UserId,
    channels: Arc<HashMap<ChannelId, Channel>>,
    messages: Arc<HashMap<MessageId, Message>>,
    users: Arc<HashMap<UserId, User>>,
    typing: Arc<HashMap<ChannelId, TypingIndicator>>,
    seen: Arc<HashMap<ChannelId, Arc<HashMap<UserId, usize>>>>,
    online: Arc<HashMap<ChannelId, usize>>,
    order: Arc<HashMap<ChannelId, Vec<MessageId>>>,
}

impl ChannelInputs {
    fn of(state: &ChatState, channel_id: &ChannelId, viewer: &UserId) -> Self {
        ChannelInputs {
            channel_id: channel_id.clone(),
            viewer: viewer.clone(),
            channels: Arc::clone(&state.channels),
            messages: Arc::clone(&state.messages),
            users: Arc::clone(&state.users),
            typing: Arc::clone(&state.typing_indicators),
            seen: Arc::clone(&state.channel_seen),
            online: Arc::clone(&state.channel_online),
            order: Arc::clone(&state.channel_messages),
        }
    }

    fn same(&self, state: &ChatState, channel_id: &ChannelId, viewer: &UserId) -> bool {
        &self.channel_id == channel_id
            && &self.viewer == viewer
            && Arc::ptr_eq(&self.channels, &state.channels)
            && Arc::ptr_eq(&self.messages, &state.messages)
            && Arc::ptr_eq(&self.users, &state.users)
            && Arc::ptr_eq(&self.typing, &state.typing_indicators)
            && Arc::ptr_eq(&self.seen, &state.channel_seen)
            && Arc::ptr_eq(&self.online, &state.channel_online)
            && Arc::ptr_eq(&self.order, &state.channel_messages)
    }
}

/// A memoized channel view. Each instance has its own cache: give each screen
/// its own selector.
pub struct ChannelSelector {
    decryptor: Decryptor,
    last: Option<(ChannelInputs, Arc<ChannelView>)>,
}

impl ChannelSelector {
    /// The channel as `viewer` sees it; None for an unknown channel. With the
    /// same inputs as the last call, returns the same `Arc`.
    pub fn select(&mut self, state: &ChatState, channel_id: &ChannelId, viewer: &UserId) -> Option<Arc<ChannelView>> {
        if let Some((inputs, view)) = &self.last {
            if inputs.same(state, channel_id, viewer) {
                return Some(Arc::clone(view));
            }
        }
        let view = Arc::new(self.compute(state, channel_id, viewer)?);
        self.last = Some((ChannelInputs::of(state, channel_id, viewer), Arc::clone(&view)));
        Some(view)
    }

    /// Reads only this channel's own entries: its order, typing users and
    /// the two counts the updates keep (seen, online).
    fn compute(&mut self, state: &ChatState, channel_id: &ChannelId, viewer: &UserId) -> Option<ChannelView> {
        let channel = state.channels.get(channel_id)?;
        let order = state.channel_messages.get(channel_id).map_or(&[][..], Vec::as_slice);

        let newest = &order[order.len().saturating_sub(CHANNEL_VIEW_MESSAGES)..];
        let messages = newest
            .iter()
            .filter_map(|id| {
                let message = state.messages.get(id)?;
                let author = state.users.get(&message.author_id)?;
                Some(MessageWithAuthor {
                    content: self.decryptor.content(message),
                    message: message.clone(),
                    author: author.clone(),
                })
            })
            .collect();

        let typing_users = state.typing_indicators.get(channel_id).map_or_else(Vec::new, |indicator| {
            indicator.users.iter().filter(|u| *u != viewer).filter_map(|u| state.users.get(u).cloned()).collect()
        });
        // Kept by the presence and membership updates: one lookup.
        let online_member_count = state.channel_online.get(channel_id).copied().unwrap_or(0);
        // Unread: the channel's messages the viewer has not seen (written or
        // read). The updates keep the seen count, so this is two lookups, not
        // a walk over every message of the channel.
        let seen = state.channel_seen.get(channel_id).and_then(|counts| counts.get(viewer)).copied().unwrap_or(0);
        let unread_count = order.len() - seen;
        let last_activity = order
            .last()
            .and_then(|id| state.messages.get(id))
            .map_or(channel.created_at, |m| m.timestamp.max(channel.created_at));

        Some(ChannelView {
            channel: channel.clone(),
            messages,
            typing_users,
            online_member_count,
            unread_count,
            last_activity,
        })
    }
}

/// A new channel selector with its own, empty cache.
pub fn make_select_channel_with_live_data() -> ChannelSelector {
    ChannelSelector { decryptor: Decryptor::new(None), last: None }
}

/// One message of a thread, with what a thread screen shows beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadMessage {
    pub message: Message,
    pub author: User,
    /// The text to show: `message.content`, decrypted when there is a cipher.
    pub content: String,
    /// Who has read it, in the order their receipts came in.
    pub read_by: Vec<UserId>,
    /// True while the server has not confirmed it (pending or failed).
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadView {
    pub parent: ThreadMessage,
    /// Oldest first.
    pub replies: Vec<ThreadMessage>,
}

struct ThreadInputs {
    message_id: MessageId,
    messages: Arc<HashMap<MessageId, Message>>,
    users: Arc<HashMap<UserId, User>>,
    threads: Arc<HashMap<MessageId, Vec<MessageId>>>,
    receipts: Arc<HashMap<MessageId, Vec<ReadReceipt>>>,
}

impl ThreadInputs {
    fn of(state: &ChatState, message_id: &MessageId) -> Self {
        ThreadInputs {
            message_id: message_id.clone(),
            messages: Arc::clone(&state.messages),
            users: Arc::clone(&state.users),
            threads: Arc::clone(&state.message_threads),
            receipts: Arc::clone(&state.read_receipts),
        }
    }

    fn same(&self, state: &ChatState, message_id: &MessageId) -> bool {
        &self.message_id == message_id
            && Arc::ptr_eq(&self.messages, &state.messages)
            && Arc::ptr_eq(&self.users, &state.users)
            && Arc::ptr_eq(&self.threads, &state.message_threads)
            && Arc::ptr_eq(&self.receipts, &state.read_receipts)
    }
}

/// A memoized thread view, with its own cache.
pub struct ThreadSelector {
    decryptor: Decryptor,
    last: Option<(ThreadInputs, Arc<ThreadView>)>,
}

impl ThreadSelector {
    /// The message and its replies; None for an unknown message. With the
    /// same inputs as the last call, returns the same `Arc`.
    pub fn select(&mut self, state: &ChatState, message_id: &MessageId) -> Option<Arc<ThreadView>> {
        if let Some((inputs, view)) = &self.last {
            if inputs.same(state, message_id) {
                return Some(Arc::clone(view));
            }
        }
        let view = Arc::new(self.compute(state, message_id)?);
        self.last = Some((ThreadInputs::of(state, message_id), Arc::clone(&view)));
        Some(view)
    }

    fn compute(&mut self, state: &ChatState, message_id: &MessageId) -> Option<ThreadView> {
        let parent = self.entry(state, message_id)?;
        let replies = state
            .message_threads
            .get(message_id)
            .map_or_else(Vec::new, |ids| ids.iter().filter_map(|id| self.entry(state, id)).collect());
        Some(ThreadView { parent, replies })
    }

    fn entry(&mut self, state: &ChatState, id: &MessageId) -> Option<ThreadMessage> {
        let message = state.messages.get(id)?;
        let author = state.users.get(&message.author_id)?;
        let read_by =
            state.read_receipts.get(id).map_or_else(Vec::new, |list| list.iter().map(|r| r.user_id.clone()).collect());
        Some(ThreadMessage {
            content: self.decryptor.content(message),
            pending: message.sync_status != SyncStatus::Synced,
            message: message.clone(),
            author: author.clone(),
            read_by,
        })
    }
}

/// A new thread selector with its own, empty cache.
pub fn make_select_message_thread() -> ThreadSelector {
    ThreadSelector { decryptor: Decryptor::new(None), last: None }
}

// ---------------------------------------------------------------------------
// Step 3: optimistic updates
// ---------------------------------------------------------------------------

/// Shows a message at once, before the server has it: it gets `temp_id` as
/// its id and optimistic id, `now` as its timestamp, version 1 and status
/// Pending, takes its place in the channel order (and its parent's thread),
/// and is recorded for rollback. Its author stops typing in the channel.
pub fn send_message_optimistically(
    state: &ChatState,
    draft: NewMessage,
    temp_id: MessageId,
    now: u64,
) -> Result<ChatState, ChatError> {
    if state.messages.contains_key(&temp_id) {
        return Err(ChatError::DuplicateMessage(temp_id));
    }
    let NewMessage { channel_id, author_id, content, parent_message_id } = draft;
    state.require_channel(&channel_id)?;
    state.require_user(&author_id)?;
    let message = Message {
        id: temp_id.clone(),
        content,
        author_id,
        channel_id,
        timestamp: now,
        edited_at: None,
        parent_message_id,
        reactions: Reactions::new(),
        sync_status: SyncStatus::Pending,
        optimistic_id: Some(temp_id.clone()),
        version: 1,
    };
    state.check_parent(&message, None)?;

    let mut next = state.clone();
    next.stop_typing_in(&message.channel_id, &message.author_id);
    Arc::make_mut(&mut next.messages_pending_sync).insert(temp_id, PendingMessage::Send);
    next.link(message);
    Ok(next)
}

/// Edits a message at once: new content, `edited_at = now`, one version up,
/// status Pending. The first pending change of a message is the one a
/// rollback returns to.
pub fn edit_message_optimistically(
    state: &ChatState,
    id: &MessageId,
    content: &str,
    now: u64,
) -> Result<ChatState, ChatError> {
    let current = state.require_message(id)?;
    let mut next = state.clone();
    if !state.messages_pending_sync.contains_key(id) {
        let previous = current.clone();
        Arc::make_mut(&mut next.messages_pending_sync).insert(id.clone(), PendingMessage::Edit { previous });
    }
    let message = Arc::make_mut(&mut next.messages).get_mut(id).expect("the message was checked to exist");
    message.content = content.to_owned();
    message.edited_at = Some(now);
    message.version += 1;
    message.sync_status = SyncStatus::Pending;
    Ok(next)
}

/// The server refused a pending change: the message is marked Failed and
/// stays pending, so it can be retried (confirmed) or rolled back.
pub fn mark_sync_failed(state: &ChatState, id: &MessageId) -> Result<ChatState, ChatError> {
    state.pending_entry(id)?;
    let mut next = state.clone();
    let message = Arc::make_mut(&mut next.messages).get_mut(id).expect("the message was checked to exist");
    message.sync_status = SyncStatus::Failed;
    Ok(next)
}

/// Undoes a pending change. A send disappears from every table and
/// relationship (its replies become top-level messages); an edit goes back to
/// the message as it was before. Derived values, such as the channel's last
/// activity, follow.
pub fn rollback_optimistic_message(state: &ChatState, id: &MessageId) -> Result<ChatState, ChatError> {
    let pending = state.pending_entry(id)?.clone();
    let mut next = state.clone();
    match pending {
        PendingMessage::Send => next.remove_message(id),
        PendingMessage::Edit { previous } => {
            take_key(&mut next.messages_pending_sync, id);
            let message = Arc::make_mut(&mut next.messages).get_mut(id).expect("the message was checked to exist");
            message.content = previous.content;
            message.edited_at = previous.edited_at;
            message.version = previous.version;
            message.reactions = previous.reactions;
            message.sync_status = SyncStatus::Synced;
        }
    }
    Ok(next)
}

/// The server has the message: its copy replaces the local one, and its id
/// replaces the temporary id everywhere (messages, channel order, threads as
/// parent and as reply, receipts, pending). The confirmed message keeps the
/// temporary id in `optimistic_id`.
///
/// A server copy whose content, edit time or reactions differ from the local
/// copy goes through `resolve_message_conflict`, and the conflict is recorded
/// under the server id. If the resolution is not Server, the local side still
/// has changes the server lacks: the message stays pending (an Edit whose
/// `previous` is the server's copy).
pub fn confirm_optimistic_message(state: &ChatState, id: &MessageId, server: Message) -> Result<ChatState, ChatError> {
    state.pending_entry(id)?;
    let mut next = state.clone();
    next.settle(id, server)?;
    Ok(next)
}

// ---------------------------------------------------------------------------
// Step 4: conflicts and sync
// ---------------------------------------------------------------------------

/// The outcome of a conflict: the message to keep, and which side it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub resolved: Message,
    pub strategy: Strategy,
}

/// Resolves two copies of one message.
///
/// - Content (with its edit time) comes from the higher version; on equal
///   versions, from the later edit (a never-edited message is the oldest);
///   on a tie, from the server.
/// - Reactions are the union of both sides.
/// - Everything else (id, channel, author, timestamp, parent) is the server's,
///   the version is the higher one, and the optimistic id is kept (the
///   server's, or else the local one).
/// - The strategy is Server when the result has the server's content, edit
///   time and reactions; otherwise Local when it has the local ones;
///   otherwise Merge. Only Server leaves nothing to send: its result is
///   Synced, the others Pending.
pub fn resolve_message_conflict(local: &Message, server: &Message) -> Resolution {
    let local_content_wins = match local.version.cmp(&server.version) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => local.edited_at > server.edited_at,
    };
    let winner = if local_content_wins { local } else { server };

    let mut reactions = server.reactions.clone();
    for (emoji, users) in &local.reactions {
        reactions.entry(emoji.clone()).or_default().extend(users.iter().cloned());
    }

    let same_as =
        |m: &Message| m.content == winner.content && m.edited_at == winner.edited_at && m.reactions == reactions;
    let strategy = if same_as(server) {
        Strategy::Server
    } else if same_as(local) {
        Strategy::Local
    } else {
        Strategy::Merge
    };
    let resolved = Message {
        content: winner.content.clone(),
        edited_at: winner.edited_at,
        reactions,
        version: local.version.max(server.version),
        sync_status: if strategy == Strategy::Server { SyncStatus::Synced } else { SyncStatus::Pending },
        optimistic_id: server.optimistic_id.clone().or_else(|| local.optimistic_id.clone()),
        ..server.clone()
    };
    Resolution { resolved, strategy }
}

/// A partial update of a channel: `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelUpdate {
    pub id: ChannelId,
    pub name: Option<String>,
    pub topic: Option<String>,
}

/// One batch of changes from the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncUpdates {
    /// New messages and new versions of known ones.
    pub messages: Vec<Message>,
    /// Messages deleted on the server; unknown ids are ignored.
    pub deleted_messages: Vec<MessageId>,
    pub channel_updates: Vec<ChannelUpdate>,
    /// The server time of this batch.
    pub synced_at: u64,
}

/// Applies a batch from the server, in order: messages, deletions, channel
/// updates; then every channel the batch touched records `synced_at` as its
/// last sync (never moving backwards).
///
/// - A message echoing a pending send (its `optimistic_id` is our temporary
///   id) confirms that send.
/// - A message with a pending local change is settled as in
///   `confirm_optimistic_message`.
/// - Any other known message is replaced by the server's copy, unless that
///   copy has a lower version (it is stale). New messages are added.
/// - A deletion follows the deletion policy: gone from every table and
///   relationship with its receipts and sync entries; its replies become
///   top-level messages.
///
/// A batch with a reference to a missing channel, user or parent is refused
/// whole, and the state stays as it was.
pub fn apply_sync_updates(state: &ChatState, updates: SyncUpdates) -> Result<ChatState, ChatError> {
    let SyncUpdates { messages, deleted_messages, channel_updates, synced_at } = updates;
    let mut next = state.clone();
    let mut touched = BTreeSet::new();

    for message in messages {
        touched.insert(message.channel_id.clone());
        next.apply_server_message(message)?;
    }
    for id in &deleted_messages {
        if let Some(message) = next.messages.get(id) {
            touched.insert(message.channel_id.clone());
            next.remove_message(id);
        }
    }
    for update in channel_updates {
        next.require_channel(&update.id)?;
        touched.insert(update.id.clone());
        if update.name.is_none() && update.topic.is_none() {
            continue;
        }
        let channel = Arc::make_mut(&mut next.channels).get_mut(&update.id).expect("the channel was checked to exist");
        if let Some(name) = update.name {
            channel.name = name;
        }
        if let Some(topic) = update.topic {
            channel.topic = topic;
        }
    }

    if !touched.is_empty() {
        let last_sync = Arc::make_mut(&mut next.last_sync);
        for channel in touched {
            let at = last_sync.entry(channel).or_insert(synced_at);
            *at = (*at).max(synced_at);
        }
    }
    Ok(next)
}

// ---------------------------------------------------------------------------
// Debugging and monitoring: the action log
// ---------------------------------------------------------------------------

/// One update as a value: what the action log applies and keeps. Each variant
/// carries the arguments of one update function above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatAction {
    /// `send_message_optimistically(state, draft, temp_id, now)`
    Send { draft: NewMessage, temp_id: MessageId, now: u64 },
    /// `edit_message_optimistically(state, &id, &content, now)`
    Edit { id: MessageId, content: String, now: u64 },
    /// `mark_sync_failed(state, &id)`
    MarkFailed { id: MessageId },
    /// `rollback_optimistic_message(state, &id)`
    Rollback { id: MessageId },
    /// `confirm_optimistic_message(state, &id, server)`
    Confirm { id: MessageId, server: Message },
    /// `apply_sync_updates(state, updates)`
    Sync(SyncUpdates),
}

/// A conflict an action settled: the message, under its id after the action
/// (a confirmation's server id), and which side won.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedConflict {
    pub message_id: MessageId,
    pub strategy: Strategy,
}

/// What the action log knows about one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEntry {
    /// The update returned a new state. `conflicts`: every message whose
    /// record in `conflicts` the update wrote (a new record, or one that
    /// differs from the record before), sorted by message id; empty when it
    /// settled none. A record the update removed settled nothing.
    Applied { action: ChatAction, conflicts: Vec<ResolvedConflict> },
    /// The update refused the action with `error`, and changed nothing.
    Refused { action: ChatAction, error: ChatError },
}

/// Applies actions with the update functions above and remembers each one.
#[derive(Debug, Default)]
pub struct ActionLog {
    entries: Vec<LogEntry>,
}

impl ActionLog {
    /// A new, empty log; two logs never share entries.
    pub fn new() -> ActionLog {
        ActionLog::default()
    }

    /// Applies `action` to `state` and logs it. A refusal is logged too, then
    /// returned as the update returned it.
    pub fn dispatch(&mut self, state: &ChatState, action: ChatAction) -> Result<ChatState, ChatError> {
        match apply(state, &action) {
            Ok(next) => {
                let conflicts = conflicts_written(state, &next);
                self.entries.push(LogEntry::Applied { action, conflicts });
                Ok(next)
            }
            Err(error) => {
                self.entries.push(LogEntry::Refused { action, error: error.clone() });
                Err(error)
            }
        }
    }

    /// Every action dispatched through this log, oldest first.
    pub fn entries(&self) -> &[LogEntry] {
        &self.entries
    }
}

/// The update function behind each action. The log keeps the action, so the
/// arguments the functions take by value are cloned.
fn apply(state: &ChatState, action: &ChatAction) -> Result<ChatState, ChatError> {
    match action {
        ChatAction::Send { draft, temp_id, now } => {
            send_message_optimistically(state, draft.clone(), temp_id.clone(), *now)
        }
        ChatAction::Edit { id, content, now } => edit_message_optimistically(state, id, content, *now),
        ChatAction::MarkFailed { id } => mark_sync_failed(state, id),
        ChatAction::Rollback { id } => rollback_optimistic_message(state, id),
        ChatAction::Confirm { id, server } => confirm_optimistic_message(state, id, server.clone()),
        ChatAction::Sync(updates) => apply_sync_updates(state, updates.clone()),
    }
}

/// The conflict records `after` holds and `before` did not hold as they are:
/// the ones the update between them wrote. A record the update removed (its
/// message was deleted) settled nothing, so it is not listed.
fn conflicts_written(before: &ChatState, after: &ChatState) -> Vec<ResolvedConflict> {
    let mut written: Vec<ResolvedConflict> = after
        .conflicts
        .iter()
        .filter(|(id, conflict)| before.conflicts.get(*id) != Some(*conflict))
        .map(|(id, conflict)| ResolvedConflict { message_id: id.clone(), strategy: conflict.strategy })
        .collect();
    // The table is a HashMap: its order is no order at all.
    written.sort_by(|a, b| a.message_id.cmp(&b.message_id));
    written
}

// ---------------------------------------------------------------------------
// Extension (bonus): end-to-end encryption in the selectors
// ---------------------------------------------------------------------------

/// Encrypts and decrypts message contents. With end-to-end encryption the
/// store only ever holds ciphertext in `Message::content`; the selectors show
/// plaintext.
pub trait Cipher {
    fn encrypt(&self, plaintext: &str) -> String;
    fn decrypt(&self, ciphertext: &str) -> String;
}

/// A channel selector whose views show decrypted contents. Each message
/// version is decrypted once per selector, however often it is shown.
pub fn make_select_channel_with_live_data_encrypted(cipher: Arc<dyn Cipher>) -> ChannelSelector {
    ChannelSelector { decryptor: Decryptor::new(Some(cipher)), last: None }
}

/// A thread selector whose views show decrypted contents, each message
/// version decrypted once per selector.
pub fn make_select_message_thread_encrypted(cipher: Arc<dyn Cipher>) -> ThreadSelector {
    ThreadSelector { decryptor: Decryptor::new(Some(cipher)), last: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(id: &str) -> Channel {
        Channel { id: id.into(), name: format!("#{id}"), topic: String::new(), created_at: 10 }
    }

    fn user(id: &str) -> User {
        User { id: id.into(), name: id.to_uppercase() }
    }

    fn message(id: &str, channel: &str, author: &str, timestamp: u64) -> Message {
        Message {
            id: id.into(),
            content: format!("text of {id}"),
            author_id: author.into(),
            channel_id: channel.into(),
            timestamp,
            edited_at: None,
            parent_message_id: None,
            reactions: Reactions::new(),
            sync_status: SyncStatus::Synced,
            optimistic_id: None,
            version: 1,
        }
    }

    fn state() -> ChatState {
        ChatState::from_snapshot(ChatSnapshot {
            channels: vec![channel("general")],
            users: vec![user("arthur"), user("ford")],
            members: vec![("general".into(), "arthur".into()), ("general".into(), "ford".into())],
            messages: vec![message("m2", "general", "ford", 200), message("m1", "general", "arthur", 100)],
            ..ChatSnapshot::default()
        })
        .unwrap()
    }

    fn draft(text: &str) -> NewMessage {
        NewMessage {
            channel_id: "general".into(),
            author_id: "arthur".into(),
            content: text.into(),
            parent_message_id: None,
        }
    }

    fn order(state: &ChatState) -> Vec<&str> {
        select_channel_messages(state, &"general".into()).iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn send_then_rollback_leaves_no_trace() {
        let start = state();
        let sent = send_message_optimistically(&start, draft("Hello world!"), "tmp1".into(), 300).unwrap();
        assert_eq!(order(&sent), ["m1", "m2", "tmp1"]);
        assert_eq!(sent.messages[&MessageId::from("tmp1")].sync_status, SyncStatus::Pending);
        assert!(Arc::ptr_eq(&start.users, &sent.users));

        let back = rollback_optimistic_message(&sent, &"tmp1".into()).unwrap();
        assert_eq!(back, start);
    }

    #[test]
    fn confirm_moves_the_reply_thread_to_the_server_id() {
        let start = state();
        let sent = send_message_optimistically(&start, draft("parent"), "tmp1".into(), 300).unwrap();
        let reply = NewMessage { parent_message_id: Some("tmp1".into()), ..draft("reply") };
        let replied = send_message_optimistically(&sent, reply, "tmp2".into(), 310).unwrap();

        let server = Message { content: "parent".into(), ..message("s1", "general", "arthur", 305) };
        let confirmed = confirm_optimistic_message(&replied, &"tmp1".into(), server).unwrap();
        assert_eq!(order(&confirmed), ["m1", "m2", "s1", "tmp2"]);
        assert_eq!(confirmed.message_threads[&MessageId::from("s1")], vec![MessageId::from("tmp2")]);
        assert_eq!(confirmed.messages[&MessageId::from("tmp2")].parent_message_id, Some("s1".into()));
        assert_eq!(confirmed.messages[&MessageId::from("s1")].optimistic_id, Some("tmp1".into()));
        assert!(!confirmed.message_threads.contains_key(&MessageId::from("tmp1")));
        assert!(confirmed.conflicts.is_empty());
    }

    #[test]
    fn conflicts_merge_reactions_and_respect_versions() {
        let mut local = message("m1", "general", "arthur", 100);
        local.content = "edited here".into();
        local.edited_at = Some(150);
        local.version = 2;
        local.reactions.entry("👍".into()).or_default().insert("arthur".into());
        let mut server = message("m1", "general", "arthur", 100);
        server.reactions.entry("👍".into()).or_default().insert("ford".into());

        let Resolution { resolved, strategy } = resolve_message_conflict(&local, &server);
        assert_eq!(strategy, Strategy::Merge);
        assert_eq!(resolved.content, "edited here");
        assert_eq!(resolved.reactions["👍"].len(), 2);

        server.version = 3;
        let Resolution { resolved, strategy } = resolve_message_conflict(&local, &server);
        assert_eq!(strategy, Strategy::Merge);
        assert_eq!(resolved.content, "text of m1");
    }

    #[test]
    fn deleting_a_parent_promotes_its_replies() {
        let start = state();
        let reply = Message { parent_message_id: Some("m1".into()), ..message("r1", "general", "ford", 150) };
        let with_reply =
            apply_sync_updates(&start, SyncUpdates { messages: vec![reply], ..Default::default() }).unwrap();
        let read = mark_read(&with_reply, &"m1".into(), &"ford".into(), 160).unwrap();
        let deleted = apply_sync_updates(
            &read,
            SyncUpdates { deleted_messages: vec!["m1".into()], synced_at: 500, ..Default::default() },
        )
        .unwrap();
        assert_eq!(order(&deleted), ["r1", "m2"]);
        assert_eq!(deleted.messages[&MessageId::from("r1")].parent_message_id, None);
        assert!(deleted.message_threads.is_empty());
        assert!(deleted.read_receipts.is_empty());
        assert_eq!(deleted.last_sync[&ChannelId::from("general")], 500);
    }

    #[test]
    fn channel_views_are_memoized_per_instance() {
        let start = state();
        let mut one = make_select_channel_with_live_data();
        let mut two = make_select_channel_with_live_data();
        let (general, me) = (ChannelId::from("general"), UserId::from("arthur"));
        let a = one.select(&start, &general, &me).unwrap();
        assert!(Arc::ptr_eq(&a, &one.select(&start, &general, &me).unwrap()));
        assert!(!Arc::ptr_eq(&a, &two.select(&start, &general, &me).unwrap()));
        assert_eq!(a.unread_count, 1);
        assert_eq!(a.last_activity, 200);
    }

    #[test]
    fn the_action_log_reads_back_what_happened() {
        let mut log = ActionLog::new();
        let mut state = state();
        let send = ChatAction::Send { draft: draft("Hello"), temp_id: "tmp1".into(), now: 300 };
        state = log.dispatch(&state, send.clone()).unwrap();
        let unknown = ChatAction::Rollback { id: "nope".into() };
        assert_eq!(log.dispatch(&state, unknown.clone()), Err(ChatError::UnknownMessage("nope".into())));
        let mut server = Message { content: "Hello".into(), ..message("s1", "general", "arthur", 305) };
        server.reactions.entry("👍".into()).or_default().insert("ford".into());
        let confirm = ChatAction::Confirm { id: "tmp1".into(), server };
        state = log.dispatch(&state, confirm.clone()).unwrap();

        assert_eq!(
            log.entries(),
            [
                LogEntry::Applied { action: send, conflicts: vec![] },
                LogEntry::Refused { action: unknown, error: ChatError::UnknownMessage("nope".into()) },
                LogEntry::Applied {
                    action: confirm,
                    conflicts: vec![ResolvedConflict { message_id: "s1".into(), strategy: Strategy::Server }],
                },
            ]
        );
        assert_eq!(order(&state), ["m1", "m2", "s1"]);
    }
}
