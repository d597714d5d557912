/**
 * The consent the applicant gives before biometrics are taken (GDPR art. 6,
 * 9 and 13: who processes, why, how long, which rights), versioned: the
 * packet records the version and language shown (record.json consent). A new
 * wording is a new version, never an edit of a published one.
 *
 * The pad shows a short form (title, two lines, buttons); the screen shows
 * the full text (cases.consentText).
 */
import type { ConsentTextView } from '../contract/cases.js';
import type { Locale } from '../contract/channels.js';

export const CURRENT_CONSENT_VERSION = 'consent-2026-11';

interface ConsentText {
  title: string;
  paragraphs: string[];
  pad: { title: string; lines: string[]; accept: string; clear: string; cancel: string };
}

const v202611: Record<Locale, ConsentText> = {
  pt: {
    title: 'Consentimento para o tratamento dos seus dados',
    paragraphs: [
      'Os seus dados pessoais (identificação, contactos, documentos) e biométricos (impressões digitais e assinatura) são recolhidos neste centro e enviados, cifrados, à Agência para a Integração, Migrações e Asilo (AIMA), responsável pelo tratamento.',
      'São usados apenas para instruir o seu pedido e confirmar a sua identidade. Ninguém os vende nem os usa para outros fins.',
      'Este posto apaga-os logo que a agência confirma a receção. A agência conserva-os durante o prazo que a lei fixa para o seu processo.',
      'Tem direito a aceder aos seus dados, a pedir a sua correção ou eliminação, a retirar este consentimento e a apresentar queixa à Comissão Nacional de Proteção de Dados (CNPD). Retirar o consentimento não afeta o que foi tratado antes.',
      'Se não assinar, não são recolhidos dados biométricos; pergunte ao técnico que alternativas existem para o seu pedido.',
    ],
    pad: { title: 'Consentimento', lines: ['Li e aceito o tratamento dos meus dados', 'para este pedido. Assine abaixo.'], accept: 'Aceitar', clear: 'Limpar', cancel: 'Cancelar' },
  },
  en: {
    title: 'Consent to the processing of your data',
    paragraphs: [
      'Your personal data (identity, contact details, documents) and biometric data (fingerprints and signature) are collected at this centre and sent, encrypted, to the Agency for Integration, Migration and Asylum (AIMA), which is the controller.',
      'They are used only to handle your application and confirm your identity. They are not sold or used for anything else.',
      'This station deletes them as soon as the agency confirms receipt. The agency keeps them for the period the law sets for your case.',
      'You have the right to access your data, to ask for it to be corrected or erased, to withdraw this consent, and to complain to the national data protection authority (CNPD). Withdrawing consent does not affect processing done before.',
      'If you do not sign, no biometric data is taken; ask the staff which alternatives exist for your application.',
    ],
    pad: { title: 'Consent', lines: ['I have read and accept the processing', 'of my data for this application. Sign below.'], accept: 'Accept', clear: 'Clear', cancel: 'Cancel' },
  },
  uk: {
    title: 'Згода на обробку ваших даних',
    paragraphs: [
      'Ваші персональні дані (особа, контакти, документи) та біометричні дані (відбитки пальців і підпис) збираються в цьому центрі й передаються в зашифрованому вигляді Агентству з питань інтеграції, міграції та притулку (AIMA), яке є контролером даних.',
      'Вони використовуються лише для розгляду вашої заяви та підтвердження вашої особи. Їх не продають і не використовують для інших цілей.',
      'Ця станція видаляє їх, щойно агентство підтвердить отримання. Агентство зберігає їх протягом строку, встановленого законом для вашої справи.',
      'Ви маєте право на доступ до своїх даних, на їх виправлення чи видалення, на відкликання цієї згоди та на скаргу до національного органу захисту даних (CNPD). Відкликання згоди не впливає на обробку, здійснену раніше.',
      'Якщо ви не підпишете, біометричні дані не збиратимуться; запитайте працівника про інші можливості для вашої заяви.',
    ],
    pad: { title: 'Згода', lines: ['Я прочитав(-ла) і погоджуюся на обробку', 'моїх даних для цієї заяви. Підпишіть нижче.'], accept: 'Прийняти', clear: 'Стерти', cancel: 'Скасувати' },
  },
  ru: {
    title: 'Согласие на обработку ваших данных',
    paragraphs: [
      'Ваши персональные данные (личность, контакты, документы) и биометрические данные (отпечатки пальцев и подпись) собираются в этом центре и передаются в зашифрованном виде Агентству по интеграции, миграции и убежищу (AIMA), которое является оператором данных.',
      'Они используются только для рассмотрения вашего заявления и подтверждения вашей личности. Их не продают и не используют в других целях.',
      'Эта станция удаляет их, как только агентство подтвердит получение. Агентство хранит их в течение срока, установленного законом для вашего дела.',
      'Вы имеете право на доступ к своим данным, на их исправление или удаление, на отзыв этого согласия и на жалобу в национальный орган по защите данных (CNPD). Отзыв согласия не влияет на обработку, выполненную ранее.',
      'Если вы не подпишете, биометрические данные не собираются; спросите сотрудника о других вариантах для вашего заявления.',
    ],
    pad: { title: 'Согласие', lines: ['Я прочитал(а) и согласен(на) на обработку', 'моих данных для этого заявления. Подпишите ниже.'], accept: 'Принять', clear: 'Стереть', cancel: 'Отмена' },
  },
  bg: {
    title: 'Съгласие за обработване на вашите данни',
    paragraphs: [
      'Вашите лични данни (самоличност, контакти, документи) и биометрични данни (пръстови отпечатъци и подпис) се събират в този център и се изпращат криптирани на Агенцията за интеграция, миграция и убежище (AIMA), която е администратор на данните.',
      'Използват се само за разглеждане на вашето заявление и за потвърждаване на самоличността ви. Не се продават и не се използват за други цели.',
      'Тази станция ги изтрива веднага щом агенцията потвърди получаването. Агенцията ги съхранява за срока, определен от закона за вашата преписка.',
      'Имате право на достъп до данните си, да поискате коригирането или изтриването им, да оттеглите това съгласие и да подадете жалба до националния орган за защита на данните (CNPD). Оттеглянето на съгласието не засяга обработването преди това.',
      'Ако не подпишете, биометрични данни не се събират; попитайте служителя какви други възможности има за вашето заявление.',
    ],
    pad: { title: 'Съгласие', lines: ['Прочетох и приемам обработването на', 'данните ми за това заявление. Подпишете отдолу.'], accept: 'Приемам', clear: 'Изчисти', cancel: 'Отказ' },
  },
  cs: {
    title: 'Souhlas se zpracováním vašich údajů',
    paragraphs: [
      'Vaše osobní údaje (totožnost, kontakty, doklady) a biometrické údaje (otisky prstů a podpis) se shromažďují v tomto centru a šifrovaně se předávají Agentuře pro integraci, migraci a azyl (AIMA), která je správcem údajů.',
      'Používají se pouze k vyřízení vaší žádosti a k ověření vaší totožnosti. Nikdo je neprodává ani nepoužívá k jiným účelům.',
      'Tato stanice je smaže, jakmile agentura potvrdí jejich přijetí. Agentura je uchovává po dobu, kterou pro vaši věc stanoví zákon.',
      'Máte právo na přístup ke svým údajům, na jejich opravu nebo výmaz, na odvolání tohoto souhlasu a na stížnost u národního úřadu pro ochranu osobních údajů (CNPD). Odvolání souhlasu nemá vliv na zpracování provedené předtím.',
      'Pokud nepodepíšete, biometrické údaje se nesbírají; zeptejte se pracovníka, jaké jsou pro vaši žádost jiné možnosti.',
    ],
    pad: { title: 'Souhlas', lines: ['Přečetl(a) jsem a souhlasím se zpracováním', 'svých údajů pro tuto žádost. Podepište níže.'], accept: 'Přijmout', clear: 'Smazat', cancel: 'Zrušit' },
  },
  ar: {
    title: 'الموافقة على معالجة بياناتك',
    paragraphs: [
      'تُجمع بياناتك الشخصية (الهوية وبيانات الاتصال والوثائق) وبياناتك البيومترية (بصمات الأصابع والتوقيع) في هذا المركز وتُرسل مشفّرة إلى وكالة الاندماج والهجرة واللجوء (AIMA)، وهي الجهة المسؤولة عن المعالجة.',
      'تُستخدم فقط لدراسة طلبك والتحقق من هويتك. لا تُباع ولا تُستخدم لأي غرض آخر.',
      'يحذفها هذا الجهاز فور تأكيد الوكالة استلامها. وتحتفظ بها الوكالة طوال المدة التي يحددها القانون لملفك.',
      'يحق لك الاطلاع على بياناتك وطلب تصحيحها أو حذفها وسحب هذه الموافقة وتقديم شكوى إلى الهيئة الوطنية لحماية البيانات CNPD. لا يؤثر سحب الموافقة على المعالجة التي تمت قبل ذلك.',
      'إذا لم توقّع فلن تُجمع أي بيانات بيومترية؛ اسأل الموظف عن البدائل المتاحة لطلبك.',
    ],
    pad: { title: 'الموافقة', lines: ['قرأت وأوافق على معالجة بياناتي', 'لهذا الطلب. وقّع أدناه.'], accept: 'موافق', clear: 'مسح', cancel: 'إلغاء' },
  },
};

const versions: Record<string, Record<Locale, ConsentText>> = { [CURRENT_CONSENT_VERSION]: v202611 };

export function knownConsentVersion(version: string): boolean {
  return Object.prototype.hasOwnProperty.call(versions, version);
}

function textOf(version: string, language: Locale): ConsentText {
  const texts = versions[version];
  if (texts === undefined) throw new Error(`consent text ${version} is not known (known: ${Object.keys(versions).join(', ')})`);
  return texts[language];
}

export function consentText(version: string, language: Locale): ConsentTextView {
  const t = textOf(version, language);
  return { version, language, title: t.title, paragraphs: [...t.paragraphs] };
}

/** What the pad shows while the applicant signs the consent. */
export function consentPadPrompt(version: string, language: Locale): ConsentText['pad'] {
  const p = textOf(version, language).pad;
  return { ...p, lines: [...p.lines] };
}

/** The pad's prompt for the signature step, in the applicant's language. */
export function signaturePadPrompt(language: Locale): ConsentText['pad'] {
  const prompts: Record<Locale, ConsentText['pad']> = {
    pt: { title: 'Assinatura', lines: ['Assine dentro do quadro.'], accept: 'Aceitar', clear: 'Limpar', cancel: 'Cancelar' },
    en: { title: 'Signature', lines: ['Please sign inside the box.'], accept: 'Accept', clear: 'Clear', cancel: 'Cancel' },
    uk: { title: 'Підпис', lines: ['Підпишіть у рамці.'], accept: 'Прийняти', clear: 'Стерти', cancel: 'Скасувати' },
    ru: { title: 'Подпись', lines: ['Подпишите внутри рамки.'], accept: 'Принять', clear: 'Стереть', cancel: 'Отмена' },
    bg: { title: 'Подпис', lines: ['Подпишете в рамката.'], accept: 'Приемам', clear: 'Изчисти', cancel: 'Отказ' },
    cs: { title: 'Podpis', lines: ['Podepište se do rámečku.'], accept: 'Přijmout', clear: 'Smazat', cancel: 'Zrušit' },
    ar: { title: 'التوقيع', lines: ['وقّع داخل الإطار.'], accept: 'موافق', clear: 'مسح', cancel: 'إلغاء' },
  };
  const p = prompts[language];
  return { ...p, lines: [...p.lines] };
}
