//! Hidden checks for the Babel Fish level, "Advanced Selector Orchestration".
//!
//! States are built with `SocialState::from_entities` (given in the stub) or
//! by editing its public tables directly, so a memoization check never rests
//! on the learner's update functions. Big states come from the seeded
//! `generate_social_state` in data.rs.

use crate::harness::*;
#[allow(unused_imports)]
use babel_fish::*;

mod data;
mod extension;
mod memo;
mod perf;
mod queries;
mod updates;
mod views;

pub const TESTS: &[Test] = &[
    // Memoized selectors
    Test::check("memo.caches-last-inputs", memo::combinator_caches_last_inputs),
    Test::check("memo.instances-isolated", memo::instances_isolated),
    Test::check("memo.seed-validation", memo::seed_validation),
    Test::check("memo.feed-same-arc", memo::feed_same_arc),
    Test::check("memo.no-recompute-on-unrelated-update", memo::no_recompute_on_unrelated_update),
    Test::check("memo.last-inputs-only", memo::last_inputs_only),
    Test::check("memo.same-as-is-pointer-equality", memo::same_as_is_pointer_equality),
    Test::perf("memo.cache-hit-cost-flat", memo::cache_hit_cost_flat),
    // Complex queries
    Test::check("queries.post-details", queries::post_details),
    Test::check("queries.post-details-missing", queries::post_details_missing),
    Test::check("queries.feed-followed-only", queries::feed_followed_only),
    Test::check("queries.feed-by-engagement", queries::feed_by_engagement),
    Test::check("queries.feed-last-7-days", queries::feed_last_7_days),
    Test::check("queries.feed-at-most-50", queries::feed_at_most_50),
    Test::check("queries.feed-window-edges", queries::feed_window_edges),
    Test::check("queries.feed-followed-user-without-posts", queries::feed_followed_user_without_posts),
    Test::check("queries.feed-limit-edges", queries::feed_limit_edges),
    Test::check("queries.feed-limit-counts-recent-only", queries::feed_limit_counts_recent_only),
    Test::check("queries.feed-ties-by-id", queries::feed_ties_by_id),
    // Performance optimization
    Test::check("views.one-update-one-render", views::one_update_one_render),
    Test::check("views.feed-view-follows-changes", views::feed_view_follows_changes),
    Test::check("views.refused-action-changes-nothing", views::refused_action_changes_nothing),
    Test::perf("perf.select-100-fresh-selectors", perf::select_100_fresh_selectors),
    Test::perf("perf.batch-copies-posts-once", perf::batch_copies_posts_once),
    // Real-time updates
    Test::check("updates.engagement-merge", updates::engagement_merge),
    Test::check("updates.comments-both-tables", updates::comments_both_tables),
    Test::check("updates.selectors-see-updates", updates::selectors_see_updates),
    Test::check("updates.sharing-and-old-state", updates::sharing_and_old_state),
    Test::check("updates.batch-applies-all", updates::batch_applies_all),
    Test::check("updates.refuses-bad", updates::refuses_bad_updates),
    // Extension (bonus)
    Test::check("extension.add-post-reaches-feeds", extension::add_post_reaches_feeds),
    Test::check("extension.new-post-in-feed-order", extension::new_post_in_feed_order),
    Test::check("extension.unaffected-feeds-keep-arc", extension::unaffected_feeds_keep_arc),
    Test::check("extension.live-views", extension::live_views),
    Test::check("extension.first-post-reaches-feeds", extension::first_post_reaches_feeds),
];
