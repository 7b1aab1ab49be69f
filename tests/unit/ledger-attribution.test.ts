import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';
import { makeAcceptance } from '../../lib/ledger/testing';

const S1 = 'The city council approved the new transport budget on Tuesday evening after a long debate.';
const S2 = 'Critics said the plan ignores cyclists and pedestrians in the northern districts.';
const OWN = 'Residents packed the hall to hear the vote.';
const REWRITE = 'The mayor warned that fares could rise next year if revenue falls short.';

let ledger: Ledger;
let privacyMode = false;
beforeEach(async () => {
  privacyMode = false;
  ledger = openLedger({ name: 'attr', indexedDB: new IDBFactory(), IDBKeyRange, settings: () => ({ privacyMode }) });
  await ledger.append(makeAcceptance({ insertedText: `${S1} ${S2}` }));
  await ledger.append(
    makeAcceptance({ action: 'rephrase', originalText: 'Mayor says fares may go up next year if money is short.', insertedText: REWRITE }),
  );
});
afterEach(() => ledger.close());

describe('attribute', () => {
  it('classifies verbatim, edited, rewrite and not-logged sentences with offsets', async () => {
    const edited = 'Critics said the plan ignores cyclists and walkers in the northern districts.';
    const text = `${OWN} ${S1.replace('  ', ' ')} ${edited} ${REWRITE}`;
    const r = await ledger.attribute(text, 'https://cms.example.com/stories/42/edit#body');
    expect(r.sentences.map((s) => s.kind)).toEqual(['not-logged', 'ai-verbatim', 'ai-edited', 'ai-rewrite']);
    for (const s of r.sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
    const e = r.sentences[2]!;
    expect(e.changedRatio).toBeCloseTo(1 / 12, 5); // one word of twelve substituted
    expect(e.match).toMatchObject({ seq: 1, i: 1, action: 'continue' });
    expect(r.sentences[1]!.changedRatio).toBe(0);
    expect(r.counts).toEqual({ 'ai-verbatim': 1, 'ai-edited': 1, 'ai-rewrite': 1, pasted: 0, typed: 0, 'not-logged': 1 });
  });

  it('matches verbatim across typography differences (curly quotes, dashes, spacing)', async () => {
    await ledger.append(makeAcceptance({ insertedText: 'She called it “a turning point” — and meant it.' }));
    const r = await ledger.attribute('She called it "a turning point"  - and meant it.');
    expect(r.sentences[0]!.kind).toBe('ai-verbatim');
  });

  it('reports heavily rewritten and unrelated same-topic sentences as not logged', async () => {
    const r = await ledger.attribute(
      'The council delayed the budget vote until next month. Cyclists in the north rallied outside the hall on Tuesday.',
    );
    expect(r.sentences.map((s) => s.kind)).toEqual(['not-logged', 'not-logged']);
  });

  it('short sentences only match exactly', async () => {
    await ledger.append(makeAcceptance({ insertedText: 'We agree.' }));
    const r = await ledger.attribute('We agree. We disagree.');
    expect(r.sentences.map((s) => s.kind)).toEqual(['ai-verbatim', 'not-logged']);
  });

  it('privacy-mode entries still attribute, with an estimated change ratio', async () => {
    privacyMode = true;
    const secret = 'Officials confirmed the bridge repairs will close two lanes for most of the summer season.';
    await ledger.append(makeAcceptance({ insertedText: secret }));
    expect((await ledger.attribute(secret)).sentences[0]!.kind).toBe('ai-verbatim');
    const r = await ledger.attribute(secret.replace('most of the', 'the whole'));
    expect(r.sentences[0]!.kind).toBe('ai-edited');
    expect(r.sentences[0]!.estimated).toBe(true);
    expect(r.sentences[0]!.changedRatio).toBeGreaterThan(0);
  });

  it('prefers a match in the given document when the same sentence is logged twice', async () => {
    await ledger.append(makeAcceptance({ insertedText: S1, document: { origin: 'https://other.example', path: '/x', fieldId: 'f' } }));
    const here = await ledger.attribute(S1, 'https://cms.example.com/stories/42/edit#body');
    expect(here.sentences[0]!.match!.seq).toBe(1);
    const anywhere = await ledger.attribute(S1);
    expect(anywhere.sentences[0]!.match!.seq).toBe(3); // most recent
  });
});

describe('attribute: the edits newsroom editors make', () => {
  const HERE = { origin: 'https://cms.example.com', path: '/stories/42/edit', fieldId: 'body' };
  const HERE_KEY = 'https://cms.example.com/stories/42/edit#body';
  const ELSEWHERE = { origin: 'https://cms.example.com', path: '/stories/7/edit', fieldId: 'body' };
  const FARES = 'The transit board voted on Tuesday to raise bus fares by 25 cents starting in January, the first increase in six years.';
  const aiText = (text: string, s: { aiSpans: { start: number; end: number }[] }) => s.aiSpans.map((span) => text.slice(span.start, span.end));

  it('a sentence split in two: both halves descend from it, with little changed', async () => {
    await ledger.append(makeAcceptance({ document: HERE, insertedText: FARES }));
    const text = 'The transit board voted on Tuesday to raise bus fares by 25 cents starting in January. It is the first increase in six years.';
    const r = await ledger.attribute(text, HERE_KEY);
    expect(r.sentences.map((s) => s.kind)).toEqual(['ai-edited', 'ai-edited']);
    expect(new Set(r.sentences.map((s) => s.match!.seq)).size).toBe(1);
    for (const s of r.sentences) expect(s.changedRatio).toBeLessThanOrEqual(0.25); // "It is" added
  });

  it('a moved clause is not a change', async () => {
    await ledger.append(makeAcceptance({ document: HERE, insertedText: 'While riders packed the meeting to oppose the plan, board members said rising costs left them little choice.' }));
    const r = await ledger.attribute('Board members said rising costs left them little choice, while riders packed the meeting to oppose the plan.', HERE_KEY);
    expect(r.sentences[0]!.kind).toBe('ai-edited');
    expect(r.sentences[0]!.changedRatio).toBe(0);
  });

  it('a hard line break inside a pasted sentence keeps it one sentence', async () => {
    await ledger.append(makeAcceptance({ document: HERE, insertedText: FARES }));
    const r = await ledger.attribute(FARES.replace('bus fares', 'bus\nfares'), HERE_KEY);
    expect(r.sentences.map((s) => s.kind)).toEqual(['ai-verbatim']);
  });

  it('stock phrases and frames from another story, or reused with new facts here, stay the writer’s', async () => {
    await ledger.append(makeAcceptance({ document: ELSEWHERE, insertedText: 'The mayor’s spokesperson did not immediately respond to a request for comment on Wednesday.' }));
    await ledger.append(makeAcceptance({ document: ELSEWHERE, insertedText: 'The school board voted 5-2 on Monday to approve the teachers contract, which raises pay by 3 percent.' }));
    await ledger.append(makeAcceptance({ document: HERE, insertedText: FARES }));
    await ledger.append(makeAcceptance({ document: HERE, insertedText: 'This story has been updated to include comments from the transit board chair.' }));
    const text = [
      FARES,
      'Councilman Ray Pruitt did not immediately respond to a request for comment on Thursday.',
      'The city council voted 6-3 on Monday to approve the parking plan, which raises fees by 10 percent.',
      'The harbor commission voted on Friday to raise ferry fares by 50 cents starting in March, the first increase in a decade.',
      'This story has been updated to include the final vote count.',
    ].join(' ');
    const r = await ledger.attribute(text, HERE_KEY);
    expect(r.sentences.map((s) => s.kind)).toEqual(['ai-verbatim', 'not-logged', 'not-logged', 'not-logged', 'not-logged']);
    // Nearly verbatim from another story still counts (a draft moved between documents).
    const moved = await ledger.attribute('The school board voted 5-2 on Monday to approve the teachers contract, which raises pay by 3 percent.', HERE_KEY);
    expect(moved.sentences[0]!.kind).toBe('ai-verbatim');
    const lightlyEdited = await ledger.attribute('The school board voted 5-2 on Monday to approve the new two-year teachers contract, which raises pay by 3 percent.', HERE_KEY);
    expect(lightlyEdited.sentences[0]!.kind).toBe('not-logged');
  });

  it('AI words inside a sentence the writer completed: that part is the AI’s, the rest the writer’s', async () => {
    await ledger.append(makeAcceptance({ document: HERE, insertedText: 'that the city would review the fares once the new labor contract is signed' }));
    const text = 'Asked about the complaints, Mayor Lena Ortiz said that the city would review the fares once the new labor contract is signed, but she gave no date.';
    const r = await ledger.attribute(text, HERE_KEY);
    const s = r.sentences[0]!;
    expect(s.kind).toBe('ai-edited');
    expect(aiText(text, s)).toEqual(['that the city would review the fares once the new labor contract is signed']);
    expect(s.aiCharacters).toBe('that the city would review the fares once the new labor contract is signed'.length);
  });

  it('privacy mode: splits and moved clauses still found, the AI part estimated from the sketch', async () => {
    privacyMode = true;
    await ledger.append(makeAcceptance({ document: HERE, insertedText: FARES }));
    const text = 'The transit board voted on Tuesday to raise bus fares by 25 cents starting in January. It is the first increase in six years.';
    const r = await ledger.attribute(text, HERE_KEY);
    expect(r.sentences.map((s) => [s.kind, s.estimated])).toEqual([['ai-edited', true], ['ai-edited', true]]);
    for (const s of r.sentences) expect(s.changedRatio).toBeLessThan(0.3);
    expect(aiText(text, r.sentences[1]!)).toEqual(['the first increase in six years.']);
  });
});
