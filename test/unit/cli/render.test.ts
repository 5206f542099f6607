import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { renderCluster } from '../../../src/cli/render-command.ts';
import { runCli } from './cli-fixture.ts';

const example = (name: string) => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

const cli = runCli;

test('render prints every object as multi-document YAML', async () => {
  const { code, out, err } = await cli(['render', '-f', example('aurora-cluster.yaml')]);
  assert.is(err, '');
  assert.is(code, 0);
  const docs = parseAllDocuments(out);
  assert.ok(Array.isArray(docs));
  const kinds = (docs as { toJS: () => { kind: string } }[]).map((d) => d.toJS().kind);
  assert.equal(kinds, ['ConfigMap', 'Service', 'Service', 'PodDisruptionBudget', 'StatefulSet']);
});

test('render -o json prints a List', async () => {
  const { code, out } = await cli(['render', '-f', example('aurora-cluster.yaml'), '-o', 'json']);
  assert.is(code, 0);
  const list = JSON.parse(out) as {
    kind: string;
    items: { kind: string; metadata: { namespace: string } }[];
  };
  assert.is(list.kind, 'List');
  assert.is(list.items.length, 5);
  assert.ok(list.items.every((i) => i.metadata.namespace === 'aurora'));
});

test('render reads stdin with -f - and supports recovery mode', async () => {
  const text = await readFile(example('aurora-cluster.yaml'), 'utf8');
  const { code, out } = await cli(['render', '-f', '-', '--mode', 'recovery'], text);
  assert.is(code, 0);
  assert.match(out, '-max_registration_delay=360mins');
});

test('invalid manifests exit 1 with path and message', async () => {
  const cases: [string, string][] = [
    ['invalid/even-replicas.yaml', 'spec.replicas: replicas must be odd'],
    ['invalid/bad-duration.yaml', 'spec.mesos.maxRegistrationDelay: must be an Aurora duration'],
    ['invalid/relative-path.yaml', 'spec.replicatedLog.path: must be an absolute path'],
  ];
  for (const [file, message] of cases) {
    const { code, out, err } = await cli(['render', '-f', example(file)]);
    assert.is(code, 1, file);
    assert.is(out, '');
    assert.match(err, message);
  }
});

test('bad usage, missing files and unknown commands are reported', async () => {
  assert.is((await cli(['render'])).code, 2);
  assert.is((await cli(['render', '-f', 'x.yaml', '-o', 'xml'])).code, 2);
  const missing = await cli(['render', '-f', '/nonexistent/cluster.yaml']);
  assert.is(missing.code, 1);
  assert.match(missing.err, 'cannot read');
  const unknown = await cli(['bogus']);
  assert.is(unknown.code, 2);
  assert.match(unknown.err, 'render');
});

test('renderCluster rejects YAML errors and multiple documents', () => {
  const broken = renderCluster('spec: [', 'yaml');
  assert.not.ok(broken.ok);
  const two = renderCluster('a: 1\n---\nb: 2\n', 'yaml');
  assert.equal(two, { ok: false, errors: ['expected exactly one AuroraCluster document, found 2'] });
  const wrongKind = renderCluster('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n', 'yaml');
  assert.ok(!wrongKind.ok && wrongKind.errors.some((e) => e.startsWith('apiVersion:')));
});

test('render --version checks the manifest as that Aurora release: a fork plugin flag passes on 0.27.0 only', async () => {
  const text = (await readFile(example('aurora-cluster.yaml'), 'utf8')).replace(
    '- -allowed_container_types=MESOS,DOCKER',
    '- -http_offer_set_endpoint=http://127.0.0.1:9090',
  );
  const fork = await cli(['render', '-f', '-', '--version', '0.27.0'], text);
  assert.is(fork.code, 0, fork.err);
  assert.match(fork.out, '-http_offer_set_endpoint=http://127.0.0.1:9090');
  // the example's image is tagged 0.22.0: rendered, with a warning on stderr
  assert.match(
    fork.err,
    'warning: ImageVersionMismatch: spec.image aurora-scheduler:0.22.0 is tagged 0.22.0',
  );
  const apache = await cli(['render', '-f', '-', '--version', '0.22.0'], text);
  assert.is(apache.code, 1);
  assert.match(apache.err, 'spec.extraArgs[0]: -http_offer_set_endpoint is a plugin flag of Aurora 0.24.0');
  const unknown = await cli(['render', '-f', '-', '--version', '0.28.0'], text);
  assert.is(unknown.code, 1);
  assert.match(unknown.err, 'spec.version: unknown Aurora version: the supported ones are 0.22.0');
  // without --version the image tag decides: 0.22.0 here
  assert.is((await cli(['render', '-f', '-'], text)).code, 1);
  const plain = await cli(['render', '-f', example('aurora-cluster.yaml')]);
  assert.is(plain.err, '', 'no warning when the tag and the version agree');
});

test('crds prints both CRDs', async () => {
  const { code, out } = await cli(['crds']);
  assert.is(code, 0);
  assert.match(out, 'name: auroraclusters.aurora-operator.io');
  assert.match(out, 'name: aurorarestores.aurora-operator.io');
});

test.run();
