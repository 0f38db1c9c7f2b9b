//! Hidden checks for the Towel level, "Don't Panic About Normalization".
//!
//! Each check builds its own small blog through the public API only
//! (`BlogState::from_entities`, `BlogState::default()` and the `add_*`
//! functions), so it never depends on how a learner lays out `BlogState`.

use crate::harness::*;
#[allow(unused_imports)]
use towel::*;

mod data;
mod extension;
mod schema;
mod selectors;
mod updates;

pub const TESTS: &[Test] = &[
    // Schema design
    Test::check("schema.from-entities", schema::from_entities_builds_all),
    Test::check("schema.from-entities-rejects-dangling", schema::from_entities_rejects_dangling),
    Test::check("schema.rename-visible-everywhere", schema::rename_visible_everywhere),
    Test::perf("schema.rename-cost-flat", schema::rename_cost_flat),
    // Basic selectors
    Test::check("selectors.select-post", selectors::select_post_found_or_none),
    Test::check("selectors.select-user", selectors::select_user_found_or_none),
    Test::check("selectors.post-comments-in-order", selectors::post_comments_in_order),
    Test::check("selectors.post-comments-only-this-post", selectors::post_comments_only_this_post),
    Test::check("selectors.user-posts-in-order", selectors::user_posts_in_order),
    Test::check("selectors.seed-scenario", selectors::seed_scenario),
    Test::check("selectors.empty-store", selectors::empty_store),
    Test::perf("selectors.post-comments-cost-flat", selectors::post_comments_cost_flat),
    Test::perf("selectors.lookups-cost-flat", selectors::lookups_cost_flat),
    // Update logic
    Test::check("updates.update-post-partial", updates::update_post_partial),
    Test::check("updates.old-state-unchanged", updates::old_state_unchanged),
    Test::check("updates.update-post-moves-author", updates::update_post_moves_author),
    Test::check("updates.update-post-unknown", updates::update_post_unknown),
    Test::check("updates.add-comment-updates-both", updates::add_comment_updates_both),
    Test::check("updates.add-comment-rejects-bad", updates::add_comment_rejects_bad),
    Test::check("updates.add-post-indexes-author", updates::add_post_indexes_author),
    Test::check("updates.add-user", updates::add_user_then_select),
    Test::check("updates.update-user-partial", updates::update_user_partial),
    Test::check("updates.first-post-first-comment", updates::first_post_first_comment),
    Test::check("updates.move-to-author-without-posts", updates::move_to_author_without_posts),
    Test::check("updates.same-author-keeps-place", updates::same_author_keeps_place),
    Test::perf("updates.copy-only-changed-tables", updates::copy_only_changed_tables),
    // Extension (bonus)
    Test::check("extension.post-with-author", extension::post_with_author),
    Test::check("extension.post-with-author-borrows", extension::post_with_author_borrows),
];
