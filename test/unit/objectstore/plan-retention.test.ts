// The retention plan: keepLast and maxAge each delete what they say, together the union, and neither ever takes
// the newest backup or the newest verified one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planRetention, type RetainedBackup } from '../../../src/objectstore/plan-retention.ts';

const DAY = 24 * 3600 * 1000;
const NOW = new Date('2026-12-06T00:00:00Z');

/** backups one per day, the newest `newestAgeDays` before NOW; index 0 is the oldest */
function daily(count: number, newestAgeDays = 0, verified: number[] = []): RetainedBackup[] {
  return Array.from({ length: count }, (_, i) => {
    const time = new Date(NOW.getTime() - (count - 1 - i + newestAgeDays) * DAY);
    return { name: `b${String(i).padStart(2, '0')}`, time, verified: verified.includes(i) };
  });
}

test('no policy deletes nothing', () => {
  assert.equal(planRetention(daily(5), {}, NOW), []);
});

test('keepLast keeps exactly that many newest, deletes the rest oldest first', () => {
  assert.equal(planRetention(daily(5), { keepLast: 2 }, NOW), ['b00', 'b01', 'b02']);
});

test('maxAge deletes what is older than the age, not what is exactly that old', () => {
  assert.equal(planRetention(daily(5), { maxAgeMs: 2 * DAY }, NOW), ['b00', 'b01']);
});

test('both policies delete the union: whichever deletes more wins', () => {
  assert.equal(planRetention(daily(6), { keepLast: 4, maxAgeMs: 2 * DAY }, NOW), ['b00', 'b01', 'b02']);
  assert.equal(planRetention(daily(6), { keepLast: 2, maxAgeMs: 4 * DAY }, NOW), [
    'b00',
    'b01',
    'b02',
    'b03',
  ]);
});

test('the newest backup is kept even when every backup is too old or keepLast is 0', () => {
  const old = daily(3, 100);
  assert.equal(planRetention(old, { maxAgeMs: DAY }, NOW), ['b00', 'b01']);
  assert.equal(planRetention(old, { keepLast: 0 }, NOW), ['b00', 'b01']);
});

test('the newest verified backup is kept too, older verified ones are not protected', () => {
  assert.equal(planRetention(daily(5, 0, [0, 2]), { keepLast: 1 }, NOW), ['b00', 'b01', 'b03']);
});

test('input order does not matter: newest is by time', () => {
  assert.equal(planRetention([...daily(4)].reverse(), { keepLast: 1 }, NOW), ['b00', 'b01', 'b02']);
});

test('an empty list plans nothing', () => {
  assert.equal(planRetention([], { keepLast: 0, maxAgeMs: 0 }, NOW), []);
});

test.run();
