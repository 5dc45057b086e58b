import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedHostnames, HostGuard, hostnameOf, isLoopbackHost, isLocalAddress } from '../../../src/server/host-check.ts';

const MACHINE = { hostname: 'kiosk-door', addresses: ['127.0.0.1', '::1', '192.168.1.20', 'fe80::1'] };

describe('Host and Origin checks', () => {
  test('host names are read from Host headers, ports and brackets dropped; junk is null', () => {
    const cases: [string | undefined, string | null][] = [
      ['localhost:8080', 'localhost'],
      ['[::1]:8080', '::1'],
      ['Kiosk-Door.LOCAL', 'kiosk-door.local'],
      ['evil.example', 'evil.example'],
      ['a@evil.example', null],
      ['evil.example/path', null],
      ['', null],
      [undefined, null],
    ];
    for (const [header, want] of cases) assert.equal(hostnameOf(header), want, String(header));
  });

  test('loopback bind: only loopback names (and configured ones)', () => {
    const names = allowedHostnames('127.0.0.1', ['kiosk.lan'], MACHINE);
    assert.deepEqual([...names].sort(), ['127.0.0.1', '::1', 'kiosk.lan', 'localhost']);
  });

  test('wildcard bind: every interface address and the machine name', () => {
    const names = allowedHostnames('0.0.0.0', [], MACHINE);
    for (const n of ['192.168.1.20', 'kiosk-door', 'kiosk-door.local', 'localhost']) assert.ok(names.has(n), n);
    assert.ok(!names.has('evil.example'));
  });

  test('the attack: Host evil.example and Origin http://evil.example are refused; no Origin is fine', () => {
    const g = new HostGuard('0.0.0.0', [], () => MACHINE);
    assert.equal(g.allowsHost('evil.example'), false);
    assert.equal(g.allowsHost('evil.example:8080'), false);
    assert.equal(g.allowsHost('192.168.1.20:8443'), true);
    assert.equal(g.allowsOrigin('http://evil.example'), false);
    assert.equal(g.allowsOrigin('null'), false);
    assert.equal(g.allowsOrigin('file:///x'), false);
    assert.equal(g.allowsOrigin('https://kiosk-door.local:8443'), true);
    assert.equal(g.allowsOrigin(undefined), true);
  });

  test('a new DHCP address is picked up on a miss (wildcard bind only)', () => {
    let machine = MACHINE;
    const g = new HostGuard('0.0.0.0', [], () => machine);
    assert.equal(g.allowsHost('10.0.0.9'), false);
    machine = { ...MACHINE, addresses: [...MACHINE.addresses, '10.0.0.9'] };
    assert.equal(g.allowsHost('10.0.0.9'), true);
  });

  test('loopback binds and the device\'s own screen', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.20', 'kiosk.lan']) assert.equal(isLoopbackHost(h), false, h);
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal(isLocalAddress(a), true, a);
    for (const a of ['127.0.0.2', '192.168.1.30', undefined]) assert.equal(isLocalAddress(a), false, String(a));
  });
});
