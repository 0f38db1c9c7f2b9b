/**
 * Extension: plugins (reference). A host holds a state and calls
 * third-party code around `applyOperation`. Plugins never touch the state:
 * they see frozen values, so one that throws half way leaves nothing of ours
 * half-changed, and the host only has to forget it.
 */

import { CollabError, OperationalTransform, selectRevision, type CollaborationState, type Operation } from './index';

/** A third-party plugin: an object with either hook, or both. */
export interface Plugin {
  /**
   * Asked before an operation is applied, with the state it would apply to:
   * a string vetoes it (the reason), `undefined` lets it through.
   */
  check?(operation: Operation, state: CollaborationState): string | undefined;
  /** Told after an operation was applied: the document's new revision and the new state. */
  applied?(operation: Operation, revision: number, state: CollaborationState): void;
}

/** A state with plugins around its `applyOperation`. */
export class PluginHost {
  // Made here, not at the top of the module: index.ts re-exports this module, so it runs before index.ts defines the class.
  private readonly engine = new OperationalTransform();
  private current: CollaborationState;
  private installed: { id: number; plugin: Plugin }[] = [];
  private added = 0;

  constructor(state: CollaborationState) {
    this.current = state;
  }

  public state(): CollaborationState {
    return this.current;
  }

  /** Adds a plugin after the others; returns its number (0, 1, 2, ...; never reused). */
  public addPlugin(plugin: Plugin): number {
    const id = this.added;
    this.added += 1;
    this.installed = [...this.installed, { id, plugin }];
    return id;
  }

  /** The numbers of the plugins still installed, in the order they were added. */
  public plugins(): number[] {
    return this.installed.map(({ id }) => id);
  }

  /**
   * `applyOperation` on the host's state, asking every plugin first and
   * telling every plugin after; returns the document's new revision.
   */
  public apply(operation: Operation): number {
    for (const { id, plugin } of this.installed) {
      let veto: string | undefined;
      try {
        veto = plugin.check?.(operation, this.current);
      } catch {
        this.remove(id);
        throw new CollabError('vetoed', String(id));
      }
      if (veto !== undefined) throw new CollabError('vetoed', String(id));
    }
    this.current = this.engine.applyOperation(this.current, operation);
    const revision = selectRevision(this.current, operation.tenantId, operation.documentId);
    // remove() builds a new list, so this loop still reaches the plugins after one that throws.
    for (const { id, plugin } of this.installed) {
      try {
        plugin.applied?.(operation, revision, this.current);
      } catch {
        this.remove(id);
      }
    }
    return revision;
  }

  private remove(id: number): void {
    this.installed = this.installed.filter((p) => p.id !== id);
  }
}
