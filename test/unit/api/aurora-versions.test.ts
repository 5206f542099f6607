import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { AuroraClusterSpec } from '../../../src/api/aurora-cluster.ts';
import {
  AURORA_VERSIONS,
  effectiveAuroraVersion,
  KNOWN_AURORA_VERSIONS,
  PLUGIN_FLAG_RULES,
  PLUGIN_FLAGS,
  pluginFlagProblem,
  versionOfImage,
  versionsWithFlag,
} from '../../../src/api/aurora-versions.ts';
import { SCHEDULER_FLAGS } from '../../../src/api/scheduler-flags.ts';

// the committed example without image and extraArgs, so each test picks them
const {
  image: _image,
  extraArgs: _extraArgs,
  ...MINIMAL
} = (
  parse(readFileSync(new URL('../../../examples/aurora-cluster.yaml', import.meta.url), 'utf8')) as {
    spec: Record<string, unknown>;
  }
).spec;

function issues(spec: object): string[] {
  const result = AuroraClusterSpec.safeParse({ ...MINIMAL, ...spec });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

test('the table: 0.22.0 to 0.27.0, Mesos per release, the timeout flag renamed in 0.26', () => {
  assert.equal(KNOWN_AURORA_VERSIONS, ['0.22.0', '0.23.0', '0.24.0', '0.24.2', '0.25.0', '0.26.0', '0.27.0']);
  assert.equal(
    AURORA_VERSIONS.map((v) => v.mesos),
    ['>= 1.5.0', '1.7.2', '1.8.1', '1.8.1', '1.8.1', '1.9.0', '1.9.0'],
  );
  for (const v of AURORA_VERSIONS) assert.is(v.imageTag, v.version);
  assert.equal(versionsWithFlag('http_offer_set_timeout_ms'), ['0.24.0', '0.24.2', '0.25.0']);
  assert.equal(versionsWithFlag('http_offer_set_timeout'), ['0.26.0', '0.27.0']);
  assert.equal(versionsWithFlag('http_offer_set_endpoint'), [
    '0.24.0',
    '0.24.2',
    '0.25.0',
    '0.26.0',
    '0.27.0',
  ]);
  assert.equal(versionsWithFlag('probabilistic_priority_assigner_exponent'), ['0.26.0', '0.27.0']);
  assert.is(PLUGIN_FLAGS.size, 9);
  // a plugin flag is never a 0.22 flag, so the 0.22 set stays the base of every version
  for (const flag of PLUGIN_FLAGS) assert.not.ok(SCHEDULER_FLAGS.has(flag), flag);
});

test('the version defaults to a known image tag, else 0.22.0', () => {
  assert.is(versionOfImage('aurora-scheduler:0.26.0'), '0.26.0');
  assert.is(versionOfImage('registry.example:5000/aurora/scheduler:0.24.2@sha256:abc'), '0.24.2');
  assert.is(versionOfImage('registry.example:5000/aurora/scheduler'), undefined);
  assert.is(versionOfImage('aurora-scheduler:dev'), undefined);
  assert.is(effectiveAuroraVersion({ image: 'aurora-scheduler:0.27.0' }), '0.27.0');
  assert.is(effectiveAuroraVersion({ image: 'aurora-scheduler:dev' }), '0.22.0');
  assert.is(effectiveAuroraVersion({ version: '0.25.0', image: 'aurora-scheduler:dev' }), '0.25.0');
  assert.is(AuroraClusterSpec.parse(MINIMAL).version, undefined);
});

test('an unknown spec.version is refused with the known ones listed', () => {
  assert.equal(issues({ version: '0.28.0' }), [
    'version: unknown Aurora version: the supported ones are 0.22.0, 0.23.0, 0.24.0, 0.24.2, 0.25.0, 0.26.0, 0.27.0',
  ]);
  assert.equal(issues({ version: '0.26.0' }), []);
});

test('a plugin flag is accepted by the versions that have it and refused, naming them, by the others', () => {
  assert.equal(issues({ version: '0.26.0', extraArgs: ['-http_offer_set_timeout=5secs'] }), []);
  assert.equal(
    issues({ image: 'aurora-scheduler:0.25.0', extraArgs: ['-http_offer_set_timeout_ms=500'] }),
    [],
  );
  assert.equal(
    issues({ extraArgs: ['-enable_preemptor=false', '-http_offer_set_endpoint=http://127.0.0.1:9090'] }),
    [
      'extraArgs.1: -http_offer_set_endpoint is a plugin flag of Aurora 0.24.0, 0.24.2, 0.25.0, 0.26.0, 0.27.0 only; ' +
        'this cluster runs 0.22.0 (spec.version, else the image tag, else 0.22.0) and its scheduler would exit 1',
    ],
  );
  assert.match(
    issues({ version: '0.26.0', extraArgs: ['-http_offer_set_timeout_ms=500'] }).join(),
    'extraArgs.0: -http_offer_set_timeout_ms is a plugin flag of Aurora 0.24.0, 0.24.2, 0.25.0 only; this cluster runs 0.26.0',
  );
  // spec.version wins over the image tag
  assert.match(
    issues({
      version: '0.23.0',
      image: 'aurora-scheduler:0.27.0',
      extraArgs: ['-http_offer_set_timeout=1secs'],
    }).join(),
    'this cluster runs 0.23.0',
  );
});

// Evaluates the CEL rule shape PLUGIN_FLAG_RULES uses, so each rule can be compared with pluginFlagProblem.
function celAccepts(rule: string, spec: { version?: string; image: string; extraArgs: string[] }): boolean {
  const flags = new RegExp(/a\.matches\('([^']+)'\)/.exec(rule)?.[1] ?? '$^');
  const versions = [...(/\[([^\]]*)\]/.exec(rule)?.[1]?.matchAll(/'([^']+)'/g) ?? [])].map((m) => m[1]);
  const image = new RegExp(
    (/self\.image\.matches\('([^']+)'\)/.exec(rule)?.[1] ?? '$^').replaceAll('\\\\', '\\'),
  );
  if (!spec.extraArgs.some((a) => flags.test(a))) return true;
  return spec.version !== undefined ? versions.includes(spec.version) : image.test(spec.image);
}

test('the CEL rules accept exactly what zod accepts, for every version given or read from the image', () => {
  assert.is(PLUGIN_FLAG_RULES.length, 3);
  for (const flag of PLUGIN_FLAGS) {
    for (const v of [...KNOWN_AURORA_VERSIONS, undefined]) {
      for (const image of [
        'aurora-scheduler:dev',
        ...KNOWN_AURORA_VERSIONS.map((k) => `aurora-scheduler:${k}`),
      ]) {
        const spec = { ...(v === undefined ? {} : { version: v }), image, extraArgs: [`-${flag}=1`] };
        const zodOk = pluginFlagProblem(`-${flag}=1`, effectiveAuroraVersion(spec)) === undefined;
        const celOk = PLUGIN_FLAG_RULES.every((r) => celAccepts(r.rule, spec));
        assert.is(celOk, zodOk, `${flag} ${v ?? '-'} ${image}`);
        assert.is(issues(spec).length === 0, zodOk, `${flag} ${v ?? '-'} ${image}`);
      }
    }
  }
});

test.run();
