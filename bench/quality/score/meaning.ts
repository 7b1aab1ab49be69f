/**
 * Whether a rewrite says what the writer's passage said: its content words kept, its numbers
 * and names unchanged, nothing invented in their place.
 */

const STOPWORDS = new Set(
  (
    'the a an and or but of to in on at by for with from as that this these those it its is was are were be been being ' +
    'has have had will would can could should may might must do does did not no so than then there their they them he she ' +
    'his her we our you your i me my who which what when where while after before about into over under up down out off ' +
    'very just also more most some any all each both few many much such only own same too again further once here how why ' +
    'said says say new'
  ).split(' '),
);

function stem(word: string): string {
  return word.slice(0, 5);
}

/** Lower-case content words (no function words, at least three letters), roughly stemmed. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}[\p{L}'’-]*/gu) ?? [])
    .map((w) => w.replace(/['’]s$/u, ''))
    .filter((w) => w.length >= 3 && !STOPWORDS.has(w))
    .map(stem);
}

/** Share of the source's distinct content words that the output still has (1 when the source has none). */
export function contentRecall(source: string, output: string): number {
  const wanted = new Set(contentWords(source));
  if (wanted.size === 0) return 1;
  const have = new Set(contentWords(output));
  let kept = 0;
  for (const w of wanted) if (have.has(w)) kept++;
  return kept / wanted.size;
}

/** Numbers as written, without thousands separators ("18,000" → "18000", "3-2" → "3", "2"). */
export function numbersIn(text: string): string[] {
  return (text.match(/\d+(?:[.,]\d+)*/g) ?? []).map((n) => n.replace(/,(?=\d{3}\b)/g, ''));
}

/** Most longer words capitalised: a headline in title case, where capitals say nothing about names. */
function isTitleCase(text: string): boolean {
  const words = text.match(/\p{L}{4,}/gu) ?? [];
  return words.length >= 3 && words.filter((w) => /^\p{Lu}/u.test(w)).length >= words.length * 0.6;
}

/** Capitalised words that are not the first word of a sentence (names, places, months); none in title case. */
export function namesIn(text: string): string[] {
  const names: string[] = [];
  if (isTitleCase(text)) return names;
  const re = /(^|[.!?…]["'”’)]*\s+|\s+|["“(])(\p{Lu}[\p{L}'’-]*)/gu;
  for (const m of text.matchAll(re)) {
    const lead = m[1] ?? '';
    const sentenceStart = m.index === 0 || /[.!?…]/u.test(lead) || lead === '';
    const word = (m[2] ?? '').replace(/['’]s$/u, '');
    if (!sentenceStart && word.length > 1 && word !== 'I' && !STOPWORDS.has(word.toLowerCase())) names.push(word);
  }
  return names;
}

export interface FactCheck {
  /** Source numbers missing from the output. */
  numbersDropped: string[];
  /** Output numbers the source does not have (a changed or invented figure). */
  numbersAdded: string[];
  /** Source names missing from the output. */
  namesDropped: string[];
  /** Names in the output that appear nowhere in the source (any case). */
  namesAdded: string[];
}

export function checkFacts(source: string, output: string): FactCheck {
  const srcNumbers = new Set(numbersIn(source));
  const outNumbers = new Set(numbersIn(output));
  const srcNames = new Set(namesIn(source));
  const lowerSource = source.toLowerCase();
  return {
    numbersDropped: [...srcNumbers].filter((n) => !outNumbers.has(n)),
    numbersAdded: [...outNumbers].filter((n) => !srcNumbers.has(n)),
    namesDropped: [...srcNames].filter((n) => !output.includes(n)),
    namesAdded: [...new Set(namesIn(output))].filter((n) => !lowerSource.includes(n.toLowerCase())),
  };
}

/** Content words kept at this share or more, and numbers and names unchanged: the meaning is kept. */
export const MEANING_RECALL_MIN = 0.5;

export function meaningKept(source: string, output: string): boolean {
  const facts = checkFacts(source, output);
  return (
    contentRecall(source, output) >= MEANING_RECALL_MIN &&
    facts.numbersDropped.length === 0 &&
    facts.numbersAdded.length === 0 &&
    facts.namesDropped.length === 0 &&
    facts.namesAdded.length === 0
  );
}
