/** Walk-up videos for tests: the same maker the demo uses. */
export { appearanceAt, buildWalkupVideo, DEFAULT_WALKUP, type Appearance, type WalkupOptions, type WalkupPhoto } from '../../src/cli/demo/walkup-video.ts';
