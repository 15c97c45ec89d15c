// Parsers for researchers' own files. Each takes a Blob/File or a stream of byte chunks and either
// resolves with the parsed value or rejects with an UploadError naming the file, line and problem.
export { UploadError, type UploadErrorDetails, type UploadProblem } from './errors';
export { formatBytes, type UploadOptions, type UploadSource } from './lines';
export { parseCorpus } from './corpus';
export { parseAlignedPair, parseParallelTsv, type AlignedPairOptions, type ParallelText } from './parallel';
export { parseVec, type VecOptions, type WordVectors } from './vec';
