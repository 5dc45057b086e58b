/**
 * HTTPS for a kiosk that serves the network: the configured certificate and key, or a self-signed
 * pair made on first run in <dataDir>/tls (directory 0700, files 0600) and reused until it expires.
 * Its SHA-256 fingerprint is what a browser's warning shows and what `kiosk doctor` prints, so an
 * admin can check they reached this kiosk before trusting it.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { errorMessage, KioskError } from '../errors.ts';
import { isLoopbackHost, isWildcardHost, machineNames, type MachineNames } from './host-check.ts';
import type { ServerOptions } from './options.ts';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** SHA-256 of the certificate, colon-separated hex (as browsers show it). */
  fingerprint256: string;
  source: 'configured' | 'self-signed';
  certPath: string;
  notAfter: string;
}

export function tlsWanted(options: Pick<ServerOptions, 'host' | 'tls'>): boolean {
  return !isLoopbackHost(options.host) || options.tls.onLoopback;
}

export function selfSignedPaths(dataDir: string): { dir: string; cert: string; key: string } {
  const dir = join(dataDir, 'tls');
  return { dir, cert: join(dir, 'kiosk-cert.pem'), key: join(dir, 'kiosk-key.pem') };
}

export function describeCert(certPem: string): { fingerprint256: string; notAfter: string; validTo: number } {
  const x = new X509Certificate(certPem);
  return { fingerprint256: x.fingerprint256, notAfter: x.validTo, validTo: Date.parse(x.validTo) };
}

/** Names and addresses the self-signed certificate is valid for. */
export function certificateNames(options: Pick<ServerOptions, 'host' | 'allowedHosts'>, machine: MachineNames): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost', machine.hostname.toLowerCase(), `${machine.hostname.toLowerCase().split('.')[0]}.local`, ...options.allowedHosts.map((h) => h.toLowerCase())]);
  const ips = new Set(['127.0.0.1', '::1']);
  const bind = options.host.replace(/^\[|\]$/gu, '');
  if (isWildcardHost(options.host)) for (const a of machine.addresses) ips.add(a);
  else if (/^[\d.]+$|:/u.test(bind)) ips.add(bind);
  else dns.add(bind.toLowerCase());
  for (const d of [...dns]) if (/^[\d.]+$|:/u.test(d)) {
    dns.delete(d);
    ips.add(d);
  }
  return { dns: [...dns], ips: [...ips].filter((ip) => !ip.includes('%')) };
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new KioskError('CONFIG_INVALID', `cannot read the TLS ${what} ${path}: ${errorMessage(err)}`, {
      hint: `fix server.tls.${what === 'certificate' ? 'certFile' : 'keyFile'}, or unset both to use a self-signed certificate`,
      context: { path },
    });
  }
}

async function makeSelfSigned(options: Pick<ServerOptions, 'host' | 'allowedHosts' | 'tls'>, dataDir: string, now: number): Promise<void> {
  const paths = selfSignedPaths(dataDir);
  const names = certificateNames(options, machineNames());
  const pems = await generate([{ name: 'commonName', value: names.dns[1] ?? 'localhost' }, { name: 'organizationName', value: 'attendance-kiosk' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + options.tls.selfSignedDays * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);
  // Key first: a cert without its key would be reused and fail; a key without a cert is remade.
  writeFileSync(paths.key, pems.private, { mode: 0o600 });
  chmodSync(paths.key, 0o600);
  writeFileSync(paths.cert, pems.cert, { mode: 0o600 });
  chmodSync(paths.cert, 0o600);
}

/** The certificate and key to serve, making a self-signed pair when none is configured or the old one expired. */
export async function loadTls(options: Pick<ServerOptions, 'host' | 'allowedHosts' | 'tls'>, dataDir: string, now = Date.now()): Promise<TlsMaterial> {
  const { certFile, keyFile } = options.tls;
  if (certFile !== undefined && keyFile !== undefined) {
    const cert = readPem(certFile, 'certificate');
    const key = readPem(keyFile, 'key');
    let info: ReturnType<typeof describeCert>;
    try {
      info = describeCert(cert);
    } catch (err) {
      throw new KioskError('CONFIG_INVALID', `${certFile} is not a PEM certificate: ${errorMessage(err)}`, { hint: 'point server.tls.certFile at a PEM file', context: { path: certFile } });
    }
    return { key, cert, fingerprint256: info.fingerprint256, source: 'configured', certPath: certFile, notAfter: info.notAfter };
  }
  const paths = selfSignedPaths(dataDir);
  const current = readSelfSigned(dataDir);
  if (current === null || current.validTo <= now) await makeSelfSigned(options, dataDir, now);
  const cert = readFileSync(paths.cert, 'utf8');
  const info = describeCert(cert);
  return { key: readFileSync(paths.key, 'utf8'), cert, fingerprint256: info.fingerprint256, source: 'self-signed', certPath: paths.cert, notAfter: info.notAfter };
}

/** The self-signed certificate in the data directory, if there is a readable one (for `kiosk doctor`). */
export function readSelfSigned(dataDir: string): (ReturnType<typeof describeCert> & { path: string }) | null {
  const paths = selfSignedPaths(dataDir);
  if (!existsSync(paths.cert) || !existsSync(paths.key)) return null;
  try {
    return { ...describeCert(readFileSync(paths.cert, 'utf8')), path: paths.cert };
  } catch {
    return null;
  }
}
