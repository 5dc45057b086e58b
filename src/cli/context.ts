/**
 * What every command shares: the validated configuration (with the global flags applied), one
 * logger, and lazily opened engine and store, closed once at the end.
 */
import { join, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createLogger, type Logger } from '../log.ts';
import { makePrivateDir } from '../private-files.ts';
import { FaceEngine } from '../model/engine.ts';
import { openStore, type Store } from '../store/store.ts';

export interface GlobalFlags {
  dataDir?: string;
  config?: string;
  backend?: string;
  logLevel?: string;
}

export type CliOverrides = { [k: string]: string | number | boolean | CliOverrides };

export class CliContext {
  readonly loaded: LoadedConfig;
  readonly config: Config;
  readonly log: Logger;
  #engine: Promise<FaceEngine> | null = null;
  #engineAll = false;
  #store: Store | null = null;

  /** `overrides` are layered like CLI flags (tests and embedding programs set config this way). */
  constructor(flags: GlobalFlags, overrides: CliOverrides = {}) {
    const cli: CliOverrides = { ...overrides };
    if (flags.dataDir) cli.dataDir = flags.dataDir;
    if (flags.logLevel) cli.logLevel = flags.logLevel;
    const model: CliOverrides = {};
    if (flags.backend) model.backend = flags.backend;
    if (Object.keys(model).length) cli.model = model;
    this.loaded = loadConfig({ configFile: flags.config, cli });
    this.config = this.loaded.config;
    this.log = createLogger(this.config.logLevel);
  }

  get dataDir(): string {
    return resolve(this.config.dataDir);
  }

  /** The face engine; `all` loads both descriptor networks (evaluations compare them). */
  engine(all = false): Promise<FaceEngine> {
    if (this.#engine && (this.#engineAll || !all)) return this.#engine;
    this.#engineAll = all;
    this.#engine = FaceEngine.create(this.config.model, this.log, all);
    return this.#engine;
  }

  store(): Store {
    if (!this.#store) {
      makePrivateDir(this.dataDir);
      this.#store = openStore({ ...this.config.store, dataDir: this.dataDir }, { logger: this.log });
    }
    return this.#store;
  }

  cachePath(name: string): string {
    return join(this.dataDir, 'cache', name);
  }

  close(): void {
    this.#store?.close();
    this.#store = null;
  }
}
