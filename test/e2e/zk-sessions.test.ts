// The shared ZooKeeper sessions against a real server: callers racing for one ensemble share one handshake, and a
// handshake that ends after close() closes its client, so no session is left reconnecting after its server stops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import zookeeper from 'node-zookeeper-client';
import { createZkSessions } from '../../src/aurora/zk-sessions.ts';
import { startZooKeeper, type ZooKeeperServer } from '../world/local-env/zookeeper.ts';

let zk: ZooKeeperServer | undefined;

test.before(async () => {
  zk = await startZooKeeper();
});

test.after(async () => {
  await zk?.stop();
});

const target = (): { endpoints: string[] } => ({ endpoints: [zk?.connectString ?? ''] });

test('five callers racing for one ensemble get one client', async () => {
  const sessions = createZkSessions(10_000);
  try {
    const clients = await Promise.all(Array.from({ length: 5 }, () => sessions.clientFor(target())));
    assert.is(new Set(clients).size, 1, 'each racing caller opened its own session');
    assert.is(clients[0]?.getState(), zookeeper.State.SYNC_CONNECTED);
    assert.is(await sessions.clientFor(target()), clients[0], 'a connected client is reused');
  } finally {
    sessions.close();
  }
});

test('a handshake that ends after close() is refused and its client closed', async () => {
  const sessions = createZkSessions(10_000);
  const pending = sessions.clientFor(target());
  sessions.close();
  await pending.then(
    () => assert.unreachable('a client connected after close() was handed out'),
    (err: unknown) => assert.match(String(err), /closed while connecting/),
  );
  // the next caller gets a fresh, working session
  const client = await sessions.clientFor(target());
  assert.is(client.getState(), zookeeper.State.SYNC_CONNECTED);
  sessions.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.is(client.getState(), zookeeper.State.DISCONNECTED, 'close() ends the cached session');
});

test.run();
