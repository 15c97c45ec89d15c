// The one zod every module imports, configured before any schema parses: without `jitless`, zod's
// first parse probes for eval with `new Function`, which the page's Content-Security-Policy forbids
// and reports as a violation. Importing from here, not from 'zod', makes the order impossible to get
// wrong (the engine's kernel-choice cache may parse before any experiment schema is loaded).
import { z } from 'zod';

z.config({ jitless: true });

export { z };
