import type { Migration } from './types';
import { v1 } from './v1';

/** In version order. The last one is the current schema. */
export const MIGRATIONS: readonly Migration[] = [v1];
export type { Migration } from './types';
