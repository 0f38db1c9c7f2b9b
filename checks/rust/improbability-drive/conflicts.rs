//! Conflict resolution and sync: versions and edit times decide the text,
//! reactions merge as a union, and the server's batches are applied without
//! losing a pending local change or the sync metadata.

use super::data::*;
use crate::harness::*;
use improbability_drive::*;

/// One message as two sides see it: same id, channel, author and timestamp.
fn copy(content: &str, version: u32, edited_at: Option<u64>, reacted: &[(&str, &[&str])]) -> Message {
    Message {
        content: content.to_string(),
        version,
        edited_at,
        reactions: reactions(reacted),
        ..msg("m1", "heart-of-gold", "ford", 100)
    }
}

fn resolve(local: &Message, server: &Message) -> (Strategy, String, Option<u64>, Reactions, u32) {
    let Resolution { resolved, strategy } = resolve_message_conflict(local, server);
    (strategy, resolved.content, resolved.edited_at, resolved.reactions, resolved.version)
}

// The workshop's own validation, "Conflict resolution", with real copies:
// the user edited locally while someone reacted on the server.
// Catches: always answering "server" (the seed's placeholder), or a merge
// that keeps only one side.
pub fn seed_scenario() -> CheckResult {
    let local = Message {
        optimistic_id: Some(mid("tmp-7")),
        sync_status: SyncStatus::Pending,
        ..copy("Hello, world!", 2, Some(150), &[("👍", &["arthur"])])
    };
    let server = Message { timestamp: 101, ..copy("Hello world", 1, None, &[("🎉", &["ford"])]) };
    let Resolution { resolved, strategy } = resolve_message_conflict(&local, &server);
    let what = "local: edited to \"Hello, world!\" (version 2, at 150, 👍 arthur); server: \"Hello world\" (version 1, 🎉 ford)";
    ensure_eq!(strategy, Strategy::Merge, "{what}: strategy");
    let expected = Message {
        content: "Hello, world!".to_string(),
        edited_at: Some(150),
        reactions: reactions(&[("👍", &["arthur"]), ("🎉", &["ford"])]),
        version: 2,
        sync_status: SyncStatus::Pending,
        optimistic_id: Some(mid("tmp-7")),
        ..server.clone()
    };
    ensure_eq!(
        resolved,
        expected,
        "{what}: the resolved message (local text, both reactions, the server's timestamp, version 2, still pending)"
    );

    let Resolution { resolved, strategy } = resolve_message_conflict(&server, &server);
    ensure_eq!(strategy, Strategy::Server, "two identical copies: strategy");
    ensure_eq!(resolved, server, "two identical copies: the resolved message");
    Ok(())
}

// Catches: a resolution that always prefers the later edit, or always one
// side, whatever the versions say.
pub fn newer_version_wins() -> CheckResult {
    let local = copy("local text", 3, Some(100), &[]);
    let server = copy("server text", 2, Some(200), &[]);
    ensure_eq!(
        resolve(&local, &server),
        (Strategy::Local, "local text".to_string(), Some(100), Reactions::new(), 3),
        "local version 3 (edited at 100) against server version 2 (edited later, at 200): (strategy, content, edited_at, reactions, version)"
    );
    let local = copy("local text", 2, Some(300), &[]);
    let server = copy("server text", 4, Some(100), &[]);
    ensure_eq!(
        resolve(&local, &server),
        (Strategy::Server, "server text".to_string(), Some(100), Reactions::new(), 4),
        "local version 2 (edited at 300) against server version 4 (edited at 100): (strategy, content, edited_at, reactions, version)"
    );
    Ok(())
}

// Catches: ignoring edit times when the versions are equal, or letting a
// tie go to the local side.
pub fn edit_time_breaks_ties() -> CheckResult {
    let cases = [
        (Some(300), Some(200), Strategy::Local, "local"),
        (Some(300), Some(400), Strategy::Server, "server"),
        (Some(300), Some(300), Strategy::Server, "server"),
        (Some(300), None, Strategy::Local, "local"),
        (None, Some(300), Strategy::Server, "server"),
    ];
    for (local_at, server_at, strategy, winner) in cases {
        let local = copy("local", 2, local_at, &[]);
        let server = copy("server", 2, server_at, &[]);
        let at = if winner == "local" { local_at } else { server_at };
        ensure_eq!(
            resolve(&local, &server),
            (strategy, winner.to_string(), at, Reactions::new(), 2),
            "both at version 2, local edited at {local_at:?}, server at {server_at:?}: (strategy, content, edited_at, reactions, version)"
        );
    }
    Ok(())
}

// Catches: reactions taken from the winning side only, or a union that
// loses an emoji or a user.
pub fn reactions_union() -> CheckResult {
    let local = copy("same", 1, None, &[("👍", &["arthur", "ford"])]);
    let server = copy("same", 1, None, &[("👍", &["ford", "zaphod"]), ("🚀", &["marvin"])]);
    ensure_eq!(
        resolve(&local, &server),
        (
            Strategy::Merge,
            "same".to_string(),
            None,
            reactions(&[("👍", &["arthur", "ford", "zaphod"]), ("🚀", &["marvin"])]),
            1
        ),
        "same text, local 👍 {{arthur, ford}}, server 👍 {{ford, zaphod}} and 🚀 {{marvin}}: (strategy, content, edited_at, reactions, version)"
    );
    let local = copy("mine", 2, Some(500), &[("👍", &["arthur"])]);
    let server = copy("theirs", 1, None, &[("👍", &["arthur"]), ("🐬", &["trillian"])]);
    ensure_eq!(
        resolve(&local, &server),
        (Strategy::Merge, "mine".to_string(), Some(500), reactions(&[("👍", &["arthur"]), ("🐬", &["trillian"])]), 2),
        "newer local text with 👍 arthur, server with 👍 arthur and 🐬 trillian: (strategy, content, edited_at, reactions, version)"
    );
    let local = copy("same", 1, None, &[("👍", &["arthur"])]);
    let server = copy("same", 1, None, &[("👍", &["arthur", "ford"])]);
    ensure_eq!(
        resolve(&local, &server),
        (Strategy::Server, "same".to_string(), None, reactions(&[("👍", &["arthur", "ford"])]), 1),
        "server reactions include all the local ones: (strategy, content, edited_at, reactions, version)"
    );
    let local = copy("same", 1, None, &[("👍", &["arthur", "ford"])]);
    let server = copy("same", 1, None, &[("👍", &["ford"])]);
    ensure_eq!(
        resolve(&local, &server),
        (Strategy::Local, "same".to_string(), None, reactions(&[("👍", &["arthur", "ford"])]), 1),
        "local reactions include all the server ones: (strategy, content, edited_at, reactions, version)"
    );
    Ok(())
}

// Catches: a confirm that takes the server's copy blindly (losing an edit
// made while the send was pending, or the local reactions), that records no
// conflict, or that marks unsent local changes as synced.
pub fn confirm_resolves_conflicts() -> CheckResult {
    let start = crew_state()?;
    let mut state = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "Hello world"), mid("tmp-1"), 400),
        "send tmp-1",
    )?;
    state =
        ok(edit_message_optimistically(&state, &mid("tmp-1"), "Hello, world!", 410), "edit tmp-1 while it is pending")?;
    let server = Message {
        content: "Hello world".into(),
        reactions: reactions(&[("👋", &["ford"])]),
        ..msg("s-1", "heart-of-gold", "arthur", 402)
    };
    let confirmed = ok(confirm_optimistic_message(&state, &mid("tmp-1"), server.clone()), "confirm tmp-1 as s-1")?;
    let when = "sent \"Hello world\", edited to \"Hello, world!\" while pending, then confirmed by a server copy s-1 with the old text and 👋 ford";
    let expected = Message {
        content: "Hello, world!".into(),
        edited_at: Some(410),
        version: 2,
        sync_status: SyncStatus::Pending,
        optimistic_id: Some(mid("tmp-1")),
        ..server.clone()
    };
    ensure_eq!(
        message(&confirmed, "s-1", when)?.clone(),
        expected,
        "{when}: the message s-1 (the local edit is newer, the reactions merge, and the edit is still unsent)"
    );
    ensure_eq!(
        confirmed.conflicts.get(&mid("s-1")).map(|c| c.strategy),
        Some(Strategy::Merge),
        "{when}: the conflict recorded for s-1"
    );
    ensure!(
        matches!(confirmed.messages_pending_sync.get(&mid("s-1")), Some(PendingMessage::Edit { .. })),
        "{when}: s-1 should stay pending as an Edit, since the server lacks the local edit; messages_pending_sync[s-1] is {:?}",
        confirmed.messages_pending_sync.get(&mid("s-1"))
    );
    ensure!(!confirmed.messages_pending_sync.contains_key(&mid("tmp-1")), "{when}: no pending entry for tmp-1");
    invariants(&confirmed)?;
    let back = ok(rollback_optimistic_message(&confirmed, &mid("s-1")), "then roll the edit back")?;
    ensure_eq!(
        message(&back, "s-1", "after the rollback")?.clone(),
        Message { optimistic_id: Some(mid("tmp-1")), ..server },
        "{when}, then rolled back: s-1 is the server's copy"
    );

    // The server changed the text of an unedited send: the server wins.
    let sent = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "<b>Hi</b>"), mid("tmp-2"), 500),
        "send tmp-2",
    )?;
    let cleaned = Message { content: "Hi".into(), ..msg("s-2", "heart-of-gold", "arthur", 501) };
    let confirmed = ok(
        confirm_optimistic_message(&sent, &mid("tmp-2"), cleaned),
        "confirm tmp-2 as s-2 with the server's cleaned-up text",
    )?;
    let when = "a send confirmed with different text and no local edit";
    ensure_eq!(message(&confirmed, "s-2", when)?.content.clone(), "Hi".to_string(), "{when}: the content");
    ensure_eq!(message(&confirmed, "s-2", when)?.sync_status, SyncStatus::Synced, "{when}: the status");
    ensure_eq!(
        confirmed.conflicts.get(&mid("s-2")).map(|c| c.strategy),
        Some(Strategy::Server),
        "{when}: the conflict recorded for s-2"
    );
    ensure!(confirmed.messages_pending_sync.is_empty(), "{when}: messages_pending_sync should be empty");
    invariants(&confirmed)?;

    // The same text, but the reactions or the edit time differ: that is a
    // difference too, resolved and recorded.
    let sent = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "Hi"), mid("tmp-3"), 600),
        "send tmp-3",
    )?;
    let cases = [
        (
            "the same text and edit time, but the server's copy has 👋 ford",
            Message {
                content: "Hi".into(),
                reactions: reactions(&[("👋", &["ford"])]),
                ..msg("s-3", "heart-of-gold", "arthur", 601)
            },
        ),
        (
            "the same text and reactions, but the server's copy was edited at 605",
            Message { content: "Hi".into(), edited_at: Some(605), ..msg("s-3", "heart-of-gold", "arthur", 601) },
        ),
    ];
    for (what, server) in cases {
        let confirmed =
            ok(confirm_optimistic_message(&sent, &mid("tmp-3"), server), &format!("confirm tmp-3 as s-3: {what}"))?;
        ensure_eq!(
            confirmed.conflicts.get(&mid("s-3")).map(|c| c.strategy),
            Some(Strategy::Server),
            "tmp-3 confirmed as s-3 with {what}: the conflict recorded for s-3 (a copy that differs in its reactions or \
             edit time goes through the resolution, which takes the server's side here)"
        );
    }
    Ok(())
}

// Catches: a sync that overwrites pending local edits, or ignores versions
// (a stale copy undoing a newer one), or records no conflicts.
pub fn sync_resolves_pending_edits() -> CheckResult {
    let mut snapshot = crew_snapshot(vec![
        msg("h1", "heart-of-gold", "ford", 100),
        msg("h2", "heart-of-gold", "zaphod", 200),
        msg("h3", "heart-of-gold", "trillian", 300),
        Message {
            content: "version three".into(),
            version: 3,
            edited_at: Some(350),
            ..msg("h4", "heart-of-gold", "ford", 400)
        },
    ]);
    snapshot.receipts = vec![];
    let mut state = build(snapshot)?;
    state = ok(edit_message_optimistically(&state, &mid("h2"), "my edit", 500), "edit h2 at 500")?;
    state = ok(edit_message_optimistically(&state, &mid("h3"), "my edit", 500), "edit h3 at 500")?;

    let server_h2 = Message {
        content: "their edit".into(),
        version: 2,
        edited_at: Some(450),
        reactions: reactions(&[("❤️", &["zaphod"])]),
        ..msg("h2", "heart-of-gold", "zaphod", 200)
    };
    let server_h3 = Message {
        content: "newer on the server".into(),
        version: 3,
        edited_at: Some(480),
        ..msg("h3", "heart-of-gold", "trillian", 300)
    };
    let server_h1 = Message {
        content: "edited elsewhere".into(),
        version: 2,
        edited_at: Some(490),
        ..msg("h1", "heart-of-gold", "ford", 100)
    };
    let stale_h4 = Message {
        content: "version two".into(),
        version: 2,
        edited_at: Some(250),
        ..msg("h4", "heart-of-gold", "ford", 400)
    };
    let batch = SyncUpdates {
        messages: vec![server_h2.clone(), server_h3, server_h1, stale_h4],
        synced_at: 600,
        ..Default::default()
    };
    let synced = ok(apply_sync_updates(&state, batch), "apply_sync_updates with server copies of h1, h2, h3 and h4")?;

    let when = "h2 edited locally at 500 (version 2), server h2 edited at 450 (version 2) with ❤️ zaphod";
    let h2 = message(&synced, "h2", when)?;
    ensure_eq!(
        (h2.content.as_str(), h2.reactions.clone(), h2.sync_status),
        ("my edit", reactions(&[("❤️", &["zaphod"])]), SyncStatus::Pending),
        "{when}: h2's (content, reactions, status)"
    );
    ensure_eq!(
        synced.conflicts.get(&mid("h2")).map(|c| c.strategy),
        Some(Strategy::Merge),
        "{when}: the conflict recorded for h2"
    );
    ensure!(
        synced.messages_pending_sync.contains_key(&mid("h2")),
        "{when}: h2 keeps its pending entry, the server lacks the local edit"
    );

    let when = "h3 edited locally (version 2), server h3 at version 3";
    let h3 = message(&synced, "h3", when)?;
    ensure_eq!(
        (h3.content.as_str(), h3.version, h3.sync_status),
        ("newer on the server", 3, SyncStatus::Synced),
        "{when}: h3's (content, version, status)"
    );
    ensure_eq!(
        synced.conflicts.get(&mid("h3")).map(|c| c.strategy),
        Some(Strategy::Server),
        "{when}: the conflict recorded for h3"
    );
    ensure!(!synced.messages_pending_sync.contains_key(&mid("h3")), "{when}: h3 should have no pending entry");

    let h1 = message(&synced, "h1", "h1 had no local change")?;
    ensure_eq!(
        (h1.content.as_str(), h1.version),
        ("edited elsewhere", 2),
        "h1 had no local change: the server's copy replaces it (content, version)"
    );
    ensure!(!synced.conflicts.contains_key(&mid("h1")), "h1 had no local change, so there is no conflict to record");
    let h4 = message(&synced, "h4", "h4")?;
    ensure_eq!(
        h4.content.as_str(),
        "version three",
        "a stale server copy of h4 (version 2) must not replace the local version 3"
    );
    invariants(&synced)?;

    let back = ok(rollback_optimistic_message(&synced, &mid("h2")), "then roll back the edit of h2")?;
    let h2 = message(&back, "h2", "after the rollback")?;
    ensure_eq!(
        (h2.content.as_str(), h2.version, h2.reactions.clone(), h2.sync_status),
        ("their edit", 2, server_h2.reactions.clone(), SyncStatus::Synced),
        "rolling back h2's edit after the sync returns to the server's copy: (content, version, reactions, status)"
    );
    invariants(&back)
}

// Catches: a sync that adds the server's echo of a pending send as a second
// message instead of confirming the send.
pub fn sync_confirms_echo() -> CheckResult {
    let start = crew_state()?;
    let state = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "Echo"), mid("tmp-1"), 400),
        "send tmp-1",
    )?;
    let echo = Message {
        content: "Echo".into(),
        optimistic_id: Some(mid("tmp-1")),
        ..msg("s-1", "heart-of-gold", "arthur", 401)
    };
    let other = msg("s-2", "heart-of-gold", "ford", 250);
    let batch = SyncUpdates { messages: vec![echo, other], synced_at: 500, ..Default::default() };
    let synced =
        ok(apply_sync_updates(&state, batch), "a sync with s-1 (optimistic_id tmp-1) and ford's new s-2 at 250")?;
    let when = "after a sync echoing tmp-1 as s-1";
    ensure!(
        !synced.messages.contains_key(&mid("tmp-1")),
        "{when}: tmp-1 should be gone, replaced by s-1, not kept beside it"
    );
    ensure_eq!(order(&synced, "heart-of-gold"), mids(&["h1", "h2", "s-2", "h3", "s-1"]), "{when}: channel order");
    ensure_eq!(message(&synced, "s-1", when)?.sync_status, SyncStatus::Synced, "{when}: s-1's status");
    ensure!(synced.messages_pending_sync.is_empty(), "{when}: messages_pending_sync should be empty");
    invariants(&synced)
}

// Catches: partial channel updates that drop unset fields, sync times not
// recorded, recorded for untouched channels, or moved backwards, and a
// refused batch that half-applies.
pub fn sync_channel_updates_and_times() -> CheckResult {
    let mut snapshot = crew_snapshot(vec![msg("h1", "heart-of-gold", "ford", 100)]);
    snapshot.channels.push(channel("magrathea"));
    let start = build(snapshot)?;
    let batch = SyncUpdates {
        messages: vec![msg("h2", "heart-of-gold", "zaphod", 200)],
        channel_updates: vec![
            ChannelUpdate { id: cid("heart-of-gold"), name: None, topic: None },
            ChannelUpdate { id: cid("vogon-poetry"), name: None, topic: Some("Oh freddled gruntbuggly".into()) },
            ChannelUpdate { id: cid("heart-of-gold"), name: Some("#improbable".into()), topic: None },
        ],
        synced_at: 1_000,
        ..Default::default()
    };
    let synced = ok(
        apply_sync_updates(&start, batch),
        "a sync with a message in heart-of-gold and three channel updates: one of heart-of-gold changing nothing, then \
         vogon-poetry's topic, then heart-of-gold's name",
    )?;
    ensure_eq!(
        synced.channels.get(&cid("vogon-poetry")).cloned(),
        Some(Channel { topic: "Oh freddled gruntbuggly".into(), ..channel("vogon-poetry") }),
        "vogon-poetry after an update of its topic only"
    );
    ensure_eq!(
        synced.channels.get(&cid("heart-of-gold")).cloned(),
        Some(Channel { name: "#improbable".into(), ..channel("heart-of-gold") }),
        "heart-of-gold after an update of its name only"
    );
    ensure_eq!(order(&synced, "heart-of-gold"), mids(&["h1", "h2"]), "heart-of-gold's order after the sync brought h2");
    let times = |s: &ChatState| -> Vec<Option<u64>> {
        ["heart-of-gold", "vogon-poetry", "magrathea"].iter().map(|c| s.last_sync.get(&cid(c)).copied()).collect()
    };
    ensure_eq!(
        times(&synced),
        vec![Some(1_000), Some(1_000), None],
        "last_sync of heart-of-gold, vogon-poetry, magrathea after a batch at 1000 touching the first two"
    );

    let late =
        SyncUpdates { messages: vec![msg("h3", "heart-of-gold", "ford", 300)], synced_at: 900, ..Default::default() };
    let later = ok(apply_sync_updates(&synced, late), "a late batch, synced at 900, touching heart-of-gold")?;
    ensure_eq!(
        times(&later),
        vec![Some(1_000), Some(1_000), None],
        "last_sync after a late batch at 900: never backwards"
    );
    let deletion = SyncUpdates { deleted_messages: mids(&["h1"]), synced_at: 1_100, ..Default::default() };
    let later = ok(apply_sync_updates(&later, deletion), "a batch at 1100 deleting h1")?;
    ensure_eq!(
        times(&later),
        vec![Some(1_100), Some(1_000), None],
        "last_sync after a batch at 1100 that deletes a heart-of-gold message"
    );
    let message_only = SyncUpdates {
        messages: vec![msg("v1", "vogon-poetry", "marvin", 1_150)],
        synced_at: 1_200,
        ..Default::default()
    };
    let later =
        ok(apply_sync_updates(&later, message_only), "a batch at 1200 bringing only a message in vogon-poetry")?;
    ensure_eq!(
        times(&later),
        vec![Some(1_100), Some(1_200), None],
        "last_sync after a batch at 1200 whose only change is a new message in vogon-poetry"
    );

    let bad = SyncUpdates {
        messages: vec![msg("h9", "heart-of-gold", "ford", 900)],
        channel_updates: vec![ChannelUpdate { id: cid("milliways"), name: Some("x".into()), topic: None }],
        synced_at: 2_000,
        ..Default::default()
    };
    ensure_eq!(
        outcome(&apply_sync_updates(&synced, bad)),
        Err(ChatError::UnknownChannel(cid("milliways"))),
        "a batch with an update of the unknown channel \"milliways\""
    );
    let bad =
        SyncUpdates { messages: vec![msg("m1", "milliways", "ford", 900)], synced_at: 2_000, ..Default::default() };
    ensure_eq!(
        outcome(&apply_sync_updates(&synced, bad)),
        Err(ChatError::UnknownChannel(cid("milliways"))),
        "a batch bringing a new message m1 in the unknown channel \"milliways\""
    );
    let bad = SyncUpdates {
        messages: vec![msg("h9", "heart-of-gold", "slartibartfast", 900)],
        synced_at: 2_000,
        ..Default::default()
    };
    ensure_eq!(
        outcome(&apply_sync_updates(&synced, bad)),
        Err(ChatError::UnknownUser(uid("slartibartfast"))),
        "a batch with a message by the unknown user \"slartibartfast\""
    );
    let bad = SyncUpdates {
        messages: vec![reply("h9", "heart-of-gold", "ford", 900, "h404")],
        synced_at: 2_000,
        ..Default::default()
    };
    ensure_eq!(
        outcome(&apply_sync_updates(&synced, bad)),
        Err(ChatError::BadParent(mid("h404"))),
        "a batch with a reply to the unknown message \"h404\""
    );
    invariants(&later)
}

// Catches: a resolution that keeps the local optimistic id over the server's,
// marks a Local result Synced (the server still lacks it), or lets a tie of
// two never-edited copies go to the local side.
pub fn resolution_ids_and_status() -> CheckResult {
    let status = |local: &Message, server: &Message| {
        let r = resolve_message_conflict(local, server);
        (r.strategy, r.resolved.sync_status)
    };
    let local = copy("local text", 3, Some(100), &[]);
    let server = copy("server text", 2, Some(200), &[]);
    ensure_eq!(
        status(&local, &server),
        (Strategy::Local, SyncStatus::Pending),
        "local version 3 against server version 2: (strategy, status): only Server leaves nothing to send"
    );
    ensure_eq!(
        status(&server, &local),
        (Strategy::Server, SyncStatus::Synced),
        "local version 2 against server version 3: (strategy, status)"
    );
    let local = copy("same", 1, None, &[("👍", &["arthur"])]);
    let server = copy("same", 1, None, &[("🎉", &["ford"])]);
    ensure_eq!(
        status(&local, &server),
        (Strategy::Merge, SyncStatus::Pending),
        "same text, different reactions on each side: (strategy, status)"
    );
    let local = copy("local", 1, None, &[]);
    let server = copy("server", 1, None, &[]);
    ensure_eq!(
        resolve(&local, &server),
        (Strategy::Server, "server".to_string(), None, Reactions::new(), 1),
        "both at version 1 and never edited, different text: a tie goes to the server: (strategy, content, edited_at, reactions, version)"
    );

    let with_ids = |local_id: Option<&str>, server_id: Option<&str>| {
        let local = Message { optimistic_id: local_id.map(mid), ..copy("local", 2, Some(300), &[]) };
        let server = Message { optimistic_id: server_id.map(mid), ..copy("server", 1, None, &[]) };
        resolve_message_conflict(&local, &server).resolved.optimistic_id
    };
    ensure_eq!(
        with_ids(Some("tmp-local"), Some("tmp-server")),
        Some(mid("tmp-server")),
        "optimistic ids on both sides: the resolved optimistic_id is the server's"
    );
    ensure_eq!(
        with_ids(Some("tmp-local"), None),
        Some(mid("tmp-local")),
        "an optimistic id on the local side only: the resolved optimistic_id"
    );
    ensure_eq!(
        with_ids(None, Some("tmp-server")),
        Some(mid("tmp-server")),
        "an optimistic id on the server side only: the resolved optimistic_id"
    );
    ensure_eq!(with_ids(None, None), None, "no optimistic id on either side: the resolved optimistic_id");
    Ok(())
}

// Catches: a sync that ignores a server copy of the same version (its new
// reactions never arrive), accepts a lower one, or writes a new version in
// place without moving it to its new (timestamp, id) place.
pub fn sync_versions_and_places() -> CheckResult {
    let start = build(crew_snapshot(vec![
        msg("h1", "heart-of-gold", "ford", 100),
        Message { content: "v2".into(), version: 2, edited_at: Some(150), ..msg("h2", "heart-of-gold", "zaphod", 200) },
        msg("h3", "heart-of-gold", "trillian", 300),
        reply("r1", "heart-of-gold", "arthur", 310, "h1"),
        reply("r2", "heart-of-gold", "ford", 320, "h1"),
    ]))?;
    let sync = |state: &ChatState, m: Message, what: &str| {
        ok(apply_sync_updates(state, SyncUpdates { messages: vec![m], synced_at: 1_000, ..Default::default() }), what)
    };
    let same = Message { reactions: reactions(&[("🐬", &["trillian"])]), ..message(&start, "h2", "setup")?.clone() };
    let synced = sync(&start, same.clone(), "a sync bringing h2 at its own version 2, with a new reaction")?;
    ensure_eq!(
        message(&synced, "h2", "same version")?.clone(),
        same.clone(),
        "h2 after a sync of a server copy with the same version (2) and a new reaction: the server's copy replaces it (only a lower version is stale)"
    );
    let lower = Message { content: "v1".into(), version: 1, edited_at: None, ..same.clone() };
    let synced = sync(&synced, lower, "then a sync bringing h2 at version 1")?;
    ensure_eq!(
        message(&synced, "h2", "lower version")?.content.as_str(),
        "v2",
        "h2 after a sync of a stale copy (version 1 < 2): unchanged"
    );

    // New versions with new timestamps move to their new place.
    let moved = Message { timestamp: 250, version: 2, ..msg("h1", "heart-of-gold", "ford", 100) };
    let synced = sync(&start, moved, "a sync bringing h1 at version 2 with timestamp 250")?;
    ensure_eq!(
        order(&synced, "heart-of-gold"),
        mids(&["h2", "h1", "h3", "r1", "r2"]),
        "channel order after h1's timestamp became 250"
    );
    let moved = Message { timestamp: 330, version: 2, ..reply("r1", "heart-of-gold", "arthur", 310, "h1") };
    let synced = sync(&synced, moved, "then a sync bringing r1 at version 2 with timestamp 330")?;
    ensure_eq!(thread(&synced, "h1"), mids(&["r2", "r1"]), "the thread of h1 after r1's timestamp became 330");
    ensure_eq!(
        order(&synced, "heart-of-gold"),
        mids(&["h2", "h1", "h3", "r2", "r1"]),
        "channel order after r1's timestamp became 330"
    );
    invariants(&synced)
}

// Catches: an echo recognised only while the send is Pending (the echo of a
// Failed send is added as a second copy), and a sync that acknowledges a
// pending edit as a conflict or leaves it pending.
pub fn sync_echo_of_failed_send_and_acks() -> CheckResult {
    let start = crew_state()?;
    let sent = ok(
        send_message_optimistically(&start, draft("heart-of-gold", "arthur", "Echo"), mid("tmp-1"), 400),
        "send tmp-1",
    )?;
    let failed = ok(mark_sync_failed(&sent, &mid("tmp-1")), "mark_sync_failed(tmp-1)")?;
    let echo = Message {
        content: "Echo".into(),
        optimistic_id: Some(mid("tmp-1")),
        ..msg("s-1", "heart-of-gold", "arthur", 401)
    };
    let synced = ok(
        apply_sync_updates(&failed, SyncUpdates { messages: vec![echo], synced_at: 500, ..Default::default() }),
        "a sync echoing tmp-1 (marked failed, the server got it after all) as s-1",
    )?;
    let when = "after a sync echoing the failed send tmp-1 as s-1";
    ensure!(
        !synced.messages.contains_key(&mid("tmp-1")),
        "{when}: tmp-1 should be gone, confirmed as s-1 (a failed send is still pending)"
    );
    ensure_eq!(order(&synced, "heart-of-gold"), mids(&["h1", "h2", "h3", "s-1"]), "{when}: channel order");
    ensure_eq!(message(&synced, "s-1", when)?.sync_status, SyncStatus::Synced, "{when}: s-1's status");
    ensure!(synced.messages_pending_sync.is_empty(), "{when}: messages_pending_sync should be empty");
    invariants(&synced)?;

    let edited = ok(edit_message_optimistically(&start, &mid("h2"), "Fixed", 500), "edit h2")?;
    let ack = Message { sync_status: SyncStatus::Synced, ..message(&edited, "h2", "edited")?.clone() };
    let synced = ok(
        apply_sync_updates(&edited, SyncUpdates { messages: vec![ack.clone()], synced_at: 600, ..Default::default() }),
        "a sync bringing the server's copy of h2, identical to the local edit",
    )?;
    let when = "h2's pending edit acknowledged by an identical copy in a sync";
    ensure_eq!(message(&synced, "h2", when)?.clone(), ack, "{when}: h2");
    ensure!(!synced.messages_pending_sync.contains_key(&mid("h2")), "{when}: h2 should have no pending entry");
    ensure!(!synced.conflicts.contains_key(&mid("h2")), "{when}: the copies agree, so no conflict is recorded");
    invariants(&synced)
}

// Catches: an empty batch that fails, changes something or stamps a sync
// time, and deletions of unknown ids that touch a channel. (Whether it
// shares its tables is production.structural-sharing's business.)
pub fn sync_empty_batches() -> CheckResult {
    let start = crew_state()?;
    let empty = ok(
        apply_sync_updates(&start, SyncUpdates { synced_at: 700, ..Default::default() }),
        "apply_sync_updates with an empty batch",
    )?;
    ensure!(empty == start, "an empty batch touches no channel and should change nothing, last_sync included");
    let ghosts = ok(
        apply_sync_updates(
            &start,
            SyncUpdates { deleted_messages: mids(&["h404", "h405"]), synced_at: 700, ..Default::default() },
        ),
        "a batch deleting only the unknown h404 and h405",
    )?;
    ensure!(
        ghosts == start,
        "a batch deleting only unknown ids touches no channel and should change nothing, last_sync included"
    );
    Ok(())
}
