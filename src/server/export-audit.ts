/**
 * What an export writes to the audit trail, the same on the kiosk and the hub: an export takes
 * names and times off the machine, so who took which range, in which format, is recorded before
 * the file is sent. A one-person export names that person, so it shows among the entries about them.
 */
export type ExportKind = 'attendance' | 'timesheet';

export interface ExportAuditEntry {
  action: `${ExportKind}.export`;
  target: string;
  details: { from: string; to: string; rows: number; format: 'csv' | 'xlsx'; scope?: string };
}

export function exportAuditEntry(
  kind: ExportKind,
  q: { from: string; to: string; personId?: number | string | undefined; scope?: string | undefined },
  rows: number,
  format: 'csv' | 'xlsx',
): ExportAuditEntry {
  return {
    action: `${kind}.export`,
    target: q.personId === undefined ? kind : `person:${q.personId}`,
    details: { from: q.from, to: q.to, rows, format, ...(q.scope === undefined ? {} : { scope: q.scope }) },
  };
}
