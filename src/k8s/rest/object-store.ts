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

  /** retainOnly drops every stored object a fresh list no longer has and returns them */
  retainOnly(items: readonly T[]): T[] {
    const keep = new Set(items.map((o) => `${o.metadata?.namespace || ''}/${o.metadata?.name || ''}`));
    const gone = this.list().filter(
      (o) => !keep.has(`${o.metadata?.namespace || ''}/${o.metadata?.name || ''}`),
    );
    for (const obj of gone) this.remove(obj);
    return gone;
  }
}
