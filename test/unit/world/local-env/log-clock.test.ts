// The pod runtime's record of when container output arrived: written while a run lives, read to date lines and to
// find where output since a time starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  arrivalOf,
  readArrivals,
  sinceOffset,
  startLogClock,
  timesFileOf,
} from '../../../world/local-env/pod-runtime/log-clock.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-clock-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const arrivals = [
  { end: 10, ms: 1000 },
  { end: 25, ms: 2000 },
  { end: 40, ms: 3000 },
];

test('arrivalOf: the first record past the offset, else the fallback', () => {
  assert.is(arrivalOf(arrivals, 0, 9), 1000);
  assert.is(arrivalOf(arrivals, 9, 9), 1000);
  assert.is(arrivalOf(arrivals, 10, 9), 2000);
  assert.is(arrivalOf(arrivals, 39, 9), 3000);
  assert.is(arrivalOf(arrivals, 40, 9), 9);
  assert.is(arrivalOf([], 0, 9), 9);
});

test('sinceOffset: where output at or after a time starts', () => {
  assert.is(sinceOffset(arrivals, 500, 40, 0), 0);
  assert.is(sinceOffset(arrivals, 1500, 40, 0), 10);
  assert.is(sinceOffset(arrivals, 3000, 40, 0), 25);
  assert.is(sinceOffset(arrivals, 3500, 40, 3000), 40, 'nothing that recent');
  assert.is(sinceOffset(arrivals, 3500, 50, 4000), 40, 'unrecorded output dated by the mtime');
});

test('the clock records each growth of the file with its time, and the last one on stop', async () => {
  const logFile = path.join(dir, 'c', '0.log');
  let now = 5000;
  const clock = startLogClock(logFile, () => now);
  fs.appendFileSync(logFile, 'one\n');
  await sleep(300);
  now = 6000;
  fs.appendFileSync(logFile, 'two\n');
  clock.stop();
  assert.equal(readArrivals(timesFileOf(logFile)), [
    { end: 4, ms: 5000 },
    { end: 8, ms: 6000 },
  ]);
  assert.equal(readArrivals(path.join(dir, 'missing.times')), []);
});

test.run();
