// A page holding only the training panel, for test/e2e/training.test.ts: the tiny-demo preset
// shrunk to a 30-step copy task (enough that a pause after step 2 lands mid-run), and the store on `window.__training` so the test can watch it.
import { createRoot } from 'react-dom/client';
import { TrainingPanel } from '../../../src/app/components/TrainingPanel';
import { useTrainingStore } from '../../../src/app/state/training';
import { resolvePreset } from '../../../src/experiments/presets';

const { runs } = resolvePreset('tiny-demo', {
  dataset: 'synthetic-copy',
  'data.maxLength': 4,
  'data.sourceVocab': 16,
  'data.targetVocab': 16,
  'train.steps': 30,
  'train.evalEvery': 0,
  // A point per step, so the test can see the metrics grow step by step.
  'train.logEvery': 1,
});

Object.assign(window, { __training: { store: useTrainingStore, runs } });
createRoot(document.getElementById('root')!).render(<TrainingPanel runs={runs} evaluation={{ decodeSentences: 4, samples: 2 }} />);
