//! Advanced normalization: the snapshot becomes tables plus four kinds of
//! relationship (channel order, two-way membership, threads, receipts), the
//! real-time events keep them in step, and a deletion leaves nothing pointing
//! at a missing id.

use super::data::*;
use crate::harness::*;
use improbability_drive::*;

// Catches: channel order kept in input order (or sorted by timestamp alone,
// ties left in any order), threads not built or not sorted, membership kept
// one way only or with repeats, duplicate receipts.
pub fn snapshot_builds_relationships() -> CheckResult {
    // Deliberately shuffled, with equal timestamps (ids break ties: "a10" sorts
    // before "a9") and replies listed before their parents.
    let messages = vec![
        msg("a1", "heart-of-gold", "ford", 300),
        reply("a5", "heart-of-gold", "zaphod", 250, "a2"),
        msg("v1", "vogon-poetry", "marvin", 120),
        msg("a9", "heart-of-gold", "trillian", 200),
        msg("a2", "heart-of-gold", "arthur", 100),
        reply("a6", "heart-of-gold", "ford", 150, "a2"),
        msg("a10", "heart-of-gold", "zaphod", 200),
        reply("v2", "vogon-poetry", "arthur", 130, "v1"),
    ];
    let mut snapshot = crew_snapshot(messages.clone());
    // A repeated membership, and marvin joining heart-of-gold last.
    snapshot.members.push((cid("heart-of-gold"), uid("ford")));
    snapshot.members.push((cid("heart-of-gold"), uid("marvin")));
    snapshot.presence = vec![(uid("ford"), Presence::Online), (uid("marvin"), Presence::Away)];
    snapshot.receipts = vec![
        (mid("a2"), uid("ford"), 400),
        (mid("a2"), uid("zaphod"), 410),
        (mid("a2"), uid("ford"), 420),
        (mid("v1"), uid("arthur"), 430),
    ];
    let state = build(snapshot)?;

    for m in &messages {
        ensure_eq!(state.messages.get(&m.id), Some(m), "after from_snapshot, messages[{:?}]", m.id);
    }
    ensure_eq!(state.messages.len(), messages.len(), "after from_snapshot, the number of messages");
    ensure_eq!(
        order(&state, "heart-of-gold"),
        mids(&["a2", "a6", "a10", "a9", "a5", "a1"]),
        "channel_messages of heart-of-gold from messages a1 (300), a5 (250), a9 (200), a2 (100), a6 (150), a10 (200): sorted by (timestamp, id), replies included"
    );
    ensure_eq!(order(&state, "vogon-poetry"), mids(&["v1", "v2"]), "channel_messages of vogon-poetry");
    ensure_eq!(
        thread(&state, "a2"),
        mids(&["a6", "a5"]),
        "message_threads of a2, whose replies are a5 (250) and a6 (150), listed before a2 itself"
    );
    ensure_eq!(thread(&state, "v1"), mids(&["v2"]), "message_threads of v1");
    ensure_eq!(thread(&state, "a1"), mids(&[]), "message_threads of a1, which has no replies");

    let members = |c: &str| state.channel_members.get(&cid(c)).cloned().unwrap_or_default();
    ensure_eq!(
        members("heart-of-gold"),
        uids(&["arthur", "ford", "zaphod", "trillian", "marvin"]),
        "channel_members of heart-of-gold, in the order they joined (ford listed twice)"
    );
    ensure_eq!(members("vogon-poetry"), uids(&["arthur", "marvin"]), "channel_members of vogon-poetry");
    let joined = |u: &str| state.user_channels.get(&uid(u)).cloned().unwrap_or_default();
    ensure_eq!(
        joined("marvin"),
        vec![cid("vogon-poetry"), cid("heart-of-gold")],
        "user_channels of marvin, in the order he joined"
    );
    ensure_eq!(joined("arthur"), vec![cid("heart-of-gold"), cid("vogon-poetry")], "user_channels of arthur");
    ensure_eq!(joined("ford"), vec![cid("heart-of-gold")], "user_channels of ford (listed twice in the snapshot)");

    ensure_eq!(state.user_presence.get(&uid("ford")), Some(&Presence::Online), "user_presence of ford");
    ensure_eq!(state.user_presence.get(&uid("marvin")), Some(&Presence::Away), "user_presence of marvin");
    ensure_eq!(
        state.read_receipts.get(&mid("a2")).map_or(0, Vec::len),
        2,
        "receipts of a2 after ford, zaphod and ford again read it: one per user"
    );
    ensure_eq!(
        thread_view(&state, "a2")?.parent.read_by.clone(),
        uids(&["ford", "zaphod"]),
        "the thread view of a2: read_by, in the order the receipts came"
    );
    invariants(&state)
}

// Catches: a from_snapshot that trusts its input and builds a state with
// dangling references or duplicates.
pub fn snapshot_rejects_bad() -> CheckResult {
    let base =
        || crew_snapshot(vec![msg("h1", "heart-of-gold", "ford", 100), msg("v1", "vogon-poetry", "marvin", 110)]);
    let with = |f: &dyn Fn(&mut ChatSnapshot)| {
        let mut s = base();
        f(&mut s);
        s
    };
    let cases: Vec<(&str, ChatSnapshot, ChatError)> = vec![
        (
            "a second channel \"heart-of-gold\"",
            with(&|s| s.channels.push(channel("heart-of-gold"))),
            ChatError::DuplicateChannel(cid("heart-of-gold")),
        ),
        ("a second user \"ford\"", with(&|s| s.users.push(user("ford"))), ChatError::DuplicateUser(uid("ford"))),
        (
            "a second message \"h1\"",
            with(&|s| s.messages.push(msg("h1", "heart-of-gold", "zaphod", 300))),
            ChatError::DuplicateMessage(mid("h1")),
        ),
        (
            "a membership of the unknown channel \"magrathea\"",
            with(&|s| s.members.push((cid("magrathea"), uid("ford")))),
            ChatError::UnknownChannel(cid("magrathea")),
        ),
        (
            "a membership of the unknown user \"slartibartfast\"",
            with(&|s| s.members.push((cid("heart-of-gold"), uid("slartibartfast")))),
            ChatError::UnknownUser(uid("slartibartfast")),
        ),
        (
            "a message in the unknown channel \"magrathea\"",
            with(&|s| s.messages.push(msg("x1", "magrathea", "ford", 300))),
            ChatError::UnknownChannel(cid("magrathea")),
        ),
        (
            "a message by the unknown user \"slartibartfast\"",
            with(&|s| s.messages.push(msg("x1", "heart-of-gold", "slartibartfast", 300))),
            ChatError::UnknownUser(uid("slartibartfast")),
        ),
        (
            "a reply to the unknown message \"h404\"",
            with(&|s| s.messages.push(reply("x1", "heart-of-gold", "ford", 300, "h404"))),
            ChatError::BadParent(mid("h404")),
        ),
        (
            "a reply in heart-of-gold to v1, which is in vogon-poetry",
            with(&|s| s.messages.push(reply("x1", "heart-of-gold", "ford", 300, "v1"))),
            ChatError::BadParent(mid("v1")),
        ),
        (
            "a reply to h2, which is itself a reply to h1",
            with(&|s| {
                s.messages.push(reply("h2", "heart-of-gold", "zaphod", 200, "h1"));
                s.messages.push(reply("h3", "heart-of-gold", "arthur", 300, "h2"));
            }),
            ChatError::BadParent(mid("h2")),
        ),
        (
            "a receipt for the unknown message \"h404\"",
            with(&|s| s.receipts.push((mid("h404"), uid("ford"), 500))),
            ChatError::UnknownMessage(mid("h404")),
        ),
        (
            "a receipt by the unknown user \"slartibartfast\"",
            with(&|s| s.receipts.push((mid("h1"), uid("slartibartfast"), 500))),
            ChatError::UnknownUser(uid("slartibartfast")),
        ),
        (
            "presence for the unknown user \"slartibartfast\"",
            with(&|s| s.presence.push((uid("slartibartfast"), Presence::Online))),
            ChatError::UnknownUser(uid("slartibartfast")),
        ),
    ];
    for (what, snapshot, expected) in cases {
        let got = ChatState::from_snapshot(snapshot);
        ensure_eq!(outcome(&got), Err(expected), "from_snapshot with {what}");
    }
    Ok(())
}

// Catches: join or leave that changes one membership map and not the other,
// a join that repeats a member, a leave that keeps the user typing.
pub fn membership_both_ways() -> CheckResult {
    let start = crew_state()?;
    let (hog, vogon) = (cid("heart-of-gold"), cid("vogon-poetry"));
    let members = |s: &ChatState, c: &ChannelId| s.channel_members.get(c).cloned().unwrap_or_default();
    let joined = |s: &ChatState, u: &str| s.user_channels.get(&uid(u)).cloned().unwrap_or_default();

    let state = ok(join_channel(&start, &vogon, &uid("ford")), "join_channel(vogon-poetry, ford)")?;
    ensure_eq!(
        members(&state, &vogon),
        uids(&["arthur", "marvin", "ford"]),
        "after join_channel(vogon-poetry, ford), channel_members of vogon-poetry"
    );
    ensure_eq!(
        joined(&state, "ford"),
        vec![hog.clone(), vogon.clone()],
        "after join_channel(vogon-poetry, ford), user_channels of ford"
    );
    let again = ok(join_channel(&state, &vogon, &uid("ford")), "join_channel(vogon-poetry, ford) a second time")?;
    ensure_eq!(members(&again, &vogon), members(&state, &vogon), "joining twice: channel_members of vogon-poetry");
    ensure_eq!(joined(&again, "ford"), joined(&state, "ford"), "joining twice: user_channels of ford");

    let left = ok(leave_channel(&state, &hog, &uid("ford")), "leave_channel(heart-of-gold, ford)")?;
    ensure_eq!(
        members(&left, &hog),
        uids(&["arthur", "zaphod", "trillian"]),
        "after ford leaves heart-of-gold, channel_members of heart-of-gold"
    );
    ensure_eq!(joined(&left, "ford"), vec![vogon.clone()], "after ford leaves heart-of-gold, user_channels of ford");
    invariants(&left)?;

    // Leaving stops typing: leaving while typing must end where stopping
    // first and then leaving ends.
    let typing = ok(start_typing(&state, &hog, &uid("ford")), "start_typing(heart-of-gold, ford)")?;
    let left_typing = ok(leave_channel(&typing, &hog, &uid("ford")), "leave_channel while typing")?;
    let stopped = ok(stop_typing(&typing, &hog, &uid("ford")), "stop_typing(heart-of-gold, ford)")?;
    let stopped_left = ok(leave_channel(&stopped, &hog, &uid("ford")), "leave_channel after stop_typing")?;
    ensure!(
        left_typing.typing_indicators == stopped_left.typing_indicators,
        "ford typed in heart-of-gold, then left it: he should no longer be typing there (typing_indicators should equal those of stop_typing followed by leave_channel)"
    );
    let not_member =
        ok(leave_channel(&start, &vogon, &uid("ford")), "leave_channel(vogon-poetry, ford), not a member")?;
    ensure_eq!(members(&not_member, &vogon), members(&start, &vogon), "leaving a channel you are not in");

    ensure_eq!(
        outcome(&join_channel(&start, &cid("magrathea"), &uid("ford"))),
        Err(ChatError::UnknownChannel(cid("magrathea"))),
        "join_channel(\"magrathea\", ford), an unknown channel"
    );
    ensure_eq!(
        outcome(&join_channel(&start, &hog, &uid("slartibartfast"))),
        Err(ChatError::UnknownUser(uid("slartibartfast"))),
        "join_channel(heart-of-gold, \"slartibartfast\"), an unknown user"
    );
    ensure_eq!(
        outcome(&leave_channel(&start, &cid("magrathea"), &uid("ford"))),
        Err(ChatError::UnknownChannel(cid("magrathea"))),
        "leave_channel(\"magrathea\", ford), an unknown channel"
    );
    Ok(())
}

// Catches: typing indicators kept in one list for every channel, repeated
// starts listed twice, stop_typing that does nothing, a send that leaves its
// author "typing", receipts that repeat a reader or refuse nothing.
pub fn typing_and_receipts() -> CheckResult {
    let mut state = crew_state()?;
    let hog = cid("heart-of-gold");
    for (c, u) in
        [("heart-of-gold", "ford"), ("heart-of-gold", "zaphod"), ("heart-of-gold", "ford"), ("vogon-poetry", "marvin")]
    {
        state = ok(start_typing(&state, &cid(c), &uid(u)), &format!("start_typing({c}, {u})"))?;
    }
    let typing = |s: &ChatState, c: &str| -> Result<Vec<UserId>, String> {
        Ok(user_ids(&channel_view(s, c, "trillian")?.typing_users))
    };
    let started = "ford, zaphod and ford again started typing in heart-of-gold, marvin in vogon-poetry";
    ensure_eq!(
        typing(&state, "heart-of-gold")?,
        uids(&["ford", "zaphod"]),
        "{started}: who is typing in heart-of-gold (seen by trillian)"
    );
    ensure_eq!(typing(&state, "vogon-poetry")?, uids(&["marvin"]), "{started}: who is typing in vogon-poetry");

    state = ok(stop_typing(&state, &hog, &uid("ford")), "stop_typing(heart-of-gold, ford)")?;
    ensure_eq!(typing(&state, "heart-of-gold")?, uids(&["zaphod"]), "after ford stops: who is typing in heart-of-gold");
    state = ok(
        send_message_optimistically(&state, draft("heart-of-gold", "zaphod", "Hi there"), mid("tmp-1"), 400),
        "zaphod sends a message in heart-of-gold",
    )?;
    ensure_eq!(
        typing(&state, "heart-of-gold")?,
        uids(&[]),
        "after zaphod sends a message: sending stops its author typing"
    );
    ensure_eq!(typing(&state, "vogon-poetry")?, uids(&["marvin"]), "after zaphod sends in heart-of-gold: vogon-poetry");
    ensure_eq!(
        outcome(&start_typing(&state, &cid("magrathea"), &uid("ford"))),
        Err(ChatError::UnknownChannel(cid("magrathea"))),
        "start_typing in the unknown channel \"magrathea\""
    );

    for (u, at) in [("ford", 500), ("zaphod", 510), ("ford", 520), ("arthur", 530)] {
        state = ok(mark_read(&state, &mid("h2"), &uid(u), at), &format!("mark_read(h2, {u})"))?;
    }
    let view = thread_view(&state, "h2")?;
    ensure_eq!(
        view.parent.read_by.clone(),
        uids(&["ford", "zaphod", "arthur"]),
        "ford, zaphod, ford again and arthur read h2: the thread view's read_by, one per reader in order"
    );
    ensure_eq!(state.read_receipts.get(&mid("h2")).map_or(0, Vec::len), 3, "the receipts of h2");
    ensure_eq!(state.read_receipts.get(&mid("h1")).map_or(0, Vec::len), 0, "the receipts of h1, which nobody read");
    ensure_eq!(
        outcome(&mark_read(&state, &mid("h404"), &uid("ford"), 600)),
        Err(ChatError::UnknownMessage(mid("h404"))),
        "mark_read of the unknown message \"h404\""
    );
    ensure_eq!(
        outcome(&mark_read(&state, &mid("h1"), &uid("slartibartfast"), 600)),
        Err(ChatError::UnknownUser(uid("slartibartfast"))),
        "mark_read by the unknown user \"slartibartfast\""
    );
    invariants(&state)
}

// Catches: a deletion that leaves its id in the channel order, its parent's
// thread, the receipts, the pending entries or the conflicts; replies left
// pointing at a deleted parent; a failure on an already deleted id.
pub fn delete_keeps_integrity() -> CheckResult {
    let start = build(crew_snapshot(vec![
        msg("h1", "heart-of-gold", "ford", 100),
        reply("h2", "heart-of-gold", "zaphod", 120, "h1"),
        reply("h3", "heart-of-gold", "trillian", 130, "h1"),
        msg("h4", "heart-of-gold", "arthur", 200),
        reply("h5", "heart-of-gold", "ford", 210, "h4"),
        msg("h6", "heart-of-gold", "zaphod", 300),
    ]))?;
    let mut state = start.clone();
    for (m, u) in [("h1", "arthur"), ("h1", "ford"), ("h2", "arthur"), ("h5", "zaphod")] {
        state = ok(mark_read(&state, &mid(m), &uid(u), 400), &format!("mark_read({m}, {u})"))?;
    }
    state = ok(edit_message_optimistically(&state, &mid("h1"), "edited h1", 410), "edit h1 optimistically")?;
    // A conflict record for h2: a local edit, then a newer server version.
    state = ok(edit_message_optimistically(&state, &mid("h2"), "edited h2", 420), "edit h2 optimistically")?;
    let server_h2 = Message {
        content: "the server's h2".into(),
        edited_at: Some(430),
        version: 3,
        ..reply("h2", "heart-of-gold", "zaphod", 120, "h1")
    };
    state = ok(
        apply_sync_updates(&state, SyncUpdates { messages: vec![server_h2], synced_at: 440, ..Default::default() }),
        "sync a newer server version of h2",
    )?;
    ensure!(
        state.conflicts.contains_key(&mid("h2")),
        "setup: after syncing a server h2 that differs from the local edit, conflicts should have a record for h2"
    );

    let deletion = SyncUpdates { deleted_messages: mids(&["h1", "h5", "h404"]), synced_at: 500, ..Default::default() };
    let deleted = ok(
        apply_sync_updates(&state, deletion),
        "sync deleting h1 (parent of h2, h3), h5 (a reply to h4) and h404 (unknown)",
    )?;
    let when = "after the server deletes h1 and h5";
    for gone in ["h1", "h5"] {
        ensure!(!deleted.messages.contains_key(&mid(gone)), "{when}: {gone} should not be in the messages table");
        ensure!(
            !deleted.read_receipts.contains_key(&mid(gone)),
            "{when}: {gone}'s read receipts should be gone too (read_receipts still has an entry for {gone})"
        );
        ensure!(
            !deleted.messages_pending_sync.contains_key(&mid(gone)),
            "{when}: {gone} should not be in messages_pending_sync"
        );
        ensure!(
            !deleted.message_threads.contains_key(&mid(gone)),
            "{when}: message_threads should have no entry for {gone}"
        );
    }
    ensure_eq!(
        order(&deleted, "heart-of-gold"),
        mids(&["h2", "h3", "h4", "h6"]),
        "{when}: channel_messages of heart-of-gold"
    );
    ensure_eq!(
        message(&deleted, "h2", when)?.parent_message_id.clone(),
        None,
        "{when}: h2 replied to h1, so it becomes a top-level message"
    );
    ensure_eq!(
        message(&deleted, "h3", when)?.parent_message_id.clone(),
        None,
        "{when}: h3 replied to h1, so it becomes a top-level message"
    );
    ensure_eq!(thread(&deleted, "h4"), mids(&[]), "{when}: the thread of h4 (its only reply h5 was deleted)");
    ensure_eq!(deleted.read_receipts.get(&mid("h2")).map_or(0, Vec::len), 1, "{when}: h2 keeps its own receipt");
    ensure!(deleted.conflicts.contains_key(&mid("h2")), "{when}: h2 keeps its conflict record");
    ensure_eq!(
        deleted.last_sync.get(&cid("heart-of-gold")).copied(),
        Some(500),
        "{when}: the last sync of heart-of-gold"
    );
    invariants(&deleted)?;

    let again = SyncUpdates { deleted_messages: mids(&["h2", "h1"]), synced_at: 600, ..Default::default() };
    let deleted = ok(apply_sync_updates(&deleted, again), "then a sync deleting h2, and h1 again")?;
    let when = "after the server also deletes h2";
    ensure!(!deleted.conflicts.contains_key(&mid("h2")), "{when}: conflicts should have no record for h2");
    ensure!(!deleted.read_receipts.contains_key(&mid("h2")), "{when}: read_receipts should have no entry for h2");
    ensure_eq!(
        order(&deleted, "heart-of-gold"),
        mids(&["h3", "h4", "h6"]),
        "{when}: channel_messages of heart-of-gold"
    );
    invariants(&deleted)
}

// Catches: replies in the order they were added rather than time order,
// another message's replies, read_by missing or repeated, pending replies
// not flagged.
pub fn thread_view_contents() -> CheckResult {
    let mut state = build(crew_snapshot(vec![
        msg("h1", "heart-of-gold", "ford", 100),
        reply("r3", "heart-of-gold", "trillian", 130, "h1"),
        reply("r1", "heart-of-gold", "zaphod", 120, "h1"),
        reply("r2", "heart-of-gold", "arthur", 120, "h1"),
        msg("h2", "heart-of-gold", "zaphod", 200),
        reply("s1", "heart-of-gold", "ford", 210, "h2"),
    ]))?;
    for (m, u) in [("h1", "zaphod"), ("r1", "ford"), ("h1", "arthur"), ("r3", "ford")] {
        state = ok(mark_read(&state, &mid(m), &uid(u), 300), &format!("mark_read({m}, {u})"))?;
    }
    state = ok(
        send_message_optimistically(
            &state,
            draft_reply("heart-of-gold", "arthur", "Where's my towel?", "h1"),
            mid("tmp-1"),
            125,
        ),
        "arthur replies to h1 optimistically, at 125",
    )?;
    let view = thread_view(&state, "h1")?;
    ensure_eq!(
        view.parent.message.clone(),
        message(&state, "h1", "thread")?.clone(),
        "the thread view of h1: parent.message"
    );
    ensure_eq!(view.parent.author.clone(), user("ford"), "the thread view of h1: parent.author");
    ensure_eq!(view.parent.content.clone(), "text of h1".to_string(), "the thread view of h1: parent.content");
    ensure_eq!(view.parent.read_by.clone(), uids(&["zaphod", "arthur"]), "the thread view of h1: parent.read_by");
    ensure_eq!(view.parent.pending, false, "the thread view of h1: parent.pending");
    let replies: Vec<MessageId> = view.replies.iter().map(|r| r.message.id.clone()).collect();
    ensure_eq!(
        replies,
        mids(&["r1", "r2", "tmp-1", "r3"]),
        "the thread view of h1: replies r3 (130), r1 (120), r2 (120) and the pending tmp-1 (125), in (timestamp, id) order"
    );
    let authors: Vec<UserId> = view.replies.iter().map(|r| r.author.id.clone()).collect();
    ensure_eq!(
        authors,
        uids(&["zaphod", "arthur", "arthur", "trillian"]),
        "the thread view of h1: the replies' authors"
    );
    let read_by: Vec<Vec<UserId>> = view.replies.iter().map(|r| r.read_by.clone()).collect();
    ensure_eq!(
        read_by,
        vec![uids(&["ford"]), uids(&[]), uids(&[]), uids(&["ford"])],
        "the thread view of h1: each reply's read_by"
    );
    let pending: Vec<bool> = view.replies.iter().map(|r| r.pending).collect();
    ensure_eq!(
        pending,
        vec![false, false, true, false],
        "the thread view of h1: each reply's pending flag (tmp-1 is not confirmed)"
    );
    ensure_eq!(
        view.replies[2].content.clone(),
        "Where's my towel?".to_string(),
        "the thread view of h1: tmp-1's content"
    );

    let other = thread_view(&state, "h2")?;
    let replies: Vec<MessageId> = other.replies.iter().map(|r| r.message.id.clone()).collect();
    ensure_eq!(replies, mids(&["s1"]), "the thread view of h2: only h2's replies");
    let lonely = thread_view(&state, "r1")?;
    ensure_eq!(lonely.replies.len(), 0, "the thread view of r1, a reply with no replies of its own: replies");
    ensure!(
        make_select_message_thread().select(&state, &mid("h404")).is_none(),
        "the thread view of the unknown message \"h404\" should be None"
    );
    Ok(())
}

// Catches: a set_presence that records nothing (the online count never
// follows), and real-time events that accept a user or channel nobody knows.
pub fn presence_and_unknown_ids() -> CheckResult {
    let start = crew_state()?;
    let online = |s: &ChatState| -> Result<usize, String> {
        Ok(channel_view(s, "heart-of-gold", "arthur")?.online_member_count)
    };
    ensure_eq!(online(&start)?, 0, "heart-of-gold's online members before anyone sets a presence");
    let state = ok(set_presence(&start, &uid("ford"), Presence::Online), "set_presence(ford, Online)")?;
    ensure_eq!(
        state.user_presence.get(&uid("ford")),
        Some(&Presence::Online),
        "user_presence of ford after set_presence(ford, Online)"
    );
    ensure_eq!(online(&state)?, 1, "heart-of-gold's online members after ford goes online");
    let state = ok(set_presence(&state, &uid("zaphod"), Presence::Online), "set_presence(zaphod, Online)")?;
    ensure_eq!(online(&state)?, 2, "heart-of-gold's online members after zaphod goes online too");
    let state = ok(set_presence(&state, &uid("ford"), Presence::Away), "set_presence(ford, Away)")?;
    ensure_eq!(
        state.user_presence.get(&uid("ford")),
        Some(&Presence::Away),
        "user_presence of ford after set_presence(ford, Away)"
    );
    ensure_eq!(online(&state)?, 1, "heart-of-gold's online members after ford goes away (only zaphod is online)");
    let state = ok(set_presence(&state, &uid("zaphod"), Presence::Offline), "set_presence(zaphod, Offline)")?;
    ensure_eq!(online(&state)?, 0, "heart-of-gold's online members after zaphod goes offline");

    let (hog, ghost) = (cid("heart-of-gold"), uid("slartibartfast"));
    let unknown_user = ChatError::UnknownUser(ghost.clone());
    ensure_eq!(
        outcome(&set_presence(&start, &ghost, Presence::Online)),
        Err(unknown_user.clone()),
        "set_presence of the unknown user \"slartibartfast\""
    );
    ensure_eq!(
        outcome(&start_typing(&start, &hog, &ghost)),
        Err(unknown_user.clone()),
        "start_typing by the unknown user \"slartibartfast\""
    );
    ensure_eq!(
        outcome(&stop_typing(&start, &hog, &ghost)),
        Err(unknown_user.clone()),
        "stop_typing by the unknown user \"slartibartfast\""
    );
    ensure_eq!(
        outcome(&leave_channel(&start, &hog, &ghost)),
        Err(unknown_user),
        "leave_channel by the unknown user \"slartibartfast\""
    );
    ensure_eq!(
        outcome(&stop_typing(&start, &cid("magrathea"), &uid("ford"))),
        Err(ChatError::UnknownChannel(cid("magrathea"))),
        "stop_typing in the unknown channel \"magrathea\""
    );
    Ok(())
}

// Catches: a select_channel_messages that panics (or invents messages) for a
// channel with no entry in channel_messages, known or not, and a snapshot
// that cannot be empty or accepts a message replying to itself.
pub fn empty_and_unknown() -> CheckResult {
    let state = crew_state()?;
    ensure_eq!(
        select_channel_messages(&state, &cid("vogon-poetry")).len(),
        0,
        "select_channel_messages(vogon-poetry), a channel with no messages"
    );
    ensure_eq!(
        select_channel_messages(&state, &cid("magrathea")).len(),
        0,
        "select_channel_messages(\"magrathea\"), an unknown channel"
    );
    // Every message of a channel gone: the relationship may keep an empty list
    // or drop its entry; either way the channel reads as empty.
    let gone = ok(
        apply_sync_updates(
            &state,
            SyncUpdates { deleted_messages: mids(&["h1", "h2", "h3"]), synced_at: 900, ..Default::default() },
        ),
        "a sync deleting every message of heart-of-gold",
    )?;
    ensure_eq!(
        select_channel_messages(&gone, &cid("heart-of-gold")).len(),
        0,
        "select_channel_messages(heart-of-gold) after every message in it was deleted"
    );
    let view = channel_view(&gone, "heart-of-gold", "arthur")?;
    ensure_eq!(
        (view.messages.len(), view.unread_count, view.last_activity),
        (0, 0, 50),
        "the channel view of heart-of-gold after every message was deleted: (messages, unread, last activity = created_at)"
    );
    // Every member of a channel gone: the same, nobody is online there.
    let mut left = ok(set_presence(&state, &uid("arthur"), Presence::Online), "arthur comes online")?;
    for user in ["arthur", "marvin"] {
        left = ok(leave_channel(&left, &cid("vogon-poetry"), &uid(user)), &format!("{user} leaves vogon-poetry"))?;
    }
    ensure_eq!(
        channel_view(&left, "vogon-poetry", "arthur")?.online_member_count,
        0,
        "online members of vogon-poetry after both its members (arthur, online) left"
    );

    let empty = ok(ChatState::from_snapshot(ChatSnapshot::default()), "from_snapshot of an empty snapshot")?;
    ensure!(
        empty.messages.is_empty() && empty.channels.is_empty(),
        "from_snapshot of an empty snapshot should give empty tables"
    );
    let mut snapshot = crew_snapshot(vec![msg("h1", "heart-of-gold", "ford", 100)]);
    snapshot.messages.push(reply("h2", "heart-of-gold", "ford", 200, "h2"));
    ensure_eq!(
        outcome(&ChatState::from_snapshot(snapshot)),
        Err(ChatError::BadParent(mid("h2"))),
        "from_snapshot with h2 replying to itself"
    );
    Ok(())
}

/// heart-of-gold with h1 (ford, 100), its reply h2 (zaphod, 200) and h3
/// (trillian, 300), top-level with no replies.
fn h1_thread_and_h3() -> Result<ChatState, String> {
    build(crew_snapshot(vec![
        msg("h1", "heart-of-gold", "ford", 100),
        reply("h2", "heart-of-gold", "zaphod", 200, "h1"),
        msg("h3", "heart-of-gold", "trillian", 300),
    ]))
}

// Catches: a parent check that refuses a new message replying to itself but
// not a known message made its own parent by a sync or a confirmed edit, nor
// a confirmed send whose server copy replies to the temporary id it replaces.
pub fn no_message_is_its_own_parent() -> CheckResult {
    let start = h1_thread_and_h3()?;
    let h3_under_itself = reply("h3", "heart-of-gold", "trillian", 300, "h3");
    ensure_eq!(
        outcome(&apply_sync_updates(
            &start,
            SyncUpdates { messages: vec![h3_under_itself.clone()], synced_at: 500, ..Default::default() }
        )),
        Err(ChatError::BadParent(mid("h3"))),
        "a sync bringing a copy of h3 (top-level, no replies) that replies to h3 itself"
    );
    ensure_eq!(
        outcome(&apply_sync_updates(
            &start,
            SyncUpdates {
                messages: vec![reply("s-5", "heart-of-gold", "arthur", 400, "s-5")],
                synced_at: 500,
                ..Default::default()
            }
        )),
        Err(ChatError::BadParent(mid("s-5"))),
        "a sync bringing a new message s-5 that replies to itself"
    );
    let edited = ok(edit_message_optimistically(&start, &mid("h3"), "edited", 450), "edit h3")?;
    ensure_eq!(
        outcome(&confirm_optimistic_message(&edited, &mid("h3"), h3_under_itself)),
        Err(ChatError::BadParent(mid("h3"))),
        "confirming h3's edit with a server copy that replies to h3 itself"
    );
    let sent = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "top"), mid("tmp-2"), 400),
        "send tmp-2",
    )?;
    let server = Message {
        content: "top".into(),
        optimistic_id: Some(mid("tmp-2")),
        ..reply("s-2", "heart-of-gold", "arthur", 401, "tmp-2")
    };
    ensure_eq!(
        outcome(&confirm_optimistic_message(&sent, &mid("tmp-2"), server.clone())),
        Err(ChatError::BadParent(mid("tmp-2"))),
        "confirming tmp-2 with a server copy s-2 that replies to tmp-2, the very message it replaces"
    );
    ensure_eq!(
        outcome(&apply_sync_updates(
            &sent,
            SyncUpdates { messages: vec![server], synced_at: 500, ..Default::default() }
        )),
        Err(ChatError::BadParent(mid("tmp-2"))),
        "a sync echoing tmp-2 as s-2 with a copy that replies to tmp-2, the very message it replaces"
    );
    Ok(())
}

// Catches: threads that grow a second level through a send, a sync or a
// confirmation: a reply to a reply, or a message with replies made a reply.
pub fn threads_one_level_deep() -> CheckResult {
    let start = h1_thread_and_h3()?;
    ensure_eq!(
        outcome(&send_message_optimistically(
            &start,
            draft_reply("heart-of-gold", "arthur", "deeper", "h2"),
            mid("tmp-1"),
            400
        )),
        Err(ChatError::BadParent(mid("h2"))),
        "send_message_optimistically replying to h2, which is itself a reply to h1"
    );
    let deeper = reply("s-9", "heart-of-gold", "arthur", 400, "h2");
    ensure_eq!(
        outcome(&apply_sync_updates(
            &start,
            SyncUpdates { messages: vec![deeper], synced_at: 500, ..Default::default() }
        )),
        Err(ChatError::BadParent(mid("h2"))),
        "a sync bringing s-9, a reply to h2, which is itself a reply"
    );
    // h1 has a reply, so it cannot become one.
    let h1_as_reply = Message { parent_message_id: Some(mid("h3")), ..msg("h1", "heart-of-gold", "ford", 100) };
    ensure_eq!(
        outcome(&apply_sync_updates(
            &start,
            SyncUpdates { messages: vec![h1_as_reply.clone()], synced_at: 500, ..Default::default() }
        )),
        Err(ChatError::BadParent(mid("h3"))),
        "a sync making h1 (which has the reply h2) a reply to h3"
    );
    let edited = ok(edit_message_optimistically(&start, &mid("h1"), "edited", 450), "edit h1")?;
    ensure_eq!(
        outcome(&confirm_optimistic_message(&edited, &mid("h1"), h1_as_reply)),
        Err(ChatError::BadParent(mid("h3"))),
        "confirming h1's edit with a server copy that makes h1 (which has a reply) a reply to h3"
    );
    let sent = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "top"), mid("tmp-2"), 400),
        "send tmp-2",
    )?;
    let server = Message { content: "top".into(), ..reply("s-2", "heart-of-gold", "arthur", 401, "h2") };
    ensure_eq!(
        outcome(&confirm_optimistic_message(&sent, &mid("tmp-2"), server)),
        Err(ChatError::BadParent(mid("h2"))),
        "confirming tmp-2 with a server copy that replies to h2, itself a reply"
    );
    Ok(())
}
