// Reading election participants and log-group replicas: which children count, what address each names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Client } from 'node-zookeeper-client';
import { createZkMembershipReader, hostOfPid } from '../../../src/aurora/zk-membership.ts';
import type { ZkSessions, ZooKeeperTarget } from '../../../src/aurora/zk-sessions.ts';

type Callback<T> = (err: Error | null, value?: T) => void;

/** a ZooKeeper tree as path → data; children are derived from the paths */
function sessionsOver(tree: Record<string, string>, seen: ZooKeeperTarget[]): ZkSessions {
  const client = {
    getChildren(path: string, _watch: null, done: Callback<string[]>) {
      const prefix = `${path}/`;
      const names = Object.keys(tree)
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length));
      done(null, names);
    },
    getData(path: string, _watch: null, done: Callback<Buffer>) {
      const data = tree[path];
      done(null, data === undefined ? undefined : Buffer.from(data));
    },
  } as unknown as Client;
  return {
    timeoutMs: 500,
    clientFor: async (target) => {
      seen.push(target);
      return client;
    },
    close: () => undefined,
  };
}

test('hostOfPid takes the ip of a libprocess PID', () => {
  assert.is(hostOfPid('log-replica(1)@127.0.5.8:8083'), '127.0.5.8');
  assert.is(hostOfPid(' log-replica(1)@127.1.2.3:41000\n'), '127.1.2.3');
  assert.is(hostOfPid('not a pid'), undefined);
});

test('election participants are the Curator lock nodes; member_ and other children are not', async () => {
  const seen: ZooKeeperTarget[] = [];
  const reader = createZkMembershipReader(
    sessionsOver(
      {
        '/aurora/scheduler/_c_0f1e2d3c-aaaa-bbbb-cccc-000000000001-lock-0000000003': '127.0.31.2',
        '/aurora/scheduler/_c_0f1e2d3c-aaaa-bbbb-cccc-000000000002-lock-0000000001': '127.0.99.7',
        '/aurora/scheduler/member_0000000004': '{"serviceEndpoint":{"host":"127.0.31.2","port":8081}}',
        '/aurora/scheduler/unrelated': 'x',
      },
      seen,
    ),
  );
  const target = { endpoints: ['127.0.3.1:2181'], chrootPath: '/c' };
  const election = await reader.readElection(target, '/aurora/scheduler');
  assert.equal(
    election.map((p) => p.host),
    ['127.0.31.2', '127.0.99.7'],
  );
  assert.equal(seen, [target]);
});

test('log-group replicas are the 10-digit nodes with a PID; a node without an address is skipped', async () => {
  const reader = createZkMembershipReader(
    sessionsOver(
      {
        '/aurora/replicated-log/0000000001': 'log-replica(1)@127.0.31.2:8083',
        '/aurora/replicated-log/0000000002': 'log-replica(1)@127.0.99.7:8083',
        '/aurora/replicated-log/0000000003': '',
        '/aurora/replicated-log/log_replicas': 'x',
      },
      [],
    ),
  );
  const group = await reader.readLogGroup({ endpoints: ['127.0.3.1:2181'] }, '/aurora/replicated-log');
  assert.equal(group, [
    { node: '0000000001', host: '127.0.31.2', data: 'log-replica(1)@127.0.31.2:8083' },
    { node: '0000000002', host: '127.0.99.7', data: 'log-replica(1)@127.0.99.7:8083' },
  ]);
});

test.run();
