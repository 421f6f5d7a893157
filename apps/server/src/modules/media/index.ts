import type { Module } from '../registry.ts';
import { mediaRoutes } from './media.routes.ts';

export {
  ImageRejected,
  MAX_UPLOAD_BYTES,
  processImage,
  sniffImageType,
} from './media.pipeline.ts';
export { findVariant, saveImage } from './media.repository.ts';
export { images, imageVariants } from './media.tables.ts';
export { imageUploadRoute, processUpload, UPLOADS_PER_MINUTE } from './media.upload.ts';

export const mediaModule: Module = { name: 'media', routes: mediaRoutes };
