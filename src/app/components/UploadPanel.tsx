// The user's own data: parallel text (one TSV, or two line-aligned files), a plain-text corpus and
// word vectors. Each input shows what was read or, inline, the parser's message naming the file,
// line and problem; the text is rendered as text, never as markup, whatever the file contains.
import { useId, useState } from 'react';
import { useUploadsStore, type UploadSlot } from '../state/uploads';

function Message({ slot }: { slot: UploadSlot }) {
  const message = useUploadsStore((s) => s.messages[slot]);
  if (!message) return null;
  return message.state === 'failed' ? (
    <p className="field-error" role="alert">
      {message.text}
    </p>
  ) : (
    <p className="field-hint" role="status">
      {message.text}
    </p>
  );
}

function FileField({ label, accept, onFile }: { label: string; accept: string; onFile: (file: File) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept={accept}
        onChange={(e) => {
          const file = e.target.files?.[0];
          // Cleared, so choosing the same file again (after fixing it) reads it again.
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
    </div>
  );
}

/** Two line-aligned files are read once both are chosen; changing either reads the pair again. */
function AlignedPair() {
  const uploadAligned = useUploadsStore((s) => s.uploadAligned);
  const [pair, setPair] = useState<{ source?: File; target?: File }>({});
  const choose = (side: 'source' | 'target', file: File) => {
    const next = { ...pair, [side]: file };
    setPair(next);
    if (next.source && next.target) void uploadAligned(next.source, next.target);
  };
  return (
    <div className="upload-pair">
      <FileField
        label="Source sentences, one per line"
        accept=".txt,text/plain"
        onFile={(file) => choose('source', file)}
      />
      <FileField
        label="Target sentences, line-aligned with the source"
        accept=".txt,text/plain"
        onFile={(file) => choose('target', file)}
      />
      {(pair.source ?? pair.target) && !(pair.source && pair.target) && (
        <p className="field-hint">Chosen: {(pair.source ?? pair.target)!.name}; now choose the other side.</p>
      )}
      <Message slot="aligned" />
    </div>
  );
}

/** Uploads of the user's files; `locked` while a comparison trains, like the settings. */
export function UploadPanel({ locked }: { locked: boolean }) {
  const { uploadTsv, uploadCorpus, uploadVectors } = useUploadsStore.getState();
  return (
    <section className="card settings upload-panel" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Your data</h2>
      <p className="field-hint">
        Files stay in this browser. The last 5 % of each text file is held out for validation. Uploaded datasets appear
        under Dataset; uploaded vectors under Target embeddings.
      </p>
      <fieldset disabled={locked}>
        <legend>Translation</legend>
        <FileField
          label="Parallel TSV (source<TAB>target per line)"
          accept=".tsv,.txt,text/tab-separated-values,text/plain"
          onFile={(file) => void uploadTsv(file)}
        />
        <Message slot="tsv" />
        <AlignedPair />
      </fieldset>
      <fieldset disabled={locked}>
        <legend>Language model</legend>
        <FileField
          label="Plain-text corpus, one sentence or paragraph per line"
          accept=".txt,text/plain"
          onFile={(file) => void uploadCorpus(file)}
        />
        <Message slot="corpus" />
      </fieldset>
      <fieldset disabled={locked}>
        <legend>Word vectors</legend>
        <FileField
          label="Word vectors (.vec, word2vec/fastText text format)"
          accept=".vec,.txt,text/plain"
          onFile={(file) => void uploadVectors(file)}
        />
        <Message slot="vectors" />
      </fieldset>
    </section>
  );
}
