// `node bench/startup-memory.ts`: the memory of the operator and of the backup-agent sidecar before any work, by
// what they load and how they run (type stripping as in a checkout, the image's pre-stripped JS, its node flags).
import { execFileSync } from 'node:child_process';
import { cpSync, copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageNodeFlags } from './image-node-flags.ts';

const ROOT = join(import.meta.dirname, '..');
const RUNS = 3;

// loads the modules, lets timers settle, collects twice, then reports RSS and heap in MiB
const PROBE = `
  for (const mod of (process.env.MODS ?? '').split(',').filter(Boolean)) await import(mod);
  await new Promise((r) => setTimeout(r, 300));
  globalThis.gc(); globalThis.gc();
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ rss: m.rss / 1048576, heap: m.heapUsed / 1048576 }));
`;

interface Sample {
  rss: number;
  heap: number;
}

function measure(mods: readonly string[], flags: readonly string[] = []): Sample {
  const samples = Array.from({ length: RUNS }, () => {
    const out = execFileSync(
      process.execPath,
      [...flags, '--expose-gc', '--input-type=module', '-e', PROBE],
      {
        cwd: ROOT,
        env: { ...process.env, MODS: mods.join(',') },
      },
    );
    return JSON.parse(out.toString()) as Sample;
  });
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { rss: median(samples.map((s) => s.rss)), heap: median(samples.map((s) => s.heap)) };
}

/** stripLikeImage copies src/ and runs the RUN steps of the Containerfile's `js` stage on it, as the image build does. */
function stripLikeImage(): string {
  const out = mkdtempSync(join(tmpdir(), 'aurora-operator-js-'));
  cpSync(join(ROOT, 'src'), join(out, 'src'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  copyFileSync(join(ROOT, 'package.json'), join(out, 'package.json'));
  const stage = /^FROM \S+ AS js$([\s\S]*?)^FROM /m.exec(readFileSync(join(ROOT, 'Containerfile'), 'utf8'));
  const steps = (stage?.[1] ?? '').split('\n').filter((line) => line.startsWith('RUN ['));
  if (steps.length === 0) throw new Error('bench: no RUN step in the Containerfile stage `js`');
  for (const step of steps) {
    const [program, ...args] = JSON.parse(step.slice('RUN '.length)) as string[];
    if (program !== 'node')
      throw new Error(`bench: cannot run ${JSON.stringify(program)} from the Containerfile`);
    execFileSync(process.execPath, args, { cwd: out });
  }
  return out;
}

const built = stripLikeImage();
try {
  const flags = imageNodeFlags();
  // the image runs the stripped JS with the stripper off, as proof that nothing falls back to a .ts file
  const js = ['--no-experimental-strip-types'];
  const operatorTs = [join(ROOT, 'src', 'cli.ts'), join(ROOT, 'src', 'main.ts')];
  const operatorJs = [join(built, 'src', 'cli.js'), join(built, 'src', 'main.js')];
  const agentTs = [join(ROOT, 'src', 'cli.ts'), join(ROOT, 'src', 'cli', 'backup-agent-command.ts')];
  const agentJs = [join(built, 'src', 'cli.js'), join(built, 'src', 'cli', 'backup-agent-command.js')];
  const rows: Array<[string, Sample]> = [
    ['bare node', measure([])],
    ['@kubernetes/client-node alone', measure(['@kubernetes/client-node'])],
    ['operator (run), type stripping', measure(operatorTs)],
    ['operator, image JS', measure(operatorJs, js)],
    [`operator, image JS ${flags.join(' ')}`, measure(operatorJs, [...js, ...flags])],
    ['backup-agent, type stripping', measure(agentTs)],
    ['backup-agent, image JS', measure(agentJs, js)],
    [`backup-agent, image JS ${flags.join(' ')}`, measure(agentJs, [...js, ...flags])],
  ];
  for (const [name, m] of rows) {
    process.stdout.write(
      `${name.padEnd(56)} RSS ${m.rss.toFixed(0).padStart(4)} MiB  heap ${m.heap.toFixed(1)} MiB\n`,
    );
  }
} finally {
  rmSync(built, { recursive: true, force: true });
}
