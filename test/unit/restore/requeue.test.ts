// How soon a restore looks again: at once after a checkpoint, soon after an action's first run (most finish at
// once), and at the active poll while a step keeps waiting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reconcileAuroraRestore } from '../../../src/restore/reconcile.ts';
import { RestoreWorld } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { BACKUP, makeRestore } from './fixtures.ts';

test('an action is verified 200 ms after its first run and polled at the active interval after that', async () => {
  const world = new RestoreWorld({
    cluster: makeCluster(),
    restore: makeRestore(),
    tasks: ['old-prod-web-0'],
    backup: {
      id: BACKUP,
      tasks: ['www-prod-web-0'],
      ordinal: 2,
      takenAt: '2024-01-31T23:00:10.000Z',
      size: 1,
    },
  });
  const seen: string[] = [];
  for (let pass = 0; pass < 40 && world.restore().status?.step !== 'Configure'; pass++) {
    const before = world.restore().status;
    const step = before?.step;
    const result = await reconcileAuroraRestore(`${world.namespace}/r1`, world.deps());
    const now = world.restore().status?.step;
    seen.push(`${now ?? '-'}:${result.requeueAfterMs}`);
    if (step === 'StopSchedulers' && now === 'StopSchedulers') break;
    // the pods stop only after one more tick, so StopSchedulers runs twice
    if (now !== 'StopSchedulers') world.tick();
  }
  assert.ok(seen.includes('Validate:200'), seen.join(' '));
  assert.ok(seen.includes('StopSchedulers:200'), seen.join(' '));
  assert.ok(
    seen.includes('StopSchedulers:1000'),
    `a waiting step polls at the active interval: ${seen.join(' ')}`,
  );
});

test.run();
