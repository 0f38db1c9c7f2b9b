//! Improbability Drive level: Real-Time Normalized Synchronization.
//!
//! A real-time chat store, kept normalized: channels, messages and users live
//! in their own tables, and everything else (channel order, members, threads,
//! read receipts, pending changes, conflicts) points at them by id. Read
//! `README.md` first, then fill in every `todo!()`. Run `workshop check`
//! whenever you like.
//!
//! Keep the public names, fields and signatures below as they are: the hidden
//! checks call them and read `ChatState`'s tables. Yours to design: the inside
//! of `TypingIndicator`, `ReadReceipt`, `ConflictState` (keep its `strategy`),
//! `ChannelSelector` and `ThreadSelector`, plus any private helpers you like.
//!
//! Deletion policy (the checks hold you to it): deleting a message, whether
//! the server deleted it or an optimistic send is rolled back, removes it from
//! every table and relationship, together with its read receipts, its pending
//! entry and its conflict record. Its replies stay, as top-level messages of
//! the channel: their `parent_message_id` becomes None.

// The stub's unused arguments would only be noise; delete this line when done.
#![allow(unused_variables, unused_imports, dead_code)]

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

// ---------------------------------------------------------------------------
// Ids: one type per kind of id, so a UserId never stands where a MessageId
// belongs (you made these yourself in the Towel level).
// ---------------------------------------------------------------------------

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

/// Who is typing in one channel.
///
/// TODO(step 1): complete it. The channel view lists typing users in the
/// order they started typing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypingIndicator {}

/// One user has read one message.
///
/// TODO(step 1): complete it: who read it, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReceipt {}

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

/// The last conflict met on a message.
///
/// TODO(step 1): complete it. Keep `strategy` (the checks read it) and add
/// what a debugging tool would want to show: both sides of the conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictState {
    pub strategy: Strategy,
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

/// The whole chat store. Every table sits behind an `Arc`: an update returns
/// a new state that shares every table it did not change with the old one
/// (`Arc::make_mut` copies a table only when it is shared).
///
/// The relationship maps treat a missing entry as an empty list.
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

    // Relationships
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

impl ChatState {
    /// Normalizes a snapshot into a state: the tables, both membership maps
    /// (in list order), the channel order and the threads (sorted by
    /// (timestamp, id), whatever the order of `messages`), presence and
    /// receipts (a user's first receipt for a message is the one kept).
    ///
    /// Refuses duplicate ids, references to missing channels, users or
    /// messages, and a reply whose parent is missing (`BadParent`), in another
    /// channel, or itself a reply. A repeated membership is kept once.
    ///
    /// Build it in one pass per list: inserting one message at a time into an
    /// immutable state would copy the tables every time.
    pub fn from_snapshot(snapshot: ChatSnapshot) -> Result<ChatState, ChatError> {
        todo!("build the tables and relationships")
    }
}

// ---------------------------------------------------------------------------
// Step 1b: real-time events. Each takes the old state and returns a new one.
// ---------------------------------------------------------------------------

/// Makes `user` a member of `channel`; both membership maps change. Joining
/// twice changes nothing.
pub fn join_channel(state: &ChatState, channel: &ChannelId, user: &UserId) -> Result<ChatState, ChatError> {
    todo!("add the user to both membership maps, once")
}

/// Takes `user` out of `channel`, from both membership maps, and stops their
/// typing there. Leaving a channel you are not in changes nothing.
pub fn leave_channel(state: &ChatState, channel: &ChannelId, user: &UserId) -> Result<ChatState, ChatError> {
    todo!("remove the user from both membership maps and stop their typing there")
}

/// Records a user's presence.
pub fn set_presence(state: &ChatState, user: &UserId, presence: Presence) -> Result<ChatState, ChatError> {
    todo!("record the presence in user_presence")
}

/// `user` starts typing in `channel`. Starting again changes nothing.
pub fn start_typing(state: &ChatState, channel: &ChannelId, user: &UserId) -> Result<ChatState, ChatError> {
    todo!("add the user to the channel's typing indicator, once, in start order")
}

/// `user` stops typing in `channel`.
pub fn stop_typing(state: &ChatState, channel: &ChannelId, user: &UserId) -> Result<ChatState, ChatError> {
    todo!("remove the user from the channel's typing indicator")
}

/// `user` has read `message` at `at`. A user's first receipt for a message
/// is the one kept.
pub fn mark_read(state: &ChatState, message: &MessageId, user: &UserId, at: u64) -> Result<ChatState, ChatError> {
    todo!("keep the user's first receipt for the message")
}

// ---------------------------------------------------------------------------
// Step 2: selectors
// ---------------------------------------------------------------------------

/// A channel's messages, replies included, in channel order. Empty for an
/// unknown channel.
pub fn select_channel_messages<'a>(state: &'a ChatState, channel_id: &ChannelId) -> Vec<&'a Message> {
    todo!("follow the channel -> messages relationship")
}

/// How many of the newest messages a channel view shows.
pub const CHANNEL_VIEW_MESSAGES: usize = 50;

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

/// A memoized channel view.
///
/// TODO(step 2): give it a cache. Each instance has its own: the same
/// instance asked again with the same inputs returns the same `Arc`
/// (compare the tables you read with `Arc::ptr_eq`, and the arguments).
pub struct ChannelSelector {}

impl ChannelSelector {
    /// The channel as `viewer` sees it; None for an unknown channel. With the
    /// same inputs as the last call, returns the same `Arc`.
    ///
    /// Read only this channel's own lists (its order, members and typing
    /// users): never walk the whole messages table.
    pub fn select(&mut self, state: &ChatState, channel_id: &ChannelId, viewer: &UserId) -> Option<Arc<ChannelView>> {
        todo!("return the cached Arc for the same inputs, else build the view from this channel's own lists")
    }
}

/// A new channel selector with its own, empty cache.
pub fn make_select_channel_with_live_data() -> ChannelSelector {
    todo!("a ChannelSelector with an empty cache")
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

/// A memoized thread view.
///
/// TODO(step 2): give it a cache, as for `ChannelSelector`.
pub struct ThreadSelector {}

impl ThreadSelector {
    /// The message and its replies; None for an unknown message. With the
    /// same inputs as the last call, returns the same `Arc`.
    pub fn select(&mut self, state: &ChatState, message_id: &MessageId) -> Option<Arc<ThreadView>> {
        todo!("return the cached Arc for the same inputs, else build the view from the thread's list of replies")
    }
}

/// A new thread selector with its own, empty cache.
pub fn make_select_message_thread() -> ThreadSelector {
    todo!("a ThreadSelector with an empty cache")
}

// ---------------------------------------------------------------------------
// Step 3: optimistic updates. Clocks and ids are passed in: `now` is the
// time, `temp_id` a fresh temporary id from the caller's generator.
// ---------------------------------------------------------------------------

/// Shows a message at once, before the server has it: it gets `temp_id` as
/// its id and optimistic id, `now` as its timestamp, version 1 and status
/// Pending, takes its place in the channel order (and its parent's thread),
/// and is recorded for rollback. Its author stops typing in the channel.
///
/// Refuses a taken id, an unknown channel or author, and a bad parent.
pub fn send_message_optimistically(
    state: &ChatState,
    draft: NewMessage,
    temp_id: MessageId,
    now: u64,
) -> Result<ChatState, ChatError> {
    todo!("build the pending message, link it into the channel order (and its parent's thread), record a Send")
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
    todo!("change the text, edited_at and version, mark it Pending, keep the first rollback point")
}

/// The server refused a pending change: the message is marked Failed and
/// stays pending, so it can be retried (confirmed) or rolled back.
pub fn mark_sync_failed(state: &ChatState, id: &MessageId) -> Result<ChatState, ChatError> {
    todo!("mark a pending message Failed, keeping its pending entry")
}

/// Undoes a pending change. A send disappears from every table and
/// relationship (the deletion policy at the top of this file); an edit goes
/// back to the message as it was before. Derived values, such as the
/// channel's last activity, follow.
///
/// Refuses an unknown message and one with nothing pending (`NotPending`).
pub fn rollback_optimistic_message(state: &ChatState, id: &MessageId) -> Result<ChatState, ChatError> {
    todo!(
        "undo the pending change: a Send is deleted, an Edit gets its old text, edit time, version and reactions back"
    )
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
///
/// Refuses an unknown message, one with nothing pending, and a server copy
/// with a missing channel, author or a bad parent.
pub fn confirm_optimistic_message(state: &ChatState, id: &MessageId, server: Message) -> Result<ChatState, ChatError> {
    todo!("check the server copy, swap the temporary id for the server id everywhere, resolve any conflict")
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
    todo!("text from the higher version (then the later edit, then the server), reactions merged, the strategy")
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
///   id) confirms that send, as `confirm_optimistic_message` would.
/// - A message with a pending local change is settled as in
///   `confirm_optimistic_message`: conflict resolution, and a conflict record.
/// - Any other known message is replaced by the server's copy (status
///   Synced), unless that copy has a lower version: it is stale, ignore it.
///   New messages are added.
/// - A deletion follows the deletion policy at the top of this file.
///
/// A batch with a reference to a missing channel, user or parent is refused
/// whole, and the state stays as it was.
pub fn apply_sync_updates(state: &ChatState, updates: SyncUpdates) -> Result<ChatState, ChatError> {
    todo!("apply messages, deletions and channel updates, then stamp last_sync on every touched channel")
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
///
/// TODO(step 4): give it somewhere to keep its entries. Each log has its own.
#[derive(Debug, Default)]
pub struct ActionLog {}

impl ActionLog {
    /// A new, empty log; two logs never share entries.
    pub fn new() -> ActionLog {
        ActionLog::default()
    }

    /// Applies `action` to `state` with the matching update function, logs
    /// it, and returns what the function returned. A refused action is logged
    /// as refused, with its error, and the error is returned as before.
    pub fn dispatch(&mut self, state: &ChatState, action: ChatAction) -> Result<ChatState, ChatError> {
        todo!("run the update for this action, then log it: applied with the conflicts it wrote, or refused")
    }

    /// Every action dispatched through this log, oldest first.
    pub fn entries(&self) -> &[LogEntry] {
        todo!("the entries, in the order the actions came")
    }
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
    todo!("bonus")
}

/// A thread selector whose views show decrypted contents, each message
/// version decrypted once per selector.
pub fn make_select_message_thread_encrypted(cipher: Arc<dyn Cipher>) -> ThreadSelector {
    todo!("bonus")
}

// Your own tests go here: `cargo test` in this folder runs them.
#[cfg(test)]
mod tests {}
