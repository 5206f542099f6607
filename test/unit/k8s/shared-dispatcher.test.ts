// Sequential API requests through client-node reuse one connection once shareDispatcher wrapped the config.
import { createServer, type Server } from 'node:http';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shareDispatcher } from '../../../src/k8s/shared-dispatcher.ts';

async function namespaceServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', metadata: {}, items: [] }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, port, connections: () => connections };
}

function config(port: number): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function connectionsFor(kc: KubeConfig, count: () => number): Promise<number> {
  const api = kc.makeApiClient(CoreV1Api);
  const before = count();
  for (let i = 0; i < 10; i++) await api.listNamespace();
  return count() - before;
}

test('ten requests reuse the connections of the shared dispatcher, and open ten without it', async () => {
  const { server, port, connections } = await namespaceServer();
  try {
    // undici may open a second connection while the first one's response is still being read
    const shared = await connectionsFor(shareDispatcher(config(port)), connections);
    assert.ok(shared >= 1 && shared <= 2, `${shared} connections`);
    const alone = await connectionsFor(config(port), connections);
    assert.is(alone, 10, 'client-node alone opens one per request');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a client-node without the dispatcher factory is refused at start, not silently left sharing nothing', () => {
  const kc = config(1);
  (kc as unknown as { createDispatcher?: unknown }).createDispatcher = undefined;
  assert.throws(() => shareDispatcher(kc), /no longer has KubeConfig.createDispatcher/);
});

test.run();
