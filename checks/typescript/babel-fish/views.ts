// Views: the learner's hooks in real React components under a real
// <Provider>. Each component owns its selector instance, and react-redux
// re-renders a component only when its hook's value is a different object.

import { ensure, ensureEq, fail, show } from '../harness';
import { HOUR, NOW, comment, feedScores, galaxy, plain, postIn, seedState, type Details } from './data';
import { reduxSaid, withPage, type Action, type Mounted } from './render';

/**
 * Dispatches `action` and checks that exactly the views named in `expected`
 * re-rendered, once each; a `refused` action must make the learner's update
 * throw a SocialError.
 */
function dispatchExpect(page: Mounted, names: readonly string[], action: Action, what: string, expected: readonly string[], refused = false): void {
  const before = names.map((n) => page.renders(n));
  const refusal = page.dispatch(action);
  if (refused) ensure(refusal !== undefined, `dispatching ${what}: the update should throw a SocialError, but it returned a state`);
  else ensure(refusal === undefined, `dispatching ${what}: the update should succeed, but it threw ${String(refusal)}`);
  const after = names.map((n) => page.renders(n));
  const rerendered = names.filter((_, i) => after[i] !== before[i]);
  if (rerendered.length > expected.length && rerendered.length > 3) {
    fail(
      `after dispatching ${what}: ${rerendered.length} components re-rendered, expected ${expected.length === 0 ? 'none' : expected.join(', ')}. ` +
        "A component re-renders whenever its hook hands back a different object: each component's selector should hand back the very object it " +
        'handed back before when nothing it shows changed (useSelector with a selector that builds a new object or array, or one selector ' +
        `instance shared by all the components, re-renders them all).${reduxSaid(page)}`,
    );
  }
  ensureEq(rerendered, [...expected], `after dispatching ${what}: the components that re-rendered (each has its own selector instance)`);
  names.forEach((n, i) => {
    const times = (after[i] ?? 0) - (before[i] ?? 0);
    ensure(times <= 1, `after dispatching ${what}: the component of ${n} rendered ${times} times for one action; once is enough`);
  });
}

function shownDetails(page: Mounted, name: string): Details {
  const d = page.shown(name);
  if (typeof d !== 'object' || d === null || Array.isArray(d)) fail(`the component of ${name}: usePostWithDetails should return the details, got ${show(d, 1)}`);
  return d as Details;
}

const like = (postId: string, likes: number): Action => ({ type: 'engagement', update: { postId, likes } });

// The seed's 60 fps point: 100 post components on the seed's state, three of
// them showing posts nobody commented on (the generated data makes those
// rare). Catches: useSelector returning a fresh object, selectors whose
// inputs are whole tables or fall back to a new `[]`, one selector instance
// shared by every component, and a component that misses its own post's update.
export async function oneUpdateOneRender(): Promise<void> {
  const state = seedState();
  const mounted = Array.from({ length: 97 }, (_, i) => `post${i}`);
  const elsewhere = ['post4000', 'post5000'];
  const uncommented = Object.keys(state.posts)
    .filter((id) => (state.postComments[id]?.length ?? 0) === 0 && !mounted.includes(id) && !elsewhere.includes(id))
    .slice(0, 3);
  ensureEq(uncommented.length, 3, "posts without comments in the seed's state (the checks' own data)");
  const views = [...mounted.map((id) => ({ name: id, post: id })), ...uncommented.map((id) => ({ name: `${id} (no comments)`, post: id }))];
  const names = views.map((v) => v.name);
  const likes42 = state.likes.post42 ?? 0;
  const likes5000 = state.likes.post5000 ?? 0;
  const comments7 = state.postComments.post7?.length ?? 0;
  await withPage(
    state,
    views,
    (page) => {
      ensureEq(
        names.map((n) => page.renders(n)),
        names.map(() => 1),
        `renders of 100 post components (post0..post96, ${uncommented.join(', ')}) just after mounting: one first render each`,
      );
      dispatchExpect(page, names, like('post42', likes42 + 1), 'a new like count on post42', ['post42']);
      ensureEq(shownDetails(page, 'post42').likesCount, likes42 + 1, 'the likesCount the component of post42 shows after its like');
      dispatchExpect(page, names, like('post5000', likes5000 + 1), 'a new like count on post5000, which no component shows', []);
      const fresh = { id: 'fresh-comment', postId: 'post7', authorId: 'user0', content: 'Mostly harmless' };
      dispatchExpect(page, names, { type: 'engagement', update: { postId: 'post7', comments: [fresh] } }, 'a new comment on post7', ['post7']);
      ensureEq(shownDetails(page, 'post7').commentsCount, comments7 + 1, 'the commentsCount the component of post7 shows after a new comment');
      dispatchExpect(page, names, { type: 'engagement', update: { postId: 'post96', shares: 1_000 } }, '1,000 shares on post96', ['post96']);
      const batch: Action = {
        type: 'batch',
        updates: [
          { postId: 'post3', changes: { content: 'Edited' } },
          { postId: 'post4000', changes: { shares: 7 } },
        ],
      };
      dispatchExpect(page, names, batch, 'a batch that edits post3 and post4000', ['post3']);
      ensureEq(shownDetails(page, 'post3').content, 'Edited', 'the content the component of post3 shows after the batch');
      dispatchExpect(page, names, like('nowhere', 1), 'an update of post "nowhere", which must be refused', [], true);
    },
  );
}

// Catches: a feed component that never re-renders (a feed that keeps its old
// array when the engagement in it changed), and one that re-renders on a
// refused action.
export async function feedViewFollowsChanges(): Promise<void> {
  const names = ["arthur's feed", 'post f1'];
  await withPage(
    galaxy(),
    [
      { name: names[0] as string, feed: 'arthur', now: NOW },
      { name: names[1] as string, post: 'f1' },
    ],
    (page) => {
      const feed = () => feedScores(page.shown("arthur's feed"));
      ensureEq(feed(), [['f2', 10], ['f1', 7], ['z1', 7], ['z2', 0]], "arthur's feed component just after mounting, as [post id, engagement]");
      dispatchExpect(page, names, like('z2', 20), '20 likes on z2', ["arthur's feed"]);
      ensureEq(feed(), [['z2', 20], ['f2', 10], ['f1', 7], ['z1', 7]], "arthur's feed component after 20 likes on z2");
      const comments = [comment('c7', 'f1', 'trillian'), comment('c8', 'f1', 'marvin')];
      dispatchExpect(page, names, { type: 'engagement', update: { postId: 'f1', comments } }, 'two new comments on f1', names);
      ensureEq(
        feed(),
        [['z2', 20], ['f2', 10], ['f1', 9], ['z1', 7]],
        "arthur's feed component after two comments on f1: the same posts in the same order, but f1's engagement is 9 now",
      );
      dispatchExpect(page, names, like('nowhere', 1), 'an update of post "nowhere", which must be refused', [], true);
    },
  );
}

// "A refused action changes nothing and renders nothing." Catches: a batch
// that skips the unknown post and applies the rest, and one that applies the
// changes before the unknown post.
export async function refusedActionChangesNothing(): Promise<void> {
  const names = ['post f2', 'post z1', "arthur's feed"];
  await withPage(
    galaxy(),
    [
      { name: 'post f2', post: 'f2' },
      { name: 'post z1', post: 'z1' },
      { name: "arthur's feed", feed: 'arthur', now: NOW },
    ],
    (page) => {
      const before = page.state();
      const data = plain(before);
      const batch: Action = {
        type: 'batch',
        updates: [
          { postId: 'f2', changes: { content: 'lost', shares: 99 } },
          { postId: 'z1', changes: { shares: 5 } },
          { postId: 'nowhere', changes: { shares: 1 } },
        ],
      };
      dispatchExpect(page, names, batch, 'a batch that changes f2 and z1, then names post "nowhere", which must be refused whole', [], true);
      ensureEq(plain(page.state()), data, 'the store\'s state after a refused batch (changes to f2 and z1, then unknown post "nowhere"): nothing changes, not even the changes before the unknown post');
      dispatchExpect(page, names, like('nowhere', 70), '70 likes on post "nowhere", which must be refused', [], true);
      ensureEq(plain(page.state()), data, 'the store\'s state after a refused update of post "nowhere"');
      dispatchExpect(page, names, { type: 'engagement', update: { postId: 'z1', shares: 5 } }, 'then 5 shares on z1', ['post z1', "arthur's feed"]);
      const f2 = postIn(page.state(), 'f2');
      ensureEq([f2.content, f2.shares], ['f2, by ford', 0], 'post f2 [content, shares] after the refused batch and a later update of z1');
    },
  );
}

// The seed's "create selector instance in useMemo (not on every render!)".
// Catches: a selector made in the component body (a new instance, so a new
// object, on every render), and a hook whose useMemo forgets its instance.
export async function stableAcrossRenders(): Promise<void> {
  const views = [
    { name: 'post f1', post: 'f1' },
    { name: 'post z2', post: 'z2' },
    { name: "arthur's feed", feed: 'arthur', now: NOW },
    { name: "trillian's feed", feed: 'trillian', now: NOW + HOUR },
  ];
  await withPage(galaxy(), views, (page) => {
    page.rerender();
    page.rerender();
    for (const { name } of views) {
      const values = page.values(name);
      ensureEq(values.length, 3, `renders of the component of ${name} after its parent rendered it twice more`);
      ensure(
        values.every((v) => v === values[0]),
        `the component of ${name} was rendered again by its parent, twice, with nothing in the store changed: its hook should hand back the very ` +
          `same object each time, but it handed back ${new Set(values).size} different ones. Make the selector instance once per component, in useMemo: ` +
          'a selector made in the component body is a new instance with an empty cache on every render.',
      );
    }
  });
}
