/**
 * A loopback TCP proxy in front of several hub processes (a load balancer that misbehaves): each
 * connection goes to the next upstream in turn; while chaos is on, connections are delayed before
 * they reach the hub, cut after a random time, and now and then every open connection is cut at once.
 * `random` is injected so a run can be replayed.
 */
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';

export interface ChaosOptions {
  /** Probability that a new connection waits before it is forwarded, and the longest wait. */
  delayP: number;
  maxDelayMs: number;
  /** Probability that a connection is cut after a random time up to maxLifeMs. */
  cutP: number;
  maxLifeMs: number;
}

export class ChaosProxy {
  readonly #server: Server;
  readonly #open = new Set<Socket>();
  #next = 0;
  #chaos: ChaosOptions | null = null;
  /** When chaos last cut a connection (ms epoch); the convergence clock starts from the last one. */
  lastCutAt = 0;
  cuts = 0;
  delayed = 0;

  constructor(public upstreams: number[], private readonly random: () => number = Math.random) {
    this.#server = createServer((client) => this.#accept(client));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.#server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((this.#server.address() as AddressInfo).port)));
  }

  chaos(opts: ChaosOptions | null): void {
    this.#chaos = opts;
  }

  /** Cuts every open connection now (a link going down). */
  cutAll(): void {
    for (const s of this.#open) this.#cut(s);
  }

  close(): Promise<void> {
    for (const s of this.#open) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #cut(s: Socket): void {
    if (s.destroyed) return;
    s.destroy();
    this.cuts++;
    this.lastCutAt = Date.now();
  }

  #accept(client: Socket): void {
    this.#open.add(client);
    client.on('close', () => this.#open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const port = this.upstreams[this.#next++ % this.upstreams.length]!;
    const chaos = this.#chaos;
    const wait = chaos !== null && this.random() < chaos.delayP ? this.random() * chaos.maxDelayMs : 0;
    if (wait > 0) this.delayed++;
    setTimeout(() => {
      if (client.destroyed) return;
      const upstream = connect({ host: '127.0.0.1', port });
      this.#open.add(upstream);
      upstream.on('close', () => {
        this.#open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('connect', () => {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      if (chaos !== null && this.random() < chaos.cutP) {
        setTimeout(() => {
          if (this.#chaos === null) return;
          this.#cut(client);
          upstream.destroy();
        }, this.random() * chaos.maxLifeMs);
      }
    }, wait);
  }
}
