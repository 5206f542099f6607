import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideRollout } from '../../../src/cluster/rollout.ts';
import { pod } from './fixtures.ts';

test('nothing to do when every pod runs the update revision', () => {
  assert.equal(decideRollout([pod(0), pod(1), pod(2)], 'rev-1', 3, 'example-0'), { action: 'none' });
});

test('followers restart before the leader, highest ordinal first', () => {
  const pods = [pod(0), pod(1), pod(2)].map((p) => ({ ...p, revision: 'rev-0' }));
  const decision = decideRollout(pods, 'rev-1', 3, 'example-0');
  assert.equal(decision, {
    action: 'restart',
    pod: 'example-2',
    uid: 'uid-2',
    pending: ['example-0', 'example-1', 'example-2'],
  });
});

test('the leader goes last', () => {
  const pods = [pod(0, { revision: 'rev-0' }), pod(1), pod(2)];
  const decision = decideRollout(pods, 'rev-1', 3, 'example-0');
  assert.is(decision.action, 'restart');
  assert.is(decision.action === 'restart' && decision.pod, 'example-0');
});

test('waits until the previously restarted replica reports log/recovered=1', () => {
  const catchingUp = pod(2, { probe: { ...pod(2).probe!, logRecovered: false } });
  const pods = [pod(0, { revision: 'rev-0' }), pod(1, { revision: 'rev-0' }), catchingUp];
  const decision = decideRollout(pods, 'rev-1', 3, 'example-0');
  assert.is(decision.action, 'wait');
  assert.match(decision.action === 'wait' ? decision.reason : '', /example-2.*log\/recovered=1/);
});

test('never restarts while a pod is missing or being deleted, which would drop below a quorum', () => {
  const pods = [pod(0, { revision: 'rev-0' }), pod(1, { revision: 'rev-0' })];
  assert.is(decideRollout(pods, 'rev-1', 3, 'example-0').action, 'wait');
  const deleting = [pod(0, { revision: 'rev-0' }), pod(1, { deleting: true }), pod(2)];
  assert.is(decideRollout(deleting, 'rev-1', 3, 'example-0').action, 'wait');
});

test.run();
