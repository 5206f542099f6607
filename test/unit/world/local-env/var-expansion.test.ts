// Kubernetes $(VAR) expansion as the pod runtime applies it to command, args and env values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandVars } from '../../../world/local-env/pod-runtime/var-expansion.ts';

const vars: Record<string, string> = { POD_IP: '127.2.0.5', PORT: '8083', EMPTY: '' };
const expand = (input: string) => expandVars(input, (name) => vars[name]);

test('known variables are replaced, anywhere and repeatedly', () => {
  assert.is(expand('$(POD_IP)'), '127.2.0.5');
  assert.is(expand('--ip=$(POD_IP):$(PORT)'), '--ip=127.2.0.5:8083');
  assert.is(expand('$(PORT)$(PORT)'), '80838083');
  assert.is(expand('a$(EMPTY)b'), 'ab');
});

test('unknown variables stay verbatim', () => {
  assert.is(expand('$(NOPE)'), '$(NOPE)');
  assert.is(expand('x=$(NOPE) y=$(PORT)'), 'x=$(NOPE) y=8083');
});

test('$$ escapes a dollar, so $$(VAR) is the literal $(VAR)', () => {
  assert.is(expand('$$'), '$');
  assert.is(expand('$$(POD_IP)'), '$(POD_IP)');
  assert.is(expand('cost: $$5'), 'cost: $5');
  assert.is(expand('$$$(PORT)'), '$8083');
});

test('a $ not followed by ( or $ and an unclosed $( stay as they are', () => {
  assert.is(expand('$HOME'), '$HOME');
  assert.is(expand('price $5'), 'price $5');
  assert.is(expand('trailing $'), 'trailing $');
  assert.is(expand('$(POD_IP'), '$(POD_IP');
  assert.is(expand('$(PORT) then $(POD_IP'), '8083 then $(POD_IP');
});

test('the replacement is not expanded again and text without $ is unchanged', () => {
  const lookup = (name: string) => (name === 'A' ? '$(B)' : name === 'B' ? 'b' : undefined);
  assert.is(expandVars('$(A)', lookup), '$(B)');
  assert.is(expand('plain text'), 'plain text');
  assert.is(expand(''), '');
});

test.run();
