/**
 * What a detailed benchmark returns: the table printed by default and the numbers printed with --json.
 * Apart from index.ts, which lists the benchmarks, so that the benchmark files need not import their list.
 */
export interface BenchReport {
  text: string;
  json: unknown;
}
