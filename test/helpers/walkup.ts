/** Walk-up videos for tests: the same maker the demo uses. */
export { appearanceAt, buildWalkupVideo, DEFAULT_QUEUE, DEFAULT_WALKUP, readSideMarkers, type Appearance, type QueueOptions, type WalkupOptions, type WalkupPhoto } from '../../src/cli/demo/walkup-video.ts';
