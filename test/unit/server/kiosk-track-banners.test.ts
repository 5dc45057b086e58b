/** The kiosk screen's DOM-free rules for greetings bound to faces and the text over each face. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { faceLabel } from '../../../kiosk-ui/src/kiosk/greeting.ts';
import { mainFace, TrackBanners } from '../../../kiosk-ui/src/kiosk/track-banners.ts';
import { translator } from '../../../kiosk-ui/src/i18n.ts';
import type { PreviewFaceDto } from '../../../src/server/protocol.ts';

const GREETING_MS = 4000;

function face(trackId: number, size = 100, x = 0): PreviewFaceDto {
  return { trackId, box: { x, y: 0, width: size, height: size }, state: 'collecting', label: null };
}

describe('greetings bound to their faces', () => {
  const rows: Array<[name: string, steps: Array<[at: number, faces: PreviewFaceDto[] | null, add?: number]>, expect: number | null]> = [
    ['the decided face is in view: its greeting', [[0, [face(1)], 1]], 1],
    ['the face left and another walked up: cleared', [[0, [face(1)], 1], [200, [face(2)]]], null],
    ['the face left and the frame is empty: the greeting stays', [[0, [face(1)], 1], [200, []]], 1],
    ['…not while someone else is in view', [[0, [face(1)], 1], [200, []], [400, [face(2)]]], null],
    ['a decision that lands before the first frame with its face shows once the face is drawn', [[0, [face(1)], 2], [100, [face(2)]]], 2],
    ['a larger face becomes the main one: handed over to it (none yet)', [[0, [face(1)], 1], [200, [face(1, 80), face(2, 160, 300)]]], null],
    ['handed over to the main face\'s own greeting', [[0, [face(1), face(2, 60, 300)], 1], [100, [face(1), face(2, 60, 300)], 2], [200, [face(1, 80), face(2, 160, 300)]]], 2],
    ['two faces, the main one is decided', [[0, [face(1, 160), face(2, 60, 300)], 1], [100, [face(1, 160), face(2, 60, 300)], 2]], 1],
    ['a greeting ends after greetingMs', [[0, [face(1)], 1], [GREETING_MS, [face(1)]]], null],
    ['no preview to go by: the newest greeting shows', [[0, null, 1], [100, null, 2]], 2],
  ];
  for (const [name, steps, expect] of rows) {
    test(name, () => {
      const banners = new TrackBanners<string>(() => GREETING_MS);
      let shown: number | null = null;
      for (const [at, faces, add] of steps) {
        if (add !== undefined) banners.add(add, `hello ${add}`, at);
        shown = banners.select(faces, at)?.track ?? null;
      }
      assert.equal(shown, expect);
    });
  }

  test('a greeting added with its own lifetime (a punch\'s, offering "Not me") outlasts greetingMs, but not its face', () => {
    const NOT_ME_MS = 8000;
    const banners = new TrackBanners<string>(() => GREETING_MS);
    banners.add(1, 'hello 1', 0, NOT_ME_MS);
    assert.equal(banners.select([face(1)], GREETING_MS + 1000)?.until, NOT_ME_MS);
    assert.equal(banners.select([face(1)], NOT_ME_MS), null, 'ends at its own time');
    banners.add(1, 'hello 1', 0, NOT_ME_MS);
    assert.equal(banners.select([face(2)], 100), null, 'another face walked up: not shown');
    banners.add(3, 'hello 3', 0, NOT_ME_MS);
    assert.equal(banners.select([face(3, 80), face(4, 160, 300)], 100), null, 'a larger face is the main one: not shown');
  });

  test('the main face is the largest box', () => {
    assert.equal(mainFace([face(1, 50), face(2, 120), face(3, 90)])?.trackId, 2);
    assert.equal(mainFace([]), null);
  });
});

describe('text over a face', () => {
  const en = translator('en');
  const vi = translator('vi');
  test('decided: the name, unknown or spoof', () => {
    assert.equal(faceLabel({ ...face(1), state: 'decided', label: 'Lan' }, en), 'Lan');
    assert.equal(faceLabel({ ...face(1), state: 'decided', label: 'unknown' }, en), 'unknown');
    assert.equal(faceLabel({ ...face(1), state: 'decided', label: 'spoof' }, vi), 'giả mạo');
  });
  test('collecting: checking with its progress; hold still; step back', () => {
    assert.equal(faceLabel({ ...face(1), progress: { votes: 1, needed: 3 } }, en), 'checking… 1/3');
    assert.equal(faceLabel({ ...face(1), progress: { votes: 2, needed: 3 } }, vi), 'đang kiểm tra… 2/3');
    assert.equal(faceLabel(face(1), en), null);
    assert.equal(faceLabel({ ...face(1), state: 'hold-still', progress: { votes: 1, needed: 3 } }, en), 'please hold still');
    assert.equal(faceLabel({ ...face(1), state: 'step-back' }, vi), 'vui lòng lùi lại một chút');
  });
});
