// The table of condition types: what isProblem reads, the restore's conditions, and docs/diagnostics.md.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CONDITION_STATUSES,
  CONDITION_TYPES,
  conditionTypesOf,
  isProblem,
  type ConditionInput,
  type ConditionType,
  type RestoreConditionType,
} from '../../../src/api/conditions.ts';
import {
  markComplete,
  markFailed,
  markRolledBack,
  markRollingBack,
  markRunning,
} from '../../../src/restore/restore-status.ts';

const now = new Date('2026-11-21T10:00:00Z');
const TYPES = Object.keys(CONDITION_TYPES) as ConditionType[];

test('every type has its kinds, a good status or none, and a one-line meaning', () => {
  for (const type of TYPES) {
    const spec = CONDITION_TYPES[type];
    assert.ok(spec.kinds.length > 0, type);
    assert.ok([null, 'True', 'False'].includes(spec.good), type);
    assert.ok(spec.meaning.length > 0 && !spec.meaning.includes('\n'), type);
  }
  assert.equal(conditionTypesOf('AuroraRestore'), ['Progressing']);
  assert.ok(conditionTypesOf('AuroraCluster').includes('Progressing'));
});

test('isProblem is true exactly when the status is not the good one in the table', () => {
  for (const type of TYPES) {
    const { good } = CONDITION_TYPES[type];
    for (const status of CONDITION_STATUSES) {
      assert.is(isProblem({ type, status }), good !== null && status !== good, `${type}=${status}`);
    }
  }
});

test('isProblem on the familiar cases', () => {
  const rows: [string, string, boolean][] = [
    ['Ready', 'True', false],
    ['Ready', 'False', true],
    ['LeaderElected', 'Unknown', true],
    ['Degraded', 'False', false],
    ['Degraded', 'True', true],
    ['Progressing', 'True', false],
    ['Progressing', 'False', false],
    ['SomethingElse', 'False', false],
  ];
  for (const [type, status, problem] of rows)
    assert.is(isProblem({ type, status }), problem, `${type}=${status}`);
});

test('a condition type outside the table does not typecheck', () => {
  const body = { status: 'True', reason: 'R', message: '' } as const;
  // @ts-expect-error Readdy is a typo
  const typo: ConditionInput = { type: 'Readdy', ...body };
  // @ts-expect-error Ready is an AuroraCluster condition, not an AuroraRestore one
  const wrongKind: ConditionInput<RestoreConditionType> = { type: 'Ready', ...body };
  assert.ok(typo && wrongKind);
});

test("every condition an AuroraRestore's status gets is in the table for AuroraRestore", () => {
  const running = markRunning({}, 'Validate', 'Running', 'checking', now);
  const statuses = [
    running,
    markFailed(running, 'Validate', 'backup missing', now),
    markRollingBack(running, 'Validate', 'boom', now),
    markRolledBack(markRollingBack(running, 'Validate', 'boom', now), now),
    markComplete(running, 'Succeeded', now),
    markComplete(running, 'Cancelled', now),
  ];
  const restoreTypes: readonly string[] = conditionTypesOf('AuroraRestore');
  const written = new Set(statuses.flatMap((s) => (s.conditions ?? []).map((c) => c.type)));
  assert.ok(written.size > 0);
  for (const type of written) assert.ok(restoreTypes.includes(type), type);
});

test('docs/diagnostics.md names only table types, and those it says are good when True are', () => {
  const doc = readFileSync(new URL('../../../docs/diagnostics.md', import.meta.url), 'utf8');
  const section = doc.slice(
    doc.indexOf('## Conditions'),
    doc.indexOf('\n## ', doc.indexOf('## Conditions') + 1),
  );
  const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Symptom'));
  const named = rows.map((row) => /`(\w+)`/.exec(row.split('|')[2] ?? '')?.[1] ?? row);
  assert.ok(named.length > 0, 'no condition rows found under ## Conditions');
  for (const type of named) {
    assert.ok(type in CONDITION_TYPES, `${type} is not in CONDITION_TYPES`);
    assert.is(CONDITION_TYPES[type as ConditionType].good, 'True', type);
  }
});

test.run();
