//! The action log: the seed's "advanced debugging and monitoring tools". A log
//! applies each action with the update functions and reads back what
//! happened, in order: applied or refused, and the conflicts it settled.

use super::data::*;
use crate::harness::*;
use improbability_drive::*;
use std::collections::BTreeMap;

/// The update function an action names, called directly: what the log's
/// `dispatch` must return.
fn direct(state: &ChatState, action: &ChatAction) -> Result<ChatState, ChatError> {
    match action.clone() {
        ChatAction::Send { draft, temp_id, now } => send_message_optimistically(state, draft, temp_id, now),
        ChatAction::Edit { id, content, now } => edit_message_optimistically(state, &id, &content, now),
        ChatAction::MarkFailed { id } => mark_sync_failed(state, &id),
        ChatAction::Rollback { id } => rollback_optimistic_message(state, &id),
        ChatAction::Confirm { id, server } => confirm_optimistic_message(state, &id, server),
        ChatAction::Sync(updates) => apply_sync_updates(state, updates),
    }
}

/// An action in a few words, for the failure messages.
fn name(action: &ChatAction) -> String {
    match action {
        ChatAction::Send { temp_id, .. } => format!("Send {temp_id}"),
        ChatAction::Edit { id, .. } => format!("Edit {id}"),
        ChatAction::MarkFailed { id } => format!("MarkFailed {id}"),
        ChatAction::Rollback { id } => format!("Rollback {id}"),
        ChatAction::Confirm { id, server } => format!("Confirm {id} as {}", server.id),
        ChatAction::Sync(updates) => {
            let ids: Vec<&str> = updates.messages.iter().map(|m| m.id.as_str()).collect();
            let deleted: Vec<&str> = updates.deleted_messages.iter().map(|id| id.as_str()).collect();
            format!("Sync of [{}], deleting [{}]", ids.join(", "), deleted.join(", "))
        }
    }
}

/// A log entry in one line: the action, the outcome, the conflicts.
fn line(entry: &LogEntry) -> String {
    match entry {
        LogEntry::Applied { action, conflicts } => {
            let settled: Vec<String> =
                conflicts.iter().map(|c| format!("{}: {:?}", c.message_id, c.strategy)).collect();
            format!("{}: applied, conflicts [{}]", name(action), settled.join(", "))
        }
        LogEntry::Refused { action, error } => format!("{}: refused, {error:?}", name(action)),
    }
}

fn action_of(entry: &LogEntry) -> &ChatAction {
    match entry {
        LogEntry::Applied { action, .. } | LogEntry::Refused { action, .. } => action,
    }
}

/// A copy of `id` as the server sends it, with its version, text and edit time.
fn server_copy(id: &str, author: &str, timestamp: u64, version: u32, content: &str, edited_at: Option<u64>) -> Message {
    Message { version, content: content.into(), edited_at, ..msg(id, "heart-of-gold", author, timestamp) }
}

fn sync(messages: Vec<Message>, deleted: &[&str], synced_at: u64) -> ChatAction {
    ChatAction::Sync(SyncUpdates { messages, deleted_messages: mids(deleted), channel_updates: vec![], synced_at })
}

/// heart-of-gold: h1 (ford), h2 (zaphod), h3 (trillian); vogon-poetry: v1..v6
/// by marvin, each edited (pending) before the log starts.
fn start() -> Result<ChatState, String> {
    let mut messages = vec![
        msg("h1", "heart-of-gold", "ford", 100),
        msg("h2", "heart-of-gold", "zaphod", 200),
        msg("h3", "heart-of-gold", "trillian", 300),
    ];
    messages.extend((1..=6u64).map(|i| msg(&format!("v{i}"), "vogon-poetry", "marvin", 400 + i)));
    let mut state = build(crew_snapshot(messages))?;
    for i in 1..=6u64 {
        let id = mid(&format!("v{i}"));
        state = ok(edit_message_optimistically(&state, &id, &format!("my v{i}"), 900 + i), &format!("edit {id}"))?;
    }
    Ok(state)
}

/// The scenario. What a correct store logs for each action is in the comment
/// above it; the check expects whatever the learner's own update functions
/// do, so that a mistake in them is graded by their checks, not here.
fn scenario() -> Vec<ChatAction> {
    let mut s1 = server_copy("s1", "arthur", 1_100, 1, "Hello", None);
    s1.optimistic_id = Some(mid("t1"));
    s1.reactions = reactions(&[("👍", &["ford"])]);
    let rocket = reactions(&[("🚀", &["zaphod"])]);
    let h2_reacted = Message { reactions: rocket.clone(), ..msg("h2", "heart-of-gold", "zaphod", 200) };
    let h3_original = msg("h3", "heart-of-gold", "trillian", 300);
    let h2_final = Message { reactions: rocket, ..server_copy("h2", "zaphod", 200, 3, "final", Some(1_600)) };
    let stray = msg("x1", "magrathea", "ford", 1_200);
    // marvin's drafts v1..v6 (see `start`): the odd ones meet their original
    // (ours wins), the even ones a version 5 (theirs wins). Listed backwards,
    // and enough of them that a HashMap's order is almost never sorted.
    let mut batch = vec![h3_original.clone()];
    for i in (1..=6u32).rev() {
        let id = format!("v{i}");
        let original = msg(&id, "vogon-poetry", "marvin", 400 + u64::from(i));
        batch.push(if i % 2 == 1 {
            original
        } else {
            Message { version: 5, content: format!("their v{i}"), edited_at: Some(1_700), ..original }
        });
    }
    batch.push(h2_reacted);
    vec![
        // Applied, no conflicts.
        ChatAction::Send { draft: draft("heart-of-gold", "arthur", "Hello"), temp_id: mid("t1"), now: 1_000 },
        ChatAction::Edit { id: mid("h2"), content: "mine".into(), now: 1_001 },
        // The server's copy adds a reaction: [s1: Server].
        ChatAction::Confirm { id: mid("t1"), server: s1 },
        // Refused: UnknownMessage.
        ChatAction::Rollback { id: mid("nope") },
        // Applied, no conflicts (the rollback deletes t2).
        ChatAction::Send { draft: draft("heart-of-gold", "ford", "Oops"), temp_id: mid("t2"), now: 1_002 },
        ChatAction::MarkFailed { id: mid("t2") },
        ChatAction::Rollback { id: mid("t2") },
        ChatAction::Edit { id: mid("h3"), content: "also mine".into(), now: 1_003 },
        // Refused whole (UnknownChannel): the conflict on h3 is not settled.
        sync(vec![h3_original, stray], &[], 2_000),
        // Sorted by id: [h2: Merge (our text, both reactions), h3: Local,
        // v1: Local, v2: Server, ..., v6: Server].
        sync(batch, &[], 2_000),
        // h2's record is replaced by a second conflict: [h2: Server].
        sync(vec![h2_final], &[], 2_100),
        // Deleting s1 drops its record, which settles nothing: [].
        sync(vec![], &["s1"], 2_200),
        // Refused: NotPending.
        ChatAction::MarkFailed { id: mid("h1") },
    ]
}

/// The entry a log should hold for `action` on `before`, which the update
/// function turned into `outcome`: as `line` writes it.
fn expected_line(action: &ChatAction, before: &ChatState, outcome: &Result<ChatState, ChatError>) -> String {
    let entry = match outcome {
        Ok(after) => {
            let mut conflicts: Vec<ResolvedConflict> = after
                .conflicts
                .iter()
                .filter(|(id, record)| before.conflicts.get(*id) != Some(*record))
                .map(|(id, record)| ResolvedConflict { message_id: id.clone(), strategy: record.strategy })
                .collect();
            conflicts.sort_by(|a, b| a.message_id.cmp(&b.message_id));
            LogEntry::Applied { action: action.clone(), conflicts }
        }
        Err(error) => LogEntry::Refused { action: action.clone(), error: error.clone() },
    };
    line(&entry)
}

// Catches: refused actions left out of the log, entries newest first, the
// whole conflicts table logged instead of what this action wrote, a replaced
// record missed, conflicts out of order, a strategy guessed instead of read
// from the record, and a log shared between instances.
pub fn action_log_reads_back() -> CheckResult {
    let mut state = start()?;
    let mut log = ActionLog::new();
    ensure!(log.entries().is_empty(), "ActionLog::new(): a new log should have no entries");
    let actions = scenario();
    let mut want = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        let expected = direct(&state, action);
        want.push(expected_line(action, &state, &expected));
        let got = log.dispatch(&state, action.clone());
        ensure!(
            same(&got, &expected),
            "log.dispatch(state, {}) should return what the update function returns when called directly, {}; it returned {}, which is not the same",
            name(action),
            brief(&expected),
            brief(&got)
        );
        ensure_eq!(
            log.entries().len(),
            i + 1,
            "the log's entries after {} dispatches (the last: {}; a refused action is logged too)",
            i + 1,
            name(action)
        );
        if let Ok(next) = got {
            state = next;
        }
    }
    let lines: Vec<String> = log.entries().iter().map(line).collect();
    if let Some(at) = (0..want.len()).find(|&i| lines[i] != want[i]) {
        return Err(format!(
            "the action log read back, oldest first: entry {at} should be\n    {}\n  and is\n    {}\n  the whole log (action: outcome, conflicts it settled):\n    {}",
            want[at],
            lines[at],
            lines.join("\n    ")
        ));
    }
    for (i, entry) in log.entries().iter().enumerate() {
        ensure!(action_of(entry) == &actions[i], "entry {i} of the action log should hold the action as dispatched");
    }

    let mut other = ActionLog::new();
    ensure!(other.entries().is_empty(), "a second ActionLog::new() should start empty: logs never share entries");
    ok(other.dispatch(&state, ChatAction::Edit { id: mid("h1"), content: "again".into(), now: 3_000 }), "edit h1")?;
    ensure_eq!(
        (log.entries().len(), other.entries().len()),
        (actions.len(), 1),
        "(entries of the first log, entries of a second log after one action): logs never share entries"
    );
    Ok(())
}

/// The same outcome, as far as the stub's types tell: the learner's own types
/// (the conflict records beyond their strategy) may hold anything.
fn same(a: &Result<ChatState, ChatError>, b: &Result<ChatState, ChatError>) -> bool {
    let strategies = |s: &ChatState| -> BTreeMap<MessageId, Strategy> {
        s.conflicts.iter().map(|(id, c)| (id.clone(), c.strategy)).collect()
    };
    match (a, b) {
        (Ok(a), Ok(b)) => {
            a.messages == b.messages
                && a.channel_messages == b.channel_messages
                && a.message_threads == b.message_threads
                && a.messages_pending_sync == b.messages_pending_sync
                && a.last_sync == b.last_sync
                && strategies(a) == strategies(b)
        }
        (Err(a), Err(b)) => a == b,
        _ => false,
    }
}

/// `Ok` or the error, without the whole state.
fn brief(result: &Result<ChatState, ChatError>) -> String {
    match result {
        Ok(state) => format!("Ok(a state of {} messages)", state.messages.len()),
        Err(e) => format!("Err({e:?})"),
    }
}
