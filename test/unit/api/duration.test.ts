import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Duration, formatDuration, isDuration, parseDuration } from '../../../src/api/duration.ts';

test('parseDuration converts every Aurora unit to milliseconds', () => {
  assert.is(parseDuration('5ns'), 5e-6);
  assert.is(parseDuration('7us'), 0.007);
  assert.is(parseDuration('250ms'), 250);
  assert.is(parseDuration('15secs'), 15_000);
  assert.is(parseDuration('360mins'), 21_600_000);
  assert.is(parseDuration('1hrs'), 3_600_000);
  assert.is(parseDuration('365days'), 365 * 86_400_000);
});

test('forms Aurora rejects are rejected', () => {
  for (const bad of ['1min', '360min', '1h', '1 secs', 'secs', '-1secs', '1.5hrs', '1Hrs', '']) {
    assert.not.ok(isDuration(bad), bad);
    assert.throws(() => parseDuration(bad), /^invalid Aurora duration "/, bad);
    assert.not.ok(Duration.safeParse(bad).success, bad);
  }
});

test('formatDuration picks the largest exact unit and round-trips', () => {
  assert.is(formatDuration(3_600_000), '1hrs');
  assert.is(formatDuration(90_000), '90secs');
  assert.is(formatDuration(86_400_000 * 2), '2days');
  assert.is(formatDuration(1500), '1500ms');
  assert.is(formatDuration(0), '0ms');
  assert.is(formatDuration(0.5), '500us');
  for (const value of ['15secs', '1mins', '6hrs', '365days', '250ms']) {
    assert.is(formatDuration(parseDuration(value)), value);
  }
  assert.throws(() => formatDuration(-1), /cannot format -1 ms as an Aurora duration/);
});

test.run();
