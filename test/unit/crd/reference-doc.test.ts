// docs/cluster-reference.md must equal what the generator produces from src/api now; regenerate with `npm run docs:reference`.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { AuroraClusterSpec, AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import { AURORA_CLUSTER } from '../../../src/api/group.ts';
import { buildCustomResourceDefinition } from '../../../src/crd/custom-resource-definition.ts';
import { REFERENCE_DOC_PATH, renderReferenceDoc } from '../../../src/crd/reference-doc.ts';

const ROOT = new URL('../../../', import.meta.url);

test('the committed cluster reference is the generated one', () => {
  let committed = '';
  try {
    committed = readFileSync(new URL(REFERENCE_DOC_PATH, ROOT), 'utf8');
  } catch {
    assert.unreachable(`${REFERENCE_DOC_PATH} is missing; run npm run docs:reference`);
  }
  assert.ok(
    committed === renderReferenceDoc(),
    `${REFERENCE_DOC_PATH} drifted from src/api; run npm run docs:reference and commit the result`,
  );
});

test('both kinds, spec and status, each field with type, default and description', () => {
  const doc = renderReferenceDoc();
  for (const heading of [
    'AuroraCluster `spec`',
    'AuroraCluster `status`',
    'AuroraRestore `spec`',
    'AuroraRestore `status`',
  ]) {
    assert.match(doc, `### ${heading}\n`);
  }
  assert.match(
    doc,
    '| `spec.image` | string | `"aurora-scheduler:0.22.0"` | not empty | Aurora scheduler image. |',
  );
  assert.match(
    doc,
    '| `spec.replicas` | integer (int32) | required | 1–7; CEL: replicas must be odd (1, 3, 5 or 7) |',
  );
  assert.match(doc, '| `spec.scheduling.tolerations[].effect` | string | — | one of `NoSchedule`');
  assert.match(doc, '| `spec.strategy` | string | `"Staged"` | one of `Staged`, `Offline` |');
  assert.match(doc, '| `status.members[].recentExits[].planned` | boolean | required |');
  const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
  for (const row of rows) {
    const cells = row.split(/(?<!\\)\|/).slice(1, -1);
    assert.is(cells.length, 5, `five cells: ${row}`);
    assert.ok(cells[4]?.trim() !== '', `every field has a description: ${row}`);
  }
});

test('a field added to a schema shows up in the reference with its type, default and description', () => {
  const crd = buildCustomResourceDefinition({
    names: AURORA_CLUSTER,
    description: 'Probe kind.',
    spec: AuroraClusterSpec.extend({
      probeField: z.number().int().min(2).max(9).default(3).describe('A probe field.'),
    }),
    status: AuroraClusterStatus,
    printerColumns: [],
  });
  assert.match(
    renderReferenceDoc([crd]),
    '| `spec.probeField` | integer (int32) | `3` | 2–9 | A probe field. |',
  );
  assert.not.match(renderReferenceDoc(), 'probeField');
});

test.run();
