/**
 * The timesheet as a spreadsheet: one row per person per shift-day, the same cells in CSV and XLSX.
 * XLSX is written by exceljs (a maintained library; the format is a zip of XML parts we would not hand-write).
 * Times are wall-clock in the kiosk's zone with the date, since a night shift's check-out falls on the next day.
 */
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import type { DayStatusDto, Language, TimesheetRowDto } from './protocol.ts';
import { toCsv, type CsvValue } from './csv.ts';
import { localDateAndTime } from './time.ts';

/** The kiosk's rows (number ids) and the hub's (uids) make the same sheet. */
type PersonIdDto = number | string;

const HEADERS: Record<Language, readonly string[]> = {
  en: ['Shift day', 'Employee code', 'Name', 'Shift', 'Scheduled start', 'Scheduled end', 'First in', 'Last out', 'Worked hours', 'Late (min)', 'Left early (min)', 'Missing check-out', 'Absent', 'Status'],
  vi: ['Ngày ca', 'Mã nhân viên', 'Họ tên', 'Ca', 'Giờ vào ca', 'Giờ tan ca', 'Vào lúc', 'Ra lúc', 'Số giờ làm', 'Đi muộn (phút)', 'Về sớm (phút)', 'Thiếu chấm ra', 'Vắng', 'Trạng thái'],
};

const STATUS: Record<Language, Record<DayStatusDto, string>> = {
  en: { in: 'in', out: 'out', 'missing-out': 'missing check-out', absent: 'absent', 'not-arrived': 'not arrived', upcoming: 'upcoming', off: 'off' },
  vi: { in: 'đang làm', out: 'đã về', 'missing-out': 'thiếu chấm ra', absent: 'vắng', 'not-arrived': 'chưa đến', upcoming: 'chưa tới ngày', off: 'nghỉ' },
};

const YES: Record<Language, string> = { en: 'yes', vi: 'có' };

/** Worked hours are rounded to hundredths, the precision a payroll sheet reads. */
const HOURS_DECIMALS = 2;
const XLSX_COLUMN_WIDTHS = [12, 14, 28, 14, 20, 20, 20, 20, 12, 12, 14, 16, 8, 18];

export const TIMESHEET_COLUMNS = HEADERS.en.length;

export function timesheetHeader(lang: Language): readonly string[] {
  return HEADERS[lang];
}

function stamp(ts: number | null, timeZone: string): string | null {
  if (ts === null) return null;
  const { date, time } = localDateAndTime(ts, timeZone);
  return `${date} ${time}`;
}

/** The cells of one row; numbers stay numbers, so a spreadsheet can sum them. */
export function timesheetCells(r: TimesheetRowDto<PersonIdDto>, timeZone: string, lang: Language): CsvValue[] {
  return [
    r.day,
    r.employeeCode,
    r.personName,
    r.shiftName,
    stamp(r.scheduledStart, timeZone),
    stamp(r.scheduledEnd, timeZone),
    stamp(r.firstIn, timeZone),
    stamp(r.lastOut, timeZone),
    Number(r.workedHours.toFixed(HOURS_DECIMALS)),
    r.lateMinutes,
    r.earlyMinutes,
    r.missingCheckOut ? YES[lang] : null,
    r.absent ? YES[lang] : null,
    STATUS[lang][r.status],
  ];
}

/** Columns a caller appends after the kiosk's (the hub: the kiosk of the first and the last punch). */
export interface ExtraColumns<R> {
  headers: Record<Language, readonly string[]>;
  cells(r: R): CsvValue[];
}

type Row = TimesheetRowDto<PersonIdDto>;

function headerOf<R>(lang: Language, extra: ExtraColumns<R> | undefined): string[] {
  return [...HEADERS[lang], ...(extra?.headers[lang] ?? [])];
}

function cellsOf<R extends Row>(r: R, timeZone: string, lang: Language, extra: ExtraColumns<R> | undefined): CsvValue[] {
  return [...timesheetCells(r, timeZone, lang), ...(extra?.cells(r) ?? [])];
}

export function timesheetCsv<R extends Row>(rows: readonly R[], timeZone: string, lang: Language, extra?: ExtraColumns<R>): string {
  return toCsv(headerOf(lang, extra), rows.map((r) => cellsOf(r, timeZone, lang, extra)));
}

/** One worksheet, header frozen; empty cells stay empty. Strings are stored as strings, never formulas. */
export async function timesheetXlsx<R extends Row>(rows: readonly R[], timeZone: string, lang: Language, extra?: ExtraColumns<R>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'attendance-kiosk';
  const sheet = book.addWorksheet(lang === 'vi' ? 'Bảng công' : 'Timesheet', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(headerOf(lang, extra)).font = { bold: true };
  for (const r of rows) sheet.addRow(cellsOf(r, timeZone, lang, extra));
  sheet.columns.forEach((col, i) => {
    col.width = XLSX_COLUMN_WIDTHS[i] ?? XLSX_COLUMN_WIDTHS[0];
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends the rows as a download named `<base>.csv` or `.xlsx` (the kiosk's and the hub's timesheet exports). */
export async function sendTimesheet<R extends Row>(
  reply: FastifyReply,
  file: { format: 'csv' | 'xlsx'; base: string },
  sheet: { rows: readonly R[]; timeZone: string; lang: Language; extra?: ExtraColumns<R> },
): Promise<FastifyReply> {
  const csv = file.format === 'csv';
  const body = csv ? timesheetCsv(sheet.rows, sheet.timeZone, sheet.lang, sheet.extra) : await timesheetXlsx(sheet.rows, sheet.timeZone, sheet.lang, sheet.extra);
  return reply
    .header('content-type', csv ? 'text/csv; charset=utf-8' : XLSX_TYPE)
    .header('content-disposition', `attachment; filename="${file.base}.${file.format}"`)
    .header('cache-control', 'no-store')
    .send(body);
}
