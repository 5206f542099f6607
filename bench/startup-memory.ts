// `node bench/startup-memory.ts`: the operator's memory before any work, by what it loads and how it runs
// (bare Node, client-node alone, src/main.ts by type stripping, the same compiled to JS, smaller semi-spaces).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const RUNS = 3;

// loads the module, lets timers settle, collects twice, then reports RSS and heap in MiB
const PROBE = `
  if (process.env.MOD) await import(process.env.MOD);
  await new Promise((r) => setTimeout(r, 300));
  globalThis.gc(); globalThis.gc();
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ rss: m.rss / 1048576, heap: m.heapUsed / 1048576 }));
`;

function measure(mod: string, flags: readonly string[] = []): { rss: number; heap: number } {
  const samples = Array.from({ length: RUNS }, () => {
    const out = execFileSync(
      process.execPath,
      [...flags, '--expose-gc', '--input-type=module', '-e', PROBE],
      {
        cwd: ROOT,
        env: { ...process.env, MOD: mod },
      },
    );
    return JSON.parse(out.toString()) as { rss: number; heap: number };
  });
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { rss: median(samples.map((s) => s.rss)), heap: median(samples.map((s) => s.heap)) };
}

function compile(): string {
  const out = mkdtempSync(join(tmpdir(), 'aurora-operator-js-'));
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'tsc'),
    ['-p', 'tsconfig.json', '--outDir', out, '--noEmit', 'false', '--rewriteRelativeImportExtensions'],
    { cwd: ROOT },
  );
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  copyFileSync(join(ROOT, 'package.json'), join(out, 'package.json'));
  return out;
}

const built = compile();
try {
  const main = join(built, 'src', 'main.js');
  const rows: Array<[string, { rss: number; heap: number }]> = [
    ['bare node', measure('')],
    ['@kubernetes/client-node alone', measure('@kubernetes/client-node')],
    ['src/main.ts, type stripping', measure(join(ROOT, 'src', 'main.ts'))],
    ['src/main.js, compiled by tsc', measure(main)],
    ['src/main.js, --max-semi-space-size=2', measure(main, ['--max-semi-space-size=2'])],
  ];
  for (const [name, m] of rows) {
    process.stdout.write(
      `${name.padEnd(40)} RSS ${m.rss.toFixed(0).padStart(4)} MiB  heap ${m.heap.toFixed(1)} MiB\n`,
    );
  }
} finally {
  rmSync(built, { recursive: true, force: true });
}
