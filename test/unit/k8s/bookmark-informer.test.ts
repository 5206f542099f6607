// The operator's informers list and watch one path with the same selectors, and every watch asks for bookmarks.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeBookmarkInformer } from '../../../src/k8s/bookmark-informer.ts';
import { json, startFakeApiServer } from '../../support/fake-apiserver.ts';

test('list and watch of the same path and selectors, the watch with allowWatchBookmarks', async () => {
  const api = await startFakeApiServer((req, res) => {
    if (req.query['watch'] !== 'true')
      return json(res, 200, { metadata: { resourceVersion: '3' }, items: [] });
    res.writeHead(200).flushHeaders(); // an open, quiet watch
  });
  try {
    const path = '/api/v1/namespaces/a/secrets';
    const informer = makeBookmarkInformer(api.client(), path, 'app=x', 'metadata.name=s');
    await informer.start();
    while (api.seen.length < 2) await sleep(5);
    const [list, watch] = api.seen;
    assert.is(list?.path, path);
    assert.equal(list?.query, { labelSelector: 'app=x', fieldSelector: 'metadata.name=s', limit: '500' });
    assert.is(watch?.path, path);
    const { timeoutSeconds, ...query } = watch?.query ?? {};
    assert.ok(Number(timeoutSeconds) >= 300 && Number(timeoutSeconds) <= 600, 'a 5 to 10 minute watch');
    assert.equal(query, {
      allowWatchBookmarks: 'true',
      resourceVersion: '3',
      labelSelector: 'app=x',
      fieldSelector: 'metadata.name=s',
      watch: 'true',
    });
    await informer.stop();
  } finally {
    await api.close();
  }
});

test.run();
