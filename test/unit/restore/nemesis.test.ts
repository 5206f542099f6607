// Whole restores under a seeded schedule of ordinary faults that then clear (test/support/nemesis.ts): Staged and
// Offline end Succeeded with exactly the backup's tasks, or Failed only when a terminal fault was injected and
// then with the pre-restore tasks and the cluster back in the normal configuration; no replica is wiped twice.
// AURORA_NEMESIS_SEEDS=N runs N seeds (CI: 300); AURORA_NEMESIS_SEED=S replays one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withKubeFaults } from '../../support/faulty-kube.ts';
import { drawPlan, Nemesis, type NemesisPlan } from '../../support/nemesis.ts';
import { RestoreWorld } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { BACKUP, makeRestore } from './fixtures.ts';

const BEFORE = ['old-prod-web-0', 'old-prod-web-1'];
const BACKUP_TASKS = ['www-prod-web-0', 'www-prod-web-1', 'www-prod-api-0', 'ops-prod-cron-0'];
const DELETE = { taskIds: ['www-prod-web-1'], jobKeys: ['ops/prod/cron'] };
const STAGED_RESULT = ['www-prod-api-0', 'www-prod-web-0'];

const single = process.env['AURORA_NEMESIS_SEED'];
const count = Number(process.env['AURORA_NEMESIS_SEEDS'] ?? 300);
const seeds = single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => i + 1);

function worldFor(plan: NemesisPlan): RestoreWorld {
  const staged = plan.strategy === 'Staged';
  const world = new RestoreWorld({
    cluster: makeCluster(),
    restore: makeRestore({
      strategy: plan.strategy,
      ...(staged ? { deleteTasks: DELETE } : {}),
      ...(plan.approval && staged ? { approval: { required: true } } : {}),
    }),
    tasks: BEFORE,
    backup: { id: BACKUP, tasks: BACKUP_TASKS, ordinal: 2, takenAt: '2024-01-31T23:00:10.000Z', size: 1234 },
  });
  if (plan.terminal === 'unreadable-backup') world.aurora.unreadable.set(BACKUP, 'truncated snapshot');
  if (plan.terminal === 'stage-error') world.aurora.stageError = 'Failed to load backup: corrupt snapshot';
  return world;
}

interface Outcome {
  phases: string[];
  passes: number;
  problems: string[];
}

async function runSeed(seed: number): Promise<{ plan: NemesisPlan; nemesis: Nemesis; outcome: Outcome }> {
  const plan = drawPlan(seed);
  const world = worldFor(plan);
  const nemesis = new Nemesis(plan);
  nemesis.install(world);
  const problems: string[] = [];
  const log = await world.drive({
    maxPasses: 4000,
    operatorKube: withKubeFaults(world.kube, nemesis.kubeFault),
    readFault: nemesis.readFault,
    beforePass: (w) => {
      nemesis.beforePass(w);
      if (w.restore().status?.phase === 'AwaitingApproval') {
        w.patchRestoreSpec({ approval: { required: true, approved: true } });
      }
    },
  });
  const summary = world.summary();
  const phase = log.phases.at(-1);
  const normal =
    summary.mode === 'normal' && !summary.lock && !summary.restoreConfig && !summary.networkPolicy;
  if (!normal) problems.push(`left in recovery mode or locked: ${JSON.stringify(summary)}`);
  if (summary.wipes.some((w) => w > 1))
    problems.push(`a replica was wiped twice: ${summary.wipes.join(',')}`);
  if (plan.terminal === 'none') {
    if (phase !== 'Succeeded')
      problems.push(`ended ${phase ?? 'unfinished'} with no terminal fault injected`);
    const failedOnTheWay = log.phases.filter((p) => p === 'Failed' || p === 'RollingBack');
    if (failedOnTheWay.length > 0) problems.push(`passed through ${failedOnTheWay.join(', ')}`);
    const expected = plan.strategy === 'Staged' ? STAGED_RESULT : BACKUP_TASKS;
    if (summary.log.join() !== [...expected].sort().join())
      problems.push(`the log holds ${summary.log.join(',')}`);
  } else {
    if (phase !== 'Failed') problems.push(`ended ${phase ?? 'unfinished'} with ${plan.terminal} injected`);
    if (summary.log.join() !== [...BEFORE].sort().join())
      problems.push(`after the failure the log holds ${summary.log.join(',')}`);
  }
  return { plan, nemesis, outcome: { phases: log.phases, passes: log.passes, problems } };
}

test(`nemesis: ${seeds.length} seeded fault schedules over whole Staged and Offline restores`, async () => {
  const failing: string[] = [];
  const totals = { faults: 0, terminal: 0, staged: 0, offline: 0 };
  for (const seed of seeds) {
    const { plan, nemesis, outcome } = await runSeed(seed);
    totals.faults += Object.values(nemesis.counts).reduce((a, b) => a + b, 0);
    if (plan.terminal !== 'none') totals.terminal++;
    if (plan.strategy === 'Staged') totals.staged++;
    else totals.offline++;
    if (outcome.problems.length > 0) {
      failing.push(
        `seed ${seed} (${plan.strategy}, terminal ${plan.terminal}, faults ${JSON.stringify(nemesis.counts)}, ` +
          `phases ${outcome.phases.join('>')}): ${outcome.problems.join('; ')}\n` +
          `  replay: AURORA_NEMESIS_SEED=${seed} npx uvu test/unit/restore nemesis`,
      );
    }
  }
  if (single === undefined) {
    // the schedules must really hurt: most seeds draw faults and some inject a terminal one
    assert.ok(totals.faults > seeds.length * 5, `only ${totals.faults} faults over ${seeds.length} seeds`);
    if (seeds.length >= 100) assert.ok(totals.terminal > 0 && totals.staged > 0 && totals.offline > 0);
  }
  console.log(
    `nemesis: ${seeds.length} seeds (${totals.staged} Staged, ${totals.offline} Offline, ${totals.terminal} with a terminal fault), ${totals.faults} faults injected, ${failing.length} failing`,
  );
  assert.equal(failing, [], failing.join('\n'));
});

test.run();
