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
    expect(r.counts).toEqual({ 'ai-verbatim': 1, 'ai-edited': 1, 'ai-rewrite': 1, 'not-logged': 1 });
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
    const r = await ledger.attribute(`${secret} ${secret.replace('most of the', 'the whole')}`);
    expect(r.sentences[0]!.kind).toBe('ai-verbatim');
    expect(r.sentences[1]!.kind).toBe('ai-edited');
    expect(r.sentences[1]!.estimated).toBe(true);
    expect(r.sentences[1]!.changedRatio).toBeGreaterThan(0);
  });

  it('prefers a match in the given document when the same sentence is logged twice', async () => {
    await ledger.append(makeAcceptance({ insertedText: S1, document: { origin: 'https://other.example', path: '/x', fieldId: 'f' } }));
    const here = await ledger.attribute(S1, 'https://cms.example.com/stories/42/edit#body');
    expect(here.sentences[0]!.match!.seq).toBe(1);
    const anywhere = await ledger.attribute(S1);
    expect(anywhere.sentences[0]!.match!.seq).toBe(3); // most recent
  });
});
