// The experiment's settings as one declarative list (TensorFlow Playground's habit): each entry
// names a dotted path of the config, its label and its input kind; rendering, editing and the
// messages for rejected values all come from the list.
import { useId, type ReactNode } from 'react';
import {
  gloveDimension,
  inAppDimensions,
  isRandomSource,
  randomSources,
  shippedDatasets,
  type DatasetCatalog,
  type ExperimentConfig,
} from '../../experiments/config';
import { presets } from '../../experiments/presets';
import { useExperimentStore } from '../state/experiment';
import { useUploadsStore } from '../state/uploads';
import './controls.css';
import { Labelled, NumberInput } from './fields';
import { HeadPicker } from './HeadPicker';

type Field =
  | {
      path: string;
      label: string;
      kind: 'number';
      step?: number;
      hint?: string;
      disabled?: (c: ExperimentConfig) => boolean;
    }
  | {
      path: string;
      label: string;
      kind: 'select';
      options: (c: ExperimentConfig, catalog: DatasetCatalog) => readonly string[];
      /** Settings the schema ties to this one, changed in the same edit. */
      together?: (value: string, c: ExperimentConfig, catalog: DatasetCatalog) => Record<string, unknown>;
    }
  | { path: string; label: string; kind: 'checkbox' };

/**
 * Each embeddings source allows its own dimensions: GloVe's and the uploaded vectors' are fixed, a
 * random table takes any; a random table has nothing to mix, so its pretrained weight goes back to 1.
 */
function embeddingSettingsFor(source: string, c: ExperimentConfig, catalog: DatasetCatalog): Record<string, unknown> {
  if (isRandomSource(source)) return { 'embeddings.pretrainedWeight': 1 };
  const dimension =
    source === 'glove'
      ? gloveDimension
      : source === 'uploaded'
        ? catalog.vectorDimension
        : Math.min(c.embeddings.dimension, inAppDimensions.max);
  return { 'embeddings.dimension': dimension };
}

const sections: { title: string; fields: Field[] }[] = [
  {
    title: 'Data',
    fields: [
      {
        path: 'dataset',
        label: 'Dataset',
        kind: 'select',
        options: (c, catalog) => (c.task === 'translation' ? catalog.parallel : catalog.corpora),
      },
      {
        path: 'data.sourceVocab',
        label: 'Source vocabulary',
        kind: 'number',
        disabled: (c) => c.task !== 'translation',
      },
      {
        path: 'data.targetVocab',
        label: 'Target vocabulary',
        kind: 'number',
        disabled: (c) => c.data.targetTokenization === 'bpe',
      },
      { path: 'data.sharedVocabulary', label: 'One vocabulary and input embedding for both sides', kind: 'checkbox' },
      {
        path: 'data.numberedUnknowns',
        label: 'Copyable unknowns per sentence (<unk1>, …)',
        kind: 'number',
        disabled: (c) => c.task !== 'translation' || c.data.targetTokenization === 'bpe',
      },
      { path: 'data.targetTokenization', label: 'Target units', kind: 'select', options: () => ['word', 'bpe'] },
      {
        path: 'data.bpeMerges',
        label: 'BPE merges',
        kind: 'number',
        disabled: (c) => c.data.targetTokenization !== 'bpe',
      },
      { path: 'data.maxLength', label: 'Longest training sentence (words)', kind: 'number' },
      { path: 'data.trainSentences', label: 'Training sentences (0 = all)', kind: 'number' },
      { path: 'data.validSentences', label: 'Validation sentences', kind: 'number' },
      {
        path: 'embeddings.source',
        label: 'Target embeddings',
        kind: 'select',
        options: (_, catalog) => [
          'glove',
          'in-app',
          ...(catalog.vectorDimension === undefined ? [] : ['uploaded']),
          ...randomSources,
        ],
        together: embeddingSettingsFor,
      },
      {
        path: 'embeddings.dimension',
        label: 'Embedding dimension',
        kind: 'number',
        disabled: (c) => c.embeddings.source !== 'in-app' && !isRandomSource(c.embeddings.source),
      },
      {
        path: 'embeddings.pretrainedWeight',
        label: 'Pretrained weight α in a mix with random rows (1 = no mix)',
        kind: 'number',
        step: 0.1,
        disabled: (c) => isRandomSource(c.embeddings.source),
      },
    ],
  },
  {
    title: 'Model',
    fields: [
      { path: 'model.backbone', label: 'Backbone', kind: 'select', options: () => ['transformer', 'lstm'] },
      {
        path: 'model.encoderLayers',
        label: 'Encoder layers',
        kind: 'number',
        disabled: (c) => c.task !== 'translation',
      },
      { path: 'model.decoderLayers', label: 'Decoder layers', kind: 'number' },
      { path: 'model.dModel', label: 'Width d', kind: 'number' },
      {
        path: 'model.heads',
        label: 'Attention heads',
        kind: 'number',
        disabled: (c) => c.model.backbone !== 'transformer',
      },
      {
        path: 'model.ffn',
        label: 'Feed-forward width',
        kind: 'number',
        disabled: (c) => c.model.backbone !== 'transformer',
      },
      { path: 'model.positions', label: 'Positions', kind: 'select', options: () => ['sinusoidal', 'learned'] },
      { path: 'model.dropout', label: 'Dropout', kind: 'number', step: 0.05 },
      { path: 'model.tiedInput', label: 'Decoder reads the frozen target table (tied input)', kind: 'checkbox' },
    ],
  },
  {
    title: 'Training',
    fields: [
      { path: 'train.steps', label: 'Steps', kind: 'number' },
      { path: 'train.batchSentences', label: 'Batch (sentences)', kind: 'number' },
      { path: 'train.learningRate', label: 'Learning rate', kind: 'number', step: 0.0001 },
      { path: 'train.warmupSteps', label: 'Warm-up steps', kind: 'number' },
      {
        path: 'train.decay',
        label: 'Decay',
        kind: 'select',
        options: () => ['none', 'linear', 'inverse-sqrt', 'cosine'],
      },
      { path: 'train.clip', label: 'Gradient clip (0 = off)', kind: 'number' },
      { path: 'train.weightDecay', label: 'Weight decay', kind: 'number', step: 0.0001 },
      { path: 'train.evalEvery', label: 'Evaluate every (steps)', kind: 'number' },
      { path: 'train.patience', label: 'Stop after evaluations without improvement (0 = off)', kind: 'number' },
      { path: 'train.minSteps', label: 'Never stop early before step', kind: 'number' },
      { path: 'train.stopOn', label: 'Improvement in', kind: 'select', options: () => ['loss', 'accuracy'] },
      { path: 'train.dataSeed', label: 'Data seed', kind: 'number' },
      { path: 'train.initSeed', label: 'Init seed', kind: 'number' },
    ],
  },
];

function valueAt(config: ExperimentConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config);
}

function FieldControl({ field, config, disabled }: { field: Field; config: ExperimentConfig; disabled: boolean }) {
  const id = useId();
  const error = useExperimentStore((s) => s.errors[field.path]);
  const setSetting = useExperimentStore((s) => s.setSetting);
  const setSettings = useExperimentStore((s) => s.setSettings);
  const catalog = useUploadsStore((s) => s.catalog);
  const value = valueAt(config, field.path);
  let control: ReactNode;
  if (field.kind === 'number') {
    control = (
      <NumberInput
        id={id}
        value={value as number}
        step={field.step}
        disabled={disabled || (field.disabled?.(config) ?? false)}
        invalid={Boolean(error)}
        onCommit={(v) => setSetting(field.path, v)}
      />
    );
  } else if (field.kind === 'select') {
    control = (
      <select
        id={id}
        value={String(value)}
        disabled={disabled}
        onChange={(e) =>
          setSettings(field.path, {
            [field.path]: e.target.value,
            ...field.together?.(e.target.value, config, catalog),
          })
        }
      >
        {field.options(config, catalog).map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={Boolean(value)}
        disabled={disabled}
        onChange={(e) => setSetting(field.path, e.target.checked)}
      />
    );
  }
  return (
    <Labelled label={field.label} error={error} id={id}>
      {control}
    </Labelled>
  );
}

/** Switching the task also switches the dataset and the encoder, which the schema ties to it. */
function TaskSelect({ config, disabled }: { config: ExperimentConfig; disabled: boolean }) {
  const id = useId();
  const setSettings = useExperimentStore((s) => s.setSettings);
  const error = useExperimentStore((s) => s.errors.task);
  return (
    <Labelled label="Task" error={error} id={id}>
      <select
        id={id}
        value={config.task}
        disabled={disabled}
        onChange={(e) => {
          const translation = e.target.value === 'translation';
          setSettings('task', {
            task: e.target.value,
            dataset: translation ? shippedDatasets.parallel[0] : shippedDatasets.corpora[0],
            'model.encoderLayers': translation ? Math.max(1, config.model.decoderLayers) : 0,
            ...(translation ? {} : { 'model.backbone': 'transformer' }),
          });
        }}
      >
        <option value="translation">translation</option>
        <option value="language-model">language model</option>
      </select>
    </Labelled>
  );
}

/** Every setting of the experiment; `locked` while a comparison trains. */
export function Controls({ locked }: { locked: boolean }) {
  const base = useExperimentStore((s) => s.base);
  const preset = useExperimentStore((s) => s.preset);
  const loadPreset = useExperimentStore((s) => s.loadPreset);
  const presetId = useId();
  return (
    <section className="card settings" aria-label="Experiment settings">
      <div className="field">
        <label htmlFor={presetId}>Preset</label>
        <select id={presetId} value={preset} disabled={locked} onChange={(e) => loadPreset(e.target.value)}>
          {Object.values(presets).map((p) => (
            <option key={p.name} value={p.name}>
              {p.title}
            </option>
          ))}
        </select>
        <p className="field-hint">{presets[preset]?.description}</p>
      </div>
      <HeadPicker locked={locked} />
      {sections.map((section) => (
        <fieldset key={section.title} disabled={locked}>
          <legend>{section.title}</legend>
          {section.title === 'Data' && <TaskSelect config={base} disabled={locked} />}
          {section.fields.map((field) => (
            <FieldControl key={field.path} field={field} config={base} disabled={locked} />
          ))}
        </fieldset>
      ))}
    </section>
  );
}
