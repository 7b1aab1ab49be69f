import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclosureHtml, disclosureLine, disclosureMarkdown, reportCsv, CSV_DOCUMENT_COLUMNS, type ReportSummary } from '../../lib/ledger/report';
import { reportFileName, slugOf } from '../../lib/ledger/report-file-name';
import { storyLedger, STORY_TITLE, type StoryLedger } from '../support/report-fixtures';

/** What an editor gets on disk: names that say the story and the day, a CSV that says whose rows, the disclosure in two forms. */
let story: StoryLedger;
beforeAll(async () => {
  story = await storyLedger('report-files');
});
afterAll(() => story.ledger.close());

describe('report file names', () => {
  const at = '2026-12-02T09:00:00.000Z';
  const key = 'https://news.example.com/wp-admin/post.php?post=202#content';

  it('say the document title and the date', () => {
    const doc = { key, title: STORY_TITLE };
    expect(reportFileName({ document: doc, generatedAt: at }, 'json')).toBe('ferry-timetable-what-changes-on-monday-2026-12-02.ledgerline-report.json');
    expect(reportFileName({ document: doc, generatedAt: at }, 'csv')).toBe('ferry-timetable-what-changes-on-monday-2026-12-02.ledgerline-report.csv');
    expect(reportFileName({ document: doc, generatedAt: at }, 'verifier')).toBe('ferry-timetable-what-changes-on-monday-2026-12-02.ledgerline-verifier.html');
    expect(reportFileName({ document: doc, generatedAt: at }, 'md')).toBe('ferry-timetable-what-changes-on-monday-2026-12-02.ledgerline-disclosure.md');
    expect(reportFileName({ document: doc, generatedAt: at }, 'html')).toBe('ferry-timetable-what-changes-on-monday-2026-12-02.ledgerline-disclosure.html');
  });

  it('without a title, the host and path; never the query, the field or the scheme', () => {
    const name = reportFileName({ document: { key: 'https://news.example.com/wp-admin/post.php?post=202&token=s3cret#!/draft#content', title: '' }, generatedAt: at }, 'json');
    expect(name).toBe('news-example-com-wp-admin-post-php-2026-12-02.ledgerline-report.json');
    expect(name.replace(/-2026-12-02\..*$/, '')).not.toMatch(/https|s3cret|202|content|draft/);
  });

  it('keep the letters of any language, drop accents and cut long titles at a word', () => {
    expect(slugOf('Straßenbahn: Café-Öffnung ändert sich')).toBe('straßenbahn-cafe-offnung-andert-sich');
    expect(slugOf('Выборы в городе')).toBe('выборы-в-городе');
    const long = slugOf('The council approved the new transport budget on Tuesday evening after a long debate');
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toBe('the-council-approved-the-new-transport-budget-on-tuesday');
    expect(reportFileName({ document: { key: 'not a url', title: '???' }, generatedAt: at }, 'json')).toBe('not-a-url-2026-12-02.ledgerline-report.json');
    expect(reportFileName({ document: { key: '', title: '' }, generatedAt: at }, 'json')).toBe('document-2026-12-02.ledgerline-report.json');
  });
});

describe('report CSV', () => {
  it('carries the document title, URL, key and the signing key on every row', () => {
    const rows = reportCsv(story.report).trimEnd().split('\r\n');
    expect(rows[0]).toBe(`sentence,start,end,category,label,changed_percent,estimated,model,action,accepted_at,entry,text,${CSV_DOCUMENT_COLUMNS.join(',')}`);
    expect(CSV_DOCUMENT_COLUMNS).toEqual(['document_title', 'document_url', 'document_key', 'signing_key']);
    expect(rows).toHaveLength(5);
    const suffix = `,${STORY_TITLE},https://news.example.com/wp-admin/post.php?post=202,https://news.example.com/wp-admin/post.php?post=202#content,${story.report.signature.keyId}`;
    for (const row of rows.slice(1)) expect(row.endsWith(suffix), row).toBe(true);
  });

  it('quotes a title with a comma and defuses one a spreadsheet would run', () => {
    const hostile = { ...story.report, document: { ...story.report.document, title: '=cmd, "quoted"' } };
    expect(reportCsv(hostile).split('\r\n')[1]).toContain(`,"'=cmd, ""quoted""",https://news.example.com/`);
  });
});

describe('disclosure in two forms', () => {
  const summary = (): ReportSummary => structuredClone(story.report.summary);

  it('the line says the tool, the task and the review, in plain words', () => {
    const line = story.report.disclosure.line;
    expect(line).toBe('In this story, we used Ledgerline, an on-device AI writing assistant, to help draft and rephrase 3 of 4 sentences. Ana Ruiz (editor on duty) reviewed them.');
    // The record's machinery belongs in the detail.
    expect(line).not.toMatch(/hash|sign|key|Qwen|onnx|ledger\b|%/i);
    expect(story.report.disclosure.statement).toMatch(/hash-chained and signed \(key [0-9a-f]{16}\)/);
  });

  it('says plainly when AI text is not reviewed, or partly, or when there is none', () => {
    const none = summary();
    none.reviews = [];
    none.unreviewedAiSentences = 3;
    expect(disclosureLine(none)).toMatch(/to help draft and rephrase 3 of 4 sentences\. No editor has reviewed them yet\.$/);
    const partly = summary();
    partly.unreviewedAiSentences = 1;
    expect(disclosureLine(partly)).toMatch(/ 1 of them has not been reviewed by an editor yet\.$/);
    const noAi = summary();
    noAi.text!.aiSentences = 0;
    expect(disclosureLine(noAi)).toBe('No AI-written text from Ledgerline is recorded in this story.');
    const noText = summary();
    noText.text = null;
    noText.unreviewedAiSentences = null;
    expect(disclosureLine(noText)).toBe(
      'In this story, we used Ledgerline, an on-device AI writing assistant, to help write parts of the text (2 accepted suggestions). Ana Ruiz (editor on duty) reviewed the AI-assisted text.',
    );
  });

  it('the Markdown and HTML snippets give the line first and the detail after it, escaped', () => {
    const md = disclosureMarkdown(story.report);
    expect(md.indexOf(story.report.disclosure.line)).toBeGreaterThan(0);
    expect(md.indexOf('#### Details')).toBeGreaterThan(md.indexOf(story.report.disclosure.line));
    const html = disclosureHtml({ ...story.report, disclosure: { line: 'a <b>', statement: 'c & "d"' } });
    expect(html).toContain('<p>a &lt;b&gt;</p>');
    expect(html).toContain('<summary>Details</summary>\n    <p>c &amp; &quot;d&quot;</p>');
  });
});
