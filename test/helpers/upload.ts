// Shared by the upload parser tests: byte streams cut at chosen sizes and typed-error capture.
import { UploadError } from '../../src/data/upload';

export const utf8 = (text: string) => new TextEncoder().encode(text);

/** The bytes as a stream of `size`-byte chunks, so boundaries fall inside characters and lines. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** The UploadError a parse rejects with; anything else (or success) fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<UploadError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof UploadError)) throw new Error(`expected an UploadError, got ${String(error)}`);
  return error;
}

export const where = (error: UploadError) => ({ file: error.file, line: error.line, problem: error.problem });
