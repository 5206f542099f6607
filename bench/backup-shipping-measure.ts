// The children of the backup-shipping benchmark, each a fresh process so its RSS is its own. `agent`: as the
// backup agent does, upload one backup to the store and download it back (SHA-256 checked), timing both and
// sampling RSS. `operator`: as the operator does for a restore from the store, ask an agent to fetch a small and
// a large backup; the bytes stay in the agent, so the operator's growth must not follow the backup's size.
import { performance } from 'node:perf_hooks';
import { createAgentClient } from '../src/agent/agent-client.ts';
import { createS3Fetcher } from '../src/agent/fetch-backup.ts';
import { createObjectStoreClient, type ObjectStoreSettings } from '../src/objectstore/object-store-client.ts';
import { sha256OfFile } from '../src/objectstore/hashing-stream.ts';
import { uploadBackup } from '../src/objectstore/upload-backup.ts';

export interface Sampled {
  ms: number;
  /** the highest RSS while the work ran, above the RSS before it */
  rssGrowth: number;
  peakRss: number;
}

export interface AgentMeasure {
  baseRss: number;
  upload: Sampled;
  download: Sampled;
  uploadedSha256: string;
  downloadedSha256: string;
}

export interface OperatorMeasure {
  small: Sampled;
  large: Sampled;
}

async function sampled(work: () => Promise<unknown>): Promise<Sampled> {
  globalThis.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const start = performance.now();
  try {
    await work();
    const ms = performance.now() - start;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { ms, rssGrowth: peak - base, peakRss: peak };
  } finally {
    clearInterval(sampler);
  }
}

async function measureAgent(settings: ObjectStoreSettings, file: string, name: string, volume: string) {
  const client = createObjectStoreClient(settings);
  const description = {
    snapshotTime: new Date().toISOString(),
    taskCount: 0,
    cluster: 'bench',
    auroraVersion: '0.22.0',
  };
  // the shipper takes the digest from its decode of the file (scanAndHashBackupFile), a read it needs anyway to
  // refuse an unreadable backup; the decode's cost is the backup-decode section's
  const digest = await sha256OfFile(file);
  globalThis.gc?.();
  const baseRss = process.memoryUsage.rss();
  let uploadedSha256 = '';
  const upload = await sampled(async () => {
    uploadedSha256 = (await uploadBackup(client, settings, { file, name, description, digest })).sha256;
  });
  let downloadedSha256 = '';
  const fetcher = createS3Fetcher(settings, volume);
  const download = await sampled(async () => {
    const fetched = await fetcher(name);
    if ('conflict' in fetched) throw new Error(fetched.conflict);
    downloadedSha256 = fetched.sha256;
  });
  client.destroy();
  const measure: AgentMeasure = { baseRss, upload, download, uploadedSha256, downloadedSha256 };
  return measure;
}

async function measureOperator(
  port: number,
  token: string,
  names: { warm: string; small: string; large: string },
) {
  const agents = createAgentClient({ token, trusted: () => true, timeoutMs: 10_000, copyTimeoutMs: 600_000 });
  const at = { host: '127.0.0.1', port };
  const fetch = async (name: string): Promise<void> => {
    await agents.fetchFromStore?.(at, name);
  };
  // a first call loads the client's code paths, so neither measured call pays for them
  await fetch(names.warm);
  const measure: OperatorMeasure = {
    small: await sampled(() => fetch(names.small)),
    large: await sampled(() => fetch(names.large)),
  };
  return measure;
}

const [mode, ...args] = process.argv.slice(2);
if (!globalThis.gc) throw new Error('run with --expose-gc');
if (mode === 'agent') {
  const [file = '', name = '', volume = ''] = args;
  const settings = JSON.parse(process.env['BENCH_STORE'] ?? '{}') as ObjectStoreSettings;
  process.stdout.write(`${JSON.stringify(await measureAgent(settings, file, name, volume))}\n`);
} else if (mode === 'operator') {
  const [port = '0', warm = '', small = '', large = ''] = args;
  const token = process.env['BENCH_AGENT_TOKEN'] ?? '';
  const measure = await measureOperator(Number(port), token, { warm, small, large });
  process.stdout.write(`${JSON.stringify(measure)}\n`);
} else {
  throw new Error('usage: node --expose-gc bench/backup-shipping-measure.ts agent|operator ...');
}
