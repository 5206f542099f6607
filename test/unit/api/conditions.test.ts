import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findCondition, setCondition, type Condition } from '../../../src/api/conditions.ts';

const T0 = new Date('2024-01-01T00:00:00Z');
const T1 = new Date('2024-01-01T01:00:00Z');

test('setCondition appends a new condition stamped with now', () => {
  const out = setCondition(
    [],
    { type: 'Ready', status: 'False', reason: 'WaitingForQuorum', message: 'm' },
    T0,
  );
  assert.equal(out, [
    {
      type: 'Ready',
      status: 'False',
      reason: 'WaitingForQuorum',
      message: 'm',
      lastTransitionTime: T0.toISOString(),
    },
  ]);
});

test('setCondition keeps lastTransitionTime while the status is unchanged', () => {
  const before = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, T0);
  const same = setCondition(before, { type: 'Ready', status: 'False', reason: 'B', message: 'b' }, T1);
  assert.is(same[0]?.lastTransitionTime, T0.toISOString());
  assert.is(same[0]?.reason, 'B');
  const flipped = setCondition(same, { type: 'Ready', status: 'True', reason: 'C', message: 'c' }, T1);
  assert.is(flipped[0]?.lastTransitionTime, T1.toISOString());
});

test('setCondition replaces in place, leaves other types alone and does not mutate', () => {
  const start: Condition[] = [
    { type: 'Ready', status: 'True', reason: 'R', message: '', lastTransitionTime: T0.toISOString() },
    { type: 'Degraded', status: 'False', reason: 'D', message: '', lastTransitionTime: T0.toISOString() },
  ];
  const frozen = JSON.stringify(start);
  const out = setCondition(
    start,
    { type: 'Ready', status: 'False', reason: 'X', message: '', observedGeneration: 2 },
    T1,
  );
  assert.equal(
    out.map((c) => c.type),
    ['Ready', 'Degraded'],
  );
  assert.is(findCondition(out, 'Ready')?.observedGeneration, 2);
  assert.is(findCondition(out, 'Degraded'), start[1]);
  assert.is(JSON.stringify(start), frozen);
});

test.run();
