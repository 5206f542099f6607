import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDataSize, parseDuration, timerMs } from '../../world/simulator/durations.ts';

test('parses every Aurora time unit', () => {
  assert.is(parseDuration('500ms'), 500);
  assert.is(parseDuration('15secs'), 15_000);
  assert.is(parseDuration('1mins'), 60_000);
  assert.is(parseDuration('1hrs'), 3_600_000);
  assert.is(parseDuration('21days'), 21 * 86_400_000);
  assert.is(parseDuration('2000us'), 2);
});

test('rejects forms Aurora rejects', () => {
  for (const bad of ['1min', '15', '1.5secs', 'secs', '15SECS', '-1secs', '1 secs']) {
    assert.throws(() => parseDuration(bad), /^Invalid time amount "/, bad);
  }
});

test('parses data sizes case-sensitively', () => {
  assert.is(parseDataSize('512KB'), 512 * 1024);
  assert.is(parseDataSize('128MB'), 128 * 1024 * 1024);
  assert.throws(() => parseDataSize('128mb'), /Invalid data amount "128mb"/);
});

test('caps timer delays below the Node overflow', () => {
  assert.is(timerMs(365 * 86_400_000), 2 ** 31 - 1);
});

test.run();
