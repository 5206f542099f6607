// ObserverConfigured from one mesosRoot setting, and the seed's checks for "no distinct leader".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leaderChecks } from '../../../src/diagnostics/leader-checks.ts';
import { observerArgs, observerConfigured } from '../../../src/diagnostics/observer-config.ts';
import { cluster } from '../cluster/fixtures.ts';

const spec = (observer?: object, flags?: string) => {
  const c = cluster();
  return {
    ...c.spec,
    thermosExecutor: { ...c.spec.thermosExecutor, ...(flags ? { flags } : {}) },
    ...(observer ? { thermosObserver: { mesosRoot: '/var/lib/mesos', extraArgs: [], ...observer } } : {}),
  };
};

test('no observer configured: no condition', () => {
  assert.is(observerConfigured(spec()), undefined);
  assert.is(observerArgs(spec()), undefined);
});

test('one setting feeds the observer --mesos-root and the agent --work_dir', () => {
  assert.equal(observerArgs(spec({ extraArgs: ['--port=1338'] })), {
    observerArgs: ['--mesos-root=/var/lib/mesos', '--port=1338'],
    agentArgs: ['--work_dir=/var/lib/mesos'],
  });
  assert.is(observerConfigured(spec({}))?.reason, 'MesosRootInSync');
  assert.is(observerConfigured(spec({ extraArgs: ['--mesos-root=/var/lib/mesos/'] }))?.status, 'True');
});

test('an extra arg or executor flag naming another root is MesosRootMismatch', () => {
  const v = observerConfigured(spec({ extraArgs: ['--mesos-root=/tmp/mesos'] }));
  assert.is(v?.status, 'False');
  assert.is(v?.reason, 'MesosRootMismatch');
  assert.match(v?.message ?? '', /spec\.thermosObserver\.extraArgs has --mesos-root=\/tmp\/mesos/);
  assert.match(v?.message ?? '', /404/);
  const exec = observerConfigured(spec({}, '--announcer-ensemble zk:2181 --work_dir=/tmp/mesos'));
  assert.match(exec?.message ?? '', /-thermos_executor_flags\) has --work_dir=\/tmp\/mesos/);
});

test('leaderChecks reports unreachable libprocess ports, bad advertised hosts, 502s, registration and quorum', () => {
  const found = leaderChecks({
    pods: [
      { name: 'a-0', podIP: '127.2.0.2', leaderHealth: 'no-leader', frameworkRegistered: false },
      { name: 'a-1', podIP: '127.2.0.3', leaderHealth: 'no-leader', frameworkRegistered: false },
    ],
    signals: {
      libprocessReachable: { 'a-0': true, 'a-1': false },
      advertised: [
        { node: 'member_1', host: 'nowhere', port: 8081, reachable: false },
        { node: 'member_2', host: 'localhost', port: 8081, address: '127.0.0.1', reachable: true },
      ],
    },
    libprocessPort: 8083,
    quorum: 2,
    recovered: 1,
  });
  assert.equal(found, [
    'LIBPROCESS_IP:LIBPROCESS_PORT not reachable from the operator: a-1 127.2.0.3:8083',
    'member_1 advertises nowhere, which does not resolve',
    'member_2 advertises localhost (127.0.0.1), which is no scheduler pod IP',
    '/leaderhealth answers 502 on a-0, a-1',
    'framework_registered sums to 0',
    '-native_log_quorum_size=2 with 1 replica(s) reporting log/recovered=1 (below the quorum: no replica can become the log writer)',
  ]);
});

test.run();
