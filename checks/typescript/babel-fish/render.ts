// Real React for the hook checks: the learner's hooks run in components
// rendered by react-dom into a happy-dom document, under react-redux's
// <Provider> and a Redux Toolkit store whose reducer calls the learner's
// updates. No JSX: React.createElement keeps the build plain TypeScript.
//
// happy-dom and react-dom take about half a second to load, so they are
// loaded once per process, on the first check that renders.

import type { UnknownAction } from '@reduxjs/toolkit';
import { deepFreeze, fail, show } from '../harness';
import { isSocialError, type Details, type State } from './data';
import * as L from './learner';

type ReactModule = typeof import('react');
type ClientModule = typeof import('react-dom/client');

interface Env {
  React: ReactModule;
  createRoot: ClientModule['createRoot'];
  Provider: (typeof import('react-redux'))['Provider'];
  configureStore: (typeof import('@reduxjs/toolkit'))['configureStore'];
}

let loading: Promise<Env> | undefined;

function env(): Promise<Env> {
  loading ??= (async () => {
    const { Window } = await import('happy-dom');
    const window = new Window();
    const g = globalThis as Record<string, unknown>;
    // react-dom looks for a DOM when it loads, so the globals come first.
    g.window = window;
    g.document = window.document;
    if (g.navigator === undefined) g.navigator = window.navigator;
    g.IS_REACT_ACT_ENVIRONMENT = true;
    const [React, client, redux, toolkit] = await Promise.all([import('react'), import('react-dom/client'), import('react-redux'), import('@reduxjs/toolkit')]);
    return { React, createRoot: client.createRoot, Provider: redux.Provider, configureStore: toolkit.configureStore };
  })();
  return loading;
}

/** What the checks' store can be asked to do: each runs one of the learner's updates. */
export type Action =
  | { type: 'engagement'; update: L.EngagementUpdate }
  | { type: 'batch'; updates: L.PostUpdate[] }
  | { type: 'addPost'; post: L.NormalizedPost };

/** A component on the page: one post's details, or one user's feed at `now`. */
export type View = { name: string; post: string } | { name: string; feed: string; now: number };

export interface Mounted {
  /** How many times the view's component has rendered, the first render included. */
  renders(name: string): number;
  /** Every value the view's hook returned, one per render. */
  values(name: string): unknown[];
  /** What the view's hook returned last. */
  shown(name: string): unknown;
  /** Dispatches inside act(); returns the SocialError the learner's update threw, if any. */
  dispatch(action: Action): L.SocialError | undefined;
  /** Renders the whole page again, as a parent re-rendering would, with the store unchanged. */
  rerender(): void;
  state(): State;
  /** What React and react-redux printed (warnings and errors). */
  warnings: string[];
  unmount(): void;
}

/** Names what happened to an action: the learner's update ran in the reducer. */
function reducerFor(initial: State, refusals: L.SocialError[]) {
  return (state: State = initial, action: UnknownAction): State => {
    const a = action as unknown as Action;
    const run = (doing: string, f: () => State): State => {
      let next: unknown;
      try {
        next = f();
      } catch (e) {
        if (!isSocialError(e)) throw e;
        refusals.push(e);
        return state;
      }
      if (typeof next !== 'object' || next === null || typeof (next as State).posts !== 'object') fail(`${doing}: expected a SocialState, got ${show(next, 1)}`);
      return deepFreeze(next as State);
    };
    switch (a.type) {
      case 'engagement':
        return run('updatePostEngagement in the store', () => L.updatePostEngagement(state, a.update));
      case 'batch':
        return run('batchUpdatePosts in the store', () => L.batchUpdatePosts(state, a.updates));
      case 'addPost':
        return run('addPost in the store', () => L.addPost(state, a.post));
      default:
        return state;
    }
  };
}

/** Mounts one component per view under a <Provider> with a store holding `initial`. */
export async function mount(initial: State, views: readonly View[]): Promise<Mounted> {
  const { React, createRoot, Provider, configureStore } = await env();
  const h = React.createElement;
  const refusals: L.SocialError[] = [];
  // The checks freeze every state, so Redux Toolkit's own (slow) dev checks are not needed.
  const store = configureStore({
    reducer: reducerFor(initial, refusals),
    middleware: (defaults) => defaults({ thunk: false, serializableCheck: false, immutableCheck: false }),
    devTools: false,
  });
  const log = new Map<string, unknown[]>(views.map((v) => [v.name, []]));
  const record = (name: string, value: unknown) => log.get(name)?.push(value);

  function PostView(props: { name: string; postId: string; tick: number }) {
    const details = L.usePostWithDetails(props.postId);
    record(props.name, details);
    return h('p', null, details ? `${details.id}: ${details.engagement}` : `${props.postId}: not found`);
  }
  function FeedView(props: { name: string; userId: string; now: number; tick: number }) {
    const feed = L.useUserFeed(props.userId, props.now);
    record(props.name, feed);
    const items = Array.isArray(feed) ? feed.map((d: Details) => h('li', { key: d.id }, `${d.id}: ${d.engagement}`)) : [];
    return h('ol', null, ...items);
  }
  const page = (tick: number) =>
    h(Provider, {
      store,
      children: views.map((v) =>
        'post' in v
          ? h(PostView, { key: v.name, name: v.name, postId: v.post, tick })
          : h(FeedView, { key: v.name, name: v.name, userId: v.feed, now: v.now, tick }),
      ),
    });

  const warnings: string[] = [];
  const errors: unknown[] = [];
  const container = (globalThis as unknown as { document: { createElement(tag: string): unknown } }).document.createElement('div');
  const root = createRoot(container as Parameters<ClientModule['createRoot']>[0], {
    onUncaughtError: (e: unknown) => errors.push(e),
    onCaughtError: (e: unknown) => errors.push(e),
  });
  const act = (f: () => void) => {
    const { warn, error } = console;
    const collect = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
    console.warn = collect;
    console.error = collect;
    try {
      React.act(f);
    } finally {
      console.warn = warn;
      console.error = error;
    }
    const thrown = errors.shift();
    if (thrown !== undefined) throw thrown;
  };

  let tick = 0;
  act(() => root.render(page(tick)));
  const values = (name: string) => log.get(name) ?? fail(`harness: no view named ${name}`);
  return {
    renders: (name) => values(name).length,
    values,
    shown: (name) => values(name).at(-1),
    dispatch(action) {
      const before = refusals.length;
      act(() => {
        store.dispatch(action);
      });
      return refusals.length > before ? refusals.at(-1) : undefined;
    },
    rerender() {
      tick++;
      act(() => root.render(page(tick)));
    },
    state: () => store.getState(),
    warnings,
    unmount() {
      act(() => root.unmount());
    },
  };
}

/** Mounts, runs `f`, and always unmounts. */
export async function withPage(initial: State, views: readonly View[], f: (page: Mounted) => void): Promise<void> {
  const page = await mount(initial, views);
  try {
    f(page);
  } catch (e) {
    // The check's own failure is the news; an unmount that fails after it is not.
    try {
      page.unmount();
    } catch {
      // reported above
    }
    throw e;
  }
  page.unmount();
}

/** react-redux's own dev-mode words about a selector, when it said any. */
export function reduxSaid(page: Mounted): string {
  const said = page.warnings.find((w) => /Selector .*returned/i.test(w));
  return said === undefined ? '' : ` react-redux warned: "${said.split('\n')[0]}"`;
}
