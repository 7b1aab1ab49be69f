import { describe, expect, it } from 'vitest';
import type { ActionId } from '../../lib/engine/actions';
import {
  applyQuoteStyle,
  cleanOutput,
  cutToLimit,
  detectQuoteStyle,
  stopAtSentenceBoundary,
} from '../../lib/engine/clean-output';

const rewrite = (action: ActionId, sourceText: string, contextBefore = '') => ({ action, sourceText, contextBefore });
const cont = (contextBefore: string, finished = false) => ({ action: 'continue' as const, sourceText: '', contextBefore, finished });

describe('cleanOutput: rewrites', () => {
  it.each([
    ['wrapping straight quotes', '"We will meet tomorrow."', 'We will meet tomorrow.'],
    ['wrapping curly quotes', '“We will meet tomorrow.”', 'We will meet tomorrow.'],
    ['triple-quote fence', '"""\nWe will meet tomorrow.\n"""', 'We will meet tomorrow.'],
    ['Sure, here is… preamble', 'Sure, here is a more formal version:\nWe will meet tomorrow.', 'We will meet tomorrow.'],
    ["Here's a rephrased version: on one line", "Here's a rephrased version: We will meet tomorrow.", 'We will meet tomorrow.'],
    ['standalone Sure!', 'Sure!\nWe will meet tomorrow.', 'We will meet tomorrow.'],
    ['label', 'Rewritten text: We will meet tomorrow.', 'We will meet tomorrow.'],
    ['bold label', '**Rephrased:** We will meet tomorrow.', 'We will meet tomorrow.'],
    ['echoed prompt label', 'Passage:\n"""\nWe will meet tomorrow.\n"""', 'We will meet tomorrow.'],
    ['role tokens', '<|im_start|>assistant\nWe will meet tomorrow.<|im_end|>', 'We will meet tomorrow.'],
    ['llama header', '<|start_header_id|>assistant<|end_header_id|>\n\nWe will meet tomorrow.<|eot_id|>', 'We will meet tomorrow.'],
    ['invented next turn', 'We will meet tomorrow.<|im_end|>\n<|im_start|>user\nThanks', 'We will meet tomorrow.'],
    ['trailing note', 'We will meet tomorrow.\n\nNote: I made it more formal.', 'We will meet tomorrow.'],
    ['trailing sign-off', 'We will meet tomorrow.\n\nI hope this helps!', 'We will meet tomorrow.'],
    ['numbered alternatives', '1. We will meet tomorrow.\n2. Tomorrow we meet.', 'We will meet tomorrow.'],
    ['second paragraph dropped', 'We will meet tomorrow.\n\nAlternatively: tomorrow we meet.', 'We will meet tomorrow.'],
  ])('%s', (_name, raw, expected) => {
    expect(cleanOutput(raw, rewrite('formal', 'we meet tmrw.'.replace(/^w/, 'W')))).toBe(expected);
  });

  it('keeps quotes the writer had', () => {
    expect(cleanOutput('"Hi there," she said.', rewrite('rephrase', '"Hello," she said.'))).toBe('"Hi there," she said.');
  });

  it('keeps inner quotations that do not wrap the whole reply', () => {
    expect(cleanOutput('"Yes" and "no" are answers.', rewrite('rephrase', 'Yes and no are answers.'))).toBe(
      '"Yes" and "no" are answers.',
    );
  });

  it.each([
    ['lower-case selection stays lower-case', 'the report is late', 'The report is delayed', 'the report is delayed'],
    ['capitalised selection stays capitalised', 'The report is late.', 'the report is delayed.', 'The report is delayed.'],
    ['no added period for a fragment', 'the report is late', 'the report is delayed.', 'the report is delayed'],
    ['period restored when the passage had one', 'The report is late.', 'The report is delayed', 'The report is delayed.'],
    ['I stays capital', 'i think so', 'I believe so', 'I believe so'],
  ])('%s', (_name, source, raw, expected) => {
    expect(cleanOutput(raw, rewrite('rephrase', source))).toBe(expected);
  });

  it('grammar may add the missing period', () => {
    expect(cleanOutput('This is correct now.', rewrite('grammar', 'this is correct now'))).toBe('this is correct now.');
  });

  it('fit cuts to the limit at a boundary', () => {
    const out = cleanOutput('The quarterly report will be delayed by two weeks. Sorry.', {
      ...rewrite('fit', 'The quarterly report is going to be delayed by about two weeks, sorry.'),
      limit: 52,
    });
    expect([...out].length).toBeLessThanOrEqual(52);
    expect(out).toBe('The quarterly report will be delayed by two weeks.');
  });

  it('returns empty for a reply that is only a preamble', () => {
    expect(cleanOutput('Sure! Here is the rewritten text:', rewrite('rephrase', 'Hello.'))).toBe('');
  });
});

describe('cleanOutput: quote style', () => {
  it('converts curly quotes to the writer’s straight ones', () => {
    expect(cleanOutput('She said “it’s fine.”', rewrite('rephrase', 'She said "it\'s ok."'))).toBe('She said "it\'s fine."');
  });

  it('converts straight quotes to the writer’s curly ones', () => {
    expect(cleanOutput('She said "it\'s fine."', rewrite('rephrase', 'She said “it’s ok.”'))).toBe('She said “it’s fine.”');
  });

  it.each([
    ['He said "hi"', { double: 'straight', single: 'straight' }],
    ['He said “hi”', { double: 'curly', single: 'curly' }],
    ['No quotes at all', { double: null, single: null }],
    ['Mixed "a" and “b”', { double: null, single: null }],
  ] as const)('detectQuoteStyle(%j)', (text, expected) => {
    expect(detectQuoteStyle(text)).toEqual(expected);
  });

  it('pairs opening and closing curly quotes', () => {
    expect(applyQuoteStyle('"a" (\'b\') don\'t', { double: 'curly', single: 'curly' })).toBe('“a” (‘b’) don’t');
  });
});

describe('cleanOutput: continue', () => {
  it.each([
    ['adds a space after a word', 'We agreed to', 'meet on Friday.', ' meet on Friday.'],
    ['no double space after a space', 'We agreed to ', ' meet on Friday.', 'meet on Friday.'],
    ['no space before punctuation', 'We agreed to meet', ', then left.', ', then left.'],
    ['no space in Chinese', '我们同意', '明天见面。', '明天见面。'],
    ['removes an echo of the last words', 'We agreed to', 'We agreed to meet on Friday.', ' meet on Friday.'],
    ['removes an echo of the last sentence', 'It rained. We stayed in.', 'We stayed in. Then we cooked.', ' Then we cooked.'],
    ['capitalises a new sentence', 'It rained.', 'we stayed in.', ' We stayed in.'],
    ['lower-cases a function word mid-sentence', 'It rained and', 'The streets flooded.', ' the streets flooded.'],
    ['keeps proper nouns mid-sentence', 'We flew to', 'Paris on Monday.', ' Paris on Monday.'],
    ['stops after two sentences', 'Start.', 'One. Two. Three.', ' One. Two.'],
    ['drops the unfinished fragment', 'Start.', 'One done. Two is not', ' One done.'],
    ['drops a preamble', 'Start.', 'Sure! Here is the continuation:\nNext part.', ' Next part.'],
    ['strips chat tokens', 'Start.', 'Next part.<|im_end|>', ' Next part.'],
  ])('%s', (_name, before, raw, expected) => {
    expect(cleanOutput(raw, cont(before))).toBe(expected);
  });

  it('keeps whole words when no sentence ended yet (streaming)', () => {
    expect(cleanOutput('meet on Fri', cont('We agreed to'))).toBe(' meet on');
  });

  it('keeps a finished reply without a terminator', () => {
    expect(cleanOutput('meet on Friday', cont('We agreed to', true))).toBe(' meet on Friday');
    expect(cleanOutput('meet on Friday', cont('We agreed to'), { final: true })).toBe(' meet on Friday');
    // Seen from SmolLM2-135M: the turn ended mid-sentence after a complete one. The fragment goes.
    const real =
      ' The meeting was a great opportunity for residents to express their opinions and ideas. With a mix of excitement and optimism, they were able to share their thoughts, fostering a sense of community pride';
    expect(cleanOutput(real, cont('Residents packed the hall to hear the vote.', true))).toBe(
      ' The meeting was a great opportunity for residents to express their opinions and ideas.',
    );
  });

  it('going on from the writer\'s text, the raw text is what follows it: no space means the word goes on', () => {
    const going = (before: string) => ({ ...cont(before), continuesText: true });
    expect(cleanOutput('ers crossed the line.', going('Thousands of runn'), { final: true })).toBe('ers crossed the line.');
    expect(cleanOutput(' crossed the line.', going('Thousands of runners'), { final: true })).toBe(' crossed the line.');
    expect(cleanOutput(' They crossed the line.', going('It rained. '), { final: true })).toBe('They crossed the line.');
    // Asked plainly, a reply starts its own first word: it is never glued to the caret's.
    expect(cleanOutput('crossed the line.', cont('Thousands of runners'), { final: true })).toBe(' crossed the line.');
    // Seen from SmolLM2-135M going on from a sentence cut at the caret.
    expect(
      cleanOutput(' was a major factor in the race. The race was a huge success, with 100 runners finishing the race.', going('organisers said the cool weather'), {
        final: true,
      }),
    ).toBe(' was a major factor in the race. The race was a huge success, with 100 runners finishing the race.');
  });

  it('keeps a quotation the writer opened', () => {
    expect(cleanOutput('"Come in," she said.', cont('He knocked.'))).toBe(' "Come in," she said.');
  });

  it('is cheap on a huge context', () => {
    const before = 'Filler sentence here. '.repeat(50_000) + 'We agreed to';
    expect(cleanOutput('meet on Friday.', cont(before))).toBe(' meet on Friday.');
  });
});

describe('cleanOutput: leaves the writer-like text alone', () => {
  it.each([
    ['continue', 'Then she explained.', 'Here is what happened: the car stopped.', ' Here is what happened: the car stopped.'],
    ['continue', 'He waited.', 'Of course, she never came back.', ' Of course, she never came back.'],
    ['continue', 'He waited.', 'Sure enough, she came back.', ' Sure enough, she came back.'],
    ['rephrase', 'Note the meeting moved.', 'Note that the meeting has moved.', 'Note that the meeting has moved.'],
    ['rephrase', 'Text me later.', 'Text me when you can.', 'Text me when you can.'],
  ] as const)('%s: %j + %j', (action, context, raw, expected) => {
    const opts = action === 'continue' ? cont(context) : rewrite(action, context);
    expect(cleanOutput(raw, opts)).toBe(expected);
  });
});

describe('cleanOutput: headline', () => {
  it.each([
    ['"Team Ships Release After Months of Work"', 'Team Ships Release After Months of Work'],
    ['# New release ships today.', 'New release ships today'],
    ['Headline: New release ships today', 'New release ships today'],
    ['**New release ships today**\nAnother option', 'New release ships today'],
    ['1. First headline\n2. Second headline', 'First headline'],
  ])('%j → %j', (raw, expected) => {
    expect(cleanOutput(raw, { action: 'headline', sourceText: 'text', contextBefore: '' })).toBe(expected);
  });

  it('enforces the length limit at a word boundary', () => {
    const raw = 'An extraordinarily long headline that goes on and on well beyond any sensible limit for a title';
    const out = cleanOutput(raw, { action: 'headline', sourceText: 'text', contextBefore: '' });
    expect([...out].length).toBeLessThanOrEqual(70);
    expect(raw.startsWith(out)).toBe(true);
    expect(raw[out.length]).toBe(' ');
  });
});

describe('stopAtSentenceBoundary', () => {
  it.each([
    ['', false, 0],
    ['No end yet', false, 0],
    ['One. Two', false, 4],
    ['One. Two.', false, 4],
    ['One. Two.', true, 9],
    ['It costs 3.', false, 0],
    ['Dr. Smith came. He', false, 15],
    ['He said "go." Then', false, 13],
    ['第一句。第二', false, 4],
    ['line\nnext', false, 4],
  ])('%j (final=%s) → %i', (text, finished, expected) => {
    expect(stopAtSentenceBoundary(text, finished)).toBe(expected);
  });
});

describe('cutToLimit', () => {
  it.each([
    ['Short.', 10, 'Short.'],
    ['One two three four', 9, 'One two'],
    ['One two three four', 7, 'One two'],
    ['First sentence. Second sentence.', 20, 'First sentence.'],
    ['Wordy, and more', 6, 'Wordy'],
  ])('%j to %i → %j', (text, limit, expected) => {
    expect(cutToLimit(text, limit)).toBe(expected);
  });
});

describe('cutToLimit: no dangling end', () => {
  it.each([
    ['The city council approved a new transit budget, adding bus routes to the north', 70, 'The city council approved a new transit budget, adding bus routes'],
    ['Council backs the plan and the vote', 30, 'Council backs the plan'],
    ['Council backs plan for new homes', 22, 'Council backs plan'],
  ])('%j to %i → %j', (text, limit, expected) => {
    expect(cutToLimit(text, limit)).toBe(expected);
  });

  it('never cuts a text down to nothing for it', () => {
    expect(cutToLimit('The the the the', 8)).toBe('The');
  });
});

describe('cleanOutput: lead-in lines and loops (seen with SmolLM2-135M)', () => {
  it.each([
    ['The passage can be rephrased to:\nThe pool reopens in June.', 'The pool reopens in June.'],
    ['The corrected sentence is:\n\nThe pool reopens in June.', 'The pool reopens in June.'],
    ['Rephrased version of the passage:\nThe pool reopens in June.', 'The pool reopens in June.'],
  ])('drops the lead-in line of %j', (raw, expected) => {
    expect(cleanOutput(raw, rewrite('rephrase', 'The pool will reopen in June.'))).toBe(expected);
  });

  it('a reply that is only a lead-in is no suggestion', () => {
    expect(cleanOutput('The passage can be rephrased to:', rewrite('rephrase', 'The pool will reopen in June.'))).toBe('');
  });

  it('keeps a colon that is part of the text', () => {
    expect(cleanOutput('Voters: the pool reopens in June.', rewrite('rephrase', 'Voters, the pool will reopen in June.'))).toBe('Voters: the pool reopens in June.');
  });

  it('a word repeated four times in a row ends the text there', () => {
    expect(cleanOutput('Justice Justice Justice Justice Justice.', rewrite('rephrase', 'Justice was done.'))).toBe('');
    expect(cleanOutput('The fire spread. Fast fast fast fast fast', cont('A fire broke out.', true))).toBe(' The fire spread.');
  });

  it('a sentence said twice is kept once', () => {
    const raw = 'What a comeback from two goals down! Silva scores the winner. What a comeback from two goals down!';
    expect(cleanOutput(raw, rewrite('shorten', 'A long post about the match.'))).toBe('What a comeback from two goals down! Silva scores the winner.');
  });

  it('short sentences may repeat', () => {
    expect(cleanOutput('Yes. Yes. We will.', rewrite('rephrase', 'We will, yes.'))).toBe('Yes. Yes. We will.');
  });
});

describe('cleanOutput: a correction keeps the passage’s sentences', () => {
  it('cuts what the model wrote after the corrected sentence', () => {
    const source = 'The mayor have said the budget are good.';
    expect(cleanOutput('The mayor has said the budget is good. This highlights the need for balance.', rewrite('grammar', source))).toBe(
      'The mayor has said the budget is good.',
    );
  });

  it('keeps two corrected sentences of a two-sentence passage', () => {
    const source = 'Their going home. The the team won.';
    expect(cleanOutput("They're going home. The team won. What a day.", rewrite('grammar', source))).toBe("They're going home. The team won.");
  });

  it('leaves a fragment’s correction alone', () => {
    expect(cleanOutput('The team won. Then it rained', rewrite('grammar', 'The team winned, then it rained'))).toBe('The team won. Then it rained');
  });
});

describe('cleanOutput: commentary around the answer (seen with SmolLM2-135M)', () => {
  it('drops a first line of commentary that ends by announcing the answer', () => {
    const raw = 'The passage is now 353 characters long. A rewritten version:\n\nThe council voted to close the pool.';
    expect(cleanOutput(raw, rewrite('fit', 'The council has voted to close the pool.'))).toBe('The council voted to close the pool.');
  });

  it('cuts a continuation where it announces the prompt again', () => {
    const before = 'The marathon drew a record 18,000 runners, and organisers said the cool weather';
    expect(cleanOutput(' helped.\n\nThe text so far is:\nThe marathon drew', cont(before))).toBe(' helped.');
    expect(cleanOutput('.\n\nThe text so far is:', cont(before))).toBe('');
  });

  it('drops continuation sentences that restate the text before the caret', () => {
    const before = 'The governor signed the housing bill on Thursday. The law lets cities build taller blocks near stations.';
    expect(cleanOutput('The governor signed the housing bill on Thursday. Critics said it goes too far.', cont(before, true))).toBe(
      ' Critics said it goes too far.',
    );
    expect(cleanOutput('The law lets cities build taller blocks near train stations.', cont(before, true))).toBe('');
  });

  it('keeps a continuation that only shares some words', () => {
    const before = 'Firefighters were called to a warehouse on Mill Road on Sunday.';
    expect(cleanOutput('The fire at the warehouse was out by noon.', cont(before, true))).toBe(' The fire at the warehouse was out by noon.');
  });

  it('a reply that talks to the writer is no suggestion', () => {
    expect(cleanOutput("I'm ready to help you edit your text. Go ahead and provide it.", { action: 'headline', sourceText: 'text', contextBefore: '' })).toBe('');
  });

  it('a headline cut at the limit does not end on "not"', () => {
    const raw = 'A small earthquake shook the valley early on Thursday but the damage was not serious at all';
    expect(cleanOutput(raw, { action: 'headline', sourceText: 'text', contextBefore: '' })).toBe('A small earthquake shook the valley early on Thursday but the damage');
  });
});

describe('cleanOutput: a sentence restarted at the token cap', () => {
  it('drops the restarted fragment', () => {
    const raw = 'She could have won the race if she had started faster.\nShe could have won the race if she had started faster.\nShe could have won';
    expect(cleanOutput(raw, rewrite('grammar', 'She could of won the race if she had started faster.'))).toBe(
      'She could have won the race if she had started faster.',
    );
  });

  it('a correction drops a fragment after the passage’s last sentence', () => {
    expect(cleanOutput('The mayor has said the budget is good. The mayor', rewrite('grammar', 'The mayor have said the budget are good.'))).toBe(
      'The mayor has said the budget is good.',
    );
  });

  it('keeps a last fragment that starts something new', () => {
    expect(cleanOutput('The fire was out by noon. Investigators arrived', cont('A fire broke out.'))).toBe(' The fire was out by noon.');
    expect(cleanOutput('We met. We met again at noon', rewrite('rephrase', 'We met and met again at noon'))).toBe('We met. We met again at noon');
  });
});
