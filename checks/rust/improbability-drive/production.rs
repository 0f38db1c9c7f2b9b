//! Production patterns: the live channel view, memoized selectors with one
//! cache per instance, and updates that share every table they do not change.

use super::data::*;
use crate::harness::*;
use improbability_drive::*;
use std::sync::Arc;

/// heart-of-gold with 60 messages (m00..m59, a few replies) by its four
/// members in turn; vogon-poetry empty. Presence: ford and trillian online,
/// zaphod away, marvin online but not a heart-of-gold member.
fn busy_state() -> Result<ChatState, String> {
    let authors = ["ford", "zaphod", "trillian", "arthur"];
    let mut messages = Vec::new();
    for i in 0..60u64 {
        let id = format!("m{i:02}");
        let author = authors[i as usize % 4];
        // Listed newest first, so the order has to come from the timestamps.
        let m = if i % 10 == 7 {
            reply(&id, "heart-of-gold", author, 1_000 + i * 10, &format!("m{:02}", i - 2))
        } else {
            msg(&id, "heart-of-gold", author, 1_000 + i * 10)
        };
        messages.insert(0, m);
    }
    let mut snapshot = crew_snapshot(messages);
    snapshot.presence = vec![
        (uid("ford"), Presence::Online),
        (uid("zaphod"), Presence::Away),
        (uid("trillian"), Presence::Online),
        (uid("marvin"), Presence::Online),
        (uid("arthur"), Presence::Offline),
    ];
    build(snapshot)
}

// Catches: the oldest 50 messages instead of the newest, newest first, a
// wrong author joined, an online count over every user instead of the
// channel's members, a last activity that is not the newest message's.
pub fn channel_view_contents() -> CheckResult {
    let state = busy_state()?;
    let view = channel_view(&state, "heart-of-gold", "arthur")?;
    let newest: Vec<MessageId> = (10..60).map(|i| mid(&format!("m{i:02}"))).collect();
    ensure_eq!(view.channel.clone(), channel("heart-of-gold"), "the channel view of heart-of-gold: channel");
    ensure_eq!(
        view_ids(&view),
        newest,
        "the channel view of heart-of-gold (60 messages m00..m59): the newest 50, oldest first"
    );
    for m in &view.messages {
        let stored = message(&state, m.message.id.as_str(), "channel view")?;
        ensure_eq!(&m.message, stored, "the channel view's copy of {:?}", stored.id);
        ensure_eq!(m.author.clone(), user(stored.author_id.as_str()), "the channel view's author of {:?}", stored.id);
        ensure_eq!(m.content.as_str(), stored.content.as_str(), "the channel view's content of {:?}", stored.id);
    }
    ensure_eq!(
        view.online_member_count,
        2,
        "online members of heart-of-gold (ford and trillian online, zaphod away, arthur offline; marvin is online but not a member)"
    );
    ensure_eq!(view.last_activity, 1_590, "the channel view of heart-of-gold: last activity (m59 at 1590)");

    let empty = channel_view(&state, "vogon-poetry", "arthur")?;
    ensure_eq!(empty.messages.len(), 0, "the channel view of vogon-poetry, which has no messages: messages");
    ensure_eq!(
        empty.last_activity,
        50,
        "the channel view of vogon-poetry, no messages: last activity is its creation time"
    );
    ensure_eq!(empty.online_member_count, 1, "online members of vogon-poetry (marvin)");
    ensure!(
        make_select_channel_with_live_data().select(&state, &cid("magrathea"), &uid("arthur")).is_none(),
        "the channel view of the unknown channel \"magrathea\" should be None"
    );
    Ok(())
}

// Catches: typing indicators that include the viewer.
pub fn channel_view_typing_excludes_viewer() -> CheckResult {
    let mut state = busy_state()?;
    for u in ["arthur", "ford", "zaphod"] {
        state = ok(start_typing(&state, &cid("heart-of-gold"), &uid(u)), &format!("start_typing(heart-of-gold, {u})"))?;
    }
    let typing = |viewer: &str| -> Result<Vec<UserId>, String> {
        Ok(user_ids(&channel_view(&state, "heart-of-gold", viewer)?.typing_users))
    };
    let what = "arthur, ford and zaphod are typing in heart-of-gold";
    ensure_eq!(
        typing("arthur")?,
        uids(&["ford", "zaphod"]),
        "{what}: typing users as arthur sees them (never yourself)"
    );
    ensure_eq!(typing("ford")?, uids(&["arthur", "zaphod"]), "{what}: typing users as ford sees them");
    ensure_eq!(typing("trillian")?, uids(&["arthur", "ford", "zaphod"]), "{what}: typing users as trillian sees them");
    let view = channel_view(&state, "heart-of-gold", "zaphod")?;
    ensure_eq!(
        view.typing_users.clone(),
        vec![user("arthur"), user("ford")],
        "{what}: the typing users (as User values) zaphod sees"
    );
    Ok(())
}

// Catches: an unread count that includes your own messages, ignores your
// receipts, counts other people's receipts as yours, counts only the newest
// 50, or (kept by the updates) is not brought down when a message is
// confirmed under its server id or deleted.
pub fn channel_view_unread_count() -> CheckResult {
    let mut state = busy_state()?;
    // arthur wrote 15 of the 60 (every fourth); he has read m00..m09.
    for i in 0..10 {
        state = ok(mark_read(&state, &mid(&format!("m{i:02}")), &uid("arthur"), 2_000), "arthur reads a message")?;
    }
    // Others' receipts do not count for arthur.
    state = ok(mark_read(&state, &mid("m10"), &uid("ford"), 2_000), "ford reads m10")?;
    let unread = |s: &ChatState, viewer: &str| -> Result<usize, String> {
        Ok(channel_view(s, "heart-of-gold", viewer)?.unread_count)
    };
    ensure_eq!(
        unread(&state, "arthur")?,
        37,
        "arthur's unread count: 60 messages, 15 his own, 8 of the others' read (m00..m09 minus his m03, m07)"
    );
    ensure_eq!(unread(&state, "zaphod")?, 45, "zaphod's unread count: 60 messages, 15 his own, none read");
    state = ok(mark_read(&state, &mid("m58"), &uid("arthur"), 2_100), "arthur reads m58")?;
    ensure_eq!(unread(&state, "arthur")?, 36, "arthur's unread count after reading m58");
    state = ok(
        send_message_optimistically(&state, draft("heart-of-gold", "arthur", "Anyone?"), mid("tmp-1"), 3_000),
        "arthur sends a message",
    )?;
    ensure_eq!(unread(&state, "arthur")?, 36, "arthur's unread count after sending a message himself");
    ensure_eq!(unread(&state, "zaphod")?, 46, "zaphod's unread count after arthur sends a message");
    // Counts kept up to date by the updates must also shrink when a message
    // leaves: confirmed under a new id, or deleted read or unread.
    let server = Message { content: "Anyone?".into(), ..msg("s-1", "heart-of-gold", "arthur", 3_001) };
    state = ok(confirm_optimistic_message(&state, &mid("tmp-1"), server), "confirm tmp-1 as s-1")?;
    ensure_eq!(unread(&state, "arthur")?, 36, "arthur's unread count after his message tmp-1 is confirmed as s-1");
    ensure_eq!(unread(&state, "zaphod")?, 46, "zaphod's unread count after arthur's tmp-1 is confirmed as s-1");
    let delete = |s: &ChatState, id: &str| {
        ok(
            apply_sync_updates(
                s,
                SyncUpdates { deleted_messages: vec![mid(id)], synced_at: 4_000, ..Default::default() },
            ),
            &format!("a sync deletes {id}"),
        )
    };
    state = delete(&state, "m06")?;
    ensure_eq!(unread(&state, "arthur")?, 36, "arthur's unread count after m06, which he had read, is deleted");
    ensure_eq!(unread(&state, "zaphod")?, 45, "zaphod's unread count after m06, which he had not read, is deleted");
    state = delete(&state, "m20")?;
    ensure_eq!(unread(&state, "arthur")?, 35, "arthur's unread count after m20, which he had not read, is deleted");
    Ok(())
}

// Catches: no memoization (a new Arc every call), a cache keyed on the state
// alone (another channel or viewer gets the cached view), one cache shared by
// every instance, and a cache never invalidated by a change.
pub fn selectors_memoized() -> CheckResult {
    let mut state = busy_state()?;
    for i in 0..5 {
        state = ok(mark_read(&state, &mid(&format!("m{i:02}")), &uid("arthur"), 2_000), "arthur reads a message")?;
    }
    let (hog, vogon) = (cid("heart-of-gold"), cid("vogon-poetry"));
    let (arthur, ford) = (uid("arthur"), uid("ford"));
    let mut one = make_select_channel_with_live_data();
    let mut two = make_select_channel_with_live_data();

    let first = some(one.select(&state, &hog, &arthur), "selector one: heart-of-gold for arthur")?;
    let again = some(one.select(&state, &hog, &arthur), "selector one again, same state")?;
    ensure!(
        Arc::ptr_eq(&first, &again),
        "selecting heart-of-gold for arthur twice on the same state with the same selector should return the same Arc"
    );
    let copy = state.clone();
    let from_copy = some(one.select(&copy, &hog, &arthur), "selector one on a clone of the state")?;
    ensure!(
        Arc::ptr_eq(&first, &from_copy),
        "a clone of the state shares every table (same Arcs), so the same selector should return the same Arc: compare the tables you read with Arc::ptr_eq"
    );
    let other = some(two.select(&state, &hog, &arthur), "selector two: heart-of-gold for arthur")?;
    ensure!(
        !Arc::ptr_eq(&first, &other),
        "two selector instances should have their own caches, and return different Arcs"
    );
    ensure_eq!(&*first, &*other, "two selector instances on the same inputs should compute equal views");

    let for_ford = some(one.select(&state, &hog, &ford), "selector one: heart-of-gold for ford")?;
    ensure_eq!(
        for_ford.unread_count,
        45,
        "selector one, asked for heart-of-gold as ford after asking as arthur (arthur's unread count is 41): ford's unread count (the viewer is part of the cache key)"
    );
    let vogon_view = some(one.select(&state, &vogon, &arthur), "selector one: vogon-poetry for arthur")?;
    ensure_eq!(
        vogon_view.channel.id.clone(),
        vogon.clone(),
        "selector one, asked for vogon-poetry right after heart-of-gold: the view's channel (the channel is part of the cache key)"
    );

    let typing = ok(start_typing(&state, &hog, &ford), "ford starts typing")?;
    let changed = some(one.select(&typing, &hog, &arthur), "selector one after ford starts typing")?;
    ensure_eq!(
        user_ids(&changed.typing_users),
        uids(&["ford"]),
        "selector one after ford starts typing: typing users (the cache must see the change)"
    );
    let same = some(one.select(&typing, &hog, &arthur), "selector one again")?;
    ensure!(Arc::ptr_eq(&changed, &same), "after recomputing, the same inputs should again return the same Arc");

    let mut threads = make_select_message_thread();
    let mut threads_two = make_select_message_thread();
    let t1 = some(threads.select(&state, &mid("m05")), "thread selector: m05")?;
    let t1b = some(threads.select(&copy, &mid("m05")), "thread selector again: m05")?;
    ensure!(
        Arc::ptr_eq(&t1, &t1b),
        "the thread selector asked twice for m05 with the same tables should return the same Arc"
    );
    let t2 = some(threads_two.select(&state, &mid("m05")), "second thread selector: m05")?;
    ensure!(!Arc::ptr_eq(&t1, &t2), "two thread selector instances should return different Arcs");
    let t3 = some(threads.select(&state, &mid("m15")), "thread selector: m15")?;
    ensure_eq!(t3.parent.message.id.clone(), mid("m15"), "the thread selector asked for m15 after m05: the parent");
    let read = ok(mark_read(&state, &mid("m17"), &uid("ford"), 2_000), "ford reads m17, a reply to m15")?;
    let t4 = some(threads.select(&read, &mid("m15")), "thread selector after ford reads m17")?;
    ensure_eq!(
        t4.replies.first().map(|r| r.read_by.clone()),
        Some(uids(&["ford"])),
        "the thread of m15 after ford reads m17: the reply's read_by"
    );
    Ok(())
}

// Catches: updates that copy every table (deep clones, or new Arcs around
// copies) instead of sharing what they do not change.
pub fn updates_share_untouched_tables() -> CheckResult {
    let state = busy_state()?;
    type Update = Box<dyn Fn(&ChatState) -> Result<ChatState, ChatError>>;
    let cases: Vec<(&str, Update, &[&str])> = vec![
        ("start_typing", Box::new(|s| start_typing(s, &cid("heart-of-gold"), &uid("ford"))), &["typing_indicators"]),
        ("mark_read", Box::new(|s| mark_read(s, &mid("m03"), &uid("ford"), 5_000)), &["read_receipts"]),
        ("set_presence", Box::new(|s| set_presence(s, &uid("zaphod"), Presence::Online)), &["user_presence"]),
        (
            "join_channel",
            Box::new(|s| join_channel(s, &cid("vogon-poetry"), &uid("ford"))),
            &["channel_members", "user_channels"],
        ),
        (
            "send_message_optimistically",
            Box::new(|s| send_message_optimistically(s, draft("heart-of-gold", "arthur", "Hi"), mid("tmp-1"), 5_000)),
            &["messages", "channel_messages", "messages_pending_sync"],
        ),
        (
            "edit_message_optimistically",
            Box::new(|s| edit_message_optimistically(s, &mid("m03"), "Edited", 5_000)),
            &["messages", "messages_pending_sync"],
        ),
        (
            "apply_sync_updates renaming a channel",
            Box::new(|s| {
                let update = ChannelUpdate { id: cid("vogon-poetry"), name: Some("#poems".into()), topic: None };
                apply_sync_updates(
                    s,
                    SyncUpdates { channel_updates: vec![update], synced_at: 5_000, ..Default::default() },
                )
            }),
            &["channels", "last_sync"],
        ),
        (
            "apply_sync_updates with an empty batch",
            Box::new(|s| apply_sync_updates(s, SyncUpdates { synced_at: 5_000, ..Default::default() })),
            &[],
        ),
    ];
    for (what, update, may_change) in cases {
        let next = ok(update(&state), what)?;
        let copied: Vec<&str> = shared_tables(&state, &next)
            .into_iter()
            .filter(|(name, shared)| !shared && !may_change.contains(name))
            .map(|(name, _)| name)
            .collect();
        ensure!(
            copied.is_empty(),
            "{what} should change only {may_change:?} and share every other table with the old state (the same Arc), but it made new copies of {copied:?}"
        );
    }
    Ok(())
}

// Catches: a channel cache that leaves a table it reads out of its inputs
// (presence, receipts, channels, messages), and a thread cache that does
// (messages, receipts): each change below must show in the next view.
pub fn memo_sees_every_input() -> CheckResult {
    let state = busy_state()?;
    let (hog, arthur) = (cid("heart-of-gold"), uid("arthur"));
    let mut selector = make_select_channel_with_live_data();
    let first = some(selector.select(&state, &hog, &arthur), "the channel view of heart-of-gold for arthur")?;
    ensure_eq!(first.online_member_count, 2, "setup: heart-of-gold's online members");

    let state = ok(set_presence(&state, &uid("zaphod"), Presence::Online), "zaphod goes online")?;
    let view = some(selector.select(&state, &hog, &arthur), "the same selector after zaphod goes online")?;
    ensure_eq!(
        view.online_member_count,
        3,
        "the same selector, after zaphod (a member) goes online: online members (user_presence is an input of the view)"
    );

    let unread = view.unread_count;
    let state = ok(mark_read(&state, &mid("m58"), &arthur, 3_000), "arthur reads m58")?;
    let view = some(selector.select(&state, &hog, &arthur), "the same selector after arthur reads m58")?;
    ensure_eq!(
        view.unread_count,
        unread - 1,
        "the same selector, after arthur reads m58: unread count (read_receipts are an input of the view)"
    );

    let rename = ChannelUpdate { id: hog.clone(), name: Some("#improbable".into()), topic: None };
    let state = ok(
        apply_sync_updates(
            &state,
            SyncUpdates { channel_updates: vec![rename], synced_at: 3_000, ..Default::default() },
        ),
        "a sync renaming heart-of-gold",
    )?;
    let view = some(selector.select(&state, &hog, &arthur), "the same selector after the rename")?;
    ensure_eq!(
        view.channel.name.as_str(),
        "#improbable",
        "the same selector, after a sync renamed heart-of-gold: the channel's name (channels is an input of the view)"
    );

    let state = ok(edit_message_optimistically(&state, &mid("m59"), "Edited at last", 3_100), "edit m59")?;
    let view = some(selector.select(&state, &hog, &arthur), "the same selector after editing m59")?;
    ensure_eq!(
        view.messages.last().map(|m| m.message.content.clone()),
        Some("Edited at last".to_string()),
        "the same selector, after m59 was edited: m59's content (messages is an input of the view)"
    );

    // The thread of m05 holds its reply m07.
    let mut threads = make_select_message_thread();
    some(threads.select(&state, &mid("m05")), "the thread view of m05")?;
    let edited =
        ok(edit_message_optimistically(&state, &mid("m07"), "Edited reply", 3_200), "edit m07, a reply to m05")?;
    let view = some(threads.select(&edited, &mid("m05")), "the same thread selector after editing m07")?;
    ensure_eq!(
        view.replies.first().map(|r| (r.message.content.clone(), r.pending)),
        Some(("Edited reply".to_string(), true)),
        "the same thread selector, after the reply m07 was edited: the reply's (content, pending) (messages is an input of the thread view)"
    );
    let read = ok(mark_read(&edited, &mid("m05"), &uid("zaphod"), 3_300), "zaphod reads m05")?;
    let view = some(threads.select(&read, &mid("m05")), "the same thread selector after zaphod reads m05")?;
    ensure_eq!(
        view.parent.read_by.clone(),
        uids(&["zaphod"]),
        "the same thread selector, after zaphod read m05: the parent's read_by"
    );
    Ok(())
}

// Catches: a view limit off by one, or one that shows the oldest messages:
// 49, 50 and 51 messages in the channel.
pub fn view_limit_edges() -> CheckResult {
    for total in [49u64, 50, 51] {
        let messages = (0..total).map(|i| msg(&format!("m{i:02}"), "heart-of-gold", "ford", 1_000 + i)).collect();
        let state = build(crew_snapshot(messages))?;
        let view = channel_view(&state, "heart-of-gold", "arthur")?;
        let want: Vec<MessageId> = (total.saturating_sub(50)..total).map(|i| mid(&format!("m{i:02}"))).collect();
        ensure_eq!(
            view_ids(&view),
            want,
            "the channel view of a channel with {total} messages: the newest (at most) 50, oldest first"
        );
        ensure_eq!(
            view.unread_count as u64,
            total,
            "arthur's unread count in a channel with {total} messages by ford (every message counts, not only the 50 shown)"
        );
    }
    Ok(())
}
