// Shipping and restore-downloading a 100,000-task backup through a real S3 gateway (versitygw on loopback): the
// agent's upload and download run in a fresh child process whose RSS must not follow the backup's size, their
// throughput is compared with a streamed disk copy of the same file, and an operator child asks an agent to fetch
// a small and the large backup, which must cost it the same memory. `node --expose-gc bench/backup-shipping.ts`
// runs it alone; `npm run bench` includes it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createAgentServer } from '../src/agent/agent-server.ts';
import { createS3Fetcher } from '../src/agent/fetch-backup.ts';
import { createLogger } from '../src/log.ts';
import { createObjectStoreClient } from '../src/objectstore/object-store-client.ts';
import { uploadBackup } from '../src/objectstore/upload-backup.ts';
import { objectStoreSettings, startObjectStore } from '../test/world/local-env/object-store.ts';
import { TASKS, writeBackup } from './backup-decode.ts';
import { imageNodeFlags } from './image-node-flags.ts';
import type { AgentMeasure, OperatorMeasure, Sampled } from './backup-shipping-measure.ts';
import { formatLine, type SectionLine } from './task-read-targets.ts';

const run = promisify(execFile);
const REPO_ROOT = new URL('../', import.meta.url).pathname;
const MEASURE = new URL('./backup-shipping-measure.ts', import.meta.url).pathname;
// the sidecar's own Node flags (bin/aurora-operator)
const CHILD_FLAGS = ['--expose-gc', ...imageNodeFlags()];
const AGENT_RSS_TARGET = 64 * 1024 * 1024;
const THROUGHPUT_SHARE_TARGET = 0.5;
/**
 * the large backup is 100 times the small one: bytes through the operator would add its 139 MiB, while a longer
 * wait may let the heap grow a few MiB (8.3 MiB seen on a loaded machine)
 */
const OPERATOR_EXTRA_TARGET = 16 * 1024 * 1024;
const SMALL_TASKS = 1_000;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const rate = (bytes: number, ms: number): number => bytes / 1024 / 1024 / (ms / 1000);
const ok = (pass: boolean): 'ok' | 'MISS' => (pass ? 'ok' : 'MISS');
const backupName = (minute: number): string =>
  `scheduler-backup-2026-12-06-05-${String(minute).padStart(2, '0')}`;

/** diskCopyMs: a streamed copy of the file on the same disk, flushed to it like a download is. */
async function diskCopyMs(from: string, to: string): Promise<number> {
  const start = performance.now();
  await pipeline(createReadStream(from), createWriteStream(to));
  const handle = await open(to, 'r');
  await handle.sync();
  await handle.close();
  const ms = performance.now() - start;
  rmSync(to);
  return ms;
}

function agentLines(label: string, m: AgentMeasure, size: number, copyMs: number): SectionLine[] {
  const copyRate = rate(size, copyMs);
  const transfer = (what: string, s: Sampled): SectionLine[] => [
    {
      status: ok(rate(size, s.ms) >= THROUGHPUT_SHARE_TARGET * copyRate),
      name: `${label}: ${what} throughput`,
      measured: `${rate(size, s.ms).toFixed(0)} MiB/s (${(s.ms / 1000).toFixed(1)} s), disk copy ${copyRate.toFixed(0)} MiB/s`,
      target: `≥ ${THROUGHPUT_SHARE_TARGET * 100}% of the disk copy`,
    },
    // over the process's base before any transfer: RSS a transfer took stays with the process for the next one
    {
      status: ok(s.peakRss - m.baseRss <= AGENT_RSS_TARGET),
      name: `${label}: agent RSS growth, ${what}`,
      measured: `${mib(s.peakRss - m.baseRss)} (peak ${mib(s.peakRss)}, base ${mib(m.baseRss)})`,
      target: `≤ ${mib(AGENT_RSS_TARGET)}`,
    },
  ];
  return [
    ...transfer('upload', m.upload),
    ...transfer('download', m.download),
    {
      status: ok(m.uploadedSha256 !== '' && m.uploadedSha256 === m.downloadedSha256),
      name: `${label}: downloaded SHA-256`,
      measured: m.downloadedSha256 === m.uploadedSha256 ? 'matches the upload' : 'differs',
      target: 'matches',
    },
  ];
}

function operatorLines(m: OperatorMeasure, smallSize: number, largeSize: number): SectionLine[] {
  const extra = m.large.rssGrowth - m.small.rssGrowth;
  return [
    {
      status: ok(extra <= OPERATOR_EXTRA_TARGET),
      name: `operator RSS growth, agent fetch of ${mib(largeSize)} vs ${mib(smallSize)}`,
      measured: `${mib(m.large.rssGrowth)} vs ${mib(m.small.rssGrowth)} (peak ${mib(m.large.peakRss)})`,
      target: `difference ≤ ${mib(OPERATOR_EXTRA_TARGET)}`,
    },
  ];
}

/** measureOperator serves an agent in this process and lets the operator child ask it for three fetches. */
async function measureOperator(
  settings: ReturnType<typeof objectStoreSettings>,
  volume: string,
  names: string[],
): Promise<OperatorMeasure> {
  const token = randomBytes(16).toString('hex');
  const fetcher = createS3Fetcher(settings, volume);
  const server = createAgentServer({
    backupDir: volume,
    operatorDir: join(volume, '.operator'),
    token,
    log: createLogger('bench-agent', 'silent'),
    fetcher: () => fetcher,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = String((server.address() as AddressInfo).port);
    const { stdout } = await run(process.execPath, [...CHILD_FLAGS, MEASURE, 'operator', port, ...names], {
      env: { ...process.env, BENCH_AGENT_TOKEN: token },
    });
    return JSON.parse(stdout) as OperatorMeasure;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

export async function backupShippingSection(): Promise<SectionLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-backup-shipping-'));
  const store = await startObjectStore({ dir: join(dir, 'store'), repoRoot: REPO_ROOT });
  try {
    for (const sub of ['files', 'agent-volume', 'operator-volume']) mkdirSync(join(dir, sub));
    const large = join(dir, 'files', backupName(0));
    const small = join(dir, 'files', backupName(1));
    const warm = join(dir, 'files', backupName(2));
    writeBackup(large, TASKS);
    writeBackup(small, SMALL_TASKS);
    writeBackup(warm, SMALL_TASKS);
    const size = statSync(large).size;
    const copyMs = await diskCopyMs(large, join(dir, 'files', 'copy'));
    const settings = objectStoreSettings(store, 'bench/shipping/');
    const { stdout } = await run(
      process.execPath,
      [...CHILD_FLAGS, MEASURE, 'agent', large, backupName(0), join(dir, 'agent-volume')],
      { env: { ...process.env, BENCH_STORE: JSON.stringify(settings) } },
    );
    const label = `backup of ${TASKS.toLocaleString('en')} tasks (${mib(size)})`;
    const lines = agentLines(label, JSON.parse(stdout) as AgentMeasure, size, copyMs);
    const client = createObjectStoreClient(settings);
    const description = {
      snapshotTime: new Date().toISOString(),
      taskCount: SMALL_TASKS,
      cluster: 'bench',
      auroraVersion: '0.22.0',
    };
    for (const [file, minute] of [
      [small, 1],
      [warm, 2],
    ] as const)
      await uploadBackup(client, settings, { file, name: backupName(minute), description });
    client.destroy();
    const names = [backupName(2), backupName(1), backupName(0)];
    const operator = await measureOperator(settings, join(dir, 'operator-volume'), names);
    return [...lines, ...operatorLines(operator, statSync(small).size, size)];
  } catch (err) {
    const measured = err instanceof Error ? err.message : String(err);
    return [{ status: 'MISS', name: 'backup shipping: measurement', measured, target: 'completed' }];
  } finally {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const lines = await backupShippingSection();
  for (const line of lines) process.stdout.write(`${formatLine(line)}\n`);
  process.exitCode = lines.some((l) => l.status === 'MISS') ? 1 : 0;
}
