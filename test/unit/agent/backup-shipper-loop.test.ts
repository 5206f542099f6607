// The shipping loop: the stale-upload sweep runs first, a failing round is retried with a growing back-off
// instead of the interval, a clean round waits the interval, and stop() aborts the round in flight.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startShipperLoop } from '../../../src/agent/backup-shipper-loop.ts';
import { Backoff } from '../../../src/k8s/rest/backoff.ts';
import { createLogger } from '../../../src/log.ts';

const log = createLogger('loop-test', 'silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function loopWith(
  round: (signal?: AbortSignal) => Promise<{ failed: boolean; settling: number }>,
  events: string[],
) {
  const dir = mkdtempSync(join(tmpdir(), 'shipper-loop-'));
  const loop = startShipperLoop({
    shipper: { round },
    backupDir: dir,
    intervalMs: 60_000,
    settleMs: 60_000,
    sweep: async () => {
      events.push('sweep');
      return [];
    },
    log,
    backoff: new Backoff({ initialMs: 40, maxMs: 80, resetAfterMs: 60_000, jitter: 0 }),
  });
  return {
    stop: async () => {
      await loop.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('failing rounds are retried with a capped, growing back-off; the sweep runs first', async () => {
  const events: string[] = [];
  const times: number[] = [];
  const loop = loopWith(async () => {
    events.push('round');
    times.push(Date.now());
    return { failed: true, settling: 0 };
  }, events);
  await sleep(400);
  await loop.stop();
  assert.is(events[0], 'sweep');
  // 0, 40, 120, 200, 280, 360: about six rounds in 400 ms, far more than one interval allows
  assert.ok(times.length >= 3 && times.length <= 7, `rounds: ${times.length}`);
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
  assert.ok((gaps[0] ?? 0) >= 35, `first gap ${gaps[0]}`);
  assert.ok((gaps[1] ?? 0) >= 75, `second gap doubles: ${gaps[1]}`);
});

test('a clean round waits the interval', async () => {
  const events: string[] = [];
  const loop = loopWith(async () => {
    events.push('round');
    return { failed: false, settling: 0 };
  }, events);
  await sleep(250);
  await loop.stop();
  assert.equal(events, ['sweep', 'round']);
});

test('stop() aborts the round in flight and waits for it', async () => {
  const events: string[] = [];
  const loop = loopWith(
    (signal) =>
      new Promise((resolve) => {
        events.push('round');
        signal?.addEventListener('abort', () => {
          events.push('aborted');
          resolve({ failed: true, settling: 0 });
        });
      }),
    events,
  );
  await sleep(50);
  await loop.stop();
  assert.equal(events, ['sweep', 'round', 'aborted']);
});

test.run();
