import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WorkQueue } from '../../../src/controller/work-queue.ts';

test('repeated adds of one key collapse into one item', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('a');
  q.add('b');
  assert.is(q.depth(), 2);
  assert.is(await q.get(), 'a');
  assert.is(await q.get(), 'b');
});

test('a key being processed is not handed out again until done, then comes back once', async () => {
  const q = new WorkQueue();
  q.add('a');
  const first = await q.get();
  q.add('a');
  q.add('a');
  assert.is(q.depth(), 0, 'not queued while in flight');
  q.done(first ?? '');
  assert.is(q.depth(), 1);
  assert.is(await q.get(), 'a');
});

test('a waiting worker receives a key added later', async () => {
  const q = new WorkQueue();
  const pending = q.get();
  q.add('x');
  assert.is(await pending, 'x');
});

test('rate-limited adds back off exponentially up to the cap and forget resets', () => {
  const q = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 350 });
  assert.equal(
    [q.addRateLimited('k'), q.addRateLimited('k'), q.addRateLimited('k'), q.addRateLimited('k')],
    [100, 200, 350, 350],
  );
  q.forget('k');
  assert.is(q.failures('k'), 0);
  assert.is(q.addRateLimited('k'), 100);
  q.shutDown();
});

test('addAfter keeps the earliest wake-up and delivers the key', async () => {
  const q = new WorkQueue();
  // the queue's timers are unref'd by design, so the test keeps the event loop alive itself
  const keepAlive = setTimeout(() => undefined, 2000);
  q.addAfter('k', 5000);
  q.addAfter('k', 10);
  const key = await q.get();
  clearTimeout(keepAlive);
  assert.is(key, 'k');
  q.shutDown();
});

test('shutDown releases waiting workers with undefined', async () => {
  const q = new WorkQueue();
  const pending = q.get();
  q.shutDown();
  assert.is(await pending, undefined);
});

test.run();
