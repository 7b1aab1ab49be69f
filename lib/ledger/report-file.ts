import { verifyReport, type ReportVerification } from './report-verify';

/**
 * A report file an editor dropped or picked, read and verified. Shared by the audit page and the
 * offline report checker page, so both say the same about the same file.
 */
export type ReportFileCheck =
  | { kind: 'unreadable'; fileName: string; reason: string }
  | { kind: 'checked'; fileName: string; report: unknown; verification: ReportVerification };

export async function checkReportFile(fileName: string, text: string): Promise<ReportFileCheck> {
  let report: unknown;
  try {
    report = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { kind: 'unreadable', fileName, reason: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  return { kind: 'checked', fileName, report, verification: await verifyReport(report) };
}
