// The serverset watch: a read arms one children watch per cluster and session, a change of the children or the
// loss of the session enqueues the cluster, and the pass that follows arms it again.
import { EventEmitter } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import zookeeper, { type Client } from 'node-zookeeper-client';
import { createServersetWatch } from '../../../src/aurora/serverset-watch.ts';
import type { ServersetReader } from '../../../src/aurora/serverset.ts';
import type { ZkSessions } from '../../../src/aurora/zk-sessions.ts';

type Callback<T> = (err: unknown, value?: T) => void;

/** a ZooKeeper session over a set of existing paths; watchers fire as ZooKeeper's do, once */
class FakeSession extends EventEmitter {
  readonly paths = new Set<string>();
  readonly childWatches = new Map<string, Array<() => void>>();
  readonly existsWatches = new Map<string, Array<() => void>>();
  armings = 0;

  getChildren(path: string, watcher: () => void, done: Callback<string[]>): void {
    if (!this.paths.has(path))
      return done(
        Object.assign(new Error(`no node ${path}`), { getCode: () => zookeeper.Exception.NO_NODE }),
      );
    this.armings++;
    this.childWatches.set(path, [...(this.childWatches.get(path) ?? []), watcher]);
    done(null, []);
  }

  exists(path: string, watcher: () => void, done: Callback<unknown>): void {
    this.armings++;
    this.existsWatches.set(path, [...(this.existsWatches.get(path) ?? []), watcher]);
    done(null, this.paths.has(path) ? {} : null);
  }

  fire(map: Map<string, Array<() => void>>, path: string): void {
    const watchers = map.get(path) ?? [];
    map.delete(path);
    for (const w of watchers) w();
  }

  changeChildren(path: string): void {
    this.fire(this.childWatches, path);
  }

  create(path: string): void {
    this.paths.add(path);
    this.fire(this.existsWatches, path);
  }
}

function world() {
  const session = { current: new FakeSession() };
  const sessions: ZkSessions = {
    timeoutMs: 500,
    clientFor: async () => session.current as unknown as Client,
    close: () => undefined,
  };
  let reads = 0;
  const reader: ServersetReader = {
    readMembers: async () => {
      reads++;
      return [];
    },
    close: () => undefined,
  };
  const changed: string[] = [];
  const watch = createServersetWatch(sessions, reader, (key) => changed.push(key));
  const target = { endpoints: ['127.0.3.1:2181'] };
  const read = (key: string) => watch.readerFor(key).readMembers(target, '/aurora/scheduler');
  return { session, watch, changed, read, reads: () => reads };
}

test('a children change enqueues the cluster once; repeated reads keep a single watch', async () => {
  const w = world();
  w.session.current.paths.add('/aurora/scheduler');
  await w.read('aurora/a');
  await w.read('aurora/a');
  assert.is(w.reads(), 2, 'the reads go through to the reader');
  assert.is(w.session.current.armings, 1, 'one watch for two reads');
  assert.is(w.watch.armed(), 1);
  w.session.current.changeChildren('/aurora/scheduler');
  assert.equal(w.changed, ['aurora/a']);
  assert.is(w.watch.armed(), 0);
  await w.read('aurora/a');
  assert.is(w.session.current.armings, 2, 'the pass the change triggered arms it again');
  w.session.current.changeChildren('/aurora/scheduler');
  assert.equal(w.changed, ['aurora/a', 'aurora/a']);
});

test('a lost session enqueues its clusters, and the next read arms on the new session', async () => {
  const w = world();
  w.session.current.paths.add('/aurora/scheduler');
  await w.read('aurora/a');
  await w.read('aurora/b');
  const old = w.session.current;
  w.session.current = new FakeSession();
  w.session.current.paths.add('/aurora/scheduler');
  old.emit('expired');
  assert.equal(w.changed.sort(), ['aurora/a', 'aurora/b']);
  await w.read('aurora/a');
  assert.is(w.session.current.armings, 1);
  w.session.current.changeChildren('/aurora/scheduler');
  assert.equal(w.changed.slice(2), ['aurora/a']);
});

test('a serverset not created yet is watched for its creation', async () => {
  const w = world();
  await w.read('aurora/a');
  assert.equal(w.changed, []);
  w.session.current.create('/aurora/scheduler');
  assert.equal(w.changed, ['aurora/a']);
});

test.run();
