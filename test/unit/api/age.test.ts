// formatAgeMs: milliseconds in, at most two units out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatAgeMs } from '../../../src/api/age.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('formatAgeMs reads milliseconds, not seconds', () => {
  assert.is(formatAgeMs(90), '0s');
  assert.is(formatAgeMs(90 * S), '1m30s');
});

test('formatAgeMs rounds to the second and never goes below zero', () => {
  assert.is(formatAgeMs(0), '0s');
  assert.is(formatAgeMs(499), '0s');
  assert.is(formatAgeMs(500), '1s');
  assert.is(formatAgeMs(59_499), '59s');
  assert.is(formatAgeMs(-5 * S), '0s');
});

test('formatAgeMs keeps the two largest units', () => {
  assert.is(formatAgeMs(42 * S), '42s');
  assert.is(formatAgeMs(M), '1m');
  assert.is(formatAgeMs(3 * M + 5 * S), '3m5s');
  assert.is(formatAgeMs(3 * H + 4 * M + 59 * S), '3h4m');
  assert.is(formatAgeMs(12 * H), '12h0m');
  assert.is(formatAgeMs(2 * D + 3 * H + 30 * M), '2d3h');
});

test.run();
