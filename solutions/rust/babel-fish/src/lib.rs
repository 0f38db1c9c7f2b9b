//! Babel Fish level: Advanced Selector Orchestration. Reference solution.
//!
//! A social feed over a normalized store. Every table sits behind an `Arc`, and
//! so does every entity in it, so "did this change?" is a pointer comparison:
//! an update replaces the `Arc`s it touches and shares all the others.
//!
//! - [`create_selector`] is a small reselect: input selectors pick values out of
//!   the state, a result function derives the output, and each instance caches
//!   its last inputs and output.
//! - [`make_select_post_with_details`] and [`make_select_user_feed`] are
//!   selector factories: each call makes an instance with its own cache.
//! - [`Store`] gives every subscribed view its own selector instance and
//!   re-renders a view only when its selector hands back a different `Arc`.
//! - The updates are merge-first: they change only the fields they are given
//!   and copy only the tables they touch.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

// ---------------------------------------------------------------------------
// The store's data (given: Towel's lesson, done for you)
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
/// spelling of JavaScript's `===`. Shared data (`Arc`) is the same when it is
/// the same allocation, whatever its contents; small plain values (counts,
/// ids, times) are the same when they are equal.
pub trait SameAs {
    fn same_as(&self, other: &Self) -> bool;
}

impl<T: ?Sized> SameAs for Arc<T> {
    fn same_as(&self, other: &Self) -> bool {
        // O(1) whatever the size of the table behind it.
        Arc::ptr_eq(self, other)
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

/// Two states are the same when every table is the same `Arc`: seven pointer
/// comparisons, whatever the size of the store. An update replaces the tables
/// it changes, so a state that was updated is never the same as before, while
/// a clone of a state (or an update that changed nothing) still is.
impl SameAs for SocialState {
    fn same_as(&self, other: &Self) -> bool {
        self.users.same_as(&other.users)
            && self.posts.same_as(&other.posts)
            && self.comments.same_as(&other.comments)
            && self.post_comments.same_as(&other.post_comments)
            && self.likes.same_as(&other.likes)
            && self.follows.same_as(&other.follows)
            && self.user_posts.same_as(&other.user_posts)
    }
}

/// A memoized selector: reselect's `createSelector`, in Rust.
///
/// Cache policy: each instance remembers only its **last** inputs and the
/// output computed from them. A call whose inputs are all [`SameAs`] the last
/// ones returns a clone of the last output (for an `Arc`, the very same
/// allocation) without running the result function. Any other call
/// recomputes and replaces the cache. Instances never share a cache, so give
/// each view its own instance, or two views asking for different posts will
/// keep evicting each other.
///
/// Before it even looks at the inputs, `select` checks the call itself: the
/// same state and the same arguments as the last call can only pick the same
/// inputs, so it hands back the last output at once. That is how reselect 5's
/// default memoizer (`weakMapMemoize`) answers a repeated call: arguments
/// first, input selectors only when they differ.
///
/// (`weakMapMemoize` also caches per argument, so one shared instance can
/// serve many post ids. A last-inputs cache per instance is the model the
/// workshop's factories are built around.)
pub struct Selector<A, I, O> {
    inputs: fn(&SocialState, &A) -> I,
    result: fn(&I) -> O,
    /// The state and arguments of the last call. Keeping a clone of the state
    /// (seven `Arc`s) also keeps its tables alive, so no new table can ever
    /// reuse their addresses and fool the pointer comparison.
    last_call: Option<(SocialState, A)>,
    last: Option<(I, O)>,
    recomputations: usize,
}

/// Builds a memoized selector from its input selectors and a result function.
///
/// `inputs` plays the part of reselect's list of input selectors: it picks each
/// input out of the state and returns them together, usually as a tuple. It
/// runs whenever the state or the arguments differ from the last call's, so
/// it must be cheap: lookups and `Arc` clones, never a scan. `result` derives
/// the output from the inputs and runs only when they changed.
pub fn create_selector<A: SameAs + Clone, I: SameAs, O: Clone>(
    inputs: fn(&SocialState, &A) -> I,
    result: fn(&I) -> O,
) -> Selector<A, I, O> {
    Selector { inputs, result, last_call: None, last: None, recomputations: 0 }
}

impl<A: SameAs + Clone, I: SameAs, O: Clone> Selector<A, I, O> {
    /// The output for `args` in `state`, recomputed only if an input changed.
    pub fn select(&mut self, state: &SocialState, args: &A) -> O {
        // 1. The fast path: the very same call as last time.
        if let Some(output) = self.repeat(state, |last_args| last_args.same_as(args)) {
            return output.clone();
        }
        // 2. A new state or new arguments: pick the inputs and compare them.
        let inputs = (self.inputs)(state, args);
        let output = match &self.last {
            Some((last_inputs, last_output)) if inputs.same_as(last_inputs) => last_output.clone(),
            // 3. Something this selector reads has changed: recompute.
            _ => {
                let output = (self.result)(&inputs);
                self.recomputations += 1;
                self.last = Some((inputs, output.clone()));
                output
            }
        };
        // Remembered only now, once the output is in the cache: the next
        // identical call can take the fast path.
        self.last_call = Some((state.clone(), args.clone()));
        output
    }

    /// The last output, if `state` is the same as the last call's and
    /// `same_args` accepts the last call's arguments; otherwise `None`. No
    /// lookup runs: pointer comparisons and the argument check only.
    ///
    /// The arguments are checked by a closure, so that a caller holding them
    /// in pieces (a user id and a time, say) need not build an owned copy
    /// just to compare it.
    pub fn repeat(&self, state: &SocialState, same_args: impl FnOnce(&A) -> bool) -> Option<&O> {
        let (last_state, last_args) = self.last_call.as_ref()?;
        let (_, last_output) = self.last.as_ref()?;
        (last_state.same_as(state) && same_args(last_args)).then_some(last_output)
    }

    /// How many times the result function has run.
    pub fn recomputations(&self) -> usize {
        self.recomputations
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

impl PostWithDetails {
    /// The one place engagement is computed, shared by both selectors.
    fn new(post: Arc<Post>, author: Arc<User>, comments_count: u32, likes_count: u32) -> PostWithDetails {
        PostWithDetails { post, author, comments_count, likes_count, engagement: comments_count + likes_count }
    }
}

/// Post, author, the post's comment list, its like count.
type DetailsInputs = (Option<Arc<Post>>, Option<Arc<User>>, Option<Arc<Vec<CommentId>>>, u32);

/// Inputs at the grain of one post: an update to another post replaces other
/// `Arc`s and leaves all four of these alone, so nothing is recomputed.
fn details_inputs(state: &SocialState, id: &PostId) -> DetailsInputs {
    let post = state.posts.get(id).cloned();
    let author = post.as_ref().and_then(|p| state.users.get(&p.author_id)).cloned();
    let comments = state.post_comments.get(id).cloned();
    let likes = state.likes.get(id).copied().unwrap_or(0);
    (post, author, comments, likes)
}

fn details_result(inputs: &DetailsInputs) -> Option<Arc<PostWithDetails>> {
    let (post, author, comments, likes) = inputs;
    let comments_count = comments.as_ref().map_or(0, |ids| ids.len() as u32);
    Some(Arc::new(PostWithDetails::new(post.clone()?, author.clone()?, comments_count, *likes)))
}

/// One instance of the post-with-details selector, with its own cache.
pub struct SelectPostWithDetails {
    selector: Selector<PostId, DetailsInputs, Option<Arc<PostWithDetails>>>,
}

/// A new post-with-details selector: every call makes a new instance with an
/// empty cache.
pub fn make_select_post_with_details() -> SelectPostWithDetails {
    SelectPostWithDetails { selector: create_selector(details_inputs, details_result) }
}

impl SelectPostWithDetails {
    /// The post with its author, comment and like counts, and engagement; `None`
    /// when the post or its author is missing. Called again with nothing about
    /// this post changed, it returns the same `Arc`.
    pub fn select(&mut self, state: &SocialState, post_id: &PostId) -> Option<Arc<PostWithDetails>> {
        self.selector.select(state, post_id)
    }

    /// How many times this instance has computed its result.
    pub fn recomputations(&self) -> usize {
        self.selector.recomputations()
    }
}

/// Whom the user follows, then every table the feed reads, then `now`.
type FeedInputs = (
    Option<Arc<Vec<UserId>>>,
    Arc<HashMap<UserId, Arc<Vec<PostId>>>>,
    Arc<HashMap<PostId, Arc<Post>>>,
    Arc<HashMap<UserId, Arc<User>>>,
    Arc<HashMap<PostId, Arc<Vec<CommentId>>>>,
    Arc<HashMap<PostId, u32>>,
    Millis,
);

fn feed_inputs(state: &SocialState, (user, now): &(UserId, Millis)) -> FeedInputs {
    (
        state.follows.get(user).cloned(),
        Arc::clone(&state.user_posts),
        Arc::clone(&state.posts),
        Arc::clone(&state.users),
        Arc::clone(&state.post_comments),
        Arc::clone(&state.likes),
        *now,
    )
}

/// Follows -> each followed user's posts -> recent ones -> details, best first.
fn feed_result(inputs: &FeedInputs) -> Arc<Vec<PostWithDetails>> {
    let (following, user_posts, posts, users, post_comments, likes, now) = inputs;
    let Some(following) = following else {
        return Arc::new(Vec::new());
    };
    let mut feed: Vec<PostWithDetails> = following
        .iter()
        .filter_map(|user| user_posts.get(user))
        .flat_map(|ids| ids.iter())
        .filter_map(|id| posts.get(id))
        // A post from after `now` (a clock a little behind) counts as new.
        .filter(|post| now.saturating_sub(post.created_at) <= FEED_WINDOW_MS)
        .filter_map(|post| {
            let author = users.get(&post.author_id)?;
            let comments = post_comments.get(&post.id).map_or(0, |ids| ids.len() as u32);
            let likes = likes.get(&post.id).copied().unwrap_or(0);
            Some(PostWithDetails::new(Arc::clone(post), Arc::clone(author), comments, likes))
        })
        .collect();
    // Highest engagement first; equal engagement by post id, so the order
    // never depends on a HashMap's.
    let order = |a: &PostWithDetails, b: &PostWithDetails| {
        b.engagement.cmp(&a.engagement).then_with(|| a.post.id.cmp(&b.post.id))
    };
    if feed.len() > FEED_LIMIT {
        feed.select_nth_unstable_by(FEED_LIMIT - 1, order);
        feed.truncate(FEED_LIMIT);
    }
    feed.sort_unstable_by(order);
    Arc::new(feed)
}

/// One instance of the user-feed selector, with its own cache.
pub struct SelectUserFeed {
    selector: Selector<(UserId, Millis), FeedInputs, Arc<Vec<PostWithDetails>>>,
    /// The feed this instance last handed out.
    last: Option<Arc<Vec<PostWithDetails>>>,
}

/// A new user-feed selector: every call makes a new instance with an empty
/// cache.
pub fn make_select_user_feed() -> SelectUserFeed {
    SelectUserFeed { selector: create_selector(feed_inputs, feed_result), last: None }
}

impl SelectUserFeed {
    /// Posts by the users `user` follows, at most 7 days old at `now`
    /// (`now - created_at <= FEED_WINDOW_MS`; a post dated after `now` counts
    /// as new), highest engagement first, equal engagement by post id
    /// (smallest first), at most `FEED_LIMIT`: the best of the recent ones.
    /// Called again with nothing changed, it returns the same `Arc`.
    pub fn select(&mut self, state: &SocialState, user: &UserId, now: Millis) -> Arc<Vec<PostWithDetails>> {
        // The fast path, checked on the pieces: building the argument tuple
        // would clone the user id (an allocation) on every call.
        let repeat = self.selector.repeat(state, |(last_user, last_now)| last_user == user && *last_now == now);
        if let (Some(_), Some(last)) = (repeat, &self.last) {
            return Arc::clone(last);
        }
        let fresh = self.selector.select(state, &(user.clone(), now));
        // The feed reads whole tables, so any new post or like recomputes it.
        // When the result comes out equal, hand back the old `Arc`: views that
        // show this feed then see no change (reselect's resultEqualityCheck).
        // Equal means equal entries, engagement included, never just equal ids.
        if let Some(last) = &self.last {
            if Arc::ptr_eq(last, &fresh) || **last == *fresh {
                return Arc::clone(last);
            }
        }
        self.last = Some(Arc::clone(&fresh));
        fresh
    }

    /// How many times this instance has computed its result.
    pub fn recomputations(&self) -> usize {
        self.selector.recomputations()
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

impl SameAs for Rendered {
    fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Rendered::Post(a), Rendered::Post(b)) => a.same_as(b),
            (Rendered::Feed(a), Rendered::Feed(b)) => a.same_as(b),
            _ => false,
        }
    }
}

/// A subscribed view, as handed back by [`Store::subscribe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ViewId(usize);

/// A change to the state, as a view of the store sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    UpdatePostEngagement(EngagementUpdate),
    BatchUpdatePosts(Vec<PostChange>),
    AddPost(Post),
}

/// A view's own selector instance: the `useMemo` of the seed.
enum ViewSelector {
    Post(PostId, SelectPostWithDetails),
    Feed(UserId, Millis, SelectUserFeed),
}

impl ViewSelector {
    fn select(&mut self, state: &SocialState) -> Rendered {
        match self {
            ViewSelector::Post(id, selector) => Rendered::Post(selector.select(state, id)),
            ViewSelector::Feed(user, now, selector) => Rendered::Feed(selector.select(state, user, *now)),
        }
    }
}

struct Subscription {
    selector: ViewSelector,
    rendered: Rendered,
    renders: usize,
}

/// Holds the state and the subscribed views. After each action it runs every
/// view's selector, and re-renders a view only when the selector handed back
/// something that is not the same `Arc` as last time: `useSelector`'s `===`.
pub struct Store {
    state: SocialState,
    views: Vec<Subscription>,
}

impl Store {
    pub fn new(state: SocialState) -> Store {
        Store { state, views: Vec::new() }
    }

    pub fn state(&self) -> &SocialState {
        &self.state
    }

    /// Subscribes a view with a selector instance of its own, and renders it
    /// once.
    pub fn subscribe(&mut self, view: View) -> ViewId {
        let mut selector = match view {
            View::Post(id) => ViewSelector::Post(id, make_select_post_with_details()),
            View::Feed { user, now } => ViewSelector::Feed(user, now, make_select_user_feed()),
        };
        let rendered = selector.select(&self.state);
        self.views.push(Subscription { selector, rendered, renders: 1 });
        ViewId(self.views.len() - 1)
    }

    /// Applies `action`, then re-renders exactly the views whose selected value
    /// changed. A refused action changes nothing and renders nothing.
    pub fn dispatch(&mut self, action: Action) -> Result<(), SocialError> {
        self.state = match action {
            Action::UpdatePostEngagement(update) => update_post_engagement(&self.state, update)?,
            Action::BatchUpdatePosts(changes) => batch_update_posts(&self.state, &changes)?,
            Action::AddPost(post) => add_post(&self.state, post)?,
        };
        for view in &mut self.views {
            let next = view.selector.select(&self.state);
            if !next.same_as(&view.rendered) {
                view.rendered = next;
                view.renders += 1;
            }
        }
        Ok(())
    }

    /// How many times the view has rendered, the first render included.
    pub fn renders(&self, view: ViewId) -> usize {
        self.views[view.0].renders
    }

    /// What the view rendered last.
    pub fn rendered(&self, view: ViewId) -> &Rendered {
        &self.views[view.0].rendered
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
/// Refuses an unknown post, and a comment that is on another post, by an
/// unknown user, or whose id is taken. Engagement is never stored: selectors
/// derive it from the counts, so it cannot go stale.
pub fn update_post_engagement(state: &SocialState, update: EngagementUpdate) -> Result<SocialState, SocialError> {
    let EngagementUpdate { post_id, likes, shares, comments } = update;
    let post = state.posts.get(&post_id).ok_or_else(|| SocialError::UnknownPost(post_id.clone()))?;
    let mut new_ids = HashSet::new();
    for comment in &comments {
        if comment.post_id != post_id {
            return Err(SocialError::CommentOnOtherPost(comment.id.clone()));
        }
        if !state.users.contains_key(&comment.author_id) {
            return Err(SocialError::UnknownUser(comment.author_id.clone()));
        }
        if state.comments.contains_key(&comment.id) || !new_ids.insert(&comment.id) {
            return Err(SocialError::DuplicateComment(comment.id.clone()));
        }
    }

    let mut next = state.clone();
    if let Some(shares) = shares.filter(|s| *s != post.shares) {
        // Copies the posts table once, then this one post: the other posts
        // keep their `Arc`s.
        let post = Arc::make_mut(&mut next.posts).get_mut(&post_id).expect("the post was checked to exist");
        Arc::make_mut(post).shares = shares;
    }
    if let Some(likes) = likes.filter(|l| Some(l) != state.likes.get(&post_id)) {
        Arc::make_mut(&mut next.likes).insert(post_id.clone(), likes);
    }
    if !comments.is_empty() {
        let list = Arc::make_mut(Arc::make_mut(&mut next.post_comments).entry(post_id).or_default());
        let table = Arc::make_mut(&mut next.comments);
        for comment in comments {
            list.push(comment.id.clone());
            table.insert(comment.id.clone(), Arc::new(comment));
        }
    }
    Ok(next)
}

/// Applies every change in one state transition: the posts table is copied
/// once, not once per change, and each changed post once. Changes apply in
/// order, so two changes to one post both land (the later wins a field both
/// set). Refuses the whole batch if any post is unknown.
pub fn batch_update_posts(state: &SocialState, changes: &[PostChange]) -> Result<SocialState, SocialError> {
    if let Some(change) = changes.iter().find(|c| !state.posts.contains_key(&c.post_id)) {
        return Err(SocialError::UnknownPost(change.post_id.clone()));
    }
    let mut next = state.clone();
    let changes: Vec<&PostChange> = changes.iter().filter(|c| c.content.is_some() || c.shares.is_some()).collect();
    if changes.is_empty() {
        return Ok(next);
    }
    let posts = Arc::make_mut(&mut next.posts);
    for change in changes {
        let post = Arc::make_mut(posts.get_mut(&change.post_id).expect("the post was checked to exist"));
        if let Some(content) = &change.content {
            post.content.clone_from(content);
        }
        if let Some(shares) = change.shares {
            post.shares = shares;
        }
    }
    Ok(next)
}

// ---------------------------------------------------------------------------
// Extension (bonus): posts arriving in real time
// ---------------------------------------------------------------------------

/// Adds a new post and records it under its author. Refuses a taken id and an
/// unknown author. Feeds that do not show the post keep returning the same
/// `Arc`, so their views are not re-rendered.
pub fn add_post(state: &SocialState, post: Post) -> Result<SocialState, SocialError> {
    if state.posts.contains_key(&post.id) {
        return Err(SocialError::DuplicatePost(post.id));
    }
    if !state.users.contains_key(&post.author_id) {
        return Err(SocialError::UnknownUser(post.author_id));
    }
    let mut next = state.clone();
    Arc::make_mut(Arc::make_mut(&mut next.user_posts).entry(post.author_id.clone()).or_default()).push(post.id.clone());
    Arc::make_mut(&mut next.posts).insert(post.id.clone(), Arc::new(post));
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_700_000_000_000;

    fn user(id: &str) -> User {
        User { id: id.into(), name: id.to_uppercase() }
    }

    fn post(id: &str, author: &str, age: Millis) -> Post {
        Post {
            id: id.into(),
            author_id: author.into(),
            content: format!("{id} says hi"),
            created_at: NOW - age,
            shares: 0,
        }
    }

    fn comment(id: &str, post: &str, author: &str) -> Comment {
        Comment { id: id.into(), post_id: post.into(), author_id: author.into(), content: "Great post!".into() }
    }

    /// alice follows bob and carol; bob wrote b1 and b2, carol c1, dave d1.
    fn state() -> SocialState {
        SocialState::from_entities(
            vec![user("alice"), user("bob"), user("carol"), user("dave")],
            vec![
                post("b1", "bob", DAY_MS),
                post("b2", "bob", 8 * DAY_MS),
                post("c1", "carol", 0),
                post("d1", "dave", 0),
            ],
            vec![comment("k1", "b1", "alice"), comment("k2", "b1", "carol")],
            vec![("b1".into(), 3), ("c1".into(), 9)],
            vec![("alice".into(), "bob".into()), ("alice".into(), "carol".into())],
        )
        .unwrap()
    }

    #[test]
    fn details_are_memoized_per_instance() {
        let state = state();
        let mut first = make_select_post_with_details();
        let mut second = make_select_post_with_details();
        let a = first.select(&state, &"b1".into()).unwrap();
        assert_eq!((a.comments_count, a.likes_count, a.engagement), (2, 3, 5));
        assert_eq!(a.author.name, "BOB");
        assert!(Arc::ptr_eq(&a, &first.select(&state, &"b1".into()).unwrap()));
        assert!(!Arc::ptr_eq(&a, &second.select(&state, &"b1".into()).unwrap()));
        assert_eq!(first.recomputations(), 1);

        // A like on another post: nothing to recompute.
        let liked = update_post_engagement(
            &state,
            EngagementUpdate { post_id: "c1".into(), likes: Some(10), ..Default::default() },
        )
        .unwrap();
        assert!(Arc::ptr_eq(&a, &first.select(&liked, &"b1".into()).unwrap()));
        assert_eq!(first.recomputations(), 1);
        assert!(first.select(&state, &"nope".into()).is_none());
    }

    #[test]
    fn feed_is_recent_followed_posts_by_engagement() {
        let state = state();
        let mut feed = make_select_user_feed();
        let ids = |f: &[PostWithDetails]| f.iter().map(|d| d.post.id.to_string()).collect::<Vec<_>>();
        let first = feed.select(&state, &"alice".into(), NOW);
        assert_eq!(ids(&first), ["c1", "b1"]);
        assert!(Arc::ptr_eq(&first, &feed.select(&state, &"alice".into(), NOW)));
        // Another user's feed needs another instance: this one caches one feed.
        assert!(make_select_user_feed().select(&state, &"dave".into(), NOW).is_empty());

        // A new post by someone alice does not follow: same feed, same Arc.
        let state = add_post(&state, post("d2", "dave", 0)).unwrap();
        assert!(Arc::ptr_eq(&first, &feed.select(&state, &"alice".into(), NOW)));
        // A comment lifts b1 above c1.
        let comments = (0..5).map(|i| comment(&format!("x{i}"), "b1", "dave")).collect();
        let state =
            update_post_engagement(&state, EngagementUpdate { post_id: "b1".into(), comments, ..Default::default() })
                .unwrap();
        assert_eq!(ids(&feed.select(&state, &"alice".into(), NOW)), ["b1", "c1"]);
    }

    #[test]
    fn updates_merge_and_share() {
        let state = state();
        let next = update_post_engagement(
            &state,
            EngagementUpdate {
                post_id: "b1".into(),
                shares: Some(4),
                comments: vec![comment("k3", "b1", "dave")],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(next.posts[&PostId::from("b1")].shares, 4);
        assert_eq!(next.likes[&PostId::from("b1")], 3);
        assert_eq!(next.post_comments[&PostId::from("b1")].len(), 3);
        assert!(next.comments.contains_key(&CommentId::from("k3")));
        assert!(Arc::ptr_eq(&state.likes, &next.likes));
        assert!(Arc::ptr_eq(&state.posts[&PostId::from("c1")], &next.posts[&PostId::from("c1")]));
        assert_eq!(state.posts[&PostId::from("b1")].shares, 0);

        let batch = [
            PostChange { post_id: "b1".into(), content: Some("edited".into()), shares: None },
            PostChange { post_id: "b1".into(), content: None, shares: Some(7) },
        ];
        let next = batch_update_posts(&state, &batch).unwrap();
        assert_eq!(
            (next.posts[&PostId::from("b1")].content.as_str(), next.posts[&PostId::from("b1")].shares),
            ("edited", 7)
        );
        let unknown = [PostChange { post_id: "zz".into(), ..Default::default() }];
        assert_eq!(batch_update_posts(&state, &unknown).err(), Some(SocialError::UnknownPost("zz".into())));
    }

    #[test]
    fn store_renders_only_changed_views() {
        let mut store = Store::new(state());
        let b1 = store.subscribe(View::Post("b1".into()));
        let c1 = store.subscribe(View::Post("c1".into()));
        let feed = store.subscribe(View::Feed { user: "alice".into(), now: NOW });
        store
            .dispatch(Action::UpdatePostEngagement(EngagementUpdate {
                post_id: "b1".into(),
                likes: Some(50),
                ..Default::default()
            }))
            .unwrap();
        assert_eq!((store.renders(b1), store.renders(c1), store.renders(feed)), (2, 1, 2));
        store.dispatch(Action::AddPost(post("d2", "dave", 0))).unwrap();
        assert_eq!((store.renders(b1), store.renders(c1), store.renders(feed)), (2, 1, 2));
        assert!(store.dispatch(Action::AddPost(post("d2", "dave", 0))).is_err());
        let Rendered::Post(Some(details)) = store.rendered(b1) else { panic!("b1 is rendered") };
        assert_eq!(details.engagement, 52);
    }
}
