// spec.version names what spec.image runs; a tag naming another supported release is most likely a forgotten edit,
// so it is warned about, never refused: tags are free-form and a registry may reuse one.
import { versionOfImage } from '../api/aurora-versions.ts';

export interface ImageVersionWarning {
  reason: 'ImageVersionMismatch';
  message: string;
}

/** The warning when spec.image is tagged with a supported Aurora version other than spec.version, else undefined. */
export function computeImageVersionWarning(spec: {
  version?: string | undefined;
  image: string;
}): ImageVersionWarning | undefined {
  const tagged = versionOfImage(spec.image);
  if (spec.version === undefined || tagged === undefined || tagged === spec.version) return undefined;
  return {
    reason: 'ImageVersionMismatch',
    message:
      `spec.image ${spec.image} is tagged ${tagged} but spec.version is ${spec.version}: the operator validates ` +
      `extraArgs and labels backups for ${spec.version}. Set spec.version to ${tagged} if the image runs it, ` +
      'or use the image of the version you mean (docs/versions.md).',
  };
}
