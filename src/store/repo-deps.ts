/** What every repository is constructed with: the open DB plus injected logger, clock and config. */
import { silentLogger, type Logger } from '../log.ts';
import { defaultStoreOptions, type StoreOptions } from './options.ts';

export interface RepoDeps {
  logger?: Logger;
  /** ms since the epoch; injected so tests can pin created_at, voided_at and audit times. */
  clock?: () => number;
  options?: Partial<StoreOptions>;
}

export interface ResolvedRepoDeps {
  logger: Logger;
  clock: () => number;
  options: StoreOptions;
}

export function resolveDeps(deps: RepoDeps, stage: string): ResolvedRepoDeps {
  return {
    logger: (deps.logger ?? silentLogger).child({ stage }),
    clock: deps.clock ?? Date.now,
    options: { ...defaultStoreOptions, ...deps.options },
  };
}
