//! Babel Fish level: Advanced Selector Orchestration.
//!
//! A social feed over a normalized store. Read `README.md` first, then fill in
//! every `todo!()`. Run `workshop check` whenever you like.
//!
//! The store's data is given, complete: typed ids, entities, and `SocialState`,
//! whose tables are shared through `Arc`s. Your work is the memoization
//! combinator, two selector factories, a store that re-renders only the views
//! that changed, and merge-first updates.
//!
//! Keep the public names and signatures below as they are: the hidden checks
//! call them. The inside of `Selector`, the selector structs and `Store` is
//! yours to design.

// The stub's unused arguments would only be noise; delete this line when done.
#![allow(unused_variables, unused_imports, dead_code)]

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

// ---------------------------------------------------------------------------
// The store's data. Given: this is Towel's lesson, done for you.
// ---------------------------------------------------------------------------

/// Defines one id newtype per name: distinct types, so a `UserId` can never
/// stand where a `PostId` is expected. The text is shared (`Arc<str>`), so
/// copying an id, or a table keyed by ids, copies a pointer, not a string.
macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.into())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id.into())
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
    /// The id of a [`User`].
    UserId,
    /// The id of a [`Post`].
    PostId,
    /// The id of a [`Comment`].
    CommentId,
}

/// Milliseconds since the Unix epoch. The clock is always passed in.
pub type Millis = u64;

/// One day in milliseconds.
pub const DAY_MS: Millis = 24 * 60 * 60 * 1000;
/// A feed shows posts at most this old: `now - created_at <= FEED_WINDOW_MS`.
pub const FEED_WINDOW_MS: Millis = 7 * DAY_MS;
/// A feed shows at most this many posts.
pub const FEED_LIMIT: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub author_id: UserId,
    pub content: String,
    pub created_at: Millis,
    pub shares: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub post_id: PostId,
    pub author_id: UserId,
    pub content: String,
}

/// The whole store, normalized.
///
/// Each table is an `Arc`, and so is each entity and each id list inside it.
/// An update clones the state (a few reference counts), copies only the tables
/// it changes, and replaces only the entries it changes: everything else stays
/// pointer-equal to the old state, which is what memoized selectors compare.
#[derive(Debug, Clone, Default)]
pub struct SocialState {
    pub users: Arc<HashMap<UserId, Arc<User>>>,
    pub posts: Arc<HashMap<PostId, Arc<Post>>>,
    pub comments: Arc<HashMap<CommentId, Arc<Comment>>>,
    /// Post -> its comment ids, oldest first. No entry: no comments.
    pub post_comments: Arc<HashMap<PostId, Arc<Vec<CommentId>>>>,
    /// Post -> how many likes it has. No entry: no likes.
    pub likes: Arc<HashMap<PostId, u32>>,
    /// User -> the users they follow. No entry: follows nobody.
    pub follows: Arc<HashMap<UserId, Arc<Vec<UserId>>>>,
    /// User -> the posts they wrote, oldest first. No entry: no posts.
    pub user_posts: Arc<HashMap<UserId, Arc<Vec<PostId>>>>,
}

/// Why a state could not be built or an update was refused. A refused update
/// leaves the state as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocialError {
    UnknownUser(UserId),
    UnknownPost(PostId),
    DuplicateUser(UserId),
    DuplicatePost(PostId),
    DuplicateComment(CommentId),
    /// A comment in an [`EngagementUpdate`] that belongs to another post.
    CommentOnOtherPost(CommentId),
}

impl SocialState {
    /// Normalizes lists of entities into a state: the tables, plus the
    /// relationship lists in list order. `likes` gives a post's like count;
    /// `follows` holds (follower, followed) pairs, and a repeated pair counts
    /// once. Refuses duplicate ids and references to missing entities.
    pub fn from_entities(
        users: Vec<User>,
        posts: Vec<Post>,
        comments: Vec<Comment>,
        likes: Vec<(PostId, u32)>,
        follows: Vec<(UserId, UserId)>,
    ) -> Result<SocialState, SocialError> {
        let mut user_table = HashMap::with_capacity(users.len());
        for user in users {
            if user_table.contains_key(&user.id) {
                return Err(SocialError::DuplicateUser(user.id));
            }
            user_table.insert(user.id.clone(), Arc::new(user));
        }

        let mut post_table = HashMap::with_capacity(posts.len());
        let mut user_posts: HashMap<UserId, Vec<PostId>> = HashMap::new();
        for post in posts {
            if post_table.contains_key(&post.id) {
                return Err(SocialError::DuplicatePost(post.id));
            }
            if !user_table.contains_key(&post.author_id) {
                return Err(SocialError::UnknownUser(post.author_id));
            }
            user_posts.entry(post.author_id.clone()).or_default().push(post.id.clone());
            post_table.insert(post.id.clone(), Arc::new(post));
        }

        let mut comment_table = HashMap::with_capacity(comments.len());
        let mut post_comments: HashMap<PostId, Vec<CommentId>> = HashMap::new();
        for comment in comments {
            if comment_table.contains_key(&comment.id) {
                return Err(SocialError::DuplicateComment(comment.id));
            }
            if !post_table.contains_key(&comment.post_id) {
                return Err(SocialError::UnknownPost(comment.post_id));
            }
            if !user_table.contains_key(&comment.author_id) {
                return Err(SocialError::UnknownUser(comment.author_id));
            }
            post_comments.entry(comment.post_id.clone()).or_default().push(comment.id.clone());
            comment_table.insert(comment.id.clone(), Arc::new(comment));
        }

        let mut like_table = HashMap::with_capacity(likes.len());
        for (post_id, count) in likes {
            if !post_table.contains_key(&post_id) {
                return Err(SocialError::UnknownPost(post_id));
            }
            like_table.insert(post_id, count);
        }

        let mut follow_table: HashMap<UserId, Vec<UserId>> = HashMap::new();
        let mut seen = HashSet::new();
        for (follower, followed) in follows {
            for id in [&follower, &followed] {
                if !user_table.contains_key(id) {
                    return Err(SocialError::UnknownUser(id.clone()));
                }
            }
            if seen.insert((follower.clone(), followed.clone())) {
                follow_table.entry(follower).or_default().push(followed);
            }
        }

        fn shared<K: std::hash::Hash + Eq, V>(table: HashMap<K, Vec<V>>) -> Arc<HashMap<K, Arc<Vec<V>>>> {
            Arc::new(table.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
        }
        Ok(SocialState {
            users: Arc::new(user_table),
            posts: Arc::new(post_table),
            comments: Arc::new(comment_table),
            post_comments: shared(post_comments),
            likes: Arc::new(like_table),
            follows: shared(follow_table),
            user_posts: shared(user_posts),
        })
    }
}

// ---------------------------------------------------------------------------
// Step 1a: the memoization combinator
// ---------------------------------------------------------------------------

/// How a memoized selector decides that an input did not change: the Rust
/// spelling of JavaScript's `===`. Small plain values (counts, ids, times) are
/// the same when they are equal; the impls for them, for `Option` and for
/// tuples are given below.
pub trait SameAs {
    fn same_as(&self, other: &Self) -> bool;
}

impl<T: ?Sized> SameAs for Arc<T> {
    fn same_as(&self, other: &Self) -> bool {
        // TODO(step 1): shared data is "the same" when it is the same
        // allocation, whatever its contents. This must cost O(1), however big
        // the table behind the `Arc` is: never compare the contents.
        todo!("compare two Arcs by pointer")
    }
}

impl<T: SameAs> SameAs for Option<T> {
    fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.same_as(b),
            (None, None) => true,
            _ => false,
        }
    }
}

macro_rules! same_by_value {
    ($($t:ty),+) => {$(
        impl SameAs for $t {
            fn same_as(&self, other: &Self) -> bool {
                self == other
            }
        }
    )+};
}

same_by_value!(bool, u32, u64, usize, UserId, PostId, CommentId);

macro_rules! same_for_tuples {
    ($(($($name:ident $index:tt),+))+) => {$(
        impl<$($name: SameAs),+> SameAs for ($($name,)+) {
            fn same_as(&self, other: &Self) -> bool {
                $(self.$index.same_as(&other.$index))&&+
            }
        }
    )+};
}

same_for_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
}

/// A memoized selector: reselect's `createSelector`, in Rust.
///
/// Cache policy: each instance remembers only its **last** inputs and the
/// output computed from them. A call whose inputs are all [`SameAs`] the last
/// ones returns a clone of the last output (for an `Arc`, the very same
/// allocation) without running the result function. Any other call
/// recomputes and replaces the cache. Instances never share a cache.
///
/// (Reselect 5's default, `weakMapMemoize`, caches per argument instead, so
/// one shared instance can serve many post ids. A last-inputs cache per
/// instance is the model the workshop's factories are built around.)
pub struct Selector<A, I, O> {
    inputs: fn(&SocialState, &A) -> I,
    result: fn(&I) -> O,
    // TODO(step 1): the cache: the last inputs with the output computed from
    // them (nothing before the first call), and how many times `result` ran.
}

/// Builds a memoized selector from its input selectors and a result function.
///
/// `inputs` plays the part of reselect's list of input selectors: it picks each
/// input out of the state and returns them together, usually as a tuple. It
/// runs on every call, so it must be cheap: lookups and `Arc` clones, never a
/// scan. `result` derives the output from the inputs and runs only when they
/// changed.
pub fn create_selector<A, I: SameAs, O: Clone>(
    inputs: fn(&SocialState, &A) -> I,
    result: fn(&I) -> O,
) -> Selector<A, I, O> {
    todo!("a selector with an empty cache")
}

impl<A, I: SameAs, O: Clone> Selector<A, I, O> {
    /// The output for `args` in `state`, recomputed only if an input changed.
    pub fn select(&mut self, state: &SocialState, args: &A) -> O {
        todo!("compute the inputs, compare them with the last ones, recompute only if needed")
    }

    /// How many times the result function has run.
    pub fn recomputations(&self) -> usize {
        todo!("return the counter that `select` bumps each time it runs the result function")
    }
}

// ---------------------------------------------------------------------------
// Step 1b: selector factories
// ---------------------------------------------------------------------------

/// A post with its author nested and its engagement counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostWithDetails {
    pub post: Arc<Post>,
    pub author: Arc<User>,
    pub comments_count: u32,
    pub likes_count: u32,
    /// `comments_count + likes_count`.
    pub engagement: u32,
}

/// One instance of the post-with-details selector, with its own cache.
pub struct SelectPostWithDetails {
    // TODO(step 1): your selector instance, made with `create_selector`.
}

/// A new post-with-details selector: every call makes a new instance with an
/// empty cache.
pub fn make_select_post_with_details() -> SelectPostWithDetails {
    todo!("create_selector(inputs, result) for one post")
}

impl SelectPostWithDetails {
    /// The post with its author, comment and like counts, and engagement; `None`
    /// when the post or its author is missing. Called again with nothing about
    /// this post changed, it returns the same `Arc`.
    pub fn select(&mut self, state: &SocialState, post_id: &PostId) -> Option<Arc<PostWithDetails>> {
        todo!("run this instance's selector with the post id")
    }

    /// How many times this instance has computed its result.
    pub fn recomputations(&self) -> usize {
        todo!("the recomputations of this instance's selector")
    }
}

/// One instance of the user-feed selector, with its own cache.
pub struct SelectUserFeed {
    // TODO(step 1): your selector instance, made with `create_selector`.
}

/// A new user-feed selector: every call makes a new instance with an empty
/// cache.
pub fn make_select_user_feed() -> SelectUserFeed {
    todo!("create_selector(inputs, result) for one user's feed")
}

impl SelectUserFeed {
    /// Posts by the users `user` follows, at most 7 days old at `now`
    /// (`now - created_at <= FEED_WINDOW_MS`; a post dated after `now` counts
    /// as new), highest engagement first, equal engagement by post id
    /// (smallest first), at most `FEED_LIMIT`: the best of the recent ones.
    /// Called again with nothing changed, it returns the same `Arc`.
    pub fn select(&mut self, state: &SocialState, user: &UserId, now: Millis) -> Arc<Vec<PostWithDetails>> {
        todo!("run this instance's selector with the user and `now`")
    }

    /// How many times this instance has computed its result.
    pub fn recomputations(&self) -> usize {
        todo!("the recomputations of this instance's selector")
    }
}

// ---------------------------------------------------------------------------
// Step 2: views, each with its own selector instance
// ---------------------------------------------------------------------------

/// What a view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// One post with its details.
    Post(PostId),
    /// A user's feed, as of `now`.
    Feed { user: UserId, now: Millis },
}

/// What a view last rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    Post(Option<Arc<PostWithDetails>>),
    Feed(Arc<Vec<PostWithDetails>>),
}

/// A subscribed view, as handed back by [`Store::subscribe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ViewId(usize);

/// A change to the state, as a view of the store sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    UpdatePostEngagement(EngagementUpdate),
    BatchUpdatePosts(Vec<PostChange>),
    /// The extension: a post arriving in real time.
    AddPost(Post),
}

/// Holds the state and the subscribed views.
///
/// TODO(step 2): keep, for each view, its own selector instance, what it
/// rendered last and how many times it rendered.
pub struct Store {
    // Your fields here.
}

impl Store {
    pub fn new(state: SocialState) -> Store {
        todo!("keep the state and an empty list of views")
    }

    pub fn state(&self) -> &SocialState {
        todo!("the state the store holds now")
    }

    /// Subscribes a view with a selector instance of its own, and renders it
    /// once.
    pub fn subscribe(&mut self, view: View) -> ViewId {
        todo!("make the view's selector instance, select once, count one render")
    }

    /// Applies `action`, then re-renders exactly the views whose selected value
    /// changed: a view whose selector hands back the same `Arc` as last time
    /// is not re-rendered. A refused action changes nothing and renders
    /// nothing.
    pub fn dispatch(&mut self, action: Action) -> Result<(), SocialError> {
        todo!("apply the action, then re-select every view")
    }

    /// How many times the view has rendered, the first render included.
    pub fn renders(&self, view: ViewId) -> usize {
        todo!("the view's render count, the first render included")
    }

    /// What the view rendered last.
    pub fn rendered(&self, view: ViewId) -> &Rendered {
        todo!("what the view rendered last")
    }
}

// ---------------------------------------------------------------------------
// Step 3: merge-first updates
// ---------------------------------------------------------------------------

/// New engagement for one post. `None` leaves a count as it is; `comments`
/// are new comments on this post, added in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngagementUpdate {
    pub post_id: PostId,
    pub likes: Option<u32>,
    pub shares: Option<u32>,
    pub comments: Vec<Comment>,
}

/// A partial change to one post: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostChange {
    pub post_id: PostId,
    pub content: Option<String>,
    pub shares: Option<u32>,
}

/// Merges `update` into the post: only the given counts change, new comments
/// go into both the comments table and the post's comment list, and every
/// table the update does not touch stays shared with `state`.
///
/// Refuses an unknown post (`UnknownPost`), and a comment that is on another
/// post (`CommentOnOtherPost`), by an unknown user (`UnknownUser`) or whose id
/// is taken (`DuplicateComment`).
pub fn update_post_engagement(state: &SocialState, update: EngagementUpdate) -> Result<SocialState, SocialError> {
    todo!("merge the update into a new state")
}

/// Applies every change in one state transition, in order: two changes to one
/// post both land. Refuses the whole batch if any post is unknown.
pub fn batch_update_posts(state: &SocialState, changes: &[PostChange]) -> Result<SocialState, SocialError> {
    todo!("apply all the changes, copying the posts table once")
}

// ---------------------------------------------------------------------------
// Extension (bonus): posts arriving in real time
// ---------------------------------------------------------------------------

/// Adds a new post and records it under its author in `user_posts`. Refuses a
/// taken id (`DuplicatePost`) and an unknown author (`UnknownUser`).
pub fn add_post(state: &SocialState, post: Post) -> Result<SocialState, SocialError> {
    todo!("bonus: a post arrives in real time")
}

// Your own tests go here: `cargo test` in this folder runs them.
#[cfg(test)]
mod tests {
    use super::*;
}
