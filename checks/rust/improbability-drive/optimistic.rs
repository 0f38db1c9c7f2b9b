//! Optimistic updates: a message shows at once, pending, and can be rolled
//! back without a trace or confirmed under the server's id everywhere.

use super::data::*;
use crate::harness::*;
use improbability_drive::*;

// Catches: a send appended at the end instead of at its (timestamp, id)
// place, missing pending entry or status, wrong optimistic id or version,
// a last activity that ignores the new message, refusals not made.
pub fn send_appears_pending() -> CheckResult {
    let start = crew_state()?;
    // The local clock is behind the server: 250 falls between h2 and h3.
    let state = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "Don't panic"), mid("tmp-1"), 250),
        "send_message_optimistically(arthur in heart-of-gold, temp id tmp-1, now 250)",
    )?;
    let when = "after sending tmp-1 at 250";
    let expected = Message {
        id: mid("tmp-1"),
        content: "Don't panic".to_string(),
        author_id: uid("arthur"),
        channel_id: cid("heart-of-gold"),
        timestamp: 250,
        edited_at: None,
        parent_message_id: None,
        reactions: Reactions::new(),
        sync_status: SyncStatus::Pending,
        optimistic_id: Some(mid("tmp-1")),
        version: 1,
    };
    ensure_eq!(message(&state, "tmp-1", when)?.clone(), expected, "{when}: the message tmp-1");
    ensure_eq!(
        order(&state, "heart-of-gold"),
        mids(&["h1", "h2", "tmp-1", "h3"]),
        "{when}: channel_messages of heart-of-gold (h1 at 100, h2 at 200, h3 at 300)"
    );
    let ids: Vec<MessageId> =
        select_channel_messages(&state, &cid("heart-of-gold")).iter().map(|m| m.id.clone()).collect();
    ensure_eq!(ids, mids(&["h1", "h2", "tmp-1", "h3"]), "{when}: select_channel_messages(heart-of-gold)");
    ensure_eq!(
        state.messages_pending_sync.get(&mid("tmp-1")),
        Some(&PendingMessage::Send),
        "{when}: messages_pending_sync[tmp-1], recorded for rollback"
    );
    ensure_eq!(
        channel_view(&state, "heart-of-gold", "ford")?.last_activity,
        300,
        "{when}: last activity (h3 at 300 is still newer)"
    );

    let state = ok(
        send_message_optimistically(&state, draft("heart-of-gold", "arthur", "Towel?"), mid("tmp-2"), 400),
        "then send tmp-2 at 400",
    )?;
    ensure_eq!(
        order(&state, "heart-of-gold"),
        mids(&["h1", "h2", "tmp-1", "h3", "tmp-2"]),
        "after sending tmp-2 at 400: channel order"
    );
    let view = channel_view(&state, "heart-of-gold", "ford")?;
    ensure_eq!(view.last_activity, 400, "after sending tmp-2 at 400: the channel view's last activity");
    ensure_eq!(
        view_ids(&view),
        mids(&["h1", "h2", "tmp-1", "h3", "tmp-2"]),
        "after sending tmp-2: the channel view's messages"
    );
    ensure_eq!(view.messages[4].message.sync_status, SyncStatus::Pending, "the channel view shows tmp-2 as pending");
    invariants(&state)?;

    let refusals = [
        (
            draft("heart-of-gold", "arthur", "x"),
            "h1",
            ChatError::DuplicateMessage(mid("h1")),
            "a temp id already taken (h1)",
        ),
        (draft("magrathea", "arthur", "x"), "tmp-9", ChatError::UnknownChannel(cid("magrathea")), "an unknown channel"),
        (
            draft("heart-of-gold", "slartibartfast", "x"),
            "tmp-9",
            ChatError::UnknownUser(uid("slartibartfast")),
            "an unknown author",
        ),
        (
            draft_reply("vogon-poetry", "arthur", "x", "h1"),
            "tmp-9",
            ChatError::BadParent(mid("h1")),
            "a reply in vogon-poetry to h1 of heart-of-gold",
        ),
        (
            draft_reply("heart-of-gold", "arthur", "x", "h404"),
            "tmp-9",
            ChatError::BadParent(mid("h404")),
            "a reply to the unknown h404",
        ),
    ];
    for (d, temp, expected, what) in refusals {
        ensure_eq!(
            outcome(&send_message_optimistically(&state, d, mid(temp), 500)),
            Err(expected),
            "send_message_optimistically with {what}"
        );
    }
    Ok(())
}

// The workshop's own validation, "Optimistic updates with rollback".
// Catches: a message that is not shown at once, not pending, or still shown
// after its rollback.
pub fn seed_send_rollback() -> CheckResult {
    let snapshot = ChatSnapshot {
        channels: vec![channel("channel1")],
        users: vec![user("user1")],
        members: vec![(cid("channel1"), uid("user1"))],
        ..ChatSnapshot::default()
    };
    let mut state = build(snapshot)?;
    let hello = draft("channel1", "user1", "Hello world!");
    state = ok(
        send_message_optimistically(&state, hello, mid("optimistic_1"), 1_000),
        "send \"Hello world!\" optimistically",
    )?;

    // The message should appear immediately.
    let messages = select_channel_messages(&state, &cid("channel1"));
    ensure_eq!(messages.len(), 1, "the workshop scenario: select_channel_messages(channel1) right after the send");
    ensure_eq!(messages[0].sync_status, SyncStatus::Pending, "the workshop scenario: the message's sync status");
    let optimistic_id = some(messages[0].optimistic_id.clone(), "the workshop scenario: the message's optimistic_id")?;

    // Simulate a server failure, and roll back.
    state = ok(rollback_optimistic_message(&state, &optimistic_id), "rollback_optimistic_message(the optimistic id)")?;
    ensure_eq!(
        select_channel_messages(&state, &cid("channel1")).len(),
        0,
        "the workshop scenario: select_channel_messages(channel1) after the rollback"
    );
    invariants(&state)
}

// Catches: a rollback that leaves the id in the channel order, the parent's
// thread, the receipts or the pending entries; a last activity not restored;
// replies left pointing at a rolled-back parent; refusals not made.
pub fn rollback_removes_everywhere() -> CheckResult {
    let start = crew_state()?;
    let mut state = start.clone();
    state = ok(
        send_message_optimistically(&state, draft_reply("heart-of-gold", "arthur", "Reply", "h1"), mid("tmp-1"), 400),
        "send tmp-1, a reply to h1, at 400",
    )?;
    state = ok(
        send_message_optimistically(&state, draft("heart-of-gold", "arthur", "Later"), mid("tmp-2"), 500),
        "send tmp-2 at 500",
    )?;
    state = ok(mark_read(&state, &mid("tmp-1"), &uid("ford"), 510), "ford reads tmp-1")?;
    ensure_eq!(
        channel_view(&state, "heart-of-gold", "ford")?.last_activity,
        500,
        "after sending tmp-1 (400) and tmp-2 (500): last activity"
    );

    let back = ok(rollback_optimistic_message(&state, &mid("tmp-1")), "rollback_optimistic_message(tmp-1)")?;
    let when = "after rolling back tmp-1";
    ensure!(!back.messages.contains_key(&mid("tmp-1")), "{when}: tmp-1 should not be in the messages table");
    ensure_eq!(
        order(&back, "heart-of-gold"),
        mids(&["h1", "h2", "h3", "tmp-2"]),
        "{when}: channel_messages of heart-of-gold"
    );
    ensure_eq!(thread(&back, "h1"), mids(&[]), "{when}: the thread of h1");
    ensure!(!back.read_receipts.contains_key(&mid("tmp-1")), "{when}: read_receipts should have no entry for tmp-1");
    ensure!(
        !back.messages_pending_sync.contains_key(&mid("tmp-1")),
        "{when}: messages_pending_sync should have no entry for tmp-1"
    );
    ensure_eq!(
        back.messages_pending_sync.get(&mid("tmp-2")),
        Some(&PendingMessage::Send),
        "{when}: tmp-2 is still pending"
    );
    ensure_eq!(
        channel_view(&back, "heart-of-gold", "ford")?.last_activity,
        500,
        "{when}: last activity (tmp-2 at 500 remains)"
    );
    invariants(&back)?;

    let back = ok(rollback_optimistic_message(&back, &mid("tmp-2")), "then rollback_optimistic_message(tmp-2)")?;
    let when = "after rolling back tmp-1 and tmp-2";
    ensure_eq!(
        order(&back, "heart-of-gold"),
        order(&start, "heart-of-gold"),
        "{when}: channel_messages of heart-of-gold"
    );
    ensure_eq!(
        channel_view(&back, "heart-of-gold", "ford")?.last_activity,
        300,
        "{when}: last activity, restored to h3's 300"
    );
    ensure_eq!(message_ids(&back), message_ids(&start), "{when}: the message ids");
    ensure!(back.messages_pending_sync.is_empty(), "{when}: messages_pending_sync should be empty");

    // Rolling back a pending parent: its pending reply stays, top-level.
    let mut state = start.clone();
    state = ok(
        send_message_optimistically(&state, draft("heart-of-gold", "arthur", "Parent"), mid("tmp-p"), 400),
        "send tmp-p",
    )?;
    state = ok(
        send_message_optimistically(&state, draft_reply("heart-of-gold", "ford", "Child", "tmp-p"), mid("tmp-c"), 410),
        "send tmp-c, a reply to tmp-p",
    )?;
    let back = ok(rollback_optimistic_message(&state, &mid("tmp-p")), "rollback_optimistic_message(tmp-p)")?;
    let when = "after rolling back tmp-p, whose reply tmp-c is pending";
    ensure_eq!(
        message(&back, "tmp-c", when)?.parent_message_id.clone(),
        None,
        "{when}: tmp-c becomes a top-level message"
    );
    ensure!(
        !back.message_threads.contains_key(&mid("tmp-p")),
        "{when}: message_threads should have no entry for tmp-p"
    );
    ensure_eq!(order(&back, "heart-of-gold"), mids(&["h1", "h2", "h3", "tmp-c"]), "{when}: channel order");
    invariants(&back)?;

    ensure_eq!(
        outcome(&rollback_optimistic_message(&start, &mid("h1"))),
        Err(ChatError::NotPending(mid("h1"))),
        "rollback_optimistic_message(h1), a synced message"
    );
    ensure_eq!(
        outcome(&rollback_optimistic_message(&start, &mid("tmp-404"))),
        Err(ChatError::UnknownMessage(mid("tmp-404"))),
        "rollback_optimistic_message(tmp-404), an unknown message"
    );
    Ok(())
}

// Catches: an edit without a pending entry, a rollback that forgets the
// previous content or version, a second edit overwriting the first's
// rollback point, an edited send whose rollback does not remove it.
pub fn rollback_restores_edit() -> CheckResult {
    let start = crew_state()?;
    let original = message(&start, "h2", "setup")?.clone();
    let edited =
        ok(edit_message_optimistically(&start, &mid("h2"), "Fixed a typo", 600), "edit h2 optimistically at 600")?;
    let expected = Message {
        content: "Fixed a typo".to_string(),
        edited_at: Some(600),
        version: 2,
        sync_status: SyncStatus::Pending,
        ..original.clone()
    };
    ensure_eq!(message(&edited, "h2", "after the edit")?.clone(), expected, "after editing h2 at 600: the message");
    ensure_eq!(
        edited.messages_pending_sync.get(&mid("h2")),
        Some(&PendingMessage::Edit { previous: original.clone() }),
        "after editing h2: messages_pending_sync[h2]"
    );
    let twice = ok(edit_message_optimistically(&edited, &mid("h2"), "Fixed two typos", 610), "edit h2 again at 610")?;
    ensure_eq!(message(&twice, "h2", "after two edits")?.version, 3, "after editing h2 twice: version");
    let back = ok(rollback_optimistic_message(&twice, &mid("h2")), "rollback_optimistic_message(h2)")?;
    ensure_eq!(
        message(&back, "h2", "after the rollback")?.clone(),
        original,
        "after two edits and a rollback: h2 as it was before the first edit"
    );
    ensure!(
        !back.messages_pending_sync.contains_key(&mid("h2")),
        "after the rollback: messages_pending_sync should have no entry for h2"
    );
    ensure_eq!(order(&back, "heart-of-gold"), order(&start, "heart-of-gold"), "after the rollback: channel order");
    invariants(&back)?;

    let sent = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "Hi"), mid("tmp-1"), 400),
        "send tmp-1",
    )?;
    let sent = ok(edit_message_optimistically(&sent, &mid("tmp-1"), "Hello", 410), "edit tmp-1 while it is pending")?;
    ensure_eq!(
        sent.messages_pending_sync.get(&mid("tmp-1")),
        Some(&PendingMessage::Send),
        "an edit of a pending send keeps it a Send"
    );
    let back = ok(rollback_optimistic_message(&sent, &mid("tmp-1")), "rollback_optimistic_message(tmp-1)")?;
    ensure_eq!(
        message_ids(&back),
        message_ids(&start),
        "after sending, editing and rolling back tmp-1: the message ids"
    );
    ensure_eq!(
        outcome(&edit_message_optimistically(&start, &mid("h404"), "x", 700)),
        Err(ChatError::UnknownMessage(mid("h404"))),
        "edit_message_optimistically of the unknown message h404"
    );
    invariants(&back)?;

    // After a merge the rollback point is the server's copy: its reactions
    // come back too, without the local ones the merge had added.
    let rocket = Message { reactions: reactions(&[("🚀", &["arthur"])]), ..msg("h1", "heart-of-gold", "ford", 100) };
    let start = build(crew_snapshot(vec![rocket]))?;
    let edited = ok(edit_message_optimistically(&start, &mid("h1"), "edited here", 600), "edit h1 at 600")?;
    let server = Message { reactions: reactions(&[("👋", &["ford"])]), ..msg("h1", "heart-of-gold", "ford", 100) };
    let merged = ok(
        confirm_optimistic_message(&edited, &mid("h1"), server.clone()),
        "confirm h1's edit with a server copy of version 1 that has 👋 ford and not 🚀 arthur",
    )?;
    let back = ok(rollback_optimistic_message(&merged, &mid("h1")), "then roll the edit back")?;
    ensure_eq!(
        message(&back, "h1", "after the rollback")?.clone(),
        server,
        "h1 (🚀 arthur) edited at 600, confirmed by a server copy of version 1 with 👋 ford instead (the edit is newer: \
         merged, still pending), then rolled back: the server's copy, its reactions (👋 ford only) included"
    );
    Ok(())
}

// Catches: a confirm that keeps the temporary id in the channel order, the
// threads (as parent or as reply), the receipts or the pending entries, that
// ignores the server's timestamp, or that drops the optimistic id.
pub fn confirm_replaces_id() -> CheckResult {
    let mut state = crew_state()?;
    state = ok(
        send_message_optimistically(&state, draft("heart-of-gold", "arthur", "Parent"), mid("tmp-p"), 400),
        "send tmp-p at 400",
    )?;
    state = ok(
        send_message_optimistically(&state, draft_reply("heart-of-gold", "ford", "Child", "tmp-p"), mid("tmp-r"), 410),
        "send tmp-r, a reply to tmp-p, at 410",
    )?;
    state = ok(
        send_message_optimistically(
            &state,
            draft_reply("heart-of-gold", "arthur", "About h1", "h1"),
            mid("tmp-q"),
            420,
        ),
        "send tmp-q, a reply to h1, at 420",
    )?;
    state = ok(mark_read(&state, &mid("tmp-p"), &uid("zaphod"), 415), "zaphod reads tmp-p")?;
    state = ok(mark_read(&state, &mid("tmp-p"), &uid("trillian"), 416), "trillian reads tmp-p")?;

    // The server's copy: its own id and timestamp, the same text.
    let server_p = Message { content: "Parent".into(), ..msg("s-p", "heart-of-gold", "arthur", 405) };
    let confirmed = ok(
        confirm_optimistic_message(&state, &mid("tmp-p"), server_p.clone()),
        "confirm_optimistic_message(tmp-p, server id s-p at 405)",
    )?;
    let when = "after confirming tmp-p as s-p";
    ensure!(!confirmed.messages.contains_key(&mid("tmp-p")), "{when}: tmp-p should not be in the messages table");
    let expected = Message { optimistic_id: Some(mid("tmp-p")), ..server_p };
    ensure_eq!(
        message(&confirmed, "s-p", when)?.clone(),
        expected,
        "{when}: the message s-p (the server's copy, synced, keeping tmp-p as its optimistic id)"
    );
    ensure_eq!(
        order(&confirmed, "heart-of-gold"),
        mids(&["h1", "h2", "h3", "s-p", "tmp-r", "tmp-q"]),
        "{when}: channel_messages of heart-of-gold"
    );
    ensure_eq!(thread(&confirmed, "s-p"), mids(&["tmp-r"]), "{when}: the thread of s-p (tmp-p's reply moves with it)");
    ensure!(
        !confirmed.message_threads.contains_key(&mid("tmp-p")),
        "{when}: message_threads should have no entry for tmp-p"
    );
    ensure_eq!(
        message(&confirmed, "tmp-r", when)?.parent_message_id.clone(),
        Some(mid("s-p")),
        "{when}: tmp-r's parent"
    );
    ensure_eq!(
        confirmed.read_receipts.get(&mid("s-p")).map_or(0, Vec::len),
        2,
        "{when}: the receipts under s-p (zaphod's and trillian's both move from tmp-p)"
    );
    ensure!(
        !confirmed.read_receipts.contains_key(&mid("tmp-p")),
        "{when}: read_receipts should have no entry for tmp-p"
    );
    ensure!(
        !confirmed.messages_pending_sync.contains_key(&mid("tmp-p")),
        "{when}: messages_pending_sync should have no entry for tmp-p"
    );
    ensure!(
        !confirmed.messages_pending_sync.contains_key(&mid("s-p")),
        "{when}: s-p is synced, so it has no pending entry"
    );
    ensure!(
        confirmed.conflicts.is_empty(),
        "{when}: the server's copy matches the local one, so no conflict is recorded"
    );
    invariants(&confirmed)?;

    // A reply confirmed with an earlier server timestamp moves up.
    let server_q = Message { content: "About h1".into(), ..reply("s-q", "heart-of-gold", "arthur", 150, "h1") };
    let confirmed = ok(
        confirm_optimistic_message(&confirmed, &mid("tmp-q"), server_q),
        "confirm tmp-q as s-q, a reply to h1 at 150",
    )?;
    let when = "after also confirming tmp-q as s-q at 150";
    ensure_eq!(
        order(&confirmed, "heart-of-gold"),
        mids(&["h1", "s-q", "h2", "h3", "s-p", "tmp-r"]),
        "{when}: channel order"
    );
    ensure_eq!(thread(&confirmed, "h1"), mids(&["s-q"]), "{when}: the thread of h1");

    let server_r = Message { content: "Child".into(), ..reply("s-r", "heart-of-gold", "ford", 412, "s-p") };
    let confirmed =
        ok(confirm_optimistic_message(&confirmed, &mid("tmp-r"), server_r), "confirm tmp-r as s-r, a reply to s-p")?;
    ensure_eq!(thread(&confirmed, "s-p"), mids(&["s-r"]), "after confirming tmp-r as s-r: the thread of s-p");
    ensure!(
        confirmed.messages_pending_sync.is_empty(),
        "after confirming all three: messages_pending_sync should be empty"
    );
    invariants(&confirmed)?;

    ensure_eq!(
        outcome(&confirm_optimistic_message(&confirmed, &mid("h1"), msg("s-9", "heart-of-gold", "ford", 100))),
        Err(ChatError::NotPending(mid("h1"))),
        "confirm_optimistic_message(h1), a synced message"
    );
    ensure_eq!(
        outcome(&confirm_optimistic_message(&state, &mid("tmp-q"), msg("h2", "heart-of-gold", "arthur", 420))),
        Err(ChatError::DuplicateMessage(mid("h2"))),
        "confirming tmp-q with a server id (h2) that another message already has"
    );
    Ok(())
}

// Catches: a failed send that loses its pending entry (it can then be
// neither retried nor rolled back), or a status that stays Pending.
pub fn failed_send_can_retry() -> CheckResult {
    let start = crew_state()?;
    let sent = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "Hello?"), mid("tmp-1"), 400),
        "send tmp-1",
    )?;
    let failed = ok(mark_sync_failed(&sent, &mid("tmp-1")), "mark_sync_failed(tmp-1)")?;
    ensure_eq!(
        message(&failed, "tmp-1", "after the failure")?.sync_status,
        SyncStatus::Failed,
        "after mark_sync_failed(tmp-1): its status"
    );
    ensure_eq!(
        failed.messages_pending_sync.get(&mid("tmp-1")),
        Some(&PendingMessage::Send),
        "after mark_sync_failed(tmp-1): its pending entry is kept"
    );
    ensure_eq!(thread_view(&failed, "tmp-1")?.parent.pending, true, "the thread view of a failed message: pending");
    invariants(&failed)?;

    let server = Message { content: "Hello?".into(), ..msg("s-1", "heart-of-gold", "arthur", 401) };
    let retried =
        ok(confirm_optimistic_message(&failed, &mid("tmp-1"), server), "a retry succeeds: confirm tmp-1 as s-1")?;
    ensure_eq!(
        message(&retried, "s-1", "after the retry")?.sync_status,
        SyncStatus::Synced,
        "after a successful retry: the status of s-1"
    );
    ensure!(
        retried.messages_pending_sync.is_empty(),
        "after a successful retry: messages_pending_sync should be empty"
    );

    let dropped =
        ok(rollback_optimistic_message(&failed, &mid("tmp-1")), "or give up: rollback_optimistic_message(tmp-1)")?;
    ensure_eq!(message_ids(&dropped), message_ids(&start), "after giving up on a failed send: the message ids");
    ensure_eq!(
        outcome(&mark_sync_failed(&start, &mid("h1"))),
        Err(ChatError::NotPending(mid("h1"))),
        "mark_sync_failed(h1), a synced message"
    );
    invariants(&dropped)
}

// Catches: a message placed after every message with its timestamp (or
// before), whatever the ids say: ties on the timestamp go by id.
pub fn equal_timestamps_go_by_id() -> CheckResult {
    // h1 (100), h2 (200), h3 (300); a reply r2 to h1 at 200.
    let start = build(crew_snapshot(vec![
        msg("h1", "heart-of-gold", "ford", 100),
        msg("h2", "heart-of-gold", "zaphod", 200),
        msg("h3", "heart-of-gold", "trillian", 300),
        reply("r2", "heart-of-gold", "arthur", 200, "h1"),
    ]))?;
    let state = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "early"), mid("a-tmp"), 200),
        "send a-tmp at 200, the timestamp of h2 and r2",
    )?;
    ensure_eq!(
        order(&state, "heart-of-gold"),
        mids(&["h1", "a-tmp", "h2", "r2", "h3"]),
        "after sending a-tmp at 200: channel order (h2 and r2 are also at 200; \"a-tmp\" sorts before both)"
    );
    let state = ok(
        send_message_optimistically(&state, draft("heart-of-gold", "arthur", "late"), mid("z-tmp"), 200),
        "then send z-tmp at 200",
    )?;
    ensure_eq!(
        order(&state, "heart-of-gold"),
        mids(&["h1", "a-tmp", "h2", "r2", "z-tmp", "h3"]),
        "after also sending z-tmp at 200: channel order (\"z-tmp\" sorts after h2 and r2)"
    );
    let state = ok(
        send_message_optimistically(&state, draft_reply("heart-of-gold", "ford", "reply", "h1"), mid("q-tmp"), 200),
        "then send q-tmp, a reply to h1, at 200",
    )?;
    ensure_eq!(thread(&state, "h1"), mids(&["q-tmp", "r2"]), "the thread of h1 after q-tmp (200) joins r2 (200)");
    ensure_eq!(
        order(&state, "heart-of-gold"),
        mids(&["h1", "a-tmp", "h2", "q-tmp", "r2", "z-tmp", "h3"]),
        "channel order after q-tmp"
    );
    invariants(&state)?;
    // Confirmed at a timestamp held by others: the server id decides.
    let server = Message { content: "late".into(), ..msg("b-1", "heart-of-gold", "arthur", 300) };
    let confirmed =
        ok(confirm_optimistic_message(&state, &mid("z-tmp"), server), "confirm z-tmp as b-1 at 300, h3's timestamp")?;
    ensure_eq!(
        order(&confirmed, "heart-of-gold"),
        mids(&["h1", "a-tmp", "h2", "q-tmp", "r2", "b-1", "h3"]),
        "after confirming z-tmp as b-1 at 300: channel order (\"b-1\" sorts before h3 at 300)"
    );
    invariants(&confirmed)
}

// Catches: an edit of a Failed message that stays Failed, and a rollback of
// an edit that puts back the old place (a parent deleted meanwhile).
pub fn edit_status_and_rollback_place() -> CheckResult {
    let start = build(crew_snapshot(vec![
        msg("h1", "heart-of-gold", "ford", 100),
        reply("h2", "heart-of-gold", "zaphod", 200, "h1"),
        msg("h3", "heart-of-gold", "trillian", 300),
    ]))?;
    let edited = ok(edit_message_optimistically(&start, &mid("h3"), "first try", 400), "edit h3")?;
    let failed = ok(mark_sync_failed(&edited, &mid("h3")), "mark_sync_failed(h3)")?;
    ensure_eq!(
        message(&failed, "h3", "failed")?.sync_status,
        SyncStatus::Failed,
        "h3 after its edit failed to sync: status"
    );
    let again = ok(edit_message_optimistically(&failed, &mid("h3"), "second try", 410), "edit h3 again")?;
    let h3 = message(&again, "h3", "edited again")?;
    ensure_eq!(
        (h3.content.as_str(), h3.sync_status, h3.version),
        ("second try", SyncStatus::Pending, 3),
        "h3 edited again after its first edit failed: (content, status, version): an edit makes a message Pending"
    );
    let back = ok(rollback_optimistic_message(&again, &mid("h3")), "roll back h3")?;
    ensure_eq!(
        message(&back, "h3", "rolled back")?.clone(),
        message(&start, "h3", "start")?.clone(),
        "h3 after two edits, a failure and a rollback: as it was before the first edit"
    );

    // The reply h2 is edited; the server deletes its parent h1; the edit is rolled back.
    let edited = ok(edit_message_optimistically(&start, &mid("h2"), "edited reply", 400), "edit h2, a reply to h1")?;
    let deleted = ok(
        apply_sync_updates(
            &edited,
            SyncUpdates { deleted_messages: mids(&["h1"]), synced_at: 450, ..Default::default() },
        ),
        "a sync deleting h1, the parent of h2",
    )?;
    ensure_eq!(
        message(&deleted, "h2", "after the deletion")?.parent_message_id.clone(),
        None,
        "h2 after its parent h1 was deleted"
    );
    let back = ok(rollback_optimistic_message(&deleted, &mid("h2")), "roll back h2's edit")?;
    let when = "h2 edited, its parent h1 deleted by the server, then h2's edit rolled back";
    let h2 = message(&back, "h2", when)?;
    ensure_eq!(
        (h2.content.as_str(), h2.version, h2.sync_status, h2.parent_message_id.clone()),
        ("text of h2", 1, SyncStatus::Synced, None),
        "{when}: h2's (content, version, status, parent): the text comes back, the message keeps its current place"
    );
    invariants(&back)
}

// Catches: a confirmation that trusts the server's copy (a missing channel,
// author or parent leaves a dangling reference), and one that cannot confirm
// an edit, whose server copy keeps the message's own id.
pub fn confirm_checks_the_copy() -> CheckResult {
    let start = crew_state()?;
    let sent = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "Hi"), mid("tmp-1"), 400),
        "send tmp-1",
    )?;
    let copy = |f: &dyn Fn(&mut Message)| {
        let mut m = Message { content: "Hi".into(), ..msg("s-1", "heart-of-gold", "arthur", 401) };
        f(&mut m);
        m
    };
    let cases = [
        (
            "in the unknown channel \"magrathea\"",
            copy(&|m| m.channel_id = cid("magrathea")),
            ChatError::UnknownChannel(cid("magrathea")),
        ),
        (
            "by the unknown author \"slartibartfast\"",
            copy(&|m| m.author_id = uid("slartibartfast")),
            ChatError::UnknownUser(uid("slartibartfast")),
        ),
        (
            "replying to the unknown h404",
            copy(&|m| m.parent_message_id = Some(mid("h404"))),
            ChatError::BadParent(mid("h404")),
        ),
    ];
    for (what, server, expected) in cases {
        ensure_eq!(
            outcome(&confirm_optimistic_message(&sent, &mid("tmp-1"), server)),
            Err(expected),
            "confirming tmp-1 with a server copy {what}"
        );
    }
    ensure_eq!(
        outcome(&confirm_optimistic_message(&sent, &mid("h404"), copy(&|_| {}))),
        Err(ChatError::UnknownMessage(mid("h404"))),
        "confirm_optimistic_message of the unknown message h404"
    );

    // The server acknowledges an edit: same id, the same text.
    let edited = ok(edit_message_optimistically(&start, &mid("h2"), "Fixed", 500), "edit h2")?;
    let server = Message { sync_status: SyncStatus::Synced, ..message(&edited, "h2", "edited")?.clone() };
    let acked = ok(
        confirm_optimistic_message(&edited, &mid("h2"), server.clone()),
        "confirm h2's edit with the server's identical copy",
    )?;
    let when = "h2's edit confirmed by an identical server copy";
    ensure_eq!(message(&acked, "h2", when)?.clone(), server, "{when}: h2 (the server's copy, synced)");
    ensure!(!acked.messages_pending_sync.contains_key(&mid("h2")), "{when}: h2 should have no pending entry");
    ensure!(!acked.conflicts.contains_key(&mid("h2")), "{when}: the copies agree, so no conflict is recorded");
    ensure_eq!(order(&acked, "heart-of-gold"), order(&start, "heart-of-gold"), "{when}: channel order");
    invariants(&acked)
}
