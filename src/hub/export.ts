/**
 * The hub's attendance CSV: one row per punch of any kiosk, with its kiosk, site and clock trust
 * (pure; CSV encoding and day/time formatting are the kiosk's own, src/server/csv.ts and time.ts).
 */
import { toCsv, type CsvValue } from '../server/csv.ts';
import type { Language } from '../server/protocol.ts';
import { localDateAndTime } from '../server/time.ts';
import type { HubClockTrust, HubPunchDto } from './admin-dto.ts';

const HEADERS: Record<Language, readonly string[]> = {
  en: ['Punch ID', 'Employee code', 'Name', 'Date', 'Time', 'Timestamp (UTC)', 'Kiosk', 'Site', 'Clock', 'Corrected time (UTC)', 'Similarity', 'Source', 'Status', 'Note'],
  vi: ['Mã lượt', 'Mã nhân viên', 'Họ tên', 'Ngày', 'Giờ', 'Thời điểm (UTC)', 'Kiosk', 'Địa điểm', 'Đồng hồ', 'Thời điểm đã hiệu chỉnh (UTC)', 'Độ tương đồng', 'Nguồn', 'Trạng thái', 'Ghi chú'],
};

const WORDS: Record<Language, { camera: string; manual: string; ok: string; voided: string; clock: Record<HubClockTrust, string> }> = {
  en: { camera: 'camera', manual: 'manual', ok: 'valid', voided: 'voided', clock: { confirmed: 'confirmed', skewed: 'off', unconfirmed: 'not confirmed' } },
  vi: { camera: 'camera', manual: 'thủ công', ok: 'hợp lệ', voided: 'đã huỷ', clock: { confirmed: 'đã xác nhận', skewed: 'lệch giờ', unconfirmed: 'chưa xác nhận' } },
};

export function hubPunchRow(p: HubPunchDto, timeZone: string, lang: Language): CsvValue[] {
  const w = WORDS[lang];
  const { date, time } = localDateAndTime(p.ts, timeZone);
  return [
    p.id,
    p.employeeCode,
    p.personName,
    date,
    time,
    new Date(p.ts).toISOString(),
    p.kioskId,
    p.site,
    w.clock[p.clockTrust],
    p.correctedTs === null ? null : new Date(p.correctedTs).toISOString(),
    p.similarity === null ? null : Number(p.similarity.toFixed(4)),
    p.manual ? w.manual : w.camera,
    p.voidedAt === null ? w.ok : w.voided,
    p.voidedAt === null ? p.manualReason : p.voidReason,
  ];
}

export function hubPunchesCsv(punches: Iterable<HubPunchDto>, timeZone: string, lang: Language): string {
  function* rows(): Generator<CsvValue[]> {
    for (const p of punches) yield hubPunchRow(p, timeZone, lang);
  }
  return toCsv(HEADERS[lang], rows());
}
