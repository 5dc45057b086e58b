/**
 * The fallback for decisions the database refused (read-only file, full disk, I/O error): an
 * append-only file beside the database, one JSON line per decision, fsync'd before the decision is
 * announced. DurableRecorder replays it into SQLite once writes work again, then removes it.
 *
 * A line torn by a crash mid-append cannot be a decision anyone was told about (the announcement
 * waits for the fsync), so an unparsable line is skipped and counted, never fatal.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFilePrivate, PRIVATE_FILE_MODE } from '../private-files.ts';
import type { Evidence, PunchDecision, SightingKind } from './types.ts';

export type JournalEntry =
  | { id: string; kind: 'punch'; decision: PunchDecision; cooldownMs: number }
  | { id: string; kind: 'sighting'; sighting: SightingKind; ts: number; kioskId: string; evidence: Evidence; count: number };

export interface JournalContents {
  entries: JournalEntry[];
  /** Lines that did not parse as an entry (a torn last append). */
  skipped: number;
}

/** `<db file>.pending.jsonl`: beside the database, so the same disk and the same backups folder rules apply. */
export function journalPathFor(dbPath: string): string {
  return `${dbPath}.pending.jsonl`;
}

export class PunchJournal {
  constructor(readonly path: string) {}

  get exists(): boolean {
    return existsSync(this.path);
  }

  /** Appends one entry and returns only once it is on disk (file and, when just created, its folder entry). */
  append(entry: JournalEntry): void {
    const created = !existsSync(this.path);
    const fd = openSync(this.path, 'a', PRIVATE_FILE_MODE);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (created) {
      makeFilePrivate(this.path);
      syncDir(dirname(this.path));
    }
  }

  read(): JournalContents {
    if (!existsSync(this.path)) return { entries: [], skipped: 0 };
    const entries: JournalEntry[] = [];
    let skipped = 0;
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const entry = parseEntry(line);
      if (entry === null) skipped++;
      else entries.push(entry);
    }
    return { entries, skipped };
  }

  /** Removes the file once its entries are committed to the database. */
  clear(): void {
    if (!existsSync(this.path)) return;
    rmSync(this.path, { force: true });
    syncDir(dirname(this.path));
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseEntry(line: string): JournalEntry | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(v) || typeof v.id !== 'string' || v.id.length === 0) return null;
  if (v.kind === 'punch' && isRecord(v.decision) && typeof v.cooldownMs === 'number') {
    const d = v.decision;
    if (typeof d.personId !== 'number' || typeof d.ts !== 'number' || typeof d.kioskId !== 'string' || typeof d.similarity !== 'number' || !isRecord(d.evidence)) return null;
    return { id: v.id, kind: 'punch', cooldownMs: v.cooldownMs, decision: { personId: d.personId, ts: d.ts, kioskId: d.kioskId, similarity: d.similarity, evidence: d.evidence } };
  }
  if (v.kind === 'sighting' && (v.sighting === 'unknown' || v.sighting === 'spoof') && typeof v.ts === 'number' && typeof v.kioskId === 'string' && isRecord(v.evidence) && typeof v.count === 'number') {
    return { id: v.id, kind: 'sighting', sighting: v.sighting, ts: v.ts, kioskId: v.kioskId, evidence: v.evidence, count: v.count };
  }
  return null;
}
