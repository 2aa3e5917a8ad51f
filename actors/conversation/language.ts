/**
 * @module actors/conversation/language — which of the bot's languages an aspirant writes in, from her own words.
 *
 * The rule, small enough to explain to a recruiter: count the words of her message that are among the most common
 * words of English and of Spanish (lists below; words both languages write alike — "no", "me", "a", "son" — and the
 * English words Colombians write in Spanish — "ok", "link", "info" — are in neither); Spanish's marks (ñ, ¿, ¡, an accented vowel) count one more for Spanish. The language with more wins;
 * a tie (nothing recognised, an emoji, "ok", "👍") says nothing and her language stays as it was.
 *
 * Why not a language-detection library: the ones built on character n-grams (franc, cld, tinyld, eld) are trained on
 * sentences and answer "undetermined" or guess wrong on the two- and three-word messages aspirants open with ("hi!",
 * "info please", "hola buenas"); franc refuses anything under 10 characters by default. Two word lists are exact on
 * exactly those, cost nothing, and a wrong guess is one line to fix.
 */
import { normalize } from '../bot/text';
import type { Locale } from '../vocabulary';

/** Common English words that are not Spanish words (accents removed, as messages are compared). */
const ENGLISH = new Set(
  (
    "hi hello hey the i im i'm you your yours is are am was be been what whats how who where when why which want wanna would like " +
    'need work job jobs please pls thanks thank thx yes yeah and to for with my this that it its can could do does did ' +
    'interested interest about good morning afternoon evening night of in on at from have has get information ' +
    'send sent photo picture pic model modeling modelling apply applying looking saw ad will just there here ' +
    'we they our us know much many pay paid money safe schedule'
  ).split(' '),
);

/** Common Spanish words that are not English words (accents removed). */
const SPANISH = new Set(
  (
    'hola buenas buenos buen dia dias tardes noches quiero quisiera queria trabajo trabajar gracias por favor que ' +
    'el la los las un una uno de del y es soy estoy tengo tiene como cuanto cuanta informacion para con mi mis ' +
    'muy bien si pero puedo puede interesa interesada interesado modelo modelar foto enlace formulario donde cuando ' +
    'quien porque pagan pago paga horario horarios turno turnos seguro segura vi anuncio al lo le su sus esta este ' +
    'eso esto ya tambien aqui alla usted ustedes nosotros vale listo claro mas'
  ).split(' '),
);

/** Letters and marks only Spanish writes (checked before accents are removed). */
const SPANISH_MARKS = /[ñ¿¡áéíóú]/i;

function tokens(text: string): string[] {
  return normalize(text)
    .split(/[^\p{L}\p{N}']+/u)
    .filter((word) => word.length > 0);
}

/** The language her text is written in by the rule above, or undefined when it does not tell. */
export function languageOf(text: string): Locale | undefined {
  let english = 0;
  let spanish = SPANISH_MARKS.test(text) ? 1 : 0;
  for (const word of tokens(text)) {
    if (ENGLISH.has(word)) english++;
    else if (SPANISH.has(word)) spanish++;
  }
  if (english === spanish) return undefined;
  return english > spanish ? 'en' : 'es';
}
