import type { Migration } from './types';
import { v1 } from './v1';
import { v2 } from './v2';
import { v3 } from './v3';

/** In version order. The last one is the current schema. */
export const MIGRATIONS: readonly Migration[] = [v1, v2, v3];
export type { Migration } from './types';
