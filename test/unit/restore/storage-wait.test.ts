// A leader whose storage is not READY yet, or that refuses a log snapshot for it, is a short, fixed-interval wait
// (not a thrown fault whose back-off would overshoot READY); after 30 s of waiting in one step the poll slows down;
// a scheduler that does not answer throws.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraRpcError, type AuroraAdminClient } from '../../../src/aurora/admin-client.ts';
import type { StepContext } from '../../../src/restore/step.ts';
import { performRpc } from '../../../src/restore/rpc-action.ts';
import { STORAGE_POLL_MS, storageWait } from '../../../src/restore/storage-wait.ts';
import { ResponseCode } from '../../../src/thrift/api-types.ts';

const STARTED = '2026-01-01T00:00:00.000Z';

/** ctxAt: a step context whose Commit step started at STARTED, seen `elapsedMs` later. */
const ctxAt = (elapsedMs: number): StepContext =>
  ({
    restore: { status: { timeline: [{ step: 'Commit', startedAt: STARTED }] } },
    fx: { now: () => new Date(Date.parse(STARTED) + elapsedMs) },
  }) as unknown as StepContext;

const leaderFailing = (err: Error | undefined): AuroraAdminClient =>
  ({
    getTasksWithoutConfigs: async () => {
      if (err) throw err;
      return [];
    },
  }) as unknown as AuroraAdminClient;

const notReady = new AuroraRpcError('getTasksWithoutConfigs', ResponseCode.ERROR_TRANSIENT, [
  'Storage is not READY',
]);

test('storage READY: no wait, the call may be sent', async () => {
  assert.is(await storageWait(ctxAt(0), leaderFailing(undefined), 'Commit', 'commitRecovery'), undefined);
});

test('ERROR_TRANSIENT: a wait polled every 100 ms while young, then every 2 s', async () => {
  const young = await storageWait(ctxAt(5_000), leaderFailing(notReady), 'Commit', 'commitRecovery');
  assert.is(young?.requeueAfterMs, STORAGE_POLL_MS);
  assert.is(STORAGE_POLL_MS, 100);
  assert.match(
    young?.message ?? '',
    /commitRecovery not sent yet: the leader's storage is not READY for 5 s \(/,
  );
  const old = await storageWait(ctxAt(31_000), leaderFailing(notReady), 'Commit', 'commitRecovery');
  assert.is(old?.requeueAfterMs, 2000);
});

test('a scheduler that does not answer is a fault for the back-off, not a wait', async () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' });
  try {
    await storageWait(ctxAt(0), leaderFailing(refused), 'Commit', 'commitRecovery');
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.match(
      String(err),
      /commitRecovery not sent: the leader's storage does not answer \(connect ECONNREFUSED/,
    );
  }
});

test('a log snapshot refused with ERROR_TRANSIENT is a wait on the storage poll; a refused connection throws', async () => {
  let answer: Error | undefined = new AuroraRpcError('snapshot', ResponseCode.ERROR_TRANSIENT, [
    'Storage is not READY',
  ]);
  let calls = 0;
  const ctx = {
    ...ctxAt(2_000),
    fx: {
      now: () => new Date(Date.parse(STARTED) + 2_000),
      admin: () => ({
        snapshot: async () => {
          calls++;
          if (answer) throw answer;
        },
      }),
    },
  } as unknown as StepContext;
  const action = {
    call: 'snapshot' as const,
    target: { pod: 'example-0', host: '127.0.9.1', port: 8081 },
    stamp: 'logSnapshotAt' as const,
    message: 'written',
  };
  const waiting = await performRpc(action, ctx, 'Commit');
  assert.is(waiting.requeueAfterMs, STORAGE_POLL_MS);
  assert.match(
    waiting.message ?? '',
    /log snapshot not written yet: the leader's storage is not READY for 2 s/,
  );
  assert.is(waiting.status, undefined, 'no stamp while refused');
  answer = Object.assign(new Error('connect ECONNREFUSED 127.0.9.1:8081'), { code: 'ECONNREFUSED' });
  try {
    await performRpc(action, ctx, 'Commit');
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.match(String(err), /ECONNREFUSED/);
  }
  answer = undefined;
  const written = await performRpc(action, ctx, 'Commit');
  assert.ok(written.status?.logSnapshotAt, 'stamped once the snapshot was written');
  assert.is(calls, 3);
});

test.run();
