/** The scorers of the quality evaluation (bench/quality/score/): what each one counts as good or bad. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { constraintMet } from '../../bench/quality/score/constraints';
import { compareFindings, seededFixes } from '../../bench/quality/score/grammar';
import { guessLanguage, languageKept } from '../../bench/quality/score/language';
import { checkFacts, contentRecall, meaningKept, namesIn, numbersIn } from '../../bench/quality/score/meaning';
import { badEnding, findLeak, findRepetition } from '../../bench/quality/score/validity';
import { scoreVariant } from '../../bench/quality/score/variant';
import { summarise, type TaskResult } from '../../bench/quality/report';
import { parseTaskSet, type QualityTask } from '../../bench/quality/tasks';

describe('validity', () => {
  it.each([
    ['<|im_start|>assistant The council met.', /template token/],
    ['The council met.<|im_end|>', /template token/],
    ['Sure.\nassistant: The council met.', /role name/],
    ['Passage: The council met.', /prompt label/],
    ['Rewritten passage: The council met.', /prompt label/],
    ['The council met.\nText so far: The', /prompt label/],
  ])('finds the leak in %j', (text, why) => {
    expect(findLeak(text)).toMatch(why);
  });

  it.each(['The council met on Tuesday.', 'Voters: a guide to polling day', 'The assistant coach was sacked.'])('finds nothing in %j', (text) => {
    expect(findLeak(text)).toBeNull();
  });

  it('wants a sentence end where one is needed, and no dangling word where not', () => {
    const done = { raw: '', endedByModel: true };
    expect(badEnding('The fire was put out.', { ...done, needsSentenceEnd: true })).toBeNull();
    expect(badEnding('“We will rebuild.”', { ...done, needsSentenceEnd: true })).toBeNull();
    expect(badEnding('The fire was put out', { ...done, needsSentenceEnd: true })).toMatch(/sentence boundary/);
    expect(badEnding('Council approves budget', { ...done, needsSentenceEnd: false })).toBeNull();
    expect(badEnding('Council approves budget for the', { ...done, needsSentenceEnd: false })).toMatch(/dangling/);
    expect(badEnding('Council approves budget,', { ...done, needsSentenceEnd: false })).toMatch(/dangling/);
  });

  it('flags an ending that is where the token cap cut the reply', () => {
    const cut = { raw: 'Council approves new bud', endedByModel: false, needsSentenceEnd: false };
    expect(badEnding('Council approves new bud', cut)).toMatch(/token cap/);
    // The cleaner cut back to a word the model had finished: fine.
    expect(badEnding('Council approves new', cut)).toBeNull();
  });

  it('finds a model in a loop', () => {
    expect(findRepetition('Justice Justice Justice Justice.')).toMatch(/Justice/);
    expect(findRepetition('What a comeback from two goals down! What a comeback from two goals down!')).toMatch(/sentence/);
    expect(findRepetition('The the team won.')).toBeNull();
    expect(findRepetition('Riverside won 3-2. Harbour City lost.')).toBeNull();
  });
});

describe('language', () => {
  it('tells the task set’s languages apart and says nothing about too little text', () => {
    expect(guessLanguage('The council approved the budget on Tuesday after a long debate.')).toBe('en');
    expect(guessLanguage('Der Stadtrat hat am Dienstag einen neuen Radweg entlang des Flusses beschlossen.')).toBe('de');
    expect(guessLanguage('Le maire a annoncé que la piscine rouvrira en juin après des travaux.')).toBe('fr');
    expect(guessLanguage('El ayuntamiento aprobó el martes un nuevo plan para reducir el tráfico.')).toBe('es');
    expect(guessLanguage('A New Transit Budget: A New Frontier')).toBeNull();
  });

  it('counts a switch to English as a lost language', () => {
    expect(languageKept('The mayor announced on Tuesday that the pool will reopen in June.', 'fr')).toBe(false);
    expect(languageKept('Le maire a annoncé mardi que la piscine rouvrira en juin.', 'fr')).toBe(true);
  });
});

describe('meaning', () => {
  const source = 'Its owner, Maria Lopez, said rising energy bills had forced her to raise prices for the first time in 10 years.';

  it('reads numbers and names', () => {
    expect(numbersIn('A record 18,000 runners; Riverside won 3-2 at 2.5 km')).toEqual(['18000', '3', '2', '2.5']);
    expect(namesIn(source)).toEqual(['Maria', 'Lopez']);
    expect(namesIn('The City Council Approves A New Budget')).toEqual([]);
  });

  it('keeps meaning when content words, numbers and names stay', () => {
    const output = 'Maria Lopez, the owner, said higher energy bills forced her to raise prices for the first time in 10 years.';
    expect(contentRecall(source, output)).toBeGreaterThan(0.8);
    expect(meaningKept(source, output)).toBe(true);
  });

  it('loses meaning when a number or a name changes, or the content goes', () => {
    expect(meaningKept(source, source.replace('10', '12'))).toBe(false);
    expect(checkFacts(source, source.replace('10', '12'))).toMatchObject({ numbersDropped: ['10'], numbersAdded: ['12'] });
    expect(meaningKept(source, source.replace('Maria Lopez', 'Anna Lopez'))).toBe(false);
    expect(meaningKept(source, 'The shop is doing well, she said, in 10 years.')).toBe(false);
  });
});

describe('grammar', () => {
  const errors = [
    { kind: 'agreement', wrong: 'mayor have', right: ['mayor has', 'mayor said'] },
    { kind: 'possessive', wrong: 'citys', right: ["city's"] },
  ];

  it('counts a seeded error fixed only when the wrong words are gone and a correction is there', () => {
    expect(seededFixes(errors, "The mayor has said it is good for the city’s families.").map((f) => f.fixed)).toEqual([true, true]);
    expect(seededFixes(errors, 'The mayor have said it is good for the citys families.').map((f) => f.fixed)).toEqual([false, false]);
    // Deleting the error is not fixing it.
    expect(seededFixes(errors, 'It is good for families.').map((f) => f.fixed)).toEqual([false, false]);
  });

  it('compares checker findings as multisets', () => {
    const before = [
      { kind: 'Spelling', problem: 'tomorow' },
      { kind: 'Repetition', problem: 'the the' },
      { kind: 'Repetition', problem: 'the the' },
    ];
    const after = [
      { kind: 'Repetition', problem: 'The the' },
      { kind: 'Agreement', problem: 'has' },
    ];
    const { fixed, introduced } = compareFindings(before, after);
    expect(fixed).toEqual([before[0], before[2]]);
    expect(introduced).toEqual([after[1]]);
  });
});

describe('constraints', () => {
  it('fit counts as the platform does (X: a URL is 23, an emoji 2)', () => {
    const url = `https://example.org/${'a'.repeat(100)}`;
    expect(constraintMet({ action: 'fit', source: '', output: `${'x'.repeat(250)} ${url}`, platform: 'x' })).toBe(true);
    expect(constraintMet({ action: 'fit', source: '', output: `${'x'.repeat(270)}🎉🎉🎉🎉🎉🎉`, platform: 'x' })).toBe(false);
    expect(constraintMet({ action: 'fit', source: '', output: `${'x'.repeat(270)}🎉🎉🎉🎉🎉🎉`, platform: 'bluesky' })).toBe(true);
  });

  it('headlines, standfirsts, shorten, formal and continue have their own rules', () => {
    expect(constraintMet({ action: 'headline', source: '', output: 'Council approves transit budget' })).toBe(true);
    expect(constraintMet({ action: 'headline', source: '', output: 'Council approves transit budget.' })).toBe(false);
    expect(constraintMet({ action: 'headline', source: '', output: 'x '.repeat(40) })).toBe(false);
    expect(constraintMet({ action: 'summary', source: '', output: 'One. Two. Three.' })).toBe(false);
    expect(constraintMet({ action: 'shorten', source: 'A long sentence here.', output: 'A long sentence here, longer.' })).toBe(false);
    expect(constraintMet({ action: 'formal', source: '', output: "The council isn't happy." })).toBe(false);
    expect(constraintMet({ action: 'formal', source: '', output: "The council's members are not satisfied." })).toBe(true);
    expect(constraintMet({ action: 'continue', source: 'The fire started at night. Nobody was hurt.', output: 'Nobody was hurt.' })).toBe(false);
  });
});

describe('a scored variant and the per-action figures', () => {
  const task: QualityTask = { id: 't', action: 'shorten', topic: 'local', text: 'The council, after a long debate, approved the budget.', language: 'en' };
  const score = (output: string, endedByModel = true) =>
    scoreVariant({ task, source: task.text, output, raw: output, endedByModel, sourceFindings: [], outputFindings: [] });

  it('a clean, shorter rewrite passes; a leaking one does not', () => {
    expect(score('The council approved the budget after a long debate.')).toMatchObject({ valid: true, constraintMet: true, meaningKept: true });
    expect(score('Passage: The council approved the budget.')).toMatchObject({ valid: false });
  });

  it('counts empty generations as invalid and duplicates as not distinct', () => {
    const result: TaskResult = {
      id: 't',
      action: 'shorten',
      asked: 3,
      variants: [{ text: 'The council approved the budget.', raw: '', tokens: 8, endedByModel: true, score: score('The council approved the budget.') }],
      dropped: [
        { raw: '<|im_end|>', tokens: 1, why: 'empty' },
        { raw: 'The council approved the budget!', tokens: 8, why: 'duplicate' },
      ],
      sourceFindings: 0,
      firstTokenMs: 100,
      totalMs: 1000,
      tokens: 17,
    };
    const row = summarise('shorten', [result]);
    expect(row.valid).toBe(0.5);
    expect(row.distinct).toBeCloseTo(1 / 3);
    expect(row.constraintMet).toBe(1);
  });
});

describe('the task set', () => {
  it('is versioned, has at least 60 tasks and every action', () => {
    const set = parseTaskSet(JSON.parse(readFileSync('bench/quality/tasks.json', 'utf8')));
    expect(set.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(set.tasks.length).toBeGreaterThanOrEqual(60);
    expect(new Set(set.tasks.map((t) => t.action)).size).toBe(10);
  });

  it('refuses a broken task with its id and the reason', () => {
    const base = { id: 'g1', action: 'grammar', topic: 'local', text: 'Their going.' };
    expect(() => parseTaskSet({ tasks: [base] })).toThrow(/version/);
    expect(() => parseTaskSet({ version: '1', tasks: [base] })).toThrow(/g1.*seeded "errors"/);
    expect(() => parseTaskSet({ version: '1', tasks: [{ ...base, errors: [{ kind: 'k', wrong: 'nope', right: ['x'] }] }] })).toThrow(/"nope" is not in the passage/);
    expect(() => parseTaskSet({ version: '1', tasks: [{ ...base, action: 'fit' }] })).toThrow(/platform/);
    expect(() => parseTaskSet({ version: '1', tasks: [{ ...base, action: 'poem' }] })).toThrow(/unknown action poem/);
  });
});
