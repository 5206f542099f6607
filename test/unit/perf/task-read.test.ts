// Aurora task reads are bounded: none when the leader holds no FAILED or LOST task, otherwise a limit and a
// timeout that grow with the leader's task count.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLimiter } from '../../../src/aurora/concurrency-limit.ts';
import { taskStoreCounts } from '../../../src/aurora/task-store-vars.ts';
import { collectSignals } from '../../../src/diagnostics/collect-signals.ts';
import { MAX_TASKS_READ, planTaskRead } from '../../../src/diagnostics/task-read-plan.ts';

test('the task_store_ gauges give the total and the FAILED and LOST tasks', () => {
  const vars = { task_store_RUNNING: 9000, task_store_FAILED: 3, task_store_LOST: 2, jvm_uptime_secs: 5 };
  assert.equal(taskStoreCounts(vars), { total: 9005, failedOrLost: 5 });
  assert.is(taskStoreCounts({ jvm_uptime_secs: 5 }), undefined, 'no gauges: unknown, not zero');
});

test('no read without FAILED or LOST tasks; otherwise limit and timeout scale with the count', () => {
  assert.is(planTaskRead({ total: 10_000, failedOrLost: 0 }, 2000), undefined);
  const small = planTaskRead({ total: 100, failedOrLost: 1 }, 2000);
  const large = planTaskRead({ total: 10_000, failedOrLost: 1 }, 2000);
  assert.ok(small && large);
  assert.ok(small.limit >= 100 && small.limit < 1000, `limit ${small.limit} for 100 tasks`);
  assert.ok(large.limit >= 10_000 && large.limit <= MAX_TASKS_READ, `limit ${large.limit} for 10,000 tasks`);
  assert.ok(large.timeoutMs > small.timeoutMs && small.timeoutMs >= 2000);
  assert.is(planTaskRead({ total: 10_000_000, failedOrLost: 1 }, 2000)?.limit, MAX_TASKS_READ);
  assert.ok(planTaskRead(undefined, 2000), 'unknown counts still read, bounded');
});

async function countingAurora(): Promise<{ url: URL; calls: string[]; close(): void }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push(/"(getTasksWithoutConfigs|listBackups)"/.exec(body)?.[1] ?? body);
      // an Aurora error response: the call is counted, its answer does not matter here
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}`), calls, close: () => server.close() };
}

test('collectSignals asks the leader for tasks only when a FAILED or LOST task exists', async () => {
  const aurora = await countingAurora();
  try {
    const targets = (failedOrLost: number) => ({
      pods: [{ name: 'a-0', podIP: '127.0.0.1', leading: true, taskStore: { total: 500, failedOrLost } }],
      members: [],
      httpPort: Number(aurora.url.port),
      libprocessPort: 1,
      limit: createLimiter(2),
      timeoutMs: 1000,
    });
    const quiet = await collectSignals(targets(0));
    assert.equal(quiet.tasks, { outcomes: [] }, 'no crash possible, no read');
    assert.equal(aurora.calls, ['listBackups']);
    const failing = await collectSignals(targets(2));
    assert.ok(failing.tasks?.error, 'the read was made (and failed against this server)');
    assert.equal(aurora.calls.slice(1).sort(), ['getTasksWithoutConfigs', 'listBackups']);
  } finally {
    aurora.close();
  }
});

test.run();
