// Where each container run's output lives (one plain file per restart) and how the log API picks and trims it.
import fs from 'node:fs/promises';
import path from 'node:path';

/** The directory holding every container's log files of one pod: <container>/<restartCount>.log. */
export function podLogDir(stateDir: string, namespace: string, name: string, uid: string): string {
  return path.join(stateDir, 'logs', `${namespace}_${name}_${uid}`);
}

/** One container of a pod this node runs: where its logs are and whether a given run has ended. */
export interface ContainerLogSource {
  containerDir: string;
  /** true once the run with this restart count exited or was followed by another one */
  runEnded(run: number): boolean;
}

/** What a containerLogs request asks for, after validation. */
export interface LogQuery {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  /** only lines that arrived at or after this time (from sinceSeconds or sinceTime) */
  sinceMs?: number;
}

const flag = (params: URLSearchParams, name: string): boolean => params.get(name) === 'true';

function count(params: URLSearchParams, name: string, min: number): number | string | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min ? value : `${name} must be an integer >= ${min}`;
}

function since(params: URLSearchParams, nowMs: number): number | string | undefined {
  const seconds = count(params, 'sinceSeconds', 1);
  if (seconds !== undefined) return typeof seconds === 'string' ? seconds : nowMs - seconds * 1000;
  const time = params.get('sinceTime');
  if (time === null) return undefined;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? `sinceTime must be an RFC 3339 time, not ${time}` : ms;
}

/** Validates the kubelet's query parameters; a string is the reason for a 400 answer. */
export function planLogQuery(params: URLSearchParams, nowMs: number): LogQuery | string {
  const stream = params.get('stream');
  if (stream !== null && stream !== 'All')
    return `stream=${stream} is not supported: stdout and stderr share one log file`;
  const tailLines = count(params, 'tailLines', 0);
  const limitBytes = count(params, 'limitBytes', 1);
  if (typeof tailLines === 'string') return tailLines;
  if (typeof limitBytes === 'string') return limitBytes;
  const sinceMs = since(params, nowMs);
  if (typeof sinceMs === 'string') return sinceMs;
  return {
    follow: flag(params, 'follow'),
    previous: flag(params, 'previous'),
    timestamps: flag(params, 'timestamps'),
    ...(sinceMs === undefined ? {} : { sinceMs }),
    ...(tailLines === undefined ? {} : { tailLines }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
  };
}

/** The container's runs, oldest first, as restart counts that have a log file. */
export async function listRuns(containerDir: string): Promise<number[]> {
  const names = await fs.readdir(containerDir).catch(() => [] as string[]);
  return names
    .map((n) => /^(\d+)\.log$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The run a request reads: the newest, or the one before it for `previous`; undefined when there is none. */
export function pickRun(runs: readonly number[], previous: boolean): number | undefined {
  return runs[runs.length - (previous ? 2 : 1)];
}

const CHUNK = 64 * 1024;

/** `offset` if a line starts there, else the start of the next line (or the file's size). */
export async function lineStartFrom(file: string, offset: number): Promise<number> {
  if (offset === 0) return 0;
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    for (let pos = offset - 1; ;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) return pos;
      const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
      if (nl >= 0) return pos + nl + 1;
      pos += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Prefixes every line starting in `chunk` (read at `offset`) with its arrival time, as the kubelet does. */
export function buildStampedChunk(
  chunk: Buffer,
  offset: number,
  atLineStart: boolean,
  arrival: (offset: number) => number,
): { out: Buffer; atLineStart: boolean } {
  const parts: Buffer[] = [];
  let i = 0;
  let lineStart = atLineStart;
  while (i < chunk.length) {
    if (lineStart) parts.push(Buffer.from(`${new Date(arrival(offset + i)).toISOString()} `));
    const nl = chunk.indexOf(0x0a, i);
    const end = nl < 0 ? chunk.length : nl + 1;
    parts.push(chunk.subarray(i, end));
    lineStart = nl >= 0;
    i = end;
  }
  return { out: Buffer.concat(parts), atLineStart: lineStart };
}

/** The byte offset where the last `lines` lines of the file start (a final newline ends the last line). */
export async function tailOffset(file: string, lines: number): Promise<number> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (lines === 0) return size;
    let end = size;
    let seen = 0;
    const buf = Buffer.alloc(CHUNK);
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const { bytesRead } = await handle.read(buf, 0, end - start, start);
      for (let i = bytesRead - 1; i >= 0; i--) {
        if (buf[i] !== 0x0a || start + i === size - 1) continue;
        seen++;
        if (seen === lines) return start + i + 1;
      }
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}

interface RunStatus {
  name: string;
  restartCount?: number;
  state?: { terminated?: object };
}

/** Whether a container's run has ended by the pod's reported status (a deleted pod's runs all have). */
export function computeRunEnded(
  pod: { status?: { initContainerStatuses?: RunStatus[]; containerStatuses?: RunStatus[] } } | undefined,
  container: string,
  run: number,
): boolean {
  if (!pod) return true;
  const all = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const current = all.find((s) => s.name === container);
  if (!current) return false;
  const restarts = current.restartCount ?? 0;
  return restarts > run || (restarts === run && current.state?.terminated !== undefined);
}

interface PodView {
  metadata?: { uid?: string };
  spec?: { nodeName?: string; containers: Array<{ name: string }>; initContainers?: Array<{ name: string }> };
  status?: { initContainerStatuses?: RunStatus[]; containerStatuses?: RunStatus[] };
}

/** The log API's lookup over the node's pod cache: a container of a pod bound to this node, or undefined. */
export function buildLogLookup(
  stateDir: string,
  nodeName: string,
  getPod: (namespace: string, name: string) => PodView | undefined,
): (namespace: string, name: string, container: string) => ContainerLogSource | undefined {
  return (namespace, name, container) => {
    const pod = getPod(namespace, name);
    const uid = pod?.metadata?.uid;
    if (!pod?.spec || !uid || pod.spec.nodeName !== nodeName) return undefined;
    const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
    if (!names.includes(container)) return undefined;
    return {
      containerDir: path.join(podLogDir(stateDir, namespace, name, uid), container),
      // a pod recreated under the same name has another uid: its predecessor's runs have all ended
      runEnded: (run) => {
        const now = getPod(namespace, name);
        return computeRunEnded(now?.metadata?.uid === uid ? now : undefined, container, run);
      },
    };
  };
}
