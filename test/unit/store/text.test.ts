import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLike, normalizeName, searchKey } from '../../../src/store/text.ts';

describe('normalizeName', () => {
  test('decomposed input becomes NFC and whitespace collapses', () => {
    const nfd = 'Nguyễn  Thị\tThảo Tâm '.normalize('NFD');
    assert.notEqual(nfd, nfd.normalize('NFC'));
    const out = normalizeName(nfd);
    assert.equal(out, 'Nguyễn Thị Thảo Tâm'.normalize('NFC'));
    assert.equal(out, out.normalize('NFC'));
  });
});

describe('searchKey', () => {
  const cases: [string, string][] = [
    ['Nguyễn Thị Thảo Tâm', 'nguyen thi thao tam'],
    ['Đặng Văn Đức', 'dang van duc'],
    ['Trương Thị Ưng', 'truong thi ung'],
    ['Phạm Ngọc Ánh'.normalize('NFD'), 'pham ngoc anh'],
    ['  LÊ   Hồng  ', 'le hong'],
    ['O’Brien', 'o’brien'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(searchKey(input), expected);
    });
  }
});

describe('escapeLike', () => {
  test('escapes wildcards and the escape character', () => {
    assert.equal(escapeLike('50%_a\\b'), '50\\%\\_a\\\\b');
  });
});
