//! Towel level: Don't Panic About Normalization. Reference solution.
//!
//! A small blog store, kept normalized: each entity lives in exactly one table,
//! and entities point at each other by id.
//!
//! Every table sits behind an `Arc`. An update clones the state (a handful of
//! reference-count bumps) and calls `Arc::make_mut` only on the tables it
//! changes: those are copied, every other table stays shared with the old
//! state, and the old state never changes.
//!
//! Every row of an entity table sits behind its own `Arc` too. Copying a
//! table then copies its keys and one pointer per row, never the rows' text,
//! and the update copies only the one row it changes.
//!
//! The relationship maps treat a missing entry as an empty list, so adding a
//! user or a post does not have to touch a relationship map it adds nothing to.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

// ---------------------------------------------------------------------------
// Step 1: the schema
// ---------------------------------------------------------------------------

/// Defines one id newtype per name: distinct types, so a `UserId` can never
/// stand where a `PostId` is expected.
macro_rules! id_types {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
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
    /// The id of a [`Post`].
    PostId,
    /// The id of a [`User`].
    UserId,
    /// The id of a [`Comment`].
    CommentId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub title: String,
    pub content: String,
    /// A reference to the author, never a copy of the user.
    pub author_id: UserId,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub content: String,
    pub author_id: UserId,
    pub post_id: PostId,
}

/// The whole store: three entity tables and two relationship maps.
///
/// Updates never change a state in place: they return a new one. Each table
/// is wrapped in an `Arc`, so a new state shares every table it did not touch
/// with the old one, and an update costs no more than the tables it changes.
///
/// Each row is an `Arc` as well (`Arc<User>`, not `User`). A rename still
/// copies the users table, but a copy of the table is a copy of its ids and
/// pointers: the other users' names and emails stay shared, and only the
/// renamed user is copied. Readers never notice: `&Arc<User>` derefs to `&User`.
#[derive(Debug, Clone, Default)]
pub struct BlogState {
    posts: Arc<HashMap<PostId, Arc<Post>>>,
    users: Arc<HashMap<UserId, Arc<User>>>,
    comments: Arc<HashMap<CommentId, Arc<Comment>>>,
    /// Post id -> its comment ids, in the order they were added.
    /// A post without an entry has no comments.
    post_comments: Arc<HashMap<PostId, Vec<CommentId>>>,
    /// User id -> their post ids, in the order they were added.
    /// A user without an entry has no posts.
    user_posts: Arc<HashMap<UserId, Vec<PostId>>>,
}

impl BlogState {
    /// Normalizes lists of entities into a state in one go: the tables, plus
    /// the relationship maps in list order (a user's posts in the order of
    /// `posts`, a post's comments in the order of `comments`).
    ///
    /// Refuses a duplicate id and any reference to a missing entity: a post
    /// whose author is unknown, a comment whose post or author is unknown.
    pub fn from_entities(users: Vec<User>, posts: Vec<Post>, comments: Vec<Comment>) -> Result<BlogState, BlogError> {
        let mut state = BlogState {
            posts: Arc::new(HashMap::with_capacity(posts.len())),
            users: Arc::new(HashMap::with_capacity(users.len())),
            comments: Arc::new(HashMap::with_capacity(comments.len())),
            post_comments: Arc::default(),
            user_posts: Arc::default(),
        };
        // Every table is owned by `state` alone here, so `Arc::make_mut` in
        // the inserts below never copies: building the state is O(n).
        for user in users {
            state.insert_user(user)?;
        }
        for post in posts {
            state.insert_post(post)?;
        }
        for comment in comments {
            state.insert_comment(comment)?;
        }
        Ok(state)
    }

    /// Validates and inserts a user, touching only the users table.
    fn insert_user(&mut self, user: User) -> Result<(), BlogError> {
        if self.users.contains_key(&user.id) {
            return Err(BlogError::DuplicateUser(user.id));
        }
        Arc::make_mut(&mut self.users).insert(user.id.clone(), Arc::new(user));
        Ok(())
    }

    /// Validates and inserts a post, touching the posts table and the author's
    /// post list. Nothing changes when it is refused.
    fn insert_post(&mut self, post: Post) -> Result<(), BlogError> {
        if self.posts.contains_key(&post.id) {
            return Err(BlogError::DuplicatePost(post.id));
        }
        if !self.users.contains_key(&post.author_id) {
            return Err(BlogError::UnknownUser(post.author_id));
        }
        Arc::make_mut(&mut self.user_posts).entry(post.author_id.clone()).or_default().push(post.id.clone());
        Arc::make_mut(&mut self.posts).insert(post.id.clone(), Arc::new(post));
        Ok(())
    }

    /// Validates and inserts a comment, touching the comments table and the
    /// post's comment list. Nothing changes when it is refused.
    fn insert_comment(&mut self, comment: Comment) -> Result<(), BlogError> {
        if self.comments.contains_key(&comment.id) {
            return Err(BlogError::DuplicateComment(comment.id));
        }
        if !self.posts.contains_key(&comment.post_id) {
            return Err(BlogError::UnknownPost(comment.post_id));
        }
        if !self.users.contains_key(&comment.author_id) {
            return Err(BlogError::UnknownUser(comment.author_id));
        }
        Arc::make_mut(&mut self.post_comments).entry(comment.post_id.clone()).or_default().push(comment.id.clone());
        Arc::make_mut(&mut self.comments).insert(comment.id.clone(), Arc::new(comment));
        Ok(())
    }
}

/// Why an update was refused. A refused update leaves the state as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlogError {
    UnknownPost(PostId),
    UnknownUser(UserId),
    DuplicatePost(PostId),
    DuplicateUser(UserId),
    DuplicateComment(CommentId),
}

// ---------------------------------------------------------------------------
// Step 2: selectors
// ---------------------------------------------------------------------------

/// The post with this id, if there is one.
pub fn select_post<'a>(state: &'a BlogState, id: &PostId) -> Option<&'a Post> {
    state.posts.get(id).map(Arc::as_ref)
}

/// The user with this id, if there is one.
pub fn select_user<'a>(state: &'a BlogState, id: &UserId) -> Option<&'a User> {
    state.users.get(id).map(Arc::as_ref)
}

/// The comments on a post, in the order they were added. Empty for a post
/// with no comments, and for an unknown post.
pub fn select_post_comments<'a>(state: &'a BlogState, post_id: &PostId) -> Vec<&'a Comment> {
    state
        .post_comments
        .get(post_id)
        .map_or_else(Vec::new, |ids| ids.iter().filter_map(|id| state.comments.get(id).map(Arc::as_ref)).collect())
}

/// The posts a user wrote, in the order they were added. Empty for an
/// unknown user.
pub fn select_user_posts<'a>(state: &'a BlogState, user_id: &UserId) -> Vec<&'a Post> {
    state
        .user_posts
        .get(user_id)
        .map_or_else(Vec::new, |ids| ids.iter().filter_map(|id| state.posts.get(id).map(Arc::as_ref)).collect())
}

// ---------------------------------------------------------------------------
// Step 3: updates. Each takes the old state and returns a new one.
// ---------------------------------------------------------------------------

/// A partial update of a post: `None` means "leave this field as it is".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostUpdate {
    pub title: Option<String>,
    pub content: Option<String>,
    /// Moving a post to another author moves it from the old author's post
    /// list to the end of the new author's. The author the post already has
    /// is not a move: the post keeps its place.
    pub author_id: Option<UserId>,
    pub updated_at: Option<String>,
}

/// A partial update of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserUpdate {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Adds a user. Refuses an id that is already taken.
pub fn add_user(state: &BlogState, user: User) -> Result<BlogState, BlogError> {
    let mut next = state.clone();
    next.insert_user(user)?;
    Ok(next)
}

/// Adds a post by an existing author, and records it in the author's posts.
/// Refuses an id that is already taken and an unknown author.
pub fn add_post(state: &BlogState, post: Post) -> Result<BlogState, BlogError> {
    let mut next = state.clone();
    next.insert_post(post)?;
    Ok(next)
}

/// Adds a comment to an existing post, by an existing user: both the comments
/// table and the post's comment list change. Refuses an id that is already
/// taken, an unknown post and an unknown author.
pub fn add_comment(state: &BlogState, comment: Comment) -> Result<BlogState, BlogError> {
    let mut next = state.clone();
    next.insert_comment(comment)?;
    Ok(next)
}

/// Changes only the fields that `update` sets; every other field, post and
/// table stays as it was. Refuses an unknown post and an unknown new author.
pub fn update_post(state: &BlogState, id: &PostId, update: PostUpdate) -> Result<BlogState, BlogError> {
    let old_author = &state.posts.get(id).ok_or_else(|| BlogError::UnknownPost(id.clone()))?.author_id;
    if let Some(author) = &update.author_id {
        if !state.users.contains_key(author) {
            return Err(BlogError::UnknownUser(author.clone()));
        }
    }

    let mut next = state.clone();
    let PostUpdate { title, content, author_id, updated_at } = update;

    let new_author = author_id.filter(|author| author != old_author);
    if let Some(new_author) = &new_author {
        let user_posts = Arc::make_mut(&mut next.user_posts);
        if let Some(ids) = user_posts.get_mut(old_author) {
            ids.retain(|post_id| post_id != id);
        }
        user_posts.entry(new_author.clone()).or_default().push(id.clone());
    }

    // Copies the posts table (ids and pointers), then this one post.
    let post = Arc::make_mut(Arc::make_mut(&mut next.posts).get_mut(id).expect("the post was checked to exist"));
    if let Some(author_id) = new_author {
        post.author_id = author_id;
    }
    if let Some(title) = title {
        post.title = title;
    }
    if let Some(content) = content {
        post.content = content;
    }
    if let Some(updated_at) = updated_at {
        post.updated_at = updated_at;
    }
    Ok(next)
}

/// Changes only the fields that `update` sets. Renaming a user is one change,
/// however many posts they wrote.
pub fn update_user(state: &BlogState, id: &UserId, update: UserUpdate) -> Result<BlogState, BlogError> {
    if !state.users.contains_key(id) {
        return Err(BlogError::UnknownUser(id.clone()));
    }
    let mut next = state.clone();
    // Copies the users table (ids and pointers), then this one user: the
    // other users' rows stay shared with the old state.
    let user = Arc::make_mut(Arc::make_mut(&mut next.users).get_mut(id).expect("the user was checked to exist"));
    let UserUpdate { name, email } = update;
    if let Some(name) = name {
        user.name = name;
    }
    if let Some(email) = email {
        user.email = email;
    }
    Ok(next)
}

// ---------------------------------------------------------------------------
// Extension (bonus): join a post with its author at read time
// ---------------------------------------------------------------------------

/// A post together with its author, borrowed from the state: nothing is copied
/// and nothing is stored twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostWithAuthor<'a> {
    pub post: &'a Post,
    pub author: &'a User,
}

/// The post and its author; `None` when either is missing.
pub fn select_post_with_author<'a>(state: &'a BlogState, id: &PostId) -> Option<PostWithAuthor<'a>> {
    let post = select_post(state, id)?;
    let author = select_user(state, &post.author_id)?;
    Some(PostWithAuthor { post, author })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, name: &str) -> User {
        User { id: id.into(), name: name.into(), email: format!("{}@example.com", name.to_lowercase()) }
    }

    fn post(id: &str, author: &str) -> Post {
        Post {
            id: id.into(),
            title: "Redux Basics".into(),
            content: "...".into(),
            author_id: author.into(),
            created_at: "2024-01-01".into(),
            updated_at: "2024-01-01".into(),
        }
    }

    fn comment(id: &str, post: &str, author: &str) -> Comment {
        Comment { id: id.into(), content: "Great post!".into(), author_id: author.into(), post_id: post.into() }
    }

    fn seed_state() -> BlogState {
        BlogState::from_entities(vec![user("user1", "Alice")], vec![post("post1", "user1")], vec![]).unwrap()
    }

    fn ids<T>(items: &[&T], id: impl Fn(&T) -> &str) -> Vec<String> {
        items.iter().map(|item| id(item).to_owned()).collect()
    }

    #[test]
    fn seed_scenario_adds_and_reads_a_comment() {
        let state = seed_state();
        let post1 = PostId::from("post1");
        assert!(select_post_comments(&state, &post1).is_empty());

        let next = add_comment(&state, comment("comment1", "post1", "user1")).unwrap();
        assert_eq!(select_post_comments(&next, &post1), vec![&comment("comment1", "post1", "user1")]);
        // The old state is untouched.
        assert!(select_post_comments(&state, &post1).is_empty());
        assert_eq!(ids(&select_user_posts(&next, &"user1".into()), |p: &Post| p.id.as_str()), ["post1"]);
    }

    #[test]
    fn partial_update_changes_only_the_given_fields() {
        let state = seed_state();
        let update = PostUpdate { title: Some("Redux, Revisited".into()), ..PostUpdate::default() };
        let next = update_post(&state, &"post1".into(), update).unwrap();

        let expected = Post { title: "Redux, Revisited".into(), ..post("post1", "user1") };
        assert_eq!(select_post(&next, &"post1".into()), Some(&expected));
        assert_eq!(select_post(&state, &"post1".into()), Some(&post("post1", "user1")));
    }

    #[test]
    fn updates_share_the_tables_they_do_not_touch() {
        let state = seed_state();

        let renamed =
            update_user(&state, &"user1".into(), UserUpdate { name: Some("Zaphod".into()), email: None }).unwrap();
        assert!(!Arc::ptr_eq(&state.users, &renamed.users));
        assert!(Arc::ptr_eq(&state.posts, &renamed.posts));
        assert!(Arc::ptr_eq(&state.comments, &renamed.comments));
        assert!(Arc::ptr_eq(&state.post_comments, &renamed.post_comments));
        assert!(Arc::ptr_eq(&state.user_posts, &renamed.user_posts));
        assert_eq!(select_user(&renamed, &"user1".into()).unwrap().email, "alice@example.com");
        assert_eq!(select_user(&state, &"user1".into()).unwrap().name, "Alice");

        let commented = add_comment(&state, comment("comment1", "post1", "user1")).unwrap();
        assert!(Arc::ptr_eq(&state.posts, &commented.posts));
        assert!(Arc::ptr_eq(&state.users, &commented.users));
        assert!(Arc::ptr_eq(&state.user_posts, &commented.user_posts));
    }

    #[test]
    fn moving_a_post_moves_it_between_author_lists() {
        let state = BlogState::from_entities(
            vec![user("user1", "Alice"), user("user2", "Bob")],
            vec![post("post1", "user1"), post("post2", "user1"), post("post3", "user2")],
            vec![],
        )
        .unwrap();
        let move_to = |author: &str| PostUpdate { author_id: Some(author.into()), ..PostUpdate::default() };
        let post_ids = |s: &BlogState, u: &str| ids(&select_user_posts(s, &u.into()), |p: &Post| p.id.as_str());

        let moved = update_post(&state, &"post1".into(), move_to("user2")).unwrap();
        assert_eq!(post_ids(&moved, "user1"), ["post2"]);
        assert_eq!(post_ids(&moved, "user2"), ["post3", "post1"]);
        assert_eq!(select_post_with_author(&moved, &"post1".into()).unwrap().author.name, "Bob");

        let same = update_post(&state, &"post1".into(), move_to("user1")).unwrap();
        assert!(Arc::ptr_eq(&state.user_posts, &same.user_posts));
        assert_eq!(post_ids(&same, "user1"), ["post1", "post2"]);
    }

    #[test]
    fn dangling_references_and_duplicates_are_refused() {
        let state = seed_state();
        assert_eq!(
            add_comment(&state, comment("comment1", "nope", "ghost")).err(),
            Some(BlogError::UnknownPost("nope".into()))
        );
        assert_eq!(
            add_comment(&state, comment("comment1", "post1", "ghost")).err(),
            Some(BlogError::UnknownUser("ghost".into()))
        );
        assert_eq!(add_post(&state, post("post1", "ghost")).err(), Some(BlogError::DuplicatePost("post1".into())));
        assert_eq!(add_post(&state, post("post2", "ghost")).err(), Some(BlogError::UnknownUser("ghost".into())));
        assert_eq!(
            update_post(&state, &"post1".into(), PostUpdate { author_id: Some("ghost".into()), ..Default::default() })
                .err(),
            Some(BlogError::UnknownUser("ghost".into()))
        );
        assert_eq!(
            update_user(&state, &"ghost".into(), UserUpdate::default()).err(),
            Some(BlogError::UnknownUser("ghost".into()))
        );
        assert_eq!(
            BlogState::from_entities(vec![user("u", "A"), user("u", "B")], vec![], vec![]).err(),
            Some(BlogError::DuplicateUser("u".into()))
        );
        assert_eq!(
            BlogState::from_entities(vec![user("u", "A")], vec![post("p", "u")], vec![comment("c", "p", "x")]).err(),
            Some(BlogError::UnknownUser("x".into()))
        );
    }

    #[test]
    fn from_entities_keeps_list_order() {
        let state = BlogState::from_entities(
            vec![user("user1", "Alice")],
            vec![post("post2", "user1"), post("post1", "user1")],
            vec![comment("c2", "post1", "user1"), comment("c1", "post1", "user1"), comment("c3", "post2", "user1")],
        )
        .unwrap();
        let comment_ids = ids(&select_post_comments(&state, &"post1".into()), |c: &Comment| c.id.as_str());
        assert_eq!(comment_ids, ["c2", "c1"]);
        assert_eq!(ids(&select_user_posts(&state, &"user1".into()), |p: &Post| p.id.as_str()), ["post2", "post1"]);
        assert!(select_user_posts(&state, &"nobody".into()).is_empty());
        assert!(select_post_with_author(&state, &"missing".into()).is_none());
    }
}
