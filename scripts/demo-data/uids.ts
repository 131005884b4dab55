import { createHash } from 'node:crypto';

/**
 * A DICOM UID under the `2.25` root (ITU-T X.667: a UUID written as one decimal integer), derived from
 * a stable name so that every run produces the same UIDs. The name space is fixed: changing it would
 * make every seeded study a different study.
 */
export function demoUid(name: string): string {
  const digest = createHash('sha256').update(`tandem-demo-data:${name}`).digest();
  let value = 0n;
  for (let i = 0; i < 16; i++) value = (value << 8n) | BigInt(digest[i]!);
  // Make it a version-4-shaped UUID value (RFC 4122 variant), as 2.25 expects a UUID.
  value = (value & ~(0xfn << 76n)) | (0x4n << 76n);
  value = (value & ~(0x3n << 62n)) | (0x2n << 62n);
  return `2.25.${value.toString(10)}`;
}
