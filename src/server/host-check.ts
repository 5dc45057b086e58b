/**
 * Which Host and Origin headers the server answers. A page on another site that resolves its own
 * name to this kiosk (DNS rebinding) sends its own name as Host; another site's script sends its
 * own Origin. Both are refused: only loopback names, the addresses the server is bound to (every
 * interface for a wildcard bind), the machine's name and configured names are accepted. Ports are
 * not compared (the listener already decides the port).
 */
import { hostname, networkInterfaces } from 'node:os';

/** Remote addresses of the device's own screen (cage + Chromium on this box). */
const LOCAL_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLocalAddress(remote: string | undefined): boolean {
  return remote !== undefined && LOCAL_ADDRESSES.has(remote);
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** True when binding `host` keeps the server on this device. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/gu, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/u.test(h) || /^::ffff:127(\.\d{1,3}){3}$/u.test(h);
}

/** The host name of a Host header value ("[::1]:8080" → "::1", "Kiosk.local:80" → "kiosk.local"), or null when malformed. */
export function hostnameOf(hostHeader: string | undefined): string | null {
  if (hostHeader === undefined || hostHeader.length === 0 || hostHeader.length > 300) return null;
  try {
    const u = new URL(`http://${hostHeader}`);
    if (u.username !== '' || u.password !== '' || u.pathname !== '/' || u.search !== '' || u.hash !== '') return null;
    return u.hostname.replace(/^\[|\]$/gu, '').toLowerCase();
  } catch {
    return null;
  }
}

/** The host name of an Origin header, or null ("null" origins, other schemes and junk). */
export function originHostname(origin: string): string | null {
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.hostname.replace(/^\[|\]$/gu, '').toLowerCase();
  } catch {
    return null;
  }
}

export interface MachineNames {
  hostname: string;
  /** Addresses of this machine's interfaces (for a wildcard bind). */
  addresses: string[];
}

export function machineNames(): MachineNames {
  const addresses: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) addresses.push(a.address);
  return { hostname: hostname(), addresses };
}

/** Pure: the accepted host names for a bind address, configured extra names and this machine. */
export function allowedHostnames(bindHost: string, extra: readonly string[], machine: MachineNames): Set<string> {
  const names = ['localhost', '127.0.0.1', '::1', ...extra];
  const bind = bindHost.replace(/^\[|\]$/gu, '');
  if (isWildcardHost(bindHost)) names.push(...machine.addresses);
  else names.push(bind);
  if (!isLoopbackHost(bindHost)) {
    const short = machine.hostname.toLowerCase();
    names.push(short, `${short.split('.')[0]}.local`);
  }
  return new Set(names.map((n) => n.toLowerCase()));
}

export class HostGuard {
  private allowed: Set<string>;

  constructor(
    private readonly bindHost: string,
    private readonly extra: readonly string[],
    private readonly machine: () => MachineNames = machineNames,
  ) {
    this.allowed = allowedHostnames(bindHost, extra, machine());
  }

  allowsHost(hostHeader: string | undefined): boolean {
    const name = hostnameOf(hostHeader);
    return name !== null && this.has(name);
  }

  /** No Origin (same-origin GETs, non-browser clients) is fine; a present one must name this kiosk. */
  allowsOrigin(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const name = originHostname(origin);
    return name !== null && this.has(name);
  }

  private has(name: string): boolean {
    if (this.allowed.has(name)) return true;
    // A DHCP lease may have changed the wildcard bind's addresses since start: look again once.
    if (!isWildcardHost(this.bindHost)) return false;
    this.allowed = allowedHostnames(this.bindHost, this.extra, this.machine());
    return this.allowed.has(name);
  }
}
