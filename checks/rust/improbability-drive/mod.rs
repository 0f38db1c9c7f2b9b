//! Hidden checks for the Improbability Drive level, "Real-Time Normalized
//! Synchronization".
//!
//! Each check builds its states through the public API (`from_snapshot`
//! and the update functions) and reads `ChatState`'s public tables, which
//! the stub fixes. The learner's own types (typing indicators, read
//! receipts, conflict records, selector caches) are graded by behaviour.

use crate::harness::*;
#[allow(unused_imports)]
use improbability_drive::*;

mod action_log;
mod conflicts;
mod data;
mod extension;
mod invariants;
mod load;
mod normalization;
mod optimistic;
mod production;

pub const TESTS: &[Test] = &[
    // Advanced normalization
    Test::check("normalization.snapshot-builds-relationships", normalization::snapshot_builds_relationships),
    Test::check("normalization.snapshot-rejects-bad", normalization::snapshot_rejects_bad),
    Test::check("normalization.membership-both-ways", normalization::membership_both_ways),
    Test::check("normalization.typing-and-receipts", normalization::typing_and_receipts),
    Test::check("normalization.delete-keeps-integrity", normalization::delete_keeps_integrity),
    Test::check("normalization.thread-view", normalization::thread_view_contents),
    Test::check("normalization.presence-and-unknown-ids", normalization::presence_and_unknown_ids),
    Test::check("normalization.empty-and-unknown", normalization::empty_and_unknown),
    Test::check("normalization.threads-one-level", normalization::threads_one_level_deep),
    Test::check("normalization.no-message-is-its-own-parent", normalization::no_message_is_its_own_parent),
    // Optimistic updates
    Test::check("optimistic.send-appears-pending", optimistic::send_appears_pending),
    Test::check("optimistic.seed-send-rollback", optimistic::seed_send_rollback),
    Test::check("optimistic.rollback-removes-everywhere", optimistic::rollback_removes_everywhere),
    Test::check("optimistic.rollback-restores-edit", optimistic::rollback_restores_edit),
    Test::check("optimistic.confirm-replaces-id", optimistic::confirm_replaces_id),
    Test::check("optimistic.failed-send-can-retry", optimistic::failed_send_can_retry),
    Test::check("optimistic.equal-timestamps", optimistic::equal_timestamps_go_by_id),
    Test::check("optimistic.edit-status-and-rollback-place", optimistic::edit_status_and_rollback_place),
    Test::check("optimistic.confirm-checks-the-copy", optimistic::confirm_checks_the_copy),
    // Conflict resolution
    Test::check("conflicts.seed-scenario", conflicts::seed_scenario),
    Test::check("conflicts.newer-version-wins", conflicts::newer_version_wins),
    Test::check("conflicts.edit-time-breaks-ties", conflicts::edit_time_breaks_ties),
    Test::check("conflicts.reactions-union", conflicts::reactions_union),
    Test::check("conflicts.confirm-resolves", conflicts::confirm_resolves_conflicts),
    Test::check("conflicts.sync-resolves-pending-edits", conflicts::sync_resolves_pending_edits),
    Test::check("conflicts.sync-confirms-echo", conflicts::sync_confirms_echo),
    Test::check("conflicts.sync-channel-updates-and-times", conflicts::sync_channel_updates_and_times),
    Test::check("conflicts.resolution-ids-and-status", conflicts::resolution_ids_and_status),
    Test::check("conflicts.sync-versions-and-places", conflicts::sync_versions_and_places),
    Test::check("conflicts.sync-echo-of-failed-send", conflicts::sync_echo_of_failed_send_and_acks),
    Test::check("conflicts.sync-empty-batches", conflicts::sync_empty_batches),
    // Production patterns
    Test::check("production.channel-view", production::channel_view_contents),
    Test::check("production.typing-excludes-viewer", production::channel_view_typing_excludes_viewer),
    Test::check("production.unread-count", production::channel_view_unread_count),
    Test::check("production.selectors-memoized", production::selectors_memoized),
    Test::check("production.structural-sharing", production::updates_share_untouched_tables),
    Test::check("production.random-sequences", invariants::random_sequences_keep_invariants),
    Test::perf("production.channel-view-under-load", load::channel_view_under_load),
    Test::perf("production.thread-view-under-load", load::thread_view_under_load),
    Test::check("production.memo-sees-every-input", production::memo_sees_every_input),
    Test::check("production.view-limit-edges", production::view_limit_edges),
    Test::check("production.action-log", action_log::action_log_reads_back),
    // Extension (bonus)
    Test::check("extension.selectors-decrypt", extension::selectors_decrypt),
    Test::check("extension.decrypt-once", extension::decrypt_once),
];
