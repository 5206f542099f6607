// The chart as users get it: lint-clean in strict mode, packaged with the version of the app it installs.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { CHART, chartTest, helm } from './chart-fixture.ts';

const PACKAGE = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

chartTest('helm lint --strict passes with no warning', () => {
  const out = helm(['lint', '--strict', CHART]);
  assert.match(out, '1 chart(s) linted, 0 chart(s) failed');
  assert.not.match(out, '[WARNING]');
  assert.not.match(out, '[ERROR]');
});

chartTest('the chart version follows the app version, and helm package names the archive with it', () => {
  const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as {
    version: string;
    appVersion: string;
  };
  assert.is(chart.appVersion, PACKAGE.version, 'appVersion is the package version (the image tag)');
  assert.is(chart.version, chart.appVersion, 'the chart is released with the app');
  const dir = mkdtempSync(join(tmpdir(), 'chart-package-'));
  helm(['package', CHART, '--destination', dir]);
  assert.equal(readdirSync(dir), [`aurora-operator-${PACKAGE.version}.tgz`]);
});

chartTest("NOTES tell how to point the chart at the image in the user's registry", () => {
  const notes = readFileSync(join(CHART, 'templates', 'NOTES.txt'), 'utf8');
  assert.match(notes, '--set image.repository=registry.example.com/aurora-operator');
  assert.match(notes, 'npm run image');
});

test.run();
