import { userInfo } from 'node:os';

/** How a command names its user in an audit trail: `cli:<system user>` (plain `cli` where the user has no name). */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}
