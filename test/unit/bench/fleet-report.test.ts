// The fleet benchmark's report lines and options: verdicts against targets, the printed format, and the flags.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFleetArgs } from '../../../bench/fleet-args.ts';
import { sampleNames } from '../../../bench/fleet-leader.ts';
import { atLeast, atMost, formatCounts, formatLine, info, misses } from '../../../bench/fleet-report.ts';

test('verdicts: at most and at least, bounds included', () => {
  assert.is(atMost('x', 1000, 1000).verdict, 'ok');
  assert.is(atMost('x', 1000.5, 1000).verdict, 'MISS');
  assert.is(atLeast('x', 0.5, 0.5).verdict, 'ok');
  assert.is(atLeast('x', 0.49, 0.5).verdict, 'MISS');
  assert.is(misses([atMost('a', 2, 1), atLeast('b', 2, 1), info('c', 'd'), atMost('e', 0.1, 0)]), 2);
});

test('a line: verdict, name, measured / target; info lines have no target', () => {
  assert.is(
    formatLine(atMost('leader cleared', 812.3456, 1000, ' ms')),
    `ok    ${'leader cleared'.padEnd(50)} 812.346 ms / <= 1000 ms`,
  );
  assert.is(formatLine(atLeast('share', 0.25, 0.5)), `MISS  ${'share'.padEnd(50)} 0.25 / >= 0.5`);
  assert.is(formatLine(info('machine', '2 CPUs')), `info  ${'machine'.padEnd(50)} 2 CPUs`);
});

test('counts: largest first, ties by name, a tail beyond the limit', () => {
  const counts = new Map([
    ['get pods', 2],
    ['patch auroraclusters/status', 5],
    ['create events', 2],
  ]);
  assert.is(formatCounts(counts), 'patch auroraclusters/status=5 create events=2 get pods=2');
  assert.is(formatCounts(counts, 1), 'patch auroraclusters/status=5 (+2 more)');
  assert.is(formatCounts(new Map()), 'none');
});

test('options: defaults, --smoke defaults under explicit flags, bad values refused', () => {
  const d = parseFleetArgs([]);
  assert.equal(
    [d.clusters, d.replicas, d.fleet, d.idleSeconds, d.leaderSamples, d.strict],
    [100, 3, true, 120, 5, false],
  );
  const s = parseFleetArgs(['--clusters=6', '--smoke', '--no-fleet']);
  assert.equal([s.clusters, s.idleSeconds, s.leaderSamples, s.fleet, s.smoke], [6, 30, 2, false, true]);
  assert.is(parseFleetArgs(['--json', 'out.json', '--strict']).json, 'out.json');
  assert.throws(() => parseFleetArgs(['--clusters', '0']), /--clusters/);
  assert.throws(() => parseFleetArgs(['--replicas', '2']), /odd/);
  assert.throws(() => parseFleetArgs(['--nope']), /unknown option/);
});

test('leader samples spread over the Ready clusters', () => {
  const ready = Array.from({ length: 10 }, (_, i) => `c${i}`);
  assert.equal(sampleNames(ready, 5), ['c0', 'c2', 'c4', 'c6', 'c8']);
  assert.equal(sampleNames(ready.slice(0, 2), 5), ['c0', 'c1']);
  assert.equal(sampleNames(ready, 0), []);
});

test.run();
