// Pod IPs from 127.<subnet>.0.0/16: stable per owner, reserved after a runtime restart, released, and exhausted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IpAllocator } from '../../../world/local-env/pod-runtime/ip-allocator.ts';

test('the default subnet is 127.2; the lowest free address from .0.2, stable per owner', () => {
  const ips = new IpAllocator();
  assert.is(ips.allocate('a'), '127.2.0.2');
  assert.is(ips.allocate('b'), '127.2.0.3');
  assert.is(ips.allocate('a'), '127.2.0.2', 'the same owner keeps its address');
});

test('the subnet option selects 127.<subnet>, and only 2..254 integers are accepted', () => {
  assert.is(new IpAllocator(24).allocate('a'), '127.24.0.2');
  assert.is(new IpAllocator(254).allocate('a'), '127.254.0.2');
  for (const bad of [0, 1, 255, 2.5, -3, Number.NaN]) {
    assert.throws(() => new IpAllocator(bad), /is not in 2\.\.254/, `subnet ${bad}`);
  }
  assert.throws(() => new IpAllocator(1), /pod subnet 127\.1 is not in 2\.\.254/);
});

test('addresses continue into the next /24', () => {
  const ips = new IpAllocator(7);
  let last = '';
  for (let i = 0; i < 255; i++) last = ips.allocate(`p${i}`);
  assert.is(last, '127.7.1.0');
  assert.is(ips.allocate('next'), '127.7.1.1');
});

test('reserve keeps an address a pod already had, and refuses conflicts', () => {
  const ips = new IpAllocator(5);
  assert.ok(ips.reserve('old', '127.5.0.9'));
  assert.not.ok(ips.reserve('other', '127.5.0.9'), 'the address is taken');
  assert.not.ok(ips.reserve('old', '127.5.0.10'), 'the owner already has one');
  assert.not.ok(ips.reserve('x', '127.6.0.9'), 'another subnet');
  assert.not.ok(ips.reserve('y', '127.0.0.1'), 'the node address is not a pod address');
  assert.is(ips.allocate('old'), '127.5.0.9');
  // allocation skips the reserved address
  for (let n = 2; n < 9; n++) assert.is(ips.allocate(`p${n}`), `127.5.0.${n}`);
  assert.is(ips.allocate('after'), '127.5.0.10');
});

test('release frees the address for the next allocation; releasing an unknown owner is a no-op', () => {
  const ips = new IpAllocator(3);
  ips.allocate('a');
  ips.allocate('b');
  ips.release('a');
  ips.release('a');
  ips.release('nobody');
  assert.is(ips.allocate('c'), '127.3.0.2');
  assert.is(ips.allocate('b'), '127.3.0.3');
  assert.ok(ips.reserve('d', '127.3.0.4'));
  ips.release('d');
  assert.ok(ips.reserve('e', '127.3.0.4'), 'a released reservation can be taken again');
});

test('exhaustion names the range; a release makes room again', () => {
  const ips = new IpAllocator(9);
  for (let n = 2; n < 65535; n++) ips.allocate(`p${n}`);
  assert.throws(() => ips.allocate('one-too-many'), /pod IP range 127\.9\.0\.0\/16 is exhausted/);
  assert.is(ips.allocate('p100'), '127.9.0.100', 'existing owners still get their address');
  ips.release('p300');
  assert.is(ips.allocate('late'), '127.9.1.44');
});

test.run();
