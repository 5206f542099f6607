// The kubelet's crash-loop backoff as the pod runtime restarts containers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeletBackoff, RestartBackoff } from '../../../world/local-env/pod-runtime/backoff.ts';

test('first restart is immediate, then the base doubling up to the cap', () => {
  const b = new RestartBackoff({ baseMs: 10, maxMs: 75, resetAfterMs: 1000 });
  const delays = Array.from({ length: 7 }, () => b.delayAfterExit(1));
  assert.equal(delays, [0, 10, 20, 40, 75, 75, 75]);
});

test('a run at least resetAfterMs long starts over with an immediate restart', () => {
  const b = new RestartBackoff({ baseMs: 10, maxMs: 75, resetAfterMs: 1000 });
  assert.equal([b.delayAfterExit(1), b.delayAfterExit(1), b.delayAfterExit(1)], [0, 10, 20]);
  assert.is(b.delayAfterExit(999), 40, 'just short of the reset keeps doubling');
  assert.is(b.delayAfterExit(1000), 0, 'exactly resetAfterMs resets');
  assert.is(b.delayAfterExit(1), 10);
  assert.is(b.delayAfterExit(5000), 0);
});

test('each container has its own backoff', () => {
  const a = new RestartBackoff(kubeletBackoff);
  const b = new RestartBackoff(kubeletBackoff);
  a.delayAfterExit(1);
  a.delayAfterExit(1);
  assert.is(b.delayAfterExit(1), 0);
  assert.is(a.delayAfterExit(1), 20_000);
});

test('the kubelet policy: 10 s base, 5 min cap, reset after 10 min', () => {
  assert.equal(kubeletBackoff, { baseMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 });
  const b = new RestartBackoff(kubeletBackoff);
  const delays = Array.from({ length: 8 }, () => b.delayAfterExit(0));
  assert.equal(delays, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
});

test.run();
