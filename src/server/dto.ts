/**
 * Store and port objects → wire DTOs, field by field. Nothing is spread, so a field added upstream
 * (a descriptor, a file path, raw evidence) never reaches a browser by accident.
 */
import type { CameraStatus, DecisionEvent, RecordingStatus, EnrollmentCaptured, EnrollmentProgress, PreviewFrame } from './ports.ts';
import type {
  CameraStatusDto,
  DailyRowDto,
  DecisionDto,
  EnrollmentCapturedDto,
  EnrollmentProgressDto,
  HubClockDto,
  HubLinkDto,
  PersonSummaryDto,
  PresenceRowDto,
  PreviewDto,
  PunchDto,
  RecordingStatusDto,
  SightingDto,
  VoteEvidenceDto,
  AuditDto,
} from './protocol.ts';
import type { AuditEntry, DailyRow, PersonKey, PersonListItem, Punch } from '../store/types.ts';
import type { Sighting } from '../store/attendance-repo.ts';
import type { PresenceRow, TimesheetPerson } from '../store/timesheet.ts';

export function cameraDto(c: CameraStatus): CameraStatusDto {
  return { state: c.state, reason: c.reason, since: c.since };
}

export function recordingDto(r: RecordingStatus): RecordingStatusDto {
  return { recording: r.recording, since: r.since, pending: r.pending };
}

function hubClockDto(c: HubClockDto): HubClockDto {
  if (c.state === 'synchronised') return { state: c.state, offsetMs: c.offsetMs };
  return c.reason === 'skewed' ? { state: c.state, reason: c.reason, offsetMs: c.offsetMs } : { state: c.state, reason: c.reason };
}

export function hubLinkDto(s: HubLinkDto): HubLinkDto {
  return {
    hubUrl: s.hubUrl,
    kioskId: s.kioskId,
    site: s.site,
    state: s.state,
    lastSuccessAt: s.lastSuccessAt,
    lastError: s.lastError,
    failures: s.failures,
    outboxDepth: s.outboxDepth,
    clock: hubClockDto(s.clock),
    maxSkewMs: s.maxSkewMs,
  };
}

export function decisionDto(d: DecisionEvent): DecisionDto {
  return {
    track: d.track,
    result: d.result,
    personId: d.personId,
    name: d.name,
    decidedAt: d.decidedAt,
    logged: d.logged,
    previousPunchTs: d.previousPunchTs,
    ...(d.punchId === undefined ? {} : { punchId: d.punchId }),
  };
}

export function previewDto(f: PreviewFrame): PreviewDto {
  return {
    ts: f.ts,
    width: f.width,
    height: f.height,
    jpeg: f.jpeg,
    faces: f.faces.map((x) => ({
      trackId: x.trackId,
      box: { x: x.box.x, y: x.box.y, width: x.box.width, height: x.box.height },
      state: x.state,
      label: x.label,
      ...(x.progress ? { progress: { votes: x.progress.votes, needed: x.progress.needed } } : {}),
    })),
  };
}

export function progressDto(p: EnrollmentProgress): EnrollmentProgressDto {
  const g = p.gates;
  return {
    sessionId: p.sessionId,
    gates: { oneFace: g.oneFace, bigEnough: g.bigEnough, frontal: g.frontal, sharp: g.sharp, live: g.live },
    hint: p.hint,
    captured: p.captured,
    needed: p.needed,
  };
}

export function capturedDto(c: EnrollmentCaptured): EnrollmentCapturedDto {
  const d = c.duplicateOf;
  return {
    sessionId: c.sessionId,
    captured: c.captured,
    duplicateOf: d === null ? null : { personId: d.personId, name: d.name, similarity: d.similarity },
  };
}

export function personSummaryDto(p: PersonListItem): PersonSummaryDto {
  return { id: p.id, name: p.name, employeeCode: p.employeeCode, sampleCount: p.sampleCount };
}

export function punchDto(p: Punch): PunchDto {
  const reason = p.evidence.reason;
  return {
    id: p.id,
    personId: p.personId,
    personName: p.personName,
    ts: p.ts,
    kioskId: p.kioskId,
    similarity: p.similarity,
    manual: p.manual,
    manualReason: p.manual && typeof reason === 'string' ? reason : null,
    voidedAt: p.voidedAt,
    voidReason: p.voidReason,
    source: p.source,
    review: p.review,
    hasPhoto: p.hasPhoto,
    vote: p.source === 'face' ? voteEvidenceDto(p.evidence) : null,
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Picks the vote's tallies and shares out of a punch's stored evidence, field by field (nothing else leaves). */
export function voteEvidenceDto(e: Record<string, unknown>): VoteEvidenceDto {
  const tallies = Array.isArray(e.tallies) ? e.tallies : [];
  return {
    tallies: tallies.flatMap((t: unknown) => {
      if (typeof t !== 'object' || t === null) return [];
      const r = t as Record<string, unknown>;
      const count = num(r.count);
      const sim = num(r.meanSimilarity);
      return count === null || sim === null ? [] : [{ name: typeof r.name === 'string' ? r.name : null, count, meanSimilarity: sim }];
    }),
    unknownCount: num(e.unknownCount) ?? 0,
    winnerShare: num(e.winnerShare),
    winnerMeanMargin: num(e.winnerMeanMargin),
    framesUsed: num(e.framesUsed),
    reason: typeof e.reason === 'string' ? e.reason : null,
  };
}

export function dailyDto<Id extends PersonKey>(r: DailyRow<Id>): DailyRowDto<Id> {
  return { personId: r.personId, personName: r.personName, day: r.day, firstIn: r.firstIn, lastOut: r.lastOut, hours: r.hours, punches: r.punches };
}

export function sightingDto(s: Sighting): SightingDto {
  return { id: s.id, kind: s.kind, ts: s.ts, count: s.count, kioskId: s.kioskId, hasPhoto: s.hasPhoto };
}

/** Audit details are admin-written JSON (reasons, names); shown as text, capped so one row cannot flood the page. */
const AUDIT_DETAILS_MAX_CHARS = 500;

/** An audit entry's details as JSON text, cut to a readable length (the kiosk's and the hub's trails). */
export function auditDetails(details: unknown, maxDetails = AUDIT_DETAILS_MAX_CHARS): string {
  const text = JSON.stringify(details) ?? '';
  return text.length > maxDetails ? `${text.slice(0, maxDetails)}…` : text;
}

export function auditDto(a: AuditEntry, maxDetails = AUDIT_DETAILS_MAX_CHARS): AuditDto {
  return { id: a.id, ts: a.ts, actor: a.actor, action: a.action, target: a.target, details: auditDetails(a.details, maxDetails) };
}

/** One person's presence on a shift-day; kiosk rows (number ids) and hub rows (uids) alike. */
export function presenceDto<Id extends PersonKey>(r: PresenceRow & { person: TimesheetPerson<Id> }): PresenceRowDto<Id> {
  return {
    personId: r.person.personId,
    personName: r.person.personName,
    shiftName: r.person.shift?.name ?? null,
    from: r.window.from,
    to: r.window.to,
    scheduledStart: r.window.scheduledStart,
    scheduledEnd: r.window.scheduledEnd,
    intervals: r.intervals,
  };
}
