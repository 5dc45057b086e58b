import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseFfmpeg, parseFfmpegVersion, SYSTEM_FFMPEG_MIN_MAJOR } from '../../../src/capture/ffmpeg-path.ts';

const BUNDLED = '/app/node_modules/@ffmpeg-installer/linux-x64/ffmpeg';
const line = (v: string, year = 2024): string => `ffmpeg version ${v} Copyright (c) 2000-${year} the FFmpeg developers`;

describe('ffmpeg choice', () => {
  test('version lines: Debian, Ubuntu, release tags and snapshot builds', () => {
    assert.deepEqual(parseFfmpegVersion(line('5.1.9-0+deb12u1', 2026)), { major: 5, minor: 1, year: 2026 });
    assert.deepEqual(parseFfmpegVersion(line('4.4.2-0ubuntu0.22.04.1', 2021)), { major: 4, minor: 4, year: 2021 });
    assert.deepEqual(parseFfmpegVersion(line('n6.1.1')), { major: 6, minor: 1, year: 2024 });
    assert.deepEqual(parseFfmpegVersion('ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers'), { major: null, minor: null, year: 2018 });
    assert.equal(parseFfmpegVersion('avconv version 12'), null);
  });

  test(`a system ffmpeg ≥ ${SYSTEM_FFMPEG_MIN_MAJOR} wins over the bundled one; an older or unversioned one does not`, () => {
    const table: [string | null, string | null, string | undefined, string | null][] = [
      // system version line, bundled, config override → chosen path
      [line('5.1.9-0+deb12u1'), BUNDLED, undefined, '/usr/bin/ffmpeg'],
      [line('7.0'), null, undefined, '/usr/bin/ffmpeg'],
      [line('4.4.2-0ubuntu0.22.04.1'), BUNDLED, undefined, BUNDLED],
      [line('N-12345-gdeadbeef'), BUNDLED, undefined, BUNDLED],
      [null, BUNDLED, undefined, BUNDLED],
      [line('4.4.2'), null, undefined, '/usr/bin/ffmpeg'],
      [line('6.0'), BUNDLED, '/opt/ffmpeg', '/opt/ffmpeg'],
      [null, null, undefined, null],
    ];
    for (const [versionLine, bundled, override, want] of table) {
      const choice = chooseFfmpeg({ override, bundled, system: versionLine === null ? null : { path: '/usr/bin/ffmpeg', versionLine } });
      assert.equal(choice?.path ?? null, want, `${versionLine} / ${bundled} / ${override}`);
    }
    assert.equal(chooseFfmpeg({ bundled: BUNDLED, system: { path: '/usr/bin/ffmpeg', versionLine: line('5.0') } })?.origin, 'system');
    assert.equal(chooseFfmpeg({ bundled: BUNDLED, system: null })?.origin, 'bundled');
  });
});
