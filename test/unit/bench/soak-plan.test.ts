// The soak's nemesis schedule: replayable from its seed, restores placed and alternated, every fault kind drawn,
// pauses within their bounds, and no leader operator kill in the second half.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSoakArgs } from '../../../bench/soak-args.ts';
import { effectiveFault, FAULT_KINDS, planSoak, stepsFor } from '../../../bench/soak-plan.ts';

test('the same seed gives the same steps, another seed other steps', () => {
  assert.equal(planSoak({ seed: 7, steps: 40 }), planSoak({ seed: 7, steps: 40 }));
  assert.not.equal(planSoak({ seed: 7, steps: 40 }), planSoak({ seed: 8, steps: 40 }));
});

test('every fourth step from the second is a restore, alternating Staged and Offline', () => {
  const steps = planSoak({ seed: 3, steps: 20 });
  const restores = steps.flatMap((s, i) => (s.type === 'restore' ? [[i, s.strategy]] : []));
  assert.equal(
    restores.map(([i]) => i),
    [1, 5, 9, 13, 17],
  );
  const strategies = restores.map(([, s]) => s);
  for (let i = 1; i < strategies.length; i++) assert.is.not(strategies[i], strategies[i - 1]);
  // a 3-minute smoke run reaches the second step, so it always runs one restore
  assert.is(planSoak({ seed: 99, steps: stepsFor(3) })[1]?.type, 'restore');
});

test('over many steps every fault kind is drawn; pauses and gaps stay within their bounds', () => {
  const steps = planSoak({ seed: 11, steps: 400, gapS: [10, 20], pauseS: [4, 25] });
  const faults = steps.flatMap((s) => (s.type === 'fault' ? [s.fault] : s.during ? [s.during.fault] : []));
  assert.equal([...new Set(faults.map((f) => f.kind))].sort(), [...FAULT_KINDS].sort());
  for (const f of faults) {
    if (f.kind.startsWith('pause-'))
      assert.ok(f.pauseS !== undefined && f.pauseS >= 4 && f.pauseS <= 25, `${f.pauseS}`);
    else assert.is(f.pauseS, undefined);
  }
  assert.ok(steps.every((s) => s.gapS >= 10 && s.gapS <= 20));
  const mid = steps.filter((s) => s.type === 'restore' && s.during);
  assert.ok(mid.length > 20 && mid.length < 80, `${mid.length} of 100 restores with a fault in the middle`);
  assert.ok(
    mid.every((s) => s.type === 'restore' && s.during && s.during.afterS >= 1 && s.during.afterS <= 15),
  );
  assert.equal(
    planSoak({ seed: 11, steps: 40, midRestoreFaultRate: 0 }).filter((s) => s.type === 'restore' && s.during),
    [],
  );
});

test('a leader operator kill in the second half hits the standby; other faults are unchanged', () => {
  const kill = { kind: 'kill-operator-leader' } as const;
  assert.equal(effectiveFault(kill, 100, 600), kill);
  assert.equal(effectiveFault(kill, 300, 600), { kind: 'kill-operator-standby' });
  const pause = { kind: 'pause-leader', pauseS: 9 } as const;
  assert.equal(effectiveFault(pause, 500, 600), pause);
});

test('options: minutes, --smoke, seed, bounds; bad values refused', () => {
  const d = parseSoakArgs([], 42);
  assert.equal([d.minutes, d.seed, d.recoveryBoundS, d.rssTolerance, d.jobIntervalS], [60, 42, 120, 0.2, 5]);
  assert.is(parseSoakArgs(['--smoke'], 1).minutes, 3);
  assert.equal(
    [parseSoakArgs(['--minutes', '30', '--seed=5'], 1).minutes, parseSoakArgs(['--seed=5'], 1).seed],
    [30, 5],
  );
  assert.is(parseSoakArgs(['--recovery-bound-s', '90'], 1).recoveryBoundS, 90);
  assert.equal(
    [d.lane, parseSoakArgs(['--lane', '1'], 1).lane, parseSoakArgs(['--lane=12'], 1).lane],
    [0, 1, 9],
  );
  assert.throws(() => parseSoakArgs(['--minutes', '0'], 1), /--minutes needs an integer >= 1/);
  assert.throws(() => parseSoakArgs(['--seed', 'x'], 1), /--seed needs an integer/);
  assert.throws(() => parseSoakArgs(['--minutes'], 1), /--minutes needs/);
  assert.throws(() => parseSoakArgs(['--nope'], 1), /unknown option --nope/);
});

test.run();
