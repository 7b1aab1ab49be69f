/** A piece of a text linted on its own, and where it starts in the text (UTF-16 code units). */
export interface LintChunk {
  start: number;
  text: string;
}

/**
 * A sentence's end, its closing quotes or brackets, then line breaks: a boundary no sentence
 * crosses. A line that ends mid-sentence (a hard line break) stays with the next one, so Harper
 * reads that sentence whole.
 */
const BOUNDARY = /[.!?…]["'”’»)\]]*[ \t]*\n+/g;

/**
 * The text cut into paragraphs that each end a sentence. Harper's findings do not cross them, so
 * a field is linted paragraph by paragraph and a paragraph the writer did not change need not be
 * linted again (tests/unit/proofread-chunks.test.ts holds the findings to the whole text's).
 */
export function lintChunks(text: string): LintChunk[] {
  const chunks: LintChunk[] = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + match[0].length;
    chunks.push({ start, text: text.slice(start, end) });
    start = end;
  }
  if (start < text.length || chunks.length === 0) chunks.push({ start, text: text.slice(start) });
  return chunks;
}
