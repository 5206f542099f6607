// The committed CRDs must equal what the generator produces now; regenerate with `npm run crds`.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderCrdFiles } from '../../../src/crd/write-crds.ts';

const ROOT = new URL('../../../', import.meta.url);

test('crds/ and charts/aurora-operator/crds/ hold exactly the generated CRDs', () => {
  const files = renderCrdFiles();
  assert.equal([...files.keys()].sort(), [
    'charts/aurora-operator/crds/aurora-operator.io_auroraclusters.yaml',
    'charts/aurora-operator/crds/aurora-operator.io_aurorarestores.yaml',
    'crds/aurora-operator.io_auroraclusters.yaml',
    'crds/aurora-operator.io_aurorarestores.yaml',
  ]);
  for (const [path, expected] of files) {
    let committed = '';
    try {
      committed = readFileSync(new URL(path, ROOT), 'utf8');
    } catch {
      assert.unreachable(`${path} is missing; run npm run crds`);
    }
    assert.ok(committed === expected, `${path} drifted from src/api; run npm run crds and commit the result`);
  }
});

test.run();
