/**
 * The model catalogue: which instruct models the engine offers, what each costs to download per
 * dtype, and how sure we are of each fact. Data lives in models.json; this module types it,
 * validates it and looks models up. Pure TypeScript: no transformers.js, no DOM.
 */
import rawCatalogue from './models.json';

import { DTYPES, type Dtype } from './dtypes';

export { DTYPES, type Dtype };

/** The graph file transformers.js asks for per dtype (`onnx/model{suffix}.onnx`). */
export const DTYPE_FILE: Readonly<Record<Dtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
};

export const CERTAINTIES = ['verified', 'reported', 'approximate', 'unknown'] as const;
export type Certainty = (typeof CERTAINTIES)[number];

export const FACT_KEYS = ['revision', 'sizes', 'parameters', 'contextLength', 'license', 'languages'] as const;
export type FactKey = (typeof FACT_KEYS)[number];

export interface ModelFile {
  path: string;
  /** Size in bytes; null when unknown (custom models). */
  bytes: number | null;
}

export interface DtypeEntry {
  files: ModelFile[];
  certainty: Certainty;
}

export interface Fact {
  certainty: Certainty;
  source: string;
}

export interface ModelEntry {
  /** Short stable id used in settings (`qwen2.5-0.5b-instruct`); for custom models, the hub id. */
  id: string;
  /** Hugging Face repository, `org/name`. */
  hubId: string;
  label: string;
  /** A 40-hex commit SHA when pinned, else a branch name such as `main`. */
  revision: string;
  revisionNote: string;
  architecture: string | null;
  parameters: number | null;
  contextLength: number | null;
  license: string | null;
  /** ISO 639-1 codes; empty when unknown. */
  languages: string[];
  multilingual: boolean | null;
  /** Only the dtypes whose files exist in the repository. */
  dtypes: Partial<Record<Dtype, DtypeEntry>>;
  /** Config and tokenizer files every dtype needs. */
  supportFiles: ModelFile[];
  facts: Record<FactKey, Fact>;
  notes?: string;
  /** True for a hub id the user typed that is not in the catalogue. */
  custom: boolean;
}

export interface Catalogue {
  schemaVersion: 1;
  defaultModelId: string;
  defaultReason: string;
  models: ModelEntry[];
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const HUB_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const SHA_RE = /^[0-9a-f]{40}$/;
const BRANCH_RE = /^[A-Za-z0-9][A-Za-z0-9._\/-]{0,99}$/;
const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const LANG_RE = /^[a-z]{2,3}$/;

/** `org/name`, no `..`, no URL, no leading dot: what the hub accepts as a repository id. */
export function isHubId(value: unknown): value is string {
  return typeof value === 'string' && HUB_ID_RE.test(value) && !value.includes('..');
}

export function isPinnedRevision(revision: string): boolean {
  return SHA_RE.test(revision);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function validateFile(value: unknown, where: string, errors: string[]): ModelFile | null {
  if (!isRecord(value)) {
    errors.push(`${where}: not an object`);
    return null;
  }
  const { path, bytes } = value;
  if (typeof path !== 'string' || path.length === 0 || path.startsWith('/') || path.split('/').includes('..')) {
    errors.push(`${where}.path: must be a relative path inside the repository`);
    return null;
  }
  if (!isByteCount(bytes)) {
    errors.push(`${where}.bytes: must be a positive integer`);
    return null;
  }
  return { path, bytes };
}

/**
 * Checks one catalogue entry. Returns every problem found, not only the first, so a broken
 * models.json edit is reported in one go.
 */
export function validateModelEntry(value: unknown): Validation<ModelEntry> {
  const errors: string[] = [];
  if (!isRecord(value)) return { ok: false, errors: ['entry: not an object'] };
  const where = typeof value.id === 'string' ? value.id : 'entry';
  const str = (key: string): string | null => {
    const v = value[key];
    if (typeof v !== 'string' || v.trim().length === 0) {
      errors.push(`${where}.${key}: must be a non-empty string`);
      return null;
    }
    return v;
  };

  const id = str('id');
  if (id !== null && !ID_RE.test(id)) errors.push(`${where}.id: lower-case letters, digits, '.', '_' or '-' only`);
  const hubId = str('hubId');
  if (hubId !== null && !isHubId(hubId)) errors.push(`${where}.hubId: must look like org/name`);
  const label = str('label');
  const revision = str('revision');
  if (revision !== null && !SHA_RE.test(revision) && !BRANCH_RE.test(revision)) {
    errors.push(`${where}.revision: must be a 40-hex commit SHA or a branch name`);
  }
  const revisionNote = str('revisionNote');
  const architecture = str('architecture');
  const license = str('license');

  const parameters = value.parameters;
  if (!isByteCount(parameters) || parameters < 1_000_000 || parameters > 20_000_000_000) {
    errors.push(`${where}.parameters: must be an integer between 1e6 and 2e10`);
  }
  const contextLength = value.contextLength;
  if (!isByteCount(contextLength) || contextLength < 512) {
    errors.push(`${where}.contextLength: must be an integer of at least 512`);
  }
  const languages = value.languages;
  if (!Array.isArray(languages) || languages.length === 0 || !languages.every((l) => typeof l === 'string' && LANG_RE.test(l))) {
    errors.push(`${where}.languages: must be a non-empty list of ISO 639 codes`);
  }
  if (typeof value.multilingual !== 'boolean') errors.push(`${where}.multilingual: must be a boolean`);

  const dtypes: Partial<Record<Dtype, DtypeEntry>> = {};
  if (!isRecord(value.dtypes) || Object.keys(value.dtypes).length === 0) {
    errors.push(`${where}.dtypes: must list at least one dtype`);
  } else {
    for (const [key, entry] of Object.entries(value.dtypes)) {
      if (!(DTYPES as readonly string[]).includes(key)) {
        errors.push(`${where}.dtypes.${key}: unknown dtype`);
        continue;
      }
      const dtype = key as Dtype;
      if (!isRecord(entry) || !Array.isArray(entry.files) || entry.files.length === 0) {
        errors.push(`${where}.dtypes.${key}: must have a non-empty files list`);
        continue;
      }
      if (!(CERTAINTIES as readonly string[]).includes(entry.certainty as string)) {
        errors.push(`${where}.dtypes.${key}.certainty: must be one of ${CERTAINTIES.join(', ')}`);
      }
      const files = entry.files.map((f, i) => validateFile(f, `${where}.dtypes.${key}.files[${i}]`, errors));
      const first = files[0];
      if (first && first.path !== DTYPE_FILE[dtype]) {
        errors.push(`${where}.dtypes.${key}: first file must be ${DTYPE_FILE[dtype]}`);
      }
      if (files.every((f): f is ModelFile => f !== null)) {
        dtypes[dtype] = { files, certainty: entry.certainty as Certainty };
      }
    }
  }

  const supportFiles: ModelFile[] = [];
  if (!Array.isArray(value.supportFiles)) {
    errors.push(`${where}.supportFiles: must be a list`);
  } else {
    value.supportFiles.forEach((f, i) => {
      const file = validateFile(f, `${where}.supportFiles[${i}]`, errors);
      if (file) supportFiles.push(file);
    });
    for (const needed of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      if (!supportFiles.some((f) => f.path === needed)) errors.push(`${where}.supportFiles: missing ${needed}`);
    }
  }

  const facts = {} as Record<FactKey, Fact>;
  if (!isRecord(value.facts)) {
    errors.push(`${where}.facts: must be an object`);
  } else {
    for (const key of FACT_KEYS) {
      const fact = value.facts[key];
      if (
        !isRecord(fact) ||
        !(CERTAINTIES as readonly string[]).includes(fact.certainty as string) ||
        typeof fact.source !== 'string' ||
        fact.source.length === 0
      ) {
        errors.push(`${where}.facts.${key}: needs a certainty and a source`);
        continue;
      }
      facts[key] = { certainty: fact.certainty as Certainty, source: fact.source };
    }
    // A revision cannot be "verified" unless it is actually pinned.
    if (revision !== null && facts.revision?.certainty === 'verified' && !SHA_RE.test(revision)) {
      errors.push(`${where}.facts.revision: a branch name cannot be marked verified`);
    }
  }
  if (value.notes !== undefined && typeof value.notes !== 'string') errors.push(`${where}.notes: must be a string`);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      id: id!,
      hubId: hubId!,
      label: label!,
      revision: revision!,
      revisionNote: revisionNote!,
      architecture: architecture!,
      parameters: parameters as number,
      contextLength: contextLength as number,
      license: license!,
      languages: [...(languages as string[])],
      multilingual: value.multilingual as boolean,
      dtypes,
      supportFiles,
      facts,
      ...(typeof value.notes === 'string' ? { notes: value.notes } : {}),
      custom: false,
    },
  };
}

export function validateCatalogue(value: unknown): Validation<Catalogue> {
  if (!isRecord(value)) return { ok: false, errors: ['catalogue: not an object'] };
  const errors: string[] = [];
  if (value.schemaVersion !== 1) errors.push('catalogue.schemaVersion: must be 1');
  if (typeof value.defaultReason !== 'string' || value.defaultReason.trim().length < 40) {
    errors.push('catalogue.defaultReason: must explain the choice');
  }
  const models: ModelEntry[] = [];
  if (!Array.isArray(value.models) || value.models.length === 0) {
    errors.push('catalogue.models: must be a non-empty list');
  } else {
    for (const entry of value.models) {
      const result = validateModelEntry(entry);
      if (result.ok) models.push(result.value);
      else errors.push(...result.errors);
    }
    const seen = new Set<string>();
    for (const m of models) {
      for (const key of [m.id, m.hubId.toLowerCase()]) {
        if (seen.has(key)) errors.push(`catalogue.models: duplicate id or hub id ${key}`);
        seen.add(key);
      }
    }
  }
  if (typeof value.defaultModelId !== 'string' || !models.some((m) => m.id === value.defaultModelId)) {
    errors.push('catalogue.defaultModelId: must name a model in the list');
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      schemaVersion: 1,
      defaultModelId: value.defaultModelId as string,
      defaultReason: value.defaultReason as string,
      models,
    },
  };
}

function loadCatalogue(): Catalogue {
  const result = validateCatalogue(rawCatalogue);
  if (!result.ok) throw new Error(`lib/engine/models.json is invalid:\n${result.errors.join('\n')}`);
  return result.value;
}

/** The validated built-in catalogue (throws at import if models.json is broken). */
export const CATALOGUE: Catalogue = loadCatalogue();

export function listModels(): readonly ModelEntry[] {
  return CATALOGUE.models;
}

export function defaultModel(): ModelEntry {
  const model = CATALOGUE.models.find((m) => m.id === CATALOGUE.defaultModelId);
  if (!model) throw new Error('unreachable: default model validated at load');
  return model;
}

const UNKNOWN_FACT: Fact = { certainty: 'unknown', source: 'custom model: nothing is known until it is loaded' };

function customModel(hubId: string, revision: string): ModelEntry {
  const dtypes: Partial<Record<Dtype, DtypeEntry>> = {};
  for (const dtype of DTYPES) {
    dtypes[dtype] = { files: [{ path: DTYPE_FILE[dtype], bytes: null }], certainty: 'unknown' };
  }
  return {
    id: hubId,
    hubId,
    label: hubId.split('/')[1] ?? hubId,
    revision,
    revisionNote: 'custom model entered by the user',
    architecture: null,
    parameters: null,
    contextLength: null,
    license: null,
    languages: [],
    multilingual: null,
    // Unknown which exports exist: every dtype is offered and the loader finds out.
    dtypes,
    supportFiles: [
      { path: 'config.json', bytes: null },
      { path: 'tokenizer.json', bytes: null },
      { path: 'tokenizer_config.json', bytes: null },
    ],
    facts: {
      revision: UNKNOWN_FACT,
      sizes: UNKNOWN_FACT,
      parameters: UNKNOWN_FACT,
      contextLength: UNKNOWN_FACT,
      license: UNKNOWN_FACT,
      languages: UNKNOWN_FACT,
    },
    custom: true,
  };
}

/**
 * Finds a model by catalogue id (`qwen2.5-0.5b-instruct`) or hub id (`onnx-community/Qwen2.5-0.5B-Instruct`,
 * case-insensitive, as the hub resolves it). Any other well-formed hub id, optionally with
 * `@revision`, gives a custom entry whose sizes are unknown. Returns null for anything else.
 */
export function resolveModel(idOrHubId: string): ModelEntry | null {
  const input = idOrHubId.trim();
  if (input.length === 0) return null;
  const lower = input.toLowerCase();
  const known = CATALOGUE.models.find((m) => m.id === lower || m.hubId.toLowerCase() === lower);
  if (known) return known;

  const at = input.indexOf('@');
  const hubId = at === -1 ? input : input.slice(0, at);
  const revision = at === -1 ? 'main' : input.slice(at + 1);
  if (!isHubId(hubId)) return null;
  if (!SHA_RE.test(revision) && !(BRANCH_RE.test(revision) && !revision.includes('..'))) return null;
  const catalogued = CATALOGUE.models.find((m) => m.hubId.toLowerCase() === hubId.toLowerCase());
  if (catalogued) return at === -1 ? catalogued : { ...catalogued, revision, revisionNote: 'revision chosen by the user' };
  return customModel(hubId, revision);
}

/** The dtypes this model's repository actually has, in DTYPES order. */
export function availableDtypes(model: ModelEntry): Dtype[] {
  return DTYPES.filter((d) => model.dtypes[d] !== undefined);
}

/**
 * Bytes to download for one dtype (graph files plus config/tokenizer), or null when any part
 * is unknown or the dtype does not exist for this model.
 */
export function downloadBytes(model: ModelEntry, dtype: Dtype): number | null {
  const entry = model.dtypes[dtype];
  if (!entry) return null;
  let total = 0;
  for (const file of [...entry.files, ...model.supportFiles]) {
    if (file.bytes === null) return null;
    total += file.bytes;
  }
  return total;
}

/** Every file to fetch for one dtype, repository-relative. */
export function filesFor(model: ModelEntry, dtype: Dtype): string[] {
  const entry = model.dtypes[dtype];
  if (!entry) return [];
  return [...model.supportFiles.map((f) => f.path), ...entry.files.map((f) => f.path)];
}
