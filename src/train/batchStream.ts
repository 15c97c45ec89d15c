// The batches a comparison feeds its runs: runs whose data settings agree read one stream, so each
// step feeds every one of them the same batch.
import { Batcher, type Batch } from '../data/batching';
import type { ExperimentConfig } from '../experiments/config';
import type { Task } from '../experiments/task';

/** Batches for one (task, data seed, batch size): the same sequence for every run that uses it. */
export class BatchStream {
  private batcher!: Batcher;
  private epoch: Iterator<Batch> | undefined;
  private position = 0;
  private current: Batch | undefined;

  constructor(
    private readonly task: Task,
    private readonly config: ExperimentConfig,
  ) {
    if (task.train.length === 0) throw new Error('The task has no training examples');
    this.rewind();
  }

  private rewind(): void {
    this.batcher = new Batcher(this.task.train, this.config.train.dataSeed, {
      size: { sentences: this.config.train.batchSentences },
    });
    this.epoch = undefined;
    this.position = 0;
  }

  /**
   * The batch of step `step` (0-based). Asking for an earlier step than the last (a run rolled back
   * to a checkpoint) replays the stream from its seed, which gives the same batches again.
   */
  at(step: number): Batch {
    if (step < this.position - 1) this.rewind();
    while (this.position <= step) {
      let next = this.epoch?.next();
      if (!next || next.done) {
        this.epoch = this.batcher.nextEpoch()[Symbol.iterator]();
        next = this.epoch.next();
      }
      this.current = next.value as Batch;
      this.position++;
    }
    return this.current!;
  }
}
