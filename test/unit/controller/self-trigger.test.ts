// A controller whose pass fails and writes its own status is called again at growing intervals: the status write's
// informer event does not re-queue the key, so the work queue's per-key back-off holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KubernetesObject } from '@kubernetes/client-node';
import { createChangeFilter } from '../../../src/controller/change-filter.ts';
import { runController } from '../../../src/controller/controller.ts';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import { WorkQueue } from '../../../src/controller/work-queue.ts';
import { createLogger } from '../../../src/log.ts';

type Obj = KubernetesObject & { status?: { message: string } };

const object = (generation: number, message: string): Obj => ({
  metadata: { namespace: 'ns', name: 'r', uid: 'u1', generation },
  status: { message },
});

/** runs a controller whose reconcile fails `failures` times, each time writing status as a real one does */
async function callTimes(failures: number, filtered: boolean): Promise<number[]> {
  const queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 10_000 });
  const changes = createChangeFilter();
  const deliver = (obj: Obj) => {
    if (!filtered || changes.relevant(obj, false)) queue.add('ns/r');
  };
  const calls: number[] = [];
  const start = Date.now();
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const keepAlive = setInterval(() => undefined, 50);
  const controller = runController({
    name: 'test',
    queue,
    metrics: createControllerMetrics(),
    log: createLogger('test', 'silent'),
    workers: 1,
    reconcile: async () => {
      calls.push(Date.now() - start);
      if (calls.length > failures) {
        finished();
        return {};
      }
      // the status write's watch event arrives while the pass is still running
      deliver(object(1, `retrying: attempt ${calls.length}`));
      throw new Error('refused: storage not ready');
    },
  });
  deliver(object(1, 'created'));
  const timeout = setTimeout(finished, 5000);
  await done;
  clearTimeout(timeout);
  clearInterval(keepAlive);
  await controller.stop();
  return calls;
}

test('a pass failing 6 times with a status write each time is called at growing intervals', async () => {
  const calls = await callTimes(6, true);
  assert.is(calls.length, 7, `called at ${calls.join(', ')} ms`);
  const gaps = calls.slice(1).map((t, i) => t - (calls[i] ?? 0));
  // back-off 20, 40, 80, 160, 320, 640 ms (timers may fire a little late, never early)
  gaps.forEach((gap, i) => assert.ok(gap >= 20 * 2 ** i - 2, `gap ${i} was ${gap} ms: ${gaps.join(', ')}`));
  assert.ok((calls.at(-1) ?? 0) >= 1200, `7 calls took only ${calls.at(-1)} ms`);
});

test('without the filter the same status writes call the pass again at once (what the filter prevents)', async () => {
  const calls = await callTimes(6, false);
  assert.is(calls.length, 7);
  assert.ok((calls.at(-1) ?? 0) < 200, `unfiltered, 7 calls took ${calls.at(-1)} ms`);
});

test('the filter passes spec, deletion, finalizer and annotation changes and removal, not status alone', () => {
  const f = createChangeFilter();
  const base = object(1, 'a');
  assert.ok(f.relevant(base, false), 'first sight');
  assert.not.ok(f.relevant(object(1, 'b'), false), 'status only');
  assert.ok(f.relevant(object(2, 'b'), false), 'generation');
  const meta = (extra: Record<string, unknown>): Obj => ({
    ...object(2, 'b'),
    metadata: { ...object(2, 'b').metadata, ...extra },
  });
  assert.ok(f.relevant(meta({ finalizers: ['x'] }), false), 'finalizers');
  assert.ok(f.relevant(meta({ finalizers: ['x'], annotations: { a: '1' } }), false), 'annotations');
  assert.ok(
    f.relevant(meta({ finalizers: ['x'], annotations: { a: '1' }, deletionTimestamp: 'now' }), false),
    'deletion',
  );
  assert.ok(f.relevant(base, true), 'gone');
  assert.ok(f.relevant(base, false), 'seen again after removal');
});

test('the work queue defaults follow client-go: 5 ms doubling per failure, capped at 1000 s', () => {
  const q = new WorkQueue();
  const delays = Array.from({ length: 30 }, () => q.addRateLimited('k'));
  assert.equal(delays.slice(0, 4), [5, 10, 20, 40]);
  assert.is(delays.at(-1), 1_000_000);
  q.shutDown();
});

test.run();
