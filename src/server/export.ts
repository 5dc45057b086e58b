/** The attendance CSV: one row per punch, times in the kiosk's zone plus an unambiguous UTC column (pure). */
import type { Punch } from '../store/types.ts';
import { toCsv, type CsvValue } from './csv.ts';
import type { Language } from './protocol.ts';
import { localDateAndTime } from './time.ts';

const HEADERS: Record<Language, readonly string[]> = {
  en: ['Punch ID', 'Person ID', 'Employee code', 'Name', 'Date', 'Time', 'Timestamp (UTC)', 'Kiosk', 'Similarity', 'Source', 'Status', 'Note'],
  vi: ['Mã lượt', 'Mã người', 'Mã nhân viên', 'Họ tên', 'Ngày', 'Giờ', 'Thời điểm (UTC)', 'Kiosk', 'Độ tương đồng', 'Nguồn', 'Trạng thái', 'Ghi chú'],
};

const WORDS: Record<Language, { camera: string; manual: string; ok: string; voided: string }> = {
  en: { camera: 'camera', manual: 'manual', ok: 'valid', voided: 'voided' },
  vi: { camera: 'camera', manual: 'thủ công', ok: 'hợp lệ', voided: 'đã huỷ' },
};

export const PUNCH_CSV_COLUMNS = HEADERS.en.length;

function manualReason(p: Punch): string | null {
  const r = p.evidence.reason;
  return p.manual && typeof r === 'string' ? r : null;
}

export function punchRow(p: Punch, employeeCode: string | null, timeZone: string, lang: Language): CsvValue[] {
  const w = WORDS[lang];
  const { date, time } = localDateAndTime(p.ts, timeZone);
  const note = p.voidedAt !== null ? p.voidReason : manualReason(p);
  return [
    p.id,
    p.personId,
    employeeCode,
    p.personName,
    date,
    time,
    new Date(p.ts).toISOString(),
    p.kioskId,
    p.similarity === null ? null : Number(p.similarity.toFixed(4)),
    p.manual ? w.manual : w.camera,
    p.voidedAt === null ? w.ok : w.voided,
    note,
  ];
}

export function punchesCsv(punches: Iterable<Punch>, codes: ReadonlyMap<number, string | null>, timeZone: string, lang: Language): string {
  function* rows(): Generator<CsvValue[]> {
    for (const p of punches) yield punchRow(p, codes.get(p.personId) ?? null, timeZone, lang);
  }
  return toCsv(HEADERS[lang], rows());
}
