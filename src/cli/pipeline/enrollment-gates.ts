/**
 * The live gates of enrollment at the kiosk, as a pure function of one frame's detections: exactly
 * one face, big enough, facing the camera, sharp. Liveness is judged later, on the embedded crop.
 */
import type { FaceObservation } from '../../model/types.ts';
import type { EnrollmentGates, EnrollmentHint } from '../../server/ports.ts';
import type { EnrollmentOptions } from './enrollment-options.ts';

export interface GateVerdict {
  gates: EnrollmentGates;
  hint: EnrollmentHint;
  /** All frame gates passed: this face may be embedded as a sample. */
  ready: boolean;
}

/** Yaw sign → which way to turn: a face turned to its left (positive yaw) must turn right, seen from the camera. */
function turnHint(face: FaceObservation, landmarksYaw: number | null): EnrollmentHint {
  if (landmarksYaw === null) return 'look-straight';
  return landmarksYaw > 0 ? 'turn-left' : 'turn-right';
}

/** Horizontal offset of the nose from the eyes' midpoint, relative to eye distance: a yaw proxy from landmarks. */
export function landmarkYaw(face: FaceObservation): number | null {
  const l = face.landmarks;
  if (!l) return null;
  const mid = (l.leftEye.x + l.rightEye.x) / 2;
  const eyes = Math.abs(l.leftEye.x - l.rightEye.x);
  return eyes > 0 ? (l.nose.x - mid) / eyes : null;
}

export function evaluateGates(faces: readonly FaceObservation[], opts: EnrollmentOptions): GateVerdict {
  const none: EnrollmentGates = { oneFace: false, bigEnough: false, frontal: false, sharp: false, live: false };
  if (faces.length === 0) return { gates: none, hint: 'no-face', ready: false };
  if (faces.length > 1) return { gates: none, hint: 'several-faces', ready: false };
  const f = faces[0] as FaceObservation;
  const gates: EnrollmentGates = {
    oneFace: true,
    bigEnough: f.quality.sizePx >= opts.minFacePx,
    frontal: f.quality.frontalness >= opts.minFrontalness,
    sharp: f.quality.sharpness >= opts.minSharpness,
    // Unknown until the crop is embedded; the session sets it from antispoof/liveness.
    live: false,
  };
  let hint: EnrollmentHint = 'hold-still';
  if (!gates.bigEnough) hint = 'come-closer';
  else if (!gates.frontal) hint = turnHint(f, landmarkYaw(f));
  else if (!gates.sharp) hint = 'hold-still';
  return { gates, hint, ready: gates.bigEnough && gates.frontal && gates.sharp };
}
