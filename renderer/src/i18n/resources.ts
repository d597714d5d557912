import type { Locale } from '../../../app/contract/channels';
import type { PartialMessages } from './types';
import { ar } from './locales/ar';
import { bg } from './locales/bg';
import { cs } from './locales/cs';
import { en } from './locales/en';
import { pt } from './locales/pt';
import { ru } from './locales/ru';
import { uk } from './locales/uk';

/** Bundled into the build: the CSP lets the UI reach nothing but the station, so translations are never fetched. */
export const messages: Record<Locale, PartialMessages> = { pt, en, uk, ru, bg, cs, ar };
