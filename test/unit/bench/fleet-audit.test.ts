// The fleet benchmark's audit-log counting: only the operator's completed requests in the window, by verb and
// resource, and the split into cluster writes, lists and the fleet-independent Lease.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  clusterWrites,
  countAuditLog,
  countLines,
  fleetIndependent,
  lists,
  total,
  type AuditEvent,
} from '../../../bench/fleet-audit.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OPERATOR = 'system:serviceaccount:aurora-operator:aurora-operator';
const WINDOW = { fromMs: Date.parse('2026-11-30T10:00:00Z'), toMs: Date.parse('2026-11-30T10:01:00Z') };

function line(verb: string, resource: string, extra: Partial<AuditEvent> = {}): string {
  const [kind, sub] = resource.split('/');
  return JSON.stringify({
    kind: 'Event',
    stage: 'ResponseComplete',
    verb,
    user: { username: OPERATOR },
    objectRef: { resource: kind, ...(sub ? { subresource: sub } : {}) },
    requestReceivedTimestamp: '2026-11-30T10:00:30.123456Z',
    ...extra,
  });
}

test('counts the operator requests by verb and resource, subresources apart', () => {
  const counts = countLines(
    [
      line('get', 'auroraclusters'),
      line('patch', 'auroraclusters/status'),
      line('patch', 'auroraclusters/status'),
      line('create', 'events'),
    ],
    WINDOW,
  );
  assert.equal(Object.fromEntries(counts), {
    'get auroraclusters': 1,
    'patch auroraclusters/status': 2,
    'create events': 1,
  });
  assert.is(total(counts), 4);
});

test('other users, other stages, requests outside the window and torn lines do not count', () => {
  const counts = countLines(
    [
      line('patch', 'pods/status', { user: { username: 'system:node:local' } }),
      line('patch', 'pods', { user: { username: 'system:serviceaccount:kube-system:x' } }),
      line('watch', 'pods', { stage: 'ResponseStarted' }),
      line('list', 'pods', { requestReceivedTimestamp: '2026-11-30T09:59:59.999999Z' }),
      line('list', 'pods', { requestReceivedTimestamp: '2026-11-30T10:01:00.000000Z' }),
      line('list', 'pods').slice(0, 40),
      '',
      line('list', 'pods'),
    ],
    WINDOW,
  );
  assert.equal(Object.fromEntries(counts), { 'list pods': 1 });
});

test('writes leave out reads and the Lease; lists leave out watches', () => {
  const counts = countLines(
    [
      line('update', 'leases'),
      line('get', 'leases'),
      line('watch', 'pods'),
      line('list', 'pods'),
      line('get', 'statefulsets'),
      line('update', 'statefulsets'),
      line('delete', 'pods'),
      line('patch', 'persistentvolumeclaims'),
    ],
    WINDOW,
  );
  assert.equal(Object.fromEntries(clusterWrites(counts)), {
    'update statefulsets': 1,
    'delete pods': 1,
    'patch persistentvolumeclaims': 1,
  });
  assert.equal(Object.fromEntries(lists(counts)), { 'list pods': 1 });
  assert.equal(Object.fromEntries(fleetIndependent(counts)), { 'update leases': 1, 'get leases': 1 });
});

test('reads the log from a byte offset', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'fleet-audit-')), 'audit.log');
  const first = `${line('create', 'statefulsets')}\n`;
  writeFileSync(file, `${first}${line('update', 'statefulsets')}\n${line('update', 'statefulsets')}\n`);
  const counts = await countAuditLog(file, Buffer.byteLength(first), WINDOW);
  assert.equal(Object.fromEntries(counts), { 'update statefulsets': 2 });
});

test.run();
