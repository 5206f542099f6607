// The task-read plan against what bench/task-read.ts measured: each read fits in half the timeout planned for it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_TIMEOUT_SHARE } from '../../../bench/task-read-targets.ts';
import { planTaskRead } from '../../../src/diagnostics/task-read-plan.ts';

// the slowest cold reads of a real simulated leader seen on a loaded 2-CPU machine (load average 10)
const MEASURED = [
  { total: 1_010, readMs: 116 },
  { total: 10_010, readMs: 2385 },
  { total: 20_010, readMs: 3695 },
];

test('the planned timeout leaves each measured read half of it to spare', () => {
  for (const { total, readMs } of MEASURED) {
    const plan = planTaskRead({ total, failedOrLost: 10 }, 2000);
    assert.ok(plan, `a read is planned for ${total} tasks`);
    assert.ok(
      readMs <= plan.timeoutMs * MAX_TIMEOUT_SHARE,
      `${total} tasks: ${readMs} ms read, ${plan.timeoutMs} ms timeout`,
    );
  }
});

test.run();
