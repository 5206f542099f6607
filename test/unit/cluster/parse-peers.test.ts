// Peers are parsed once per cached object: a pass reuses the parse until the informer replaces the object.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePeers } from '../../../src/cluster/observe.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';

const self = makeCluster();
const raw = (name: string, serversetPath: string) => ({
  ...structuredClone(makeCluster({ serversetPath })),
  metadata: { name, namespace: 'aurora', uid: `uid-${name}` },
  status: { phase: 'Ready' },
});

test('the same cached object gives the same parsed peer; a replaced object is parsed anew', () => {
  const other = raw('other', '/aurora/other');
  const all = [self, other, { kind: 'AuroraCluster', metadata: { name: 'broken' }, spec: { replicas: 'x' } }];
  const first = parsePeers(self, all);
  const again = parsePeers(self, all);
  assert.is(first.length, 1, 'self and the unparseable cluster are left out');
  assert.is(again[0], first[0], 'the parse was reused');
  const changed = raw('other', '/aurora/moved');
  const after = parsePeers(self, [self, changed]);
  assert.is.not(after[0], first[0]);
  assert.is(after[0]?.spec.serversetPath, '/aurora/moved');
});

test.run();
