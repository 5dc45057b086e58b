/**
 * The password for `kiosk hub add-admin` and `set-password`: from a file (first line; for scripts), or typed twice at a
 * prompt that does not echo it. Piped standard input without a terminal is refused with a hint, so a
 * password never ends up in shell history or a process list.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { KioskError, errorMessage } from '../errors.ts';

export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KioskError('USAGE', `cannot read the password file ${path}: ${errorMessage(err)}`, { hint: 'give a readable file whose first line is the password' });
  }
  return text.split(/\r?\n/u)[0] ?? '';
}

/** One line typed at the terminal with echo off. */
function ask(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export async function promptPassword(username: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new KioskError('USAGE', 'no terminal to type the password at', { hint: 'run it in a terminal, or give --password-file <file>' });
  }
  const first = await ask(`password for hub admin ${username}: `);
  const again = await ask('the same password again: ');
  if (first !== again) throw new KioskError('USAGE', 'the two passwords differ', { hint: 'run the command again' });
  return first;
}
