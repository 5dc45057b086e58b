/** Config slice for `kiosk eval --report` (the lead composes it into the global config). */
import { z } from 'zod';

export const reportOptionsSchema = z.object({
  thumbPx: z.number().int().min(32).max(512).default(112).describe('Side of the square face thumbnails in the report, in pixels'),
  thumbMargin: z.number().min(0).max(1).default(0.25).describe('Context kept around the detected face box in a thumbnail, as a fraction of the box size on each side'),
  thumbQuality: z.number().int().min(30).max(100).default(80).describe('JPEG quality of the embedded thumbnails'),
  maxMissesPerRow: z.number().int().min(0).default(40).describe('Most wrongly identified test faces shown per table row (all are in --json)'),
  histogramBins: z.number().int().min(5).max(200).default(40).describe('Bins of the open-set genuine/impostor similarity histograms'),
}).strict();
export type ReportOptions = z.infer<typeof reportOptionsSchema>;
