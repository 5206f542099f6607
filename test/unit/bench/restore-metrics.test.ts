// The restore benchmark reads the restore controller's reconcile counters from the operator's /metrics text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffCounters, parseCounters } from '../../../bench/restore-metrics.ts';

const exposition = (passes: number, slow: number, seconds: number, errors: number): string =>
  [
    `aurora_operator_reconcile_total{controller="aurorarestore",result="requeue"} ${passes}`,
    `aurora_operator_reconcile_errors_total{controller="aurorarestore"} ${errors}`,
    `aurora_operator_reconcile_duration_seconds_bucket{le="0.5",controller="aurorarestore"} ${passes - slow - 1}`,
    `aurora_operator_reconcile_duration_seconds_bucket{le="1",controller="aurorarestore"} ${passes - slow}`,
    `aurora_operator_reconcile_duration_seconds_sum{controller="aurorarestore"} ${seconds}`,
    `aurora_operator_reconcile_duration_seconds_count{controller="aurorarestore"} ${passes}`,
    // the cluster controller's counters are not the restore's
    `aurora_operator_reconcile_duration_seconds_count{controller="auroracluster"} 999`,
  ].join('\n');

test('only the restore controller is counted; passes over 1 s come from the histogram', () => {
  assert.equal(parseCounters(exposition(40, 2, 6.5, 1)), {
    passes: 40,
    errors: 1,
    seconds: 6.5,
    slowPasses: 2,
  });
});

test('a restore is the difference of two scrapes', () => {
  const d = diffCounters(parseCounters(exposition(10, 0, 1, 0)), parseCounters(exposition(50, 3, 9.25, 2)));
  assert.equal(d, { passes: 40, errors: 2, seconds: 8.25, slowPasses: 3 });
});

test.run();
