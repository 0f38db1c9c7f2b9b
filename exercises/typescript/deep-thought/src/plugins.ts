/**
 * Extension (optional): plugins.
 *
 * A `PluginHost` holds a state and runs third-party code around
 * `applyOperation`: each plugin may look at an operation before it is
 * applied (and veto it), and is told after it was. Third-party code fails in
 * ways you cannot predict: a plugin that throws must not take the host, or
 * the state, down with it.
 *
 * `index.ts` re-exports this module, so this module runs before `index.ts`
 * has defined its classes: make an `OperationalTransform` inside a
 * constructor or a function, never at the top level of this file.
 */

import { NotImplemented, type CollaborationState, type Operation } from './index';

/**
 * A third-party plugin: an object with either hook, or both (a plugin
 * without `check` lets everything through; one without `applied` is never
 * told). Plugins get frozen values: they watch, they never change the state.
 */
export interface Plugin {
  /**
   * Asked before an operation is applied, with the state it would apply to:
   * return a string to veto it (the reason), `undefined` to let it through.
   */
  check?(operation: Operation, state: CollaborationState): string | undefined;
  /** Told after an operation was applied: the document's new revision and the new state. */
  applied?(operation: Operation, revision: number, state: CollaborationState): void;
}

/** A state with plugins around its `applyOperation`. */
export class PluginHost {
  constructor(state: CollaborationState) {
    throw new NotImplemented('a plugin host');
  }

  /** The state as it is now: the one given, with every operation applied through the host since. */
  public state(): CollaborationState {
    throw new NotImplemented("the plugin host's state");
  }

  /** Adds a plugin after the others; returns its number: 0, 1, 2, ... in the order added, never reused. */
  public addPlugin(plugin: Plugin): number {
    throw new NotImplemented('add a plugin');
  }

  /** The numbers of the plugins still installed, in the order they were added. */
  public plugins(): number[] {
    throw new NotImplemented('the installed plugins');
  }

  /**
   * Applies `operation` to the host's state and returns the document's new
   * revision (`selectRevision`). First every plugin's `check`, in the order
   * added: the first veto refuses the operation with a `CollabError`
   * 'vetoed' (the id: the plugin's number) and no plugin after it is asked.
   * Then `applyOperation` (a refusal throws its `CollabError`, and no plugin
   * is told). Then every plugin's `applied`, in the order added.
   *
   * A refused operation changes nothing: not the state, not the revision,
   * not the activity feed. A plugin that throws, in either hook, is removed
   * at once and never called again. A throw in `check` refuses the operation
   * ('vetoed'); a throw in `applied` comes after the fact: the operation
   * stays applied, and the plugins after it are still told. Only a
   * `CollabError` ever leaves `apply`.
   */
  public apply(operation: Operation): number {
    throw new NotImplemented('apply an operation through the plugins');
  }
}
