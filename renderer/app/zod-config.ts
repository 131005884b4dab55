import { z } from 'zod';

// Our CSP forbids eval. Zod probes for it (new Function) when the first object schema is built,
// and Chromium reports the probe as a CSP violation even though zod catches it: tell zod not to
// try. This module must be imported before any module that defines a schema.
z.config({ jitless: true });
