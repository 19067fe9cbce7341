import { createHonoFixture } from './apps/hono.js';
import { conformanceSuite } from './suite.js';

conformanceSuite('hono', () => createHonoFixture());
