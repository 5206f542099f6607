// Every command answers --help (and `help <command>`) with its usage, what it does and the exit codes, on stdout
// with exit code 0, without running; the kubectl plugin passes --help through to each of its commands.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, EXIT_CODES } from '../../../src/cli.ts';
import { runCli } from './cli-fixture.ts';

const PLUGIN = new URL('../../../bin/kubectl-aurora', import.meta.url).pathname;

const cli = (args: string[]) => runCli(args);

test('<command> --help, -h and help <command> print the usage, the summary and the exit codes', async () => {
  assert.ok(Object.keys(COMMANDS).length >= 6);
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = await entry.load();
    for (const args of [
      [name, '--help'],
      [name, '-h'],
      ['help', name],
    ]) {
      const { code, out, err } = await cli(args);
      assert.is(code, 0, args.join(' '));
      assert.is(err, '', args.join(' '));
      assert.match(out, new RegExp(`^usage: aurora-operator ${name}\\b`), args.join(' '));
      assert.ok(out.includes(command.summary), `${args.join(' ')} names what it does`);
      assert.ok(out.includes(EXIT_CODES), `${args.join(' ')} lists the exit codes`);
    }
  }
});

test('--help after other options still only helps: render does not read its file, run does not start', async () => {
  const { code, out } = await cli(['render', '-f', '/nonexistent/cluster.yaml', '--help']);
  assert.is(code, 0);
  assert.match(out, /^usage: aurora-operator render -f/);
});

test('the command list names every command and the exit codes; usage errors exit 2', async () => {
  const { code, out } = await cli(['--help']);
  assert.is(code, 0);
  for (const name of Object.keys(COMMANDS)) assert.match(out, new RegExp(`^  ${name} `, 'm'));
  assert.match(out, EXIT_CODES);
  assert.is((await cli([])).code, 2);
  assert.is((await cli(['no-such-command'])).code, 2);
  assert.is((await cli(['diagnose'])).code, 2, 'a missing argument');
  assert.is((await cli(['render', '--no-such-option'])).code, 2, 'an unknown option');
});

test('kubectl aurora: --help lists its commands and exit codes; each command answers --help', () => {
  const run = (args: string[]): string => execFileSync(PLUGIN, args, { encoding: 'utf8' });
  const help = run(['--help']);
  assert.match(help, 'kubectl aurora diagnose');
  assert.match(help, 'kubectl aurora restore-plan');
  assert.match(help, 'exit codes: 0 done; 1 failed');
  for (const name of ['diagnose', 'restore-plan']) {
    assert.match(run([name, '--help']), new RegExp(`^usage: aurora-operator ${name}\\b`));
  }
  assert.is(spawnSync(PLUGIN, ['no-such-command']).status, 2);
  assert.is(spawnSync(PLUGIN, []).status, 2);
});

test('kubectl aurora installs as one copied file: it finds aurora-operator on PATH, else exits 127 saying so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-aurora-'));
  const copy = join(dir, 'kubectl-aurora');
  copyFileSync(PLUGIN, copy);
  const path = (extra: string[]): NodeJS.ProcessEnv => ({
    ...process.env,
    PATH: [...extra, '/usr/bin', '/bin'].join(':'),
    AURORA_OPERATOR: '',
  });
  const found = spawnSync(copy, ['diagnose', '--help'], { env: path([dirname(PLUGIN)]), encoding: 'utf8' });
  assert.is(found.status, 0, found.stderr);
  assert.match(found.stdout, /^usage: aurora-operator diagnose/);
  const missing = spawnSync(copy, ['diagnose', 'example'], { env: path([]), encoding: 'utf8' });
  assert.is(missing.status, 127);
  assert.match(missing.stderr, 'aurora-operator not found');
});

test.run();
