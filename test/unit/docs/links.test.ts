// The README stays a landing page, and every relative link in it and in docs/ leads somewhere that exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import { AuroraRestore } from '../../../src/api/aurora-restore.ts';
import { githubSlug, headingSlugs, relativeLinks } from './markdown-links-fixture.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const README = join(ROOT, 'README.md');
const PAGES = [
  README,
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name)),
];

test('anchors are GitHub slugs: punctuation dropped, spaces to hyphens, repeats numbered', () => {
  assert.is(githubSlug('Restoring from a backup (AuroraRestore)'), 'restoring-from-a-backup-aurorarestore');
  assert.is(githubSlug('`diagnose`'), 'diagnose');
  assert.is(
    githubSlug("Where the operator's memory went, and why"),
    'where-the-operators-memory-went-and-why',
  );
  assert.is(githubSlug('Fleet: 100 clusters × 3 replicas'), 'fleet-100-clusters--3-replicas');
  assert.is(githubSlug('Scale-up, n → m'), 'scale-up-n--m');
  assert.equal(
    [...headingSlugs('# A\n## Tests\n```\n# not a heading\n```\n### Tests\n')],
    ['a', 'tests', 'tests-1'],
  );
  assert.equal(
    relativeLinks('[a](x.md#y) [b](https://e.org) `[c](no.md)`\n```\n[d](no.md)\n```\n[e](#z "t")').map(
      (l) => l.target,
    ),
    ['x.md#y', '#z'],
  );
});

test('README.md is at most 12 KB', () => {
  const size = statSync(README).size;
  assert.ok(size <= 12 * 1024, `README.md is ${size} bytes; move reference material to docs/`);
});

test('every relative link in README.md and docs/*.md names an existing file and heading', () => {
  const broken: string[] = [];
  for (const page of PAGES) {
    for (const { target, line } of relativeLinks(readFileSync(page, 'utf8'))) {
      const where = `${relative(ROOT, page)}:${line}: ${target}`;
      const [path = '', anchor] = target.split('#', 2);
      const file = path === '' ? page : join(dirname(page), decodeURIComponent(path));
      if (!existsSync(file)) {
        broken.push(`${where} (no such file)`);
      } else if (anchor !== undefined && file.endsWith('.md')) {
        if (!headingSlugs(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${where} (no such heading)`);
        }
      }
    }
  }
  assert.equal(broken, []);
});

test('docs/README.md lists every page in docs/', () => {
  const index = readFileSync(join(ROOT, 'docs', 'README.md'), 'utf8');
  const listed = new Set(relativeLinks(index).map(({ target }) => target.split('#')[0]));
  const pages = readdirSync(join(ROOT, 'docs')).filter(
    (name) => name.endsWith('.md') && name !== 'README.md',
  );
  assert.equal(
    pages.filter((name) => !listed.has(name)),
    [],
  );
});

test("the README's examples are the files in examples/, and valid", () => {
  const readme = readFileSync(README, 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const cluster = readFileSync(join(ROOT, 'examples', 'aurora-cluster.yaml'), 'utf8');
  const restore = readFileSync(join(ROOT, 'examples', 'aurora-restore.yaml'), 'utf8');
  assert.equal(blocks, [cluster, restore]);
  assert.ok(
    AuroraCluster.safeParse(parse(cluster)).success,
    'examples/aurora-cluster.yaml is a valid AuroraCluster',
  );
  const parsed = AuroraRestore.safeParse(parse(restore));
  assert.ok(parsed.success, `examples/aurora-restore.yaml is a valid AuroraRestore: ${String(parsed.error)}`);
});

test('the two set-up commands stay as they are', () => {
  const readme = readFileSync(README, 'utf8');
  assert.match(readme, '```sh\nnpm ci && npm run demo\n```');
  assert.match(readme, '```sh\nnpm ci && npm test\n```');
});

test.run();
