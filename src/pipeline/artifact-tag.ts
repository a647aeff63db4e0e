/**
 * Tags that name no image to test: the signatures, attestations and SBOMs cosign stores next
 * to an image ("sha256-<digest>.sig", ".att", ".sbom"), and the referrers fallback tag
 * ("sha256-<digest>") of registries without the referrers API.
 */
const ARTIFACT_TAG = /^sha256-[0-9a-f]{64}(?:\.(?:sig|att|sbom))?$/;

export function isArtifactTag(tag: string): boolean {
  return ARTIFACT_TAG.test(tag);
}
