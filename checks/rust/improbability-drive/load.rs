//! Performance under load: the workshop's `generateChatState({ channels: 100,
//! messages: 100000, users: 10000 })`, seeded, and the live views on it.
//!
//! Each perf check compares a view of channel c0 inside the big state with
//! the same view on a state holding c0 alone (the same 262 messages, the
//! same members and receipts). A selector that reads only the channel's own
//! lists costs about the same in both; one that walks the whole messages
//! table costs hundreds of times more in the big one.
//!
//! c0 is a quiet channel (every 400th message, plus a 12-reply thread), the
//! other 99 share the rest: the view's own work is then small beside a walk
//! of the whole table, so the right and the wrong answers land far apart.

use super::data::*;
use crate::harness::*;
use improbability_drive::*;
use std::collections::BTreeSet;

const CHANNELS: usize = 100;
const MESSAGES: usize = 100_000;
const USERS: usize = 10_000;
/// Each user joins this many channels: (user + 17 k) mod CHANNELS.
const JOINS: usize = 5;
/// Extra replies to m0, the thread the thread check reads.
const THREAD_REPLIES: usize = 12;

fn channel_of_join(user: usize, k: usize) -> usize {
    (user + 17 * k) % CHANNELS
}

/// A member of `channel`: some user u with channel_of_join(u, k) == channel.
fn member_of(rng: &mut Rng, channel: usize) -> usize {
    let k = rng.below(JOINS);
    let residue = (channel + CHANNELS * JOINS - 17 * k) % CHANNELS;
    residue + CHANNELS * rng.below(USERS / CHANNELS)
}

/// 100012 -> "100,012", for the labels.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let head = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        r => r,
    };
    let mut out = digits[..head].to_string();
    for group in digits.as_bytes()[head..].chunks(3) {
        out.push(',');
        out.push_str(std::str::from_utf8(group).unwrap_or_default());
    }
    out
}

fn u(i: usize) -> String {
    format!("u{i}")
}

/// The seed's generateChatState: 100 channels, 100,000 messages (plus a
/// thread of 12 replies to m0), 10,000 users, five channels per user, a
/// tenth of the messages replies, presence, and receipts (u0 has read about
/// 60% of c0). c0 gets every 400th message, c1..c99 share the others.
/// Messages come shuffled, so the order must be built.
fn generate_chat_state(seed: u64) -> ChatSnapshot {
    let mut rng = Rng::new(seed);
    let channels: Vec<Channel> = (0..CHANNELS)
        .map(|c| Channel {
            id: cid(&format!("c{c}")),
            name: format!("#channel-{c}"),
            topic: String::new(),
            created_at: 0,
        })
        .collect();
    let users: Vec<User> = (0..USERS).map(|i| User { id: uid(&u(i)), name: format!("User {i}") }).collect();
    let mut members = Vec::with_capacity(USERS * JOINS);
    for user in 0..USERS {
        for k in 0..JOINS {
            members.push((channels[channel_of_join(user, k)].id.clone(), users[user].id.clone()));
        }
    }

    let mut messages = Vec::with_capacity(MESSAGES + THREAD_REPLIES);
    // A few recent top-level messages per channel, for replies to pick from.
    let mut recent: Vec<Vec<MessageId>> = vec![Vec::new(); CHANNELS];
    for i in 0..MESSAGES {
        let c = if i % 400 == 0 { 0 } else { 1 + i % (CHANNELS - 1) };
        let id = mid(&format!("m{i}"));
        let parent = if rng.chance(10) { rng.pick(&recent[c]).cloned() } else { None };
        if parent.is_none() {
            if recent[c].len() == 8 {
                recent[c].remove(0);
            }
            recent[c].push(id.clone());
        }
        let mut reactions = Reactions::new();
        if rng.chance(5) {
            reactions.entry("🐟".to_string()).or_default().insert(uid(&u(member_of(&mut rng, c))));
        }
        messages.push(Message {
            id,
            content: format!("message {i}: so long, and thanks for all the fish"),
            author_id: uid(&u(member_of(&mut rng, c))),
            channel_id: channels[c].id.clone(),
            timestamp: 1_000_000 + 3 * i as u64 + rng.below(3) as u64,
            edited_at: None,
            parent_message_id: parent,
            reactions,
            sync_status: SyncStatus::Synced,
            optimistic_id: None,
            version: 1,
        });
    }
    for k in 0..THREAD_REPLIES {
        messages.push(Message {
            id: mid(&format!("r{k}")),
            content: format!("reply {k}"),
            author_id: uid(&u(member_of(&mut rng, 0))),
            channel_id: cid("c0"),
            timestamp: 2_000_000 + k as u64,
            edited_at: None,
            parent_message_id: Some(mid("m0")),
            reactions: Reactions::new(),
            sync_status: SyncStatus::Synced,
            optimistic_id: None,
            version: 1,
        });
    }

    let mut receipts = Vec::new();
    for m in &messages {
        let c: usize = m.channel_id.as_str()[1..].parse().unwrap_or(0);
        if c == 0 && rng.chance(60) {
            receipts.push((m.id.clone(), uid("u0"), 3_000_000));
        }
        if rng.chance(20) {
            receipts.push((m.id.clone(), uid(&u(member_of(&mut rng, c))), 3_000_000));
        }
    }
    // Shuffle (Fisher-Yates), so the channel order has to come from timestamps.
    for i in (1..messages.len()).rev() {
        let j = rng.below(i + 1);
        messages.swap(i, j);
    }
    let presence = (0..USERS)
        .filter_map(|i| match (i % 3, i % 7) {
            (0, _) => Some((uid(&u(i)), Presence::Online)),
            (_, 0) => Some((uid(&u(i)), Presence::Away)),
            _ => None,
        })
        .collect();
    ChatSnapshot { channels, users, members, messages, presence, receipts }
}

/// The same snapshot cut down to channel c0: its messages, its members (who
/// wrote and read them), their presence and the receipts of c0's messages.
fn channel_zero_alone(big: &ChatSnapshot) -> ChatSnapshot {
    let c0 = cid("c0");
    let members: Vec<(ChannelId, UserId)> = big.members.iter().filter(|(c, _)| *c == c0).cloned().collect();
    let people: BTreeSet<&UserId> = members.iter().map(|(_, u)| u).collect();
    let messages: Vec<Message> = big.messages.iter().filter(|m| m.channel_id == c0).cloned().collect();
    let ids: BTreeSet<&MessageId> = messages.iter().map(|m| &m.id).collect();
    ChatSnapshot {
        channels: big.channels.iter().filter(|c| c.id == c0).cloned().collect(),
        users: big.users.iter().filter(|u| people.contains(&u.id)).cloned().collect(),
        presence: big.presence.iter().filter(|(u, _)| people.contains(u)).cloned().collect(),
        receipts: big.receipts.iter().filter(|(m, _, _)| ids.contains(m)).cloned().collect(),
        members,
        messages,
    }
}

/// (c0 alone, the whole state), both with u100, u83 and u0 typing in c0.
fn states() -> Result<(ChatState, ChatState), String> {
    phase("building the test data: from_snapshot of 100 channels, 100,000 messages and 10,000 users");
    let big = generate_chat_state(0x42);
    let small = build(channel_zero_alone(&big))?;
    let big = build(big)?;
    let typing = |mut state: ChatState| -> Result<ChatState, String> {
        for who in ["u100", "u83", "u0"] {
            state = ok(start_typing(&state, &cid("c0"), &uid(who)), &format!("start_typing(c0, {who})"))?;
        }
        Ok(state)
    };
    let both = (typing(small)?, typing(big)?);
    phase("checking the views on both states");
    Ok(both)
}

// The workshop's "Performance under load" validation, as a ratio.
// Catches: a channel selector that walks the whole messages table (or every
// receipt, or every user) instead of the channel's own lists.
pub fn channel_view_under_load() -> Result<Measurement, String> {
    let (small, big) = states()?;
    let (c0, viewer) = (cid("c0"), uid("u0"));
    let small_view = channel_view(&small, "c0", "u0")?;
    let big_view = channel_view(&big, "c0", "u0")?;
    ensure_eq!(big_view.messages.len(), 50, "the channel view of c0 in the generated state: number of messages");
    ensure_eq!(user_ids(&big_view.typing_users), uids(&["u100", "u83"]), "the channel view of c0 for u0: typing users");
    ensure_eq!(
        view_ids(&big_view),
        view_ids(&small_view),
        "the newest 50 messages of c0, in the whole state and with c0 alone"
    );
    ensure_eq!(
        (big_view.unread_count, big_view.online_member_count, big_view.last_activity),
        (small_view.unread_count, small_view.online_member_count, small_view.last_activity),
        "(unread count, online members, last activity) of c0 for u0, in the whole state and with c0 alone"
    );
    ensure!(big_view == small_view, "the channel view of c0 should be the same in the whole state and with c0 alone");

    let in_c0 = order(&small, "c0").len();
    // A fresh selector each time, so memoization cannot hide the work.
    phase("the timed calls: the same view on both states, in turns");
    let m = compare(
        &format!("c0 alone ({in_c0} messages)"),
        &mut || keep(make_select_channel_with_live_data().select(&small, &c0, &viewer)),
        &format!("c0 among {} messages", thousands(big.messages.len())),
        &mut || keep(make_select_channel_with_live_data().select(&big, &c0, &viewer)),
    );
    leave((small, big));
    Ok(m)
}

// Catches: a thread selector that finds replies by walking the messages table
// for a matching parent instead of following the thread's list of ids.
pub fn thread_view_under_load() -> Result<Measurement, String> {
    let (small, big) = states()?;
    let m0 = mid("m0");
    let small_view = thread_view(&small, "m0")?;
    let big_view = thread_view(&big, "m0")?;
    ensure!(
        big_view.replies.len() >= THREAD_REPLIES,
        "the thread of m0 in the generated state should have at least {THREAD_REPLIES} replies, and has {}",
        big_view.replies.len()
    );
    ensure!(big_view == small_view, "the thread view of m0 should be the same in the whole state and with c0 alone");
    phase("the timed calls: the same view on both states, in turns");
    let m = compare(
        "thread of m0, c0 alone",
        &mut || keep(make_select_message_thread().select(&small, &m0)),
        &format!("thread of m0 among {} messages", thousands(big.messages.len())),
        &mut || keep(make_select_message_thread().select(&big, &m0)),
    );
    leave((small, big));
    Ok(m)
}
