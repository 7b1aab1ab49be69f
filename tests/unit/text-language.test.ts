import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../lib/text/language';

/** Newsroom passages (written for this test) in each language the detector names, and what it must not guess. */
const PASSAGES: Record<string, string> = {
  en: 'The council said on Tuesday that the new ferry timetable would start in March, and that fares would not rise this year.',
  fr: "Le conseil municipal a annoncé mardi que les nouveaux horaires du ferry entreront en vigueur en mars et que les tarifs ne vont pas augmenter cette année.",
  de: 'Der Stadtrat hat am Dienstag mitgeteilt, dass der neue Fahrplan der Fähre im März beginnt und die Preise in diesem Jahr nicht steigen.',
  es: 'El ayuntamiento anunció el martes que el nuevo horario del ferry entrará en vigor en marzo y que las tarifas no subirán este año, según el alcalde.',
  it: 'Il consiglio comunale ha annunciato martedì che il nuovo orario del traghetto entrerà in vigore a marzo e che le tariffe non aumenteranno per questo anno.',
  pt: 'A câmara municipal anunciou na terça-feira que o novo horário do ferry entra em vigor em março e que as tarifas não vão subir este ano, segundo o presidente.',
  nl: 'De gemeenteraad heeft dinsdag laten weten dat de nieuwe dienstregeling van de veerboot in maart ingaat en dat de tarieven dit jaar niet stijgen.',
};

describe('detectLanguage', () => {
  for (const [code, text] of Object.entries(PASSAGES)) {
    it(`names ${code} for a ${code} news paragraph`, () => {
      expect(detectLanguage(text)).toBe(code);
    });
  }

  it('gives no answer for a passage too short to tell', () => {
    expect(detectLanguage('Ferry fares frozen')).toBeNull();
    expect(detectLanguage('Le ferry')).toBeNull();
    expect(detectLanguage('')).toBeNull();
  });

  it('gives no answer for scripts and languages it does not know', () => {
    expect(detectLanguage('市议会周二表示，新的渡轮时刻表将于三月开始实施，今年票价不会上涨。')).toBeNull();
    expect(detectLanguage('Городской совет во вторник заявил, что новое расписание парома вступит в силу в марте.')).toBeNull();
  });

  it('gives no answer for a paragraph that mixes two languages evenly', () => {
    expect(detectLanguage(`${PASSAGES.en} ${PASSAGES.fr}`)).toBeNull();
  });
});
