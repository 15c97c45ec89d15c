// Verse-aligned Bible pairs from `mod2imp <module> -r` dumps: `$$$Book C:V` header lines, each
// followed by the verse's OSIS markup. Cleaning follows the data spec: drop notes (and headings),
// put a space between adjacent word elements before stripping tags (WEB glues
// `God</w><w …>created` otherwise), unescape entities.
import type { Split } from '../../src/data/manifest';

export interface VersePair {
  ref: string;
  source: string;
  target: string;
}

/** Books held out whole, so that near-duplicate verses (the Gospels, the epistles' greetings) never straddle splits. */
export const heldOutBooks = { valid: ['Esther', 'Titus'], test: ['Ruth', 'Jonah', 'Philippians'] } as const;

/** Verse text by key ("Ruth 1:1"); chapter and book introductions (verse 0) and empty verses are left out. */
export function parseImp(dump: string): Map<string, string> {
  const verses = new Map<string, string>();
  const records = dump.split(/^\$\$\$/m);
  for (const record of records) {
    const newline = record.indexOf('\n');
    const ref = (newline < 0 ? record : record.slice(0, newline)).trim();
    if (!/^.+ \d+:[1-9]\d*$/.test(ref)) continue;
    // Nothing after a chapter's end marker belongs to the verse: the WEB appends its whole glossary to Revelation
    // 22:21.
    const markup = newline < 0 ? '' : record.slice(newline + 1).split(chapterEnd)[0];
    const text = cleanOsis(markup);
    if (text) verses.set(ref, text);
  }
  return verses;
}

const chapterEnd = /<chapter\b[^>]*\beID=/;
const droppedElements = /<(note|title|speaker)\b[^>]*>[\s\S]*?<\/\1>/g;
// WEB also glues a word to the next one across closing punctuation: `east</w>,<w …>they`.
const wordAfterPunctuation = /(<\/w>[.,;:!?”’)]+)(?=<w[\s>])/g;
const tagRun = /(?:<[^>]*>)+/g;
const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Plain verse text from OSIS markup. */
export function cleanOsis(markup: string): string {
  const text = markup
    .replace(droppedElements, '')
    .replace(wordAfterPunctuation, '$1 ')
    .replace(tagRun, (run) => (separatesWords(run) ? ' ' : ''))
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, unescapeEntity)
    // The KJV marks paragraph starts with a pilcrow inside the text.
    .replace(/¶/g, ' ');
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A run of tags between two pieces of text separates words when an element closes and another
 * opens inside it (`</w><w>`, `</q><q>`, `</transChange><w>`) or when it holds a milestone or
 * line break; a run of only opening or only closing tags sits inside a word's punctuation
 * (`“<w>Go</w>!”`, `<divineName><w>LORD</w></divineName>,`).
 */
function separatesWords(run: string): boolean {
  const tags = run.match(/<[^>]*>/g) ?? [];
  let closed = false;
  for (const tag of tags) {
    if (tag.endsWith('/>')) return true;
    if (tag.startsWith('</')) closed = true;
    else if (closed) return true;
  }
  return false;
}

function unescapeEntity(entity: string, name: string): string {
  if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
  if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
  const known = entities[name.toLowerCase()];
  if (known === undefined) throw new Error(`Unknown entity ${entity} in OSIS text`);
  return known;
}

export function bookOf(ref: string): string {
  return ref.slice(0, ref.lastIndexOf(' '));
}

export function splitOfBook(book: string): Split {
  if ((heldOutBooks.test as readonly string[]).includes(book)) return 'test';
  if ((heldOutBooks.valid as readonly string[]).includes(book)) return 'valid';
  return 'train';
}

export interface Alignment {
  pairs: VersePair[];
  /** Keys of books both texts have that only one of them uses (different versification). */
  unalignedKeys: string[];
}

/** Pairs the verses both texts have, in the source's order; books only one text has are ignored. */
export function alignVerses(source: Map<string, string>, target: Map<string, string>): Alignment {
  const sourceBooks = new Set([...source.keys()].map(bookOf));
  const targetBooks = new Set([...target.keys()].map(bookOf));
  const pairs: VersePair[] = [];
  const unalignedKeys: string[] = [];
  for (const [ref, text] of source) {
    const translation = target.get(ref);
    if (translation !== undefined) pairs.push({ ref, source: text, target: translation });
    else if (targetBooks.has(bookOf(ref))) unalignedKeys.push(ref);
  }
  for (const ref of target.keys()) if (!source.has(ref) && sourceBooks.has(bookOf(ref))) unalignedKeys.push(ref);
  return { pairs, unalignedKeys };
}

export interface BibleSplits {
  splits: Record<Split, VersePair[]>;
  droppedDuplicates: number;
}

/**
 * Splits by book, then drops every train or valid pair whose source or target text also occurs in
 * a later split (test before valid before train), so that no exact sentence is seen in training
 * and then scored: stock verses such as "Grace to you and peace from God our Father…" recur
 * across epistles.
 */
export function splitByBook(pairs: readonly VersePair[]): BibleSplits {
  const splits: Record<Split, VersePair[]> = { train: [], valid: [], test: [] };
  for (const pair of pairs) splits[splitOfBook(bookOf(pair.ref))].push(pair);
  const seen = new Set<string>();
  let droppedDuplicates = 0;
  for (const split of ['test', 'valid', 'train'] as const) {
    const kept = splits[split].filter((pair) => !seen.has(`s\t${pair.source}`) && !seen.has(`t\t${pair.target}`));
    droppedDuplicates += splits[split].length - kept.length;
    for (const pair of kept) seen.add(`s\t${pair.source}`).add(`t\t${pair.target}`);
    splits[split] = kept;
  }
  return { splits, droppedDuplicates };
}
