// Worker-thread bootstrap for change.bench's strips (registers tsx, as processing/pool-entry.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./change-strips-worker.ts');
