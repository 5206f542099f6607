// The pod runtime's log API decisions: which run a request reads, where its last lines start, which queries it
// refuses, and when a followed run has ended.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  buildLogLookup,
  buildStampedChunk,
  computeRunEnded,
  lineStartFrom,
  listRuns,
  pickRun,
  planLogQuery,
  tailOffset,
} from '../../../world/local-env/pod-runtime/container-logs.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-logs-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const NOW = Date.parse('2026-12-06T04:00:00Z');
const q = (s: string) => planLogQuery(new URLSearchParams(s), NOW);

test('query: follow, previous, tailLines and limitBytes as the apiserver sends them', () => {
  assert.equal(q('follow=true&previous=true&tailLines=2&limitBytes=100&stream=All'), {
    follow: true,
    previous: true,
    timestamps: false,
    tailLines: 2,
    limitBytes: 100,
  });
  assert.equal(q(''), { follow: false, previous: false, timestamps: false });
});

test('query: timestamps, and sinceSeconds or sinceTime as a time', () => {
  assert.equal(q('timestamps=true&sinceSeconds=10'), {
    follow: false,
    previous: false,
    timestamps: true,
    sinceMs: NOW - 10_000,
  });
  assert.equal(q('sinceTime=2026-12-06T03:59:00Z'), {
    follow: false,
    previous: false,
    timestamps: false,
    sinceMs: NOW - 60_000,
  });
});

test('query: bad values and split streams are refused with the reason', () => {
  assert.match(String(q('stream=Stdout')), /stdout and stderr share one log file/);
  assert.match(String(q('tailLines=-1')), /tailLines must be an integer >= 0/);
  assert.match(String(q('limitBytes=0')), /limitBytes must be an integer >= 1/);
  assert.match(String(q('sinceSeconds=0')), /sinceSeconds must be an integer >= 1/);
  assert.match(String(q('sinceTime=yesterday')), /sinceTime must be an RFC 3339 time/);
});

test('runs are the numbered files in restart order; previous is the one before the newest', async () => {
  const c = path.join(dir, 'c');
  fs.mkdirSync(c);
  for (const n of ['10.log', '2.log', '0.log', 'notes.txt']) fs.writeFileSync(path.join(c, n), '');
  const runs = await listRuns(c);
  assert.equal(runs, [0, 2, 10]);
  assert.is(pickRun(runs, false), 10);
  assert.is(pickRun(runs, true), 2);
  assert.is(pickRun([0], true), undefined);
  assert.equal(await listRuns(path.join(dir, 'missing')), []);
});

test('tailOffset: the last N lines, a final newline ending the last one', async () => {
  const text = 'one\ntwo\nthree\nfour\n';
  const f = file('tail.log', text);
  assert.is(text.slice(await tailOffset(f, 2)), 'three\nfour\n');
  assert.is(text.slice(await tailOffset(f, 10)), text);
  assert.is(text.slice(await tailOffset(f, 0)), '');
  const partial = file('partial.log', 'a\nb\nunfinished');
  assert.is('a\nb\nunfinished'.slice(await tailOffset(partial, 1)), 'unfinished');
});

test('tailOffset crosses read chunks', async () => {
  const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i}`);
  const text = `${lines.join('\n')}\n`;
  const f = file('big.log', text);
  assert.is(text.slice(await tailOffset(f, 20_000)), `${lines.slice(10_000).join('\n')}\n`);
});

test('lineStartFrom: an offset inside a line moves to the next line', async () => {
  const f = file('lines.log', 'ab\ncd\nef');
  assert.is(await lineStartFrom(f, 0), 0);
  assert.is(await lineStartFrom(f, 3), 3);
  assert.is(await lineStartFrom(f, 4), 6);
  assert.is(await lineStartFrom(f, 7), 8, 'no newline after: the end of the file');
});

test('stamped chunks: each line that starts in the chunk gets its arrival time', () => {
  const at = (o: number) => Date.parse('2026-12-06T04:00:00Z') + o;
  const first = buildStampedChunk(Buffer.from('a\nbc'), 0, true, at);
  assert.is(first.out.toString(), '2026-12-06T04:00:00.000Z a\n2026-12-06T04:00:00.002Z bc');
  assert.is(first.atLineStart, false);
  const rest = buildStampedChunk(Buffer.from('d\ne\n'), 4, false, at);
  assert.is(rest.out.toString(), 'd\n2026-12-06T04:00:00.006Z e\n');
  assert.is(rest.atLineStart, true);
});

test('a run has ended once the status shows it terminated or restarted, or the pod is gone', () => {
  const pod = (restartCount: number, terminated: boolean) => ({
    status: {
      containerStatuses: [{ name: 'main', restartCount, state: terminated ? { terminated: {} } : {} }],
    },
  });
  assert.not.ok(computeRunEnded(pod(1, false), 'main', 1));
  assert.ok(computeRunEnded(pod(1, true), 'main', 1));
  assert.ok(computeRunEnded(pod(2, false), 'main', 1));
  assert.not.ok(computeRunEnded({ status: {} }, 'main', 0), 'no status yet: still starting');
  assert.ok(computeRunEnded(undefined, 'main', 0));
});

test('lookup: only containers of pods bound to this node, under the pod uid directory', () => {
  const pods = new Map([
    ['ns/a', { metadata: { uid: 'u1' }, spec: { nodeName: 'node', containers: [{ name: 'main' }] } }],
    ['ns/b', { metadata: { uid: 'u2' }, spec: { nodeName: 'other', containers: [{ name: 'main' }] } }],
  ]);
  const find = buildLogLookup('/state', 'node', (ns, name) => pods.get(`${ns}/${name}`));
  assert.is(find('ns', 'a', 'main')?.containerDir, '/state/logs/ns_a_u1/main');
  assert.is(find('ns', 'a', 'sidecar'), undefined);
  assert.is(find('ns', 'b', 'main'), undefined);
  const source = find('ns', 'a', 'main');
  pods.set('ns/a', { metadata: { uid: 'u3' }, spec: { nodeName: 'node', containers: [{ name: 'main' }] } });
  assert.ok(source?.runEnded(0), "a recreated pod ends the old pod's runs");
});

test.run();
