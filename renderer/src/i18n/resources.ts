import type { Locale } from '../../../app/contract/channels';
import type { PartialMessages } from './types';
import { ar } from './locales/ar';
import { bg } from './locales/bg';
import { cs } from './locales/cs';
import { en } from './locales/en';
import { pt } from './locales/pt';
import { ru } from './locales/ru';
import { uk } from './locales/uk';

/**
 * Every language at once, for the tests that check the translations against each other. The app does not import
 * this: it starts with English and loads each other language as a chunk of its own (./loaders.ts, ./index.ts), from
 * the station itself (the CSP lets the UI reach nothing else).
 */
export const messages: Record<Locale, PartialMessages> = { pt, en, uk, ru, bg, cs, ar };
