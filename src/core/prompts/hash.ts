import { createHash } from 'crypto';
import { extractReferences, REFERENCE_MARKERS, type Reference } from './references';

/** Content hash of the exact bytes: a BOM, CRLF or a zero-width character is a change. */
export function contentHash(bytes: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

export function shortHash(hash: string): string {
  return hash.replace(/^sha256:/, '').slice(0, 12);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A NUL byte in the first 8000 bytes is git's own test for binary content. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).indexOf(0) >= 0;
}

/** What the gate needs to know about a content: its hash, size and whether it is text. */
export interface BlobFacts {
  contentHash: string;
  size: number;
  binary: boolean;
  /** What the text includes (partials, file references, links), by syntax; absent when none. */
  references?: Reference[];
}

export function blobFacts(bytes: Uint8Array): BlobFacts {
  const binary = looksBinary(bytes);
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Decoding every blob to look for references costs more than the search: most have none.
  const references = binary || !REFERENCE_MARKERS.some((m) => buffer.includes(m)) ? [] : extractReferences(buffer.toString('utf8'));
  return { contentHash: contentHash(bytes), size: bytes.length, binary, ...(references.length ? { references } : {}) };
}

/** The id git gives these bytes as a blob (`git hash-object`), to recognise a working copy without running git. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
