// A controller never runs a pass while a cache it reads is not synced: the key waits and runs once it is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runController } from '../../../src/controller/controller.ts';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import { WorkQueue } from '../../../src/controller/work-queue.ts';
import { createLogger } from '../../../src/log.ts';
import { waitFor } from '../../support/wait-for.ts';

test('no pass while the caches are unsynced (e.g. relisting); the key runs once they are synced', async () => {
  let synced = false;
  const passes: number[] = [];
  const queue = new WorkQueue();
  const keepAlive = setInterval(() => undefined, 50);
  const controller = runController({
    name: 'test',
    queue,
    metrics: createControllerMetrics(),
    log: createLogger('test', 'silent'),
    workers: 1,
    synced: () => synced,
    reconcile: async () => {
      passes.push(Date.now());
      return {};
    },
  });
  queue.add('ns/a');
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.equal(passes, [], 'a pass ran on an unsynced cache');
  synced = true;
  await waitFor('the pass after sync', 3000, async () => passes.length === 1, 50);
  clearInterval(keepAlive);
  await controller.stop();
});

test.run();
