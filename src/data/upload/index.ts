// Parsers for researchers' own files. Each takes a Blob/File or a stream of byte chunks and either
// resolves with the parsed value or rejects with an UploadError naming the file, line and problem.
export { UploadError } from './errors';
export { parseCorpus } from './corpus';
export { parseAlignedPair, parseParallelTsv } from './parallel';
export { parseVec } from './vec';
