// A spec.image tagged with one supported Aurora version and a spec.version naming another gets a Warning, not a refusal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeImageVersionWarning } from '../../../src/cluster/image-version-agreement.ts';

test('an image tagged 0.22.0 with spec.version 0.27.0 is warned about, naming both and the remedy', () => {
  const warning = computeImageVersionWarning({ version: '0.27.0', image: 'aurora-scheduler:0.22.0' });
  assert.is(warning?.reason, 'ImageVersionMismatch');
  assert.match(
    warning?.message ?? '',
    'spec.image aurora-scheduler:0.22.0 is tagged 0.22.0 but spec.version is 0.27.0',
  );
  assert.match(warning?.message ?? '', 'Set spec.version to 0.22.0 if the image runs it');
  // a registry with a port and a digest: the tag is still read
  const pinned = computeImageVersionWarning({
    version: '0.24.0',
    image: 'registry.example:5000/aurora/scheduler:0.26.0@sha256:abc',
  });
  assert.match(pinned?.message ?? '', 'is tagged 0.26.0 but spec.version is 0.24.0');
});

test('no warning when they agree, when the tag is free-form or absent, or when spec.version is unset', () => {
  assert.is(computeImageVersionWarning({ version: '0.27.0', image: 'aurora-scheduler:0.27.0' }), undefined);
  assert.is(
    computeImageVersionWarning({ version: '0.27.0', image: 'aurora-scheduler:fork-build-7' }),
    undefined,
  );
  assert.is(
    computeImageVersionWarning({ version: '0.27.0', image: 'registry.example:5000/scheduler' }),
    undefined,
  );
  // unset, the version is the tag itself, so they cannot disagree
  assert.is(computeImageVersionWarning({ image: 'aurora-scheduler:0.25.0' }), undefined);
});

test.run();
