// Validate refuses a restore of a cluster whose ZooKeeper paths another cluster owns, before it reads any backup.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performStep } from '../../../src/restore/perform-action.ts';
import type { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { createLogger } from '../../../src/log.ts';
import { validate } from '../../../src/restore/backup-steps.ts';
import type { StepContext } from '../../../src/restore/step.ts';
import { MemoryKube } from '../../support/memory-kube.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { makeRestore, runningWorld } from './fixtures.ts';

function ctxFor(cluster: AuroraCluster, asked: string[]): StepContext {
  return {
    restore: makeRestore(),
    world: runningWorld({ cluster }),
    fx: {
      kube: new MemoryKube(),
      agents: async () => {
        asked.push('agents');
        throw new Error('no agents in this test');
      },
      admin: () => {
        throw new Error('no admin in this test');
      },
      operatorPeer: { namespace: 'ops', matchLabels: { app: 'op' } },
      log: createLogger('test', 'silent'),
      now: () => new Date('2024-02-01T00:00:00.000Z'),
    },
    saveStatus: async () => undefined,
  };
}

function withDegraded(status: 'True' | 'False', reason: string): AuroraCluster {
  const cluster = makeCluster();
  cluster.status = {
    conditions: [
      {
        type: 'Degraded',
        status,
        reason,
        message: 'ZooKeeper path conflict: ... of AuroraCluster aurora/first ...',
        lastTransitionTime: '2024-02-01T00:00:00Z',
      },
    ],
  };
  return cluster;
}

test('Validate fails terminally with ZooKeeperPathConflict and reads no backup', async () => {
  const asked: string[] = [];
  const err = await performStep(validate, ctxFor(withDegraded('True', 'ZooKeeperPathConflict'), asked)).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, TerminalError);
  assert.is((err as TerminalError).code, 'ZooKeeperPathConflict');
  assert.match((err as Error).message, /aurora\/first/);
  assert.equal(asked, []);
});

test('another Degraded reason, or a resolved conflict, does not stop Validate', async () => {
  for (const cluster of [
    withDegraded('True', 'QuorumLost'),
    withDegraded('False', 'ZooKeeperPathConflict'),
  ]) {
    const asked: string[] = [];
    const err = await performStep(validate, ctxFor(cluster, asked)).then(
      () => undefined,
      (e: unknown) => e,
    );
    // it went on to look for the backup on the replicas' agents
    assert.ok(!(err instanceof TerminalError && err.code === 'ZooKeeperPathConflict'), String(err));
    assert.equal(asked, ['agents']);
  }
});

test.run();
