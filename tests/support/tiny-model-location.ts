/**
 * Where the repository's tiny test model lives. Kept apart from ./tiny-model.ts (which loads
 * transformers.js in Node) so that scripts needing only the folder, like bench/engine.ts, stay light.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TINY_MODEL_ID = 'ledgerline-test/tiny-chat';
export const TINY_MODEL_REVISION = 'main';
/** The folder the model host serves: it holds {org}/{name}/ model folders. */
export const TINY_MODEL_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'models');
/** The model folder itself. */
export const TINY_MODEL_DIR = join(TINY_MODEL_ROOT, TINY_MODEL_ID);
