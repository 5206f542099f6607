// The supervised informer as the controllers see it: start waits for the informer's first sync, hasSynced follows
// it, each failure the informer retries is counted and logged, and nothing is counted after stop.
import type { KubernetesObject } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Informer } from '../../../src/k8s/rest/list-watch.ts';
import type { ObjectCache } from '../../../src/k8s/rest/object-store.ts';
import { superviseInformer } from '../../../src/k8s/supervised-informer.ts';
import { createLogger } from '../../../src/log.ts';

// A stand-in informer whose first sync the test releases and whose events the test fires.
function scriptedInformer() {
  const handlers = new Map<string, Array<(arg?: unknown) => void>>();
  const calls: string[] = [];
  let synced = false;
  let sync: () => void = () => undefined;
  const informer = {
    on(verb: string, cb: (arg?: unknown) => void) {
      handlers.set(verb, [...(handlers.get(verb) ?? []), cb]);
    },
    start() {
      calls.push('start');
      return new Promise<void>((resolve) => {
        sync = () => {
          synced = true;
          resolve();
        };
      });
    },
    async stop() {
      calls.push('stop');
    },
    hasSynced: () => synced,
    get: () => undefined,
    list: () => [],
  } as unknown as Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  const fire = (verb: string, arg?: unknown): void => handlers.get(verb)?.forEach((cb) => cb(arg));
  return { informer, calls, fire, sync: () => sync() };
}

const log = createLogger('test', 'silent');

test('start resolves with the first sync, and hasSynced follows the informer', async () => {
  const { informer, sync } = scriptedInformer();
  const supervised = superviseInformer(informer, { name: 'pods', log });
  let started = false;
  const starting = supervised.start().then(() => (started = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.not.ok(started, 'start waits for the first sync');
  assert.not.ok(supervised.hasSynced());
  sync();
  await starting;
  assert.ok(supervised.hasSynced());
  await supervised.stop();
});

test('each failure the informer retries is counted as a restart; none after stop', async () => {
  const { informer, calls, fire, sync } = scriptedInformer();
  const supervised = superviseInformer(informer, { name: 'pods', log });
  const starting = supervised.start();
  sync();
  await starting;
  fire('error', new Error('connection reset'));
  fire('error', new Error('watch failed'));
  assert.is(supervised.restarts(), 2);
  await supervised.stop();
  fire('error', new Error('late error'));
  assert.is(supervised.restarts(), 2);
  assert.equal(calls, ['start', 'stop'], 'the informer retries by itself: no stop and start in between');
});

test.run();
