import { Dialect, LocalLinter, SuggestionKind, type BinaryModule, type Lint } from 'harper.js';
import { lintChunks } from './lint-chunks';

/** Paragraphs whose findings are kept: a long story's, and a few other fields'. */
const KEPT_PARAGRAPHS = 512;

/** One finding, with offsets in UTF-16 code units of the text linted. */
export interface ProofreadLint {
  start: number;
  end: number;
  message: string;
  /** Harper's category ('Spelling', 'Agreement', …). */
  kind: string;
  /** What replaces [start, end) for each fix Harper offers ('' removes it). */
  suggestions: string[];
}

export interface Proofreader {
  lint(text: string): Promise<ProofreadLint[]>;
}

/** A fix as a replacement of the lint's span: Harper's "insert after" keeps the span's text. */
function replacementOf(kind: SuggestionKind, replacement: string, spanText: string): string {
  if (kind === SuggestionKind.Remove) return '';
  if (kind === SuggestionKind.InsertAfter) return spanText + replacement;
  return replacement;
}

/**
 * Harper's lints as the protocol carries them. harper.js (2.10) already gives spans in UTF-16
 * code units of the JS string, as the fields and the DOM count (its WASM glue converts Rust's
 * char spans; tests/unit/proofread.test.ts pins this with text outside the BMP), so they are
 * only clamped to the text here.
 */
export function toProofreadLints(text: string, lints: readonly Lint[]): ProofreadLint[] {
  const out: ProofreadLint[] = [];
  for (const lint of lints) {
    const span = lint.span();
    const start = Math.max(0, Math.min(text.length, span.start));
    const end = Math.max(start, Math.min(text.length, span.end));
    const spanText = text.slice(start, end);
    out.push({
      start,
      end,
      message: lint.message(),
      kind: lint.lint_kind(),
      suggestions: lint.suggestions().map((s) => replacementOf(s.kind(), s.get_replacement_text(), spanText)),
    });
  }
  // The overlay draws non-overlapping spans in order: Harper's dedup removes most overlaps, this the rest.
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  return out.filter((lint, i) => i === 0 || lint.start >= out[i - 1]!.end);
}

/**
 * Harper (harper.js, Apache-2.0) in this context. The WASM binary (16 MB) is compiled on the
 * first lint, not when the background starts; plain text, so markdown syntax is not parsed.
 * A field is linted paragraph by paragraph (lint-chunks.ts) and a paragraph's findings are kept
 * by its text: after a pause only what the writer changed is linted again (a 1,000-word field
 * costs one paragraph, not the whole field).
 */
export function createProofreader(binary: BinaryModule, dialect: Dialect = Dialect.American): Proofreader {
  let linter: Promise<LocalLinter> | null = null;
  const kept = new Map<string, ProofreadLint[]>();
  const ready = () =>
    (linter ??= (async () => {
      const created = new LocalLinter({ binary, dialect });
      await created.setup();
      return created;
    })().catch((error: unknown) => {
      linter = null;
      throw error;
    }));
  return {
    async lint(text) {
      const out: ProofreadLint[] = [];
      for (const chunk of lintChunks(text)) {
        let found = kept.get(chunk.text);
        if (found) kept.delete(chunk.text);
        else found = toProofreadLints(chunk.text, await (await ready()).lint(chunk.text, { language: 'plaintext' }));
        // Most recently used last; the oldest paragraph goes first.
        kept.set(chunk.text, found);
        if (kept.size > KEPT_PARAGRAPHS) kept.delete(kept.keys().next().value!);
        for (const lint of found) out.push({ ...lint, start: lint.start + chunk.start, end: lint.end + chunk.start });
      }
      return out;
    },
  };
}
