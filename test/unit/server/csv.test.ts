import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, csvLine, parseCsv, toCsv, UTF8_BOM } from '../../../src/server/csv.ts';
import { punchesCsv } from '../../../src/server/export.ts';
import type { Punch } from '../../../src/store/types.ts';

describe('csvField (RFC 4180)', () => {
  const cases: [string | number | boolean | null, string][] = [
    ['plain', 'plain'],
    ['Nguyễn Thị Thảo Tâm', 'Nguyễn Thị Thảo Tâm'],
    ['Trần, Văn', '"Trần, Văn"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['one\nline', '"one\nline"'],
    ['', ''],
    [null, ''],
    [0.9123, '0.9123'],
    [-1, '-1'],
    [true, 'true'],
    // Spreadsheet formulas are defused, text only.
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+84 912', "'+84 912"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-5', "'-5"],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(csvField(input), expected));
  }

  test('decomposed (NFD) text is written composed (NFC)', () => {
    const nfd = 'Tâm'.normalize('NFD');
    assert.notEqual(nfd, 'Tâm');
    assert.equal(csvField(nfd), 'Tâm');
  });

  test('lines end in CRLF and files start with the UTF-8 BOM', () => {
    assert.equal(csvLine(['a', 'b,c']), 'a,"b,c"\r\n');
    assert.equal(toCsv(['h'], [['x']]), `${UTF8_BOM}h\r\nx\r\n`);
  });

  test('parseCsv reads back what toCsv wrote', () => {
    const rows = [
      ['Trần, Văn "An"', 'line\r\nbreak', '', 'Đỗ'],
      ['x', 'y', 'z', ''],
    ];
    assert.deepEqual(parseCsv(toCsv(['a', 'b', 'c', 'd'], rows)), [['a', 'b', 'c', 'd'], ...rows]);
  });
});

describe('punchesCsv golden file', () => {
  const punches: Punch[] = [
    {
      id: 1, personId: 10, personName: 'Nguyễn Thị Thảo Tâm', ts: Date.parse('2024-03-01T01:02:00Z'), kioskId: 'kiosk-1',
      similarity: 0.912345, evidence: { votes: 6 }, voidedAt: null, voidReason: null, manual: false, source: 'face', review: false, hasPhoto: false,
    },
    {
      id: 2, personId: 11, personName: 'Trần, Văn "An"', ts: Date.parse('2024-03-01T10:31:05Z'), kioskId: 'kiosk-1',
      similarity: null, evidence: { reason: 'quên thẻ', actor: 'admin:lan' }, voidedAt: null, voidReason: null, manual: true, source: 'manual', review: false, hasPhoto: false,
    },
    {
      id: 3, personId: 10, personName: 'Nguyễn Thị Thảo Tâm', ts: Date.parse('2024-03-01T17:30:00Z'), kioskId: 'kiosk-2',
      similarity: 0.85, evidence: {}, voidedAt: Date.parse('2024-03-02T02:00:00Z'), voidReason: 'nhầm, người khác', manual: false, source: 'face', review: false, hasPhoto: false,
    },
  ];
  const codes = new Map<number, string | null>([[10, 'NV-001'], [11, null]]);

  test('English, Asia/Ho_Chi_Minh', () => {
    const expected =
      '\uFEFFPunch ID,Person ID,Employee code,Name,Date,Time,Timestamp (UTC),Kiosk,Similarity,Source,Status,Note\r\n' +
      '1,10,NV-001,Nguyễn Thị Thảo Tâm,2024-03-01,08:02:00,2024-03-01T01:02:00.000Z,kiosk-1,0.9123,camera,valid,\r\n' +
      '2,11,,"Trần, Văn ""An""",2024-03-01,17:31:05,2024-03-01T10:31:05.000Z,kiosk-1,,manual,valid,quên thẻ\r\n' +
      '3,10,NV-001,Nguyễn Thị Thảo Tâm,2024-03-02,00:30:00,2024-03-01T17:30:00.000Z,kiosk-2,0.85,camera,voided,"nhầm, người khác"\r\n';
    assert.equal(punchesCsv(punches, codes, 'Asia/Ho_Chi_Minh', 'en'), expected);
  });

  test('Vietnamese headers and words; bytes are UTF-8 with BOM', () => {
    const csv = punchesCsv(punches.slice(1, 2), codes, 'Asia/Ho_Chi_Minh', 'vi');
    assert.equal(
      csv,
      '\uFEFFMã lượt,Mã người,Mã nhân viên,Họ tên,Ngày,Giờ,Thời điểm (UTC),Kiosk,Độ tương đồng,Nguồn,Trạng thái,Ghi chú\r\n' +
        '2,11,,"Trần, Văn ""An""",2024-03-01,17:31:05,2024-03-01T10:31:05.000Z,kiosk-1,,thủ công,hợp lệ,quên thẻ\r\n',
    );
    const bytes = Buffer.from(csv, 'utf8');
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  });
});
