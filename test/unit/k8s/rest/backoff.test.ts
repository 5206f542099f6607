// The informers' restart back-off: 0.8 s doubling to a 30 s cap with jitter, reset only after a stable period,
// and the informer waiting it out between failed LISTs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Backoff,
  INFORMER_BACKOFF,
  planBackoff,
  type BackoffState,
} from '../../../../src/k8s/rest/backoff.ts';
import { ListWatch } from '../../../../src/k8s/rest/list-watch.ts';
import { startFakeApiServer, status } from '../../../support/fake-apiserver.ts';
import { PATH, until, type Obj } from './list-watch-fixtures.ts';

const middle = () => 0.5;

test('the delay doubles from 0.8 s and stops at 30 s while failures come close together', () => {
  let state: BackoffState | undefined;
  let now = 0;
  const delays: number[] = [];
  for (let i = 0; i < 9; i++) {
    const planned = planBackoff(INFORMER_BACKOFF, state, now, middle);
    delays.push(planned.delayMs);
    state = planned.state;
    now += planned.delayMs + 1000; // each restart fails again a second later
  }
  assert.equal(delays, [800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000, 30_000]);
});

test('jitter spreads the delay by a quarter either way', () => {
  const at = (r: number) => planBackoff(INFORMER_BACKOFF, undefined, 0, () => r).delayMs;
  assert.is(at(0), 600);
  assert.is(at(0.999_999), 1000);
  const capped = { failures: 20, runningSince: 0 };
  assert.is(planBackoff(INFORMER_BACKOFF, capped, 1000, () => 0).delayMs, 22_500);
  assert.is(planBackoff(INFORMER_BACKOFF, capped, 1000, () => 0.999_999).delayMs, 37_500);
});

test('only a stable period since the last restart resets the sequence', () => {
  const capped: BackoffState = { failures: 10, runningSince: 1_000_000 };
  const soon = planBackoff(INFORMER_BACKOFF, capped, 1_000_000 + 119_000, middle);
  assert.is(soon.delayMs, 30_000, 'a failure within two minutes keeps the cap');
  const later = planBackoff(INFORMER_BACKOFF, capped, 1_000_000 + 120_000, middle);
  assert.is(later.delayMs, 800, 'two minutes without a failure start again at 0.8 s');
  assert.equal(later.state, { failures: 1, runningSince: 1_000_000 + 120_000 + 800 });
});

test('Backoff keeps the state between failures', () => {
  let now = 0;
  const backoff = new Backoff(INFORMER_BACKOFF, () => now, middle);
  assert.is(backoff.nextDelayMs(), 800);
  now += 900;
  assert.is(backoff.nextDelayMs(), 1600);
  now += 200_000;
  assert.is(backoff.nextDelayMs(), 800);
});

test('the informer waits out its back-off between failed LISTs', async () => {
  const api = await startFakeApiServer((_req, res) => status(res, 500, 'InternalError', 'down'));
  try {
    const policy = { initialMs: 40, maxMs: 160, resetAfterMs: 60_000, jitter: 0 };
    const informer = new ListWatch<Obj>(api.client(), PATH, { backoff: policy });
    const at: number[] = [];
    informer.on('error', () => at.push(Date.now()));
    const started = informer.start().catch(() => undefined);
    await until('four failed LISTs', () => at.length >= 4);
    await informer.stop();
    await started;
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    assert.ok(
      gaps[0]! >= 38 && gaps[1]! >= 78 && gaps[2]! >= 158,
      `gaps ${gaps.join(', ')} grow 40, 80, 160`,
    );
  } finally {
    await api.close();
  }
});

test.run();
