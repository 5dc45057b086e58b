/** The admin pages' paging of a list they already hold (people): one page of rows, clamped. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pageOf } from '../../../kiosk-ui/src/admin/paging.ts';

const list = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('pageOf', () => {
  test('slices, counts pages and clamps the page asked for', () => {
    const table: [string, number, number, number, { first: number | undefined; last: number | undefined; page: number; pages: number; size: number }][] = [
      ['empty list: one empty page', 0, 1, 50, { first: undefined, last: undefined, page: 1, pages: 1, size: 0 }],
      ['exactly one page', 50, 1, 50, { first: 1, last: 50, page: 1, pages: 1, size: 50 }],
      ['second of three', 120, 2, 50, { first: 51, last: 100, page: 2, pages: 3, size: 50 }],
      ['last page is short', 120, 3, 50, { first: 101, last: 120, page: 3, pages: 3, size: 20 }],
      ['past the end: the last page (a search shrank the list)', 120, 9, 50, { first: 101, last: 120, page: 3, pages: 3, size: 20 }],
      ['before the start: the first page', 120, 0, 50, { first: 1, last: 50, page: 1, pages: 3, size: 50 }],
      ['a fraction is cut to a whole page', 120, 2.7, 50, { first: 51, last: 100, page: 2, pages: 3, size: 50 }],
    ];
    for (const [name, n, page, size, want] of table) {
      const p = pageOf(list(n), page, size);
      assert.deepEqual({ first: p.items[0], last: p.items[p.items.length - 1], page: p.page, pages: p.pages, size: p.items.length }, want, name);
    }
  });
});
