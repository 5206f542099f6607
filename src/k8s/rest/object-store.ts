// An informer's copy of the watched objects by namespace and name, telling its caller what each change was.
export interface StoredObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string } | undefined;
}

export interface ObjectCache<T> {
  /** get finds an object by name; cluster-scoped objects and objects without a namespace are under '' */
  get(name: string, namespace?: string): T | undefined;
  /** list returns the objects of one namespace, or of all when none is given */
  list(namespace?: string): readonly T[];
}

export class ObjectStore<T extends StoredObject> implements ObjectCache<T> {
  #byNamespace = new Map<string, Map<string, T>>();

  get(name: string, namespace?: string): T | undefined {
    return this.#byNamespace.get(namespace || '')?.get(name);
  }

  list(namespace?: string): T[] {
    if (!namespace) return [...this.#byNamespace.values()].flatMap((objects) => [...objects.values()]);
    return [...(this.#byNamespace.get(namespace)?.values() ?? [])];
  }

  /** upsert stores obj and says whether it was new ('add'), changed ('update') or the same resourceVersion */
  upsert(obj: T): 'add' | 'update' | undefined {
    const namespace = obj.metadata?.namespace || '';
    const name = obj.metadata?.name || '';
    let objects = this.#byNamespace.get(namespace);
    if (!objects) {
      objects = new Map();
      this.#byNamespace.set(namespace, objects);
    }
    const found = objects.get(name);
    const version = found?.metadata?.resourceVersion;
    if (found && version !== undefined && version !== null && version === obj.metadata?.resourceVersion)
      return undefined;
    objects.set(name, obj);
    return found ? 'update' : 'add';
  }

  /** remove drops the object of obj's namespace and name and says whether there was one */
  remove(obj: T): boolean {
    const namespace = obj.metadata?.namespace || '';
    const objects = this.#byNamespace.get(namespace);
    if (!objects?.delete(obj.metadata?.name || '')) return false;
    if (objects.size === 0) this.#byNamespace.delete(namespace);
    return true;
  }

  /**
   * replace swaps in a fresh list's objects at once, so no reader sees a partial cache, and returns what changed:
   * the objects gone, and those added or changed (an unchanged resourceVersion is no change).
   */
  replace(items: readonly T[]): { gone: T[]; changed: Array<{ verb: 'add' | 'update'; obj: T }> } {
    const previous = this.#byNamespace;
    const next = new ObjectStore<T>();
    const changed: Array<{ verb: 'add' | 'update'; obj: T }> = [];
    for (const obj of items) {
      const found = previous.get(obj.metadata?.namespace || '')?.get(obj.metadata?.name || '');
      if (found) next.upsert(found);
      const verb = next.upsert(obj);
      if (verb) changed.push({ verb: found ? 'update' : 'add', obj });
    }
    const gone = this.list().filter((o) => !next.get(o.metadata?.name || '', o.metadata?.namespace));
    this.#byNamespace = next.#byNamespace;
    return { gone, changed };
  }
}
