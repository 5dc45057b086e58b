import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { parseCsv } from '../../../src/server/csv.ts';
import type { TimesheetRowDto } from '../../../src/server/protocol.ts';
import { TIMESHEET_COLUMNS, timesheetCells, timesheetCsv, timesheetHeader, timesheetXlsx } from '../../../src/server/timesheet-export.ts';

const HCM = 'Asia/Ho_Chi_Minh';
const at = (iso: string): number => Date.parse(iso);

const night: TimesheetRowDto = {
  personId: 1,
  personName: '=HYPERLINK("http://evil","Minh")',
  employeeCode: 'NV-7',
  shiftName: 'Ca đêm',
  day: '2024-03-04',
  scheduledStart: at('2024-03-04T22:00:00+07:00'),
  scheduledEnd: at('2024-03-05T06:00:00+07:00'),
  workDay: true,
  firstIn: at('2024-03-04T22:12:00+07:00'),
  lastOut: at('2024-03-05T06:05:00+07:00'),
  punches: 2,
  workedHours: 7 + 53 / 60,
  lateMinutes: 12,
  earlyMinutes: 0,
  missingCheckOut: false,
  absent: false,
  status: 'out',
};
const absent: TimesheetRowDto = { ...night, personName: 'Ân', day: '2024-03-05', scheduledStart: null, scheduledEnd: null, firstIn: null, lastOut: null, punches: 0, workedHours: 0, lateMinutes: 0, absent: true, status: 'absent' };

describe('timesheet export', () => {
  test('cells: local date and time, hours to hundredths, empty where nothing happened', () => {
    assert.deepEqual(timesheetCells(night, HCM, 'en'), [
      '2024-03-04', 'NV-7', night.personName, 'Ca đêm', '2024-03-04 22:00:00', '2024-03-05 06:00:00', '2024-03-04 22:12:00', '2024-03-05 06:05:00', 7.88, 12, 0, null, null, 'out',
    ]);
    assert.deepEqual(timesheetCells(absent, HCM, 'vi').slice(6), [null, null, 0, 0, 0, null, 'có', 'vắng']);
    assert.equal(timesheetHeader('vi').length, TIMESHEET_COLUMNS);
  });

  test('CSV defuses a name typed as a formula', () => {
    const rows = parseCsv(timesheetCsv([night], HCM, 'en'));
    assert.equal(rows[0]!.length, TIMESHEET_COLUMNS);
    assert.equal(rows[1]![2], `'${night.personName}`);
  });

  test('XLSX keeps text as text (never a formula) and numbers as numbers', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await timesheetXlsx([night, absent], HCM, 'vi')) as unknown as Parameters<typeof book.xlsx.load>[0]);
    const sheet = book.worksheets[0]!;
    assert.equal(sheet.name, 'Bảng công');
    assert.equal(sheet.getCell('C2').type, ExcelJS.ValueType.String);
    assert.equal(sheet.getCell('C2').value, night.personName);
    assert.equal(sheet.getCell('I2').type, ExcelJS.ValueType.Number);
    assert.equal(sheet.getCell('G3').type, ExcelJS.ValueType.Null);
    assert.equal(sheet.getCell('M3').value, 'có');
  });
});
