/** The UI's DOM-free pieces: greetings, translations, accent-free search (kept in step with the server's). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionBanner, greetingKey } from '../../../kiosk-ui/src/kiosk/greeting.ts';
import { messages, translate, translator } from '../../../kiosk-ui/src/i18n.ts';
import { matchesSearch, searchKey as uiSearchKey } from '../../../kiosk-ui/src/text.ts';
import type { DecisionDto } from '../../../src/server/protocol.ts';
import { searchKey as storeSearchKey } from '../../../src/store/text.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const at0802 = Date.parse('2024-03-01T01:02:00Z'); // 08:02 in Hanoi

function decision(d: Partial<DecisionDto>): DecisionDto {
  return { track: 1, result: 'person', personId: 1, name: 'Lan', decidedAt: at0802, logged: true, previousPunchTs: null, ...d };
}

describe('kiosk greeting', () => {
  test('checked in now (English and Vietnamese)', () => {
    assert.deepEqual(decisionBanner(decision({}), translator('en'), 'en', TZ), { tone: 'ok', title: 'Good morning, Lan', detail: 'checked in 08:02', sound: 'ok' });
    const vi = decisionBanner(decision({ name: 'Nguyễn Thị Thảo Tâm' }), translator('vi'), 'vi', TZ);
    assert.equal(vi.title, 'Chào buổi sáng, Nguyễn Thị Thảo Tâm');
    assert.equal(vi.detail, 'đã chấm công lúc 08:02');
  });

  test('already checked in shows the earlier punch time', () => {
    const earlier = Date.parse('2024-03-01T00:55:00Z');
    const b = decisionBanner(decision({ logged: false, previousPunchTs: earlier, decidedAt: at0802 }), translator('en'), 'en', TZ);
    assert.equal(b.tone, 'info');
    assert.equal(b.detail, 'already checked in at 07:55');
  });

  test('unknown and spoof are refusals', () => {
    const u = decisionBanner(decision({ result: 'unknown', name: null, personId: null }), translator('en'), 'en', TZ);
    assert.deepEqual([u.tone, u.title, u.detail, u.sound], ['warn', 'Not recognised', 'please see the administrator', 'refuse']);
    const s = decisionBanner(decision({ result: 'spoof', name: null }), translator('vi'), 'vi', TZ);
    assert.equal(s.tone, 'bad');
    assert.match(s.title, /Từ chối/u);
  });

  test('greeting follows the local hour', () => {
    assert.deepEqual([0, 11, 12, 17, 18, 23].map(greetingKey), ['greet.morning', 'greet.morning', 'greet.afternoon', 'greet.afternoon', 'greet.evening', 'greet.evening']);
    const evening = decisionBanner(decision({ decidedAt: Date.parse('2024-03-01T12:30:00Z') }), translator('en'), 'en', TZ);
    assert.equal(evening.title, 'Good evening, Lan');
  });
});

describe('translations', () => {
  const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/gu)].map((m) => m[1]!).sort();

  test('every key has the same placeholders in both languages, and no empty text (bar deliberate blanks)', () => {
    for (const key of Object.keys(messages.en) as (keyof typeof messages.en)[]) {
      assert.deepEqual(placeholders(messages.vi[key]), placeholders(messages.en[key]), key);
      if (messages.en[key] !== '') assert.notEqual(messages.vi[key], '', key);
    }
  });

  test('translate fills placeholders and leaves unknown ones visible', () => {
    assert.equal(translate('vi', 'enroll.progress', { captured: 2, needed: 5 }), '2 / 5 ảnh');
    assert.equal(translate('en', 'greet.morning'), 'Good morning, {name}');
  });
});

describe('accent-free search', () => {
  const names = ['Nguyễn Thị Thảo Tâm', 'Đỗ Minh Đức', 'Trần Văn Ân', 'Lê Thị Hồng Nhung', '  Phạm   Quốc  Việt ', 'Tâm'.normalize('NFD')];

  test('the UI and the server compute the same key', () => {
    for (const n of names) assert.equal(uiSearchKey(n), storeSearchKey(n), n);
  });

  test('finds names typed without accents, by employee code, case-insensitively', () => {
    assert.equal(matchesSearch('Đỗ Minh Đức', null, 'duc'), true);
    assert.equal(matchesSearch('Nguyễn Thị Thảo Tâm', null, 'THAO TAM'), true);
    assert.equal(matchesSearch('Nguyễn Thị Thảo Tâm', null, 'tám'), true);
    assert.equal(matchesSearch('Nguyễn Thị Thảo Tâm', 'NV-001', 'nv-001'), true);
    assert.equal(matchesSearch('Nguyễn Thị Thảo Tâm', null, 'lan'), false);
    assert.equal(matchesSearch('Anyone', null, '  '), true);
  });
});
