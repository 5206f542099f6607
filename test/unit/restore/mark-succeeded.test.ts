// MarkSucceeded's action, and what whole restores leave on the replicas: a success marker only when they succeed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performStep } from '../../../src/restore/perform-action.ts';
import type { AgentClient, AgentEndpoint } from '../../../src/agent/agent-client.ts';
import { markSucceeded } from '../../../src/restore/backup-steps.ts';
import type { StepContext } from '../../../src/restore/step.ts';
import type { World } from '../../../src/restore/world.ts';
import type { RestoreWorld } from '../../support/restore-world.ts';
import { createLogger } from '../../../src/log.ts';
import { makeRestore, pod, runningWorld, UID } from './fixtures.ts';
import { stagedWorld } from './staged-world.ts';

/** recordingAgents answers markSucceeded and records each call; every other call is a test failure */
function recordingAgents(calls: string[]): AgentClient {
  const unused = (): Promise<never> => Promise.reject(new Error('not used by MarkSucceeded'));
  return {
    listBackups: unused,
    listMarkers: unused,
    checkBackup: unused,
    summarizeBackup: unused,
    copyBackup: unused,
    markSucceeded: async (at: AgentEndpoint, restoreId: string) =>
      void calls.push(`${at.host}:${at.port} ${restoreId}`),
  };
}

function ctxOf(world: World, agents: AgentClient): StepContext {
  return {
    restore: makeRestore(),
    world,
    fx: {
      kube: undefined as never,
      agents: async () => agents,
      admin: () => undefined as never,
      operatorPeer: { namespace: 'ops', matchLabels: { app: 'op' } },
      log: createLogger('test', 'silent'),
      now: () => new Date('2024-02-01T00:00:00.000Z'),
    },
    saveStatus: () => Promise.reject(new Error('MarkSucceeded saves no status')),
  };
}

test("the action asks only the agents of replicas without the marker, with the restore's uid", async () => {
  const calls: string[] = [];
  const world = runningWorld({
    lockHolder: 'r1',
    pods: [pod(0, { markers: [`${UID}.succeeded`] }), pod(1), pod(2, { markers: ['other.succeeded'] })],
  });
  const outcome = await performStep(markSucceeded, ctxOf(world, recordingAgents(calls)));
  assert.equal(calls.sort(), [`127.0.9.2:8084 ${UID}`, `127.0.9.3:8084 ${UID}`]);
  assert.match(outcome.message ?? '', `marked restore ${UID} succeeded on example-1, example-2`);
});

test('a replica without an IP fails the action before any agent is asked, so the step is retried', async () => {
  const calls: string[] = [];
  const { podIP: _ip, ...noIp } = pod(2);
  const world = runningWorld({ lockHolder: 'r1', pods: [pod(0), pod(1), noIp] });
  try {
    await performStep(markSucceeded, ctxOf(world, recordingAgents(calls)));
    assert.unreachable('the action must fail');
  } catch (err) {
    assert.match(String(err), 'example-2 has no IP yet');
  }
  assert.equal(calls, []);
});

const succeededOn = (world: RestoreWorld): number[] =>
  [...world.aurora.replicas.entries()]
    .filter(([, r]) => r.markers.includes(`${UID}.succeeded`))
    .map(([ordinal]) => ordinal)
    .sort();

test('a restore driven to Succeeded leaves the success marker on every replica', async () => {
  const world = stagedWorld();
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal(succeededOn(world), [0, 1, 2]);
  const timeline = world.restore().status?.timeline?.map((t) => t.step) ?? [];
  assert.equal(timeline.slice(-3), ['WaitReady', 'MarkSucceeded', 'Unlock']);
});

test('a cancelled restore marks no replica: its moved-aside logs must never expire', async () => {
  const world = stagedWorld();
  const log = await world.drive({
    beforePass: (w) => {
      const started = w.restore().status?.timeline?.some((t) => t.step === 'StartSchedulers' && t.finishedAt);
      if (started && !w.restore().spec.cancel) w.patchRestoreSpec({ cancel: true });
    },
  });
  assert.equal(log.phases.at(-1), 'Cancelled');
  assert.equal(succeededOn(world), []);
});

test.run();
