/** Engine + gallery + matcher for the commands that name faces (identify, annotate). */
import { KioskError } from '../errors.ts';
import type { FaceEngine } from '../model/engine.ts';
import { Matcher } from '../model/matcher.ts';
import type { Config } from '../config/schema.ts';
import type { FaceObservation, MatchResult } from '../model/types.ts';
import type { Store } from '../store/store.ts';

export interface Identified {
  face: FaceObservation;
  match: MatchResult;
}

export function loadMatcher(engine: FaceEngine, store: Store, config: Config): Matcher {
  const { kind, version } = engine.info.descriptor;
  const gallery = store.people.loadGallery(kind, version);
  if (gallery.personIndex.length === 0) {
    const other = store.people.countSamples();
    throw new KioskError(other > 0 ? 'GALLERY_MODEL_MISMATCH' : 'GALLERY_EMPTY',
      other > 0
        ? `the gallery holds ${other} samples, none made with the configured descriptor ${kind} (${version})`
        : 'nobody is enrolled yet',
      { hint: other > 0 ? 're-run `kiosk enroll <dir>` with the current descriptor, or set model.descriptor.kind back' : 'run `kiosk enroll <dir>` first (a folder per person)' });
  }
  return new Matcher(gallery, { ...config.model.matcher, fusedWeight: config.model.descriptor.fusedWeight });
}

export function identifyAll(faces: readonly FaceObservation[], matcher: Matcher): Identified[] {
  return faces.map((face) => {
    if (!face.descriptor) throw new KioskError('DESCRIPTOR_INVALID', 'face has no descriptor');
    return { face, match: matcher.match(face.descriptor) };
  });
}
