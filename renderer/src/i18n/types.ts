import type { en } from './locales/en';

type PluralCategory = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

/** Languages with more plural forms than English may add `_few`, `_many`… beside any `_one`/`_other` pair. */
type PluralExtras<T> = {
  [K in keyof T as K extends `${infer Base}_other` ? `${Base}_${PluralCategory}` : never]?: string;
};

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> } & PluralExtras<T>;

/** Every key English has; a complete translation satisfies this. */
export type Messages = Shape<typeof en>;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends string ? string : DeepPartial<T[K]> };

/** A translation still in progress: whatever is missing falls back to English. */
export type PartialMessages = DeepPartial<Messages>;
