import type { KubernetesObject } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Informer } from '../../../src/k8s/rest/list-watch.ts';
import type { ObjectCache } from '../../../src/k8s/rest/object-store.ts';
import { superviseInformer } from '../../../src/k8s/supervised-informer.ts';
import { createLogger } from '../../../src/log.ts';

// A stand-in informer that records start/stop calls and lets the test fire its events.
function scriptedInformer() {
  const handlers = new Map<string, Array<(arg?: unknown) => void>>();
  const calls: string[] = [];
  const informer = {
    on(verb: string, cb: (arg?: unknown) => void) {
      handlers.set(verb, [...(handlers.get(verb) ?? []), cb]);
    },
    off() {},
    async start() {
      calls.push('start');
    },
    async stop() {
      calls.push('stop');
    },
    get: () => undefined,
    list: () => [],
  } as unknown as Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  const fire = (verb: string, arg?: unknown): void => handlers.get(verb)?.forEach((cb) => cb(arg));
  return { informer, calls, fire };
}

const log = createLogger('test', 'silent');

test('an informer that stops on an error is restarted', async () => {
  const { informer, calls, fire } = scriptedInformer();
  const supervised = superviseInformer(informer, { name: 'pods', log, maxBackoffMs: 20 });
  await supervised.start();
  fire('error', new Error('connection reset'));
  await sleep(60);
  assert.equal(calls, ['start', 'stop', 'start']);
  assert.is(supervised.restarts(), 1);
  await supervised.stop();
});

test('a watch that stays silent past the stall limit is restarted, one that sees events is not', async () => {
  const { informer, calls, fire } = scriptedInformer();
  const supervised = superviseInformer(informer, { name: 'pods', log, stallMs: 100 });
  await supervised.start();
  for (let i = 0; i < 4; i++) {
    await sleep(40);
    fire('connect');
  }
  assert.is(supervised.restarts(), 0, 'activity keeps it alive');
  await sleep(250);
  assert.ok(supervised.restarts() >= 1, 'silence restarts it');
  assert.ok(calls.filter((c) => c === 'start').length >= 2);
  await supervised.stop();
});

test('stop prevents further restarts', async () => {
  const { informer, calls, fire } = scriptedInformer();
  const supervised = superviseInformer(informer, { name: 'pods', log, maxBackoffMs: 20 });
  await supervised.start();
  await supervised.stop();
  fire('error', new Error('late error'));
  await sleep(60);
  assert.equal(calls, ['start', 'stop']);
});

test.run();
