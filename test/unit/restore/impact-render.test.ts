// restore-plan's and diagnose's text for the cron jobs and quotas of an impact: what changes, and what was not read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BackupSummary } from '../../../src/aurora/backup-summary.ts';
import { renderImpact } from '../../../src/cli/render-impact.ts';
import { computeImpact } from '../../../src/restore/impact.ts';

const backup: BackupSummary = {
  name: 'b',
  size: 1,
  timestamp: Date.parse('2024-02-01T00:00:00Z'),
  tasks: [],
  cronJobs: [{ job: 'www/prod/gone', schedule: '0 3 * * *', config: 'x' }],
  quotas: [{ role: 'www', resources: 'cpus 4, ram 8192 MiB, disk 1024 MiB' }],
};
const now = new Date('2024-02-01T01:00:00Z');

test('cron jobs by kind and a quota table with the backup and live values', () => {
  const impact = computeImpact(
    backup,
    {
      tasks: [],
      cronJobs: [{ job: 'batch/prod/nightly', schedule: '0 2 * * *', config: 'y' }],
      quotas: [{ role: 'www', resources: 'cpus 8, ram 8192 MiB, disk 1024 MiB' }],
    },
    now,
  );
  const text = renderImpact(impact);
  assert.match(text, 'Cron jobs: 2 change\n');
  assert.match(text, '  scheduled since the backup (removed by the restore) (1): batch/prod/nightly\n');
  assert.match(text, '  descheduled since (brought back) (1): www/prod/gone\n');
  assert.not.match(text, 'schedule or task config changed');
  assert.match(text, "Quotas: 1 change (the restore sets the backup's)\n");
  assert.match(
    text,
    /ROLE +BACKUP +LIVE\n +www +cpus 4, ram 8192 MiB, disk 1024 MiB +cpus 8, ram 8192 MiB, disk 1024 MiB\n/,
  );
});

test('an unread part says why; an unchanged one says no change', () => {
  const impact = computeImpact(
    backup,
    {
      tasks: [],
      quotas: [{ role: 'www', resources: 'cpus 4, ram 8192 MiB, disk 1024 MiB' }],
      unread: [{ part: 'cronJobs', reason: 'getJobs: HTTP 503' }],
    },
    now,
  );
  const text = renderImpact(impact);
  assert.match(text, 'Cron jobs: not compared (getJobs: HTTP 503)\n');
  assert.match(text, 'Quotas: no change\n');
});

test.run();
