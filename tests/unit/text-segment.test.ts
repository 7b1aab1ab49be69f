import { describe, expect, it } from 'vitest';
import { segmentSentences } from '../../lib/text/segment';

const cases: [string, string, string[], string?][] = [
  ['plain', 'One thing. Another thing.', ['One thing.', 'Another thing.']],
  ['title before a name', 'Dr. Smith arrived. He sat down.', ['Dr. Smith arrived.', 'He sat down.']],
  ['several titles', 'Mr. Jones and Mrs. Smith came. Ok.', ['Mr. Jones and Mrs. Smith came.', 'Ok.']],
  ['dotted acronym mid-sentence', 'The U.S. Army is big. Yes.', ['The U.S. Army is big.', 'Yes.']],
  ['dotted acronym at sentence end', 'She moved to the U.S. The move was hard.', ['She moved to the U.S.', 'The move was hard.']],
  ['e.g. and i.e.', 'Use a tool, e.g. a hammer. That is, i.e. this one.', ['Use a tool, e.g. a hammer.', 'That is, i.e. this one.']],
  ['e.g. before capital', 'Some cities, e.g. Paris, are old. Fine.', ['Some cities, e.g. Paris, are old.', 'Fine.']],
  ['p.m. ending a sentence', 'Meet at 5 p.m. Tomorrow is fine.', ['Meet at 5 p.m.', 'Tomorrow is fine.']],
  ['a.m. mid-sentence', 'At 9 a.m. sharp we left. Then rain.', ['At 9 a.m. sharp we left.', 'Then rain.']],
  ['etc. ending a sentence', 'Apples, pears, etc. They all grow here.', ['Apples, pears, etc.', 'They all grow here.']],
  ['initials', 'J. R. R. Tolkien wrote it. Yes.', ['J. R. R. Tolkien wrote it.', 'Yes.']],
  ['middle initial', 'George W. Bush spoke. Then left.', ['George W. Bush spoke.', 'Then left.']],
  ['decimals', 'It cost $3.50 today. It is 3.14 exactly.', ['It cost $3.50 today.', 'It is 3.14 exactly.']],
  ['number abbreviation', 'See Fig. 3 and No. 5 here. Done.', ['See Fig. 3 and No. 5 here.', 'Done.']],
  ['quote after the period', 'He said "Stop." Then he left.', ['He said "Stop."', 'Then he left.']],
  ['curly quote after the period', 'He said “Stop.” Then he left.', ['He said “Stop.”', 'Then he left.']],
  ['three-dot ellipsis', 'I waited... Then it came.', ['I waited...', 'Then it came.']],
  ['ellipsis character', 'I waited… Then it came.', ['I waited…', 'Then it came.']],
  ['ellipsis mid-sentence', 'Well… maybe not. Sure.', ['Well… maybe not.', 'Sure.']],
  ['question and exclamation', 'Is it? Yes!! Really?!', ['Is it?', 'Yes!!', 'Really?!']],
  ['parenthesised abbreviation', '(See Dr. Who.) Then we go.', ['(See Dr. Who.)', 'Then we go.']],
  ['company name', 'Apple Inc. The firm grew.', ['Apple Inc.', 'The firm grew.']],
  ['company name mid-sentence', 'Acme Inc. Shares rose. Fine.', ['Acme Inc. Shares rose.', 'Fine.']],
  ['CJK', '你好。我很好！真的？', ['你好。', '我很好！', '真的？'], 'zh'],
  ['CJK closing quote', '他说：“好。”然后走了。', ['他说：“好。”', '然后走了。'], 'zh'],
  ['Japanese', '今日は晴れです。明日は雨でしょう。', ['今日は晴れです。', '明日は雨でしょう。'], 'ja'],
  ['Arabic question mark', 'هل أنت بخير؟ نعم.', ['هل أنت بخير؟', 'نعم.'], 'ar'],
  ['Hebrew', 'שלום. מה שלומך?', ['שלום.', 'מה שלומך?'], 'he'],
  ['emoji with ZWJ', 'Hi 👨‍👩‍👧 there. Next 🏳️‍🌈 one!', ['Hi 👨‍👩‍👧 there.', 'Next 🏳️‍🌈 one!']],
  ['line breaks', 'Line one\nLine two', ['Line one', 'Line two']],
  ['hard line break inside a pasted sentence', 'The council voted to approve\nthe new fares. Next one.', ['The council voted to approve\nthe new fares.', 'Next one.']],
  ['line break before a number mid-sentence', 'Fares rise by\n12 percent.', ['Fares rise by\n12 percent.']],
  ['line break after a finished sentence stays a break', 'It ended.\nthen lower case', ['It ended.', 'then lower case']],
  ['blank line stays a break', 'A heading\n\nand a paragraph.', ['A heading', 'and a paragraph.']],
  ['blank lines and spaces', '  Ok.  \n\n  Next para.  ', ['Ok.', 'Next para.']],
  ['abbreviation then newline is a break', 'Ask Dr.\nSmith came.', ['Ask Dr.', 'Smith came.']],
  ['no terminal punctuation', 'just some words', ['just some words']],
];

describe('segmentSentences', () => {
  it.each(cases)('%s', (_name, input, expected, locale) => {
    const spans = segmentSentences(input, locale);
    expect(spans.map((s) => s.text)).toEqual(expected);
    for (const s of spans) expect(input.slice(s.start, s.end)).toBe(s.text);
  });

  it('offsets are exact UTF-16 indices with astral characters before the sentence', () => {
    const input = '😀😀 Wow. 👍 Great job.';
    const spans = segmentSentences(input);
    expect(spans.map((s) => s.text)).toEqual(['😀😀 Wow.', '👍 Great job.']);
    expect(spans[1]!.start).toBe(input.indexOf('👍'));
    expect(spans[1]!.end).toBe(input.length);
  });

  it('returns nothing for empty or blank input', () => {
    expect(segmentSentences('')).toEqual([]);
    expect(segmentSentences(' \n\t ')).toEqual([]);
  });

  it('spans are ordered and non-overlapping', () => {
    const input = cases.map((c) => c[1]).join(' ');
    const spans = segmentSentences(input);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });
});

describe('segmentSentences without Intl.Segmenter', () => {
  it('falls back to a punctuation splitter and still re-joins abbreviations', () => {
    const intl = Intl as unknown as { Segmenter?: unknown };
    const saved = intl.Segmenter;
    intl.Segmenter = undefined;
    try {
      const input = 'Dr. Smith arrived. The U.S. Army is big! 你好。我很好？ Ok';
      const spans = segmentSentences(input);
      expect(spans.map((s) => s.text)).toEqual(['Dr. Smith arrived.', 'The U.S. Army is big!', '你好。', '我很好？', 'Ok']);
      for (const s of spans) expect(input.slice(s.start, s.end)).toBe(s.text);
    } finally {
      intl.Segmenter = saved;
    }
  });
});

describe('long texts (windowed ICU segmentation)', () => {
  it('gives exactly the segmentation of the whole text at once, and stays fast', async () => {
    const { segmentSentences } = await import('../../lib/text/segment');
    const { makeSentence, rng } = await import('../../lib/ledger/calibration');
    const r = rng(3);
    const tricky = [
      'Dr. Smith met the U.S. Army team at 5 p.m. on Friday.',
      '“Is it over?” she asked… Nobody answered.',
      'The fee is $3.50, i.e. less than before.',
      '東京は晴れです。明日は雨でしょう。',
      'هل ستأتي غدا؟ نعم سأفعل.',
      'Wait...   what   happened   here?',
      'A line without an end',
    ];
    const parts: string[] = [];
    for (let i = 0; i < 400; i++) parts.push(r() < 0.3 ? tricky[Math.floor(r() * tricky.length)]! : makeSentence(r), r() < 0.1 ? '\n\n' : ' ');
    parts.push('x'.repeat(3000), '. ', 'y '.repeat(2000), 'end.');
    const text = parts.join('');
    const whole = segmentSentences(text, 'en', { window: 10_000_000 });
    for (const window of [64, 300, 1000, 4096]) expect(segmentSentences(text, 'en', { window })).toEqual(whole);

    const big = Array.from({ length: 5000 }, () => makeSentence(r)).join(' ');
    const t = performance.now();
    expect(segmentSentences(big).length).toBe(5000);
    expect(performance.now() - t).toBeLessThan(1500);
  });
});
