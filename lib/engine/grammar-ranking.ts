/**
 * "Fix grammar" variants checked by Harper (the proofreader the background already has): a
 * variant that adds a finding its passage did not have is held back, and offered only when no
 * variant is free of new findings (fewest first). A failing checker holds nothing back.
 */
import { compareFindings, type Finding } from '../proofread/findings';

export type GrammarCheck = (text: string) => Promise<Finding[]>;

export class GrammarRanking {
  private source: Promise<Finding[] | null> | null = null;
  private readonly held: { text: string; introduced: number; order: number }[] = [];

  constructor(
    private readonly check: GrammarCheck,
    private readonly passage: string,
  ) {}

  private async findings(text: string): Promise<Finding[] | null> {
    try {
      return await this.check(text);
    } catch {
      return null;
    }
  }

  /** True when the variant may be offered now; otherwise it is kept for `fallback()`. */
  async admits(text: string): Promise<boolean> {
    const source = await (this.source ??= this.findings(this.passage));
    const output = source === null ? null : await this.findings(text);
    if (source === null || output === null) return true;
    const introduced = compareFindings(source, output).introduced.length;
    if (introduced === 0) return true;
    this.held.push({ text, introduced, order: this.held.length });
    return false;
  }

  /** The held variants, fewest new findings first: for when none was admitted. */
  fallback(): string[] {
    return [...this.held].sort((a, b) => a.introduced - b.introduced || a.order - b.order).map((h) => h.text);
  }
}
