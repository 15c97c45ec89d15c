// The page's Content-Security-Policy: scripts, styles, data, workers and connections from the page's
// own origin only, and nothing from anywhere else. The built page carries it as a <meta> tag (static
// hosting sets no headers); `vite preview` and the dev server also send it as a header, which covers
// the training worker's own fetches and can forbid framing (a <meta> policy cannot).
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

type Policy = Record<string, string[]>;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const production: Policy = {
  'default-src': ["'self'"],
  // No 'unsafe-eval': plotly's basic bundle, React and zod run without eval or new Function.
  'script-src': ["'self'"],
  // Plotly keeps its rules in a <style> element it creates empty and fills through CSSOM: allowing
  // exactly the empty text lets that sheet exist without allowing any other <style> element.
  'style-src': ["'self'", sha256('')],
  // Plotly (through d3) sets the style attribute of SVG text. An attribute holds no markup, and a
  // url() in it is still bound by img-src and font-src.
  'style-src-attr': ["'unsafe-inline'"],
  // Plotly's "Save PNG" draws the plot's SVG through an <img> from a blob: URL (a data: URL on Safari).
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** Only a header can say these; browsers ignore them in a <meta> policy. */
const headerOnly: Policy = { 'frame-ancestors': ["'none'"] };

function serialize(policy: Policy): string {
  return Object.entries(policy)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy of the built page, as its <meta> tag states it. */
export const productionPolicy = serialize(production);

/** The header `vite preview` sends with every response. */
export const previewHeader = serialize({ ...production, ...headerOnly });

/**
 * The dev server's header: the production policy plus what Vite's development mode needs, the React
 * Refresh preamble (one inline script, allowed by its hash) and the CSS Vite injects as <style>
 * elements. Production has neither.
 */
export function devHeader(reactRefreshPreamble: string): string {
  return serialize({
    ...production,
    ...headerOnly,
    'script-src': [...production['script-src']!, sha256(reactRefreshPreamble)],
    'style-src': ["'self'", "'unsafe-inline'"],
  });
}

/**
 * Puts the production policy into the built index.html as a <meta> tag right after the charset, so
 * it comes before every script and stylesheet it governs (a <meta> policy covers only what follows it).
 */
export function cspMetaTag(): Plugin {
  const charset = /<meta charset="UTF-8" \/>/;
  return {
    name: 'continuum:csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      if (!charset.test(html))
        throw new Error(
          'index.html must start its <head> with <meta charset="UTF-8" />, which the CSP <meta> tag follows',
        );
      return html.replace(
        charset,
        (tag) => `${tag}\n    <meta http-equiv="Content-Security-Policy" content="${productionPolicy}" />`,
      );
    },
  };
}
