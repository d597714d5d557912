/**
 * Every string printed on the acknowledgement receipt, in the station's seven
 * languages. The main part of the receipt is in the official language of the
 * centre (OFFICIAL_LOCALE); the summary is then repeated in the applicant's and
 * the operator's language.
 *
 * Arabic strings: no vowel marks (harakat), which pdftotext reads back as
 * separate characters out of place; the summary items are separated by the
 * Arabic semicolon '؛' (a strong right-to-left character) and no item that ends
 * in a number or a Latin value is followed by Latin punctuation: pdftotext
 * glues a '.' that sits visually left of a number into the number's
 * left-to-right run, and would read "‎.123" for "123.". The time zone gets its
 * own item rather than following the time ("10:11 UTC" in an RTL paragraph is
 * shown, correctly, as "UTC 10:11" read left to right). Dates are written with
 * '/' (a common separator, which UAX #9 rule W4 keeps inside one number), so
 * that they do not reorder inside Arabic text as '-' would.
 */
import type { Locale } from '../contract/channels.js';
import type { ServiceTypeId } from '../contract/cases.js';

/** The language of the receipt's main part: the receipts are issued by Portuguese centres (CLAIM 2G). */
export const OFFICIAL_LOCALE: Locale = 'pt';

export interface SummaryValues {
  registrationId: string;
  service: string;
  name: string;
  birthDate: string;
  nationality: string;
  document: string;
  fingersCaptured: number;
  fingerExceptions: number;
  signature: string;
  documentPages: number;
  documents: string;
  date: string;
  /** 'HH:MM ZONE', e.g. '10:11 UTC'. */
  time: string;
  /** The clock time alone, 'HH:MM', and the zone alone, 'UTC' or 'UTC+01:00'. */
  clock: string;
  zone: string;
  centre: string;
  station: string;
  operator: string;
}

export interface ReceiptStrings {
  /** The language's own name, for the heading of its summary block. */
  languageName: string;
  direction: 'ltr' | 'rtl';
  title: string;
  /** The line under the title. */
  subtitle: string;
  labels: {
    registrationId: string;
    service: string;
    applicant: string;
    birthDate: string;
    nationality: string;
    document: string;
    fingers: string;
    exceptions: string;
    signature: string;
    pages: string;
    documents: string;
    dateTime: string;
    centre: string;
    station: string;
    operator: string;
    captured: string;
  };
  yes: string;
  no: string;
  /** In place of a document number when the applicant has none. */
  noDocument: string;
  /** In place of the list of document types when there are none. */
  noDocuments: string;
  /** Under the QR code. */
  qrNote: string;
  summaryHeading: string;
  /** The summary paragraphs, in this language. */
  summary: (v: SummaryValues) => string[];
  /** Footer line. */
  footer: string;
  services: Record<ServiceTypeId, string>;
  // Document types are named by app/contract/document-types.ts, the same names the screens show.
}

export const receiptStrings: Record<Locale, ReceiptStrings> = {
  pt: {
    languageName: 'Português',
    direction: 'ltr',
    title: 'Comprovativo de registo',
    subtitle: 'Atendimento a migrantes — comprovativo da entrega do pedido',
    labels: {
      registrationId: 'N.º de registo',
      service: 'Serviço',
      applicant: 'Requerente',
      birthDate: 'Data de nascimento',
      nationality: 'Nacionalidade',
      document: 'N.º do documento',
      fingers: 'Impressões digitais recolhidas',
      exceptions: 'exceções',
      signature: 'Assinatura',
      pages: 'Páginas de documentos',
      documents: 'Documentos',
      dateTime: 'Data e hora',
      centre: 'Centro',
      station: 'Posto',
      operator: 'Operador',
      captured: 'Recolha',
    },
    yes: 'sim',
    no: 'não',
    noDocument: 'sem documento',
    noDocuments: 'nenhum',
    qrNote: 'O código contém apenas o n.º de registo, o centro e a data.',
    summaryHeading: 'Resumo',
    summary: (v) => [
      `O seu pedido foi registado com o n.º ${v.registrationId}. Serviço: ${v.service}.`,
      `Requerente: ${v.name}; data de nascimento: ${v.birthDate}; nacionalidade: ${v.nationality}; documento: ${v.document}.`,
      `Recolhido: impressões digitais: ${v.fingersCaptured}, exceções: ${v.fingerExceptions}; assinatura: ${v.signature}; páginas de documentos: ${v.documentPages}; documentos: ${v.documents}.`,
      `Registado em ${v.date} às ${v.time}, no centro ${v.centre}, posto ${v.station}, pelo operador ${v.operator}.`,
      'Guarde este comprovativo: o n.º de registo identifica o seu pedido.',
    ],
    footer: 'Este comprovativo não contém dados biométricos.',
    services: {
      legalisation: 'Legalização',
      nationality: 'Nacionalidade',
      'family-reunification': 'Reagrupamento familiar',
      housing: 'Habitação',
      employment: 'Emprego',
      'social-support': 'Apoio social',
      'voluntary-return': 'Retorno voluntário',
      health: 'Saúde',
      education: 'Educação',
      'vocational-training': 'Formação profissional',
      entrepreneurship: 'Empreendedorismo',
      other: 'Outro assunto',
      digitisation: 'Digitalização de documentos',
    },
  },
  en: {
    languageName: 'English',
    direction: 'ltr',
    title: 'Registration receipt',
    subtitle: 'Migrant service centre — acknowledgement of your application',
    labels: {
      registrationId: 'Registration no.',
      service: 'Service',
      applicant: 'Applicant',
      birthDate: 'Date of birth',
      nationality: 'Nationality',
      document: 'Document no.',
      fingers: 'Fingerprints captured',
      exceptions: 'exceptions',
      signature: 'Signature',
      pages: 'Document pages',
      documents: 'Documents',
      dateTime: 'Date and time',
      centre: 'Centre',
      station: 'Station',
      operator: 'Operator',
      captured: 'Captured',
    },
    yes: 'yes',
    no: 'no',
    noDocument: 'no document',
    noDocuments: 'none',
    qrNote: 'The code holds only the registration no., the centre and the date.',
    summaryHeading: 'Summary',
    summary: (v) => [
      `Your application was registered under no. ${v.registrationId}. Service: ${v.service}.`,
      `Applicant: ${v.name}; date of birth: ${v.birthDate}; nationality: ${v.nationality}; document: ${v.document}.`,
      `Captured: fingerprints: ${v.fingersCaptured}, exceptions: ${v.fingerExceptions}; signature: ${v.signature}; document pages: ${v.documentPages}; documents: ${v.documents}.`,
      `Registered on ${v.date} at ${v.time}, at centre ${v.centre}, station ${v.station}, by operator ${v.operator}.`,
      'Keep this receipt: the registration number identifies your application.',
    ],
    footer: 'This receipt contains no biometric data.',
    services: {
      legalisation: 'Legalisation',
      nationality: 'Nationality',
      'family-reunification': 'Family reunification',
      housing: 'Housing',
      employment: 'Employment',
      'social-support': 'Social support',
      'voluntary-return': 'Voluntary return',
      health: 'Health',
      education: 'Education',
      'vocational-training': 'Vocational training',
      entrepreneurship: 'Entrepreneurship',
      other: 'Other matter',
      digitisation: 'Document digitisation',
    },
  },
  uk: {
    languageName: 'Українська',
    direction: 'ltr',
    title: 'Підтвердження реєстрації',
    subtitle: 'Центр обслуговування мігрантів — підтвердження подання заяви',
    labels: {
      registrationId: 'Реєстраційний №',
      service: 'Послуга',
      applicant: 'Заявник',
      birthDate: 'Дата народження',
      nationality: 'Громадянство',
      document: '№ документа',
      fingers: 'Відбитки пальців',
      exceptions: 'винятки',
      signature: 'Підпис',
      pages: 'Сторінки документів',
      documents: 'Документи',
      dateTime: 'Дата і час',
      centre: 'Центр',
      station: 'Робоче місце',
      operator: 'Оператор',
      captured: 'Зібрано',
    },
    yes: 'так',
    no: 'ні',
    noDocument: 'без документа',
    noDocuments: 'немає',
    qrNote: 'Код містить лише реєстраційний №, центр і дату.',
    summaryHeading: 'Коротко',
    summary: (v) => [
      `Вашу заяву зареєстровано під № ${v.registrationId}. Послуга: ${v.service}.`,
      `Заявник: ${v.name}; дата народження: ${v.birthDate}; громадянство: ${v.nationality}; документ: ${v.document}.`,
      `Зібрано: відбитки пальців: ${v.fingersCaptured}, винятки: ${v.fingerExceptions}; підпис: ${v.signature}; сторінки документів: ${v.documentPages}; документи: ${v.documents}.`,
      `Зареєстровано ${v.date} о ${v.time} у центрі ${v.centre}, робоче місце ${v.station}, оператор ${v.operator}.`,
      'Збережіть це підтвердження: реєстраційний номер визначає вашу заяву.',
    ],
    footer: 'Це підтвердження не містить біометричних даних.',
    services: {
      legalisation: 'Легалізація перебування',
      nationality: 'Громадянство',
      'family-reunification': 'Возз’єднання сім’ї',
      housing: 'Житло',
      employment: 'Працевлаштування',
      'social-support': 'Соціальна підтримка',
      'voluntary-return': 'Добровільне повернення',
      health: 'Охорона здоров’я',
      education: 'Освіта',
      'vocational-training': 'Професійне навчання',
      entrepreneurship: 'Підприємництво',
      other: 'Інше питання',
      digitisation: 'Оцифрування документів',
    },
  },
  ru: {
    languageName: 'Русский',
    direction: 'ltr',
    title: 'Подтверждение регистрации',
    subtitle: 'Центр обслуживания мигрантов — подтверждение подачи заявления',
    labels: {
      registrationId: 'Регистрационный №',
      service: 'Услуга',
      applicant: 'Заявитель',
      birthDate: 'Дата рождения',
      nationality: 'Гражданство',
      document: '№ документа',
      fingers: 'Отпечатки пальцев',
      exceptions: 'исключения',
      signature: 'Подпись',
      pages: 'Страницы документов',
      documents: 'Документы',
      dateTime: 'Дата и время',
      centre: 'Центр',
      station: 'Рабочее место',
      operator: 'Оператор',
      captured: 'Собрано',
    },
    yes: 'да',
    no: 'нет',
    noDocument: 'без документа',
    noDocuments: 'нет',
    qrNote: 'Код содержит только регистрационный №, центр и дату.',
    summaryHeading: 'Кратко',
    summary: (v) => [
      `Ваше заявление зарегистрировано под № ${v.registrationId}. Услуга: ${v.service}.`,
      `Заявитель: ${v.name}; дата рождения: ${v.birthDate}; гражданство: ${v.nationality}; документ: ${v.document}.`,
      `Собрано: отпечатки пальцев: ${v.fingersCaptured}, исключения: ${v.fingerExceptions}; подпись: ${v.signature}; страницы документов: ${v.documentPages}; документы: ${v.documents}.`,
      `Зарегистрировано ${v.date} в ${v.time} в центре ${v.centre}, рабочее место ${v.station}, оператор ${v.operator}.`,
      'Сохраните это подтверждение: регистрационный номер определяет ваше заявление.',
    ],
    footer: 'Это подтверждение не содержит биометрических данных.',
    services: {
      legalisation: 'Легализация пребывания',
      nationality: 'Гражданство',
      'family-reunification': 'Воссоединение семьи',
      housing: 'Жильё',
      employment: 'Трудоустройство',
      'social-support': 'Социальная поддержка',
      'voluntary-return': 'Добровольное возвращение',
      health: 'Здравоохранение',
      education: 'Образование',
      'vocational-training': 'Профессиональное обучение',
      entrepreneurship: 'Предпринимательство',
      other: 'Другой вопрос',
      digitisation: 'Оцифровка документов',
    },
  },
  bg: {
    languageName: 'Български',
    direction: 'ltr',
    title: 'Потвърждение за регистрация',
    subtitle: 'Център за обслужване на мигранти — потвърждение за подадено заявление',
    labels: {
      registrationId: 'Регистрационен №',
      service: 'Услуга',
      applicant: 'Заявител',
      birthDate: 'Дата на раждане',
      nationality: 'Гражданство',
      document: '№ на документа',
      fingers: 'Пръстови отпечатъци',
      exceptions: 'изключения',
      signature: 'Подпис',
      pages: 'Страници документи',
      documents: 'Документи',
      dateTime: 'Дата и час',
      centre: 'Център',
      station: 'Работно място',
      operator: 'Служител',
      captured: 'Снето',
    },
    yes: 'да',
    no: 'не',
    noDocument: 'без документ',
    noDocuments: 'няма',
    qrNote: 'Кодът съдържа само регистрационния №, центъра и датата.',
    summaryHeading: 'Накратко',
    summary: (v) => [
      `Заявлението ви е регистрирано под № ${v.registrationId}. Услуга: ${v.service}.`,
      `Заявител: ${v.name}; дата на раждане: ${v.birthDate}; гражданство: ${v.nationality}; документ: ${v.document}.`,
      `Снето: пръстови отпечатъци: ${v.fingersCaptured}, изключения: ${v.fingerExceptions}; подпис: ${v.signature}; страници документи: ${v.documentPages}; документи: ${v.documents}.`,
      `Регистрирано на ${v.date} в ${v.time} в център ${v.centre}, работно място ${v.station}, служител ${v.operator}.`,
      'Пазете това потвърждение: регистрационният номер идентифицира заявлението ви.',
    ],
    footer: 'Това потвърждение не съдържа биометрични данни.',
    services: {
      legalisation: 'Легализация на пребиваването',
      nationality: 'Гражданство',
      'family-reunification': 'Събиране на семейството',
      housing: 'Жилищно настаняване',
      employment: 'Заетост',
      'social-support': 'Социално подпомагане',
      'voluntary-return': 'Доброволно завръщане',
      health: 'Здравеопазване',
      education: 'Образование',
      'vocational-training': 'Професионално обучение',
      entrepreneurship: 'Предприемачество',
      other: 'Друг въпрос',
      digitisation: 'Цифровизация на документи',
    },
  },
  cs: {
    languageName: 'Čeština',
    direction: 'ltr',
    title: 'Potvrzení o registraci',
    subtitle: 'Centrum služeb pro migranty — potvrzení o podání žádosti',
    labels: {
      registrationId: 'Registrační č.',
      service: 'Služba',
      applicant: 'Žadatel',
      birthDate: 'Datum narození',
      nationality: 'Státní příslušnost',
      document: 'Č. dokladu',
      fingers: 'Otisky prstů',
      exceptions: 'výjimky',
      signature: 'Podpis',
      pages: 'Strany dokumentů',
      documents: 'Dokumenty',
      dateTime: 'Datum a čas',
      centre: 'Centrum',
      station: 'Pracoviště',
      operator: 'Úředník',
      captured: 'Sejmuto',
    },
    yes: 'ano',
    no: 'ne',
    noDocument: 'bez dokladu',
    noDocuments: 'žádné',
    qrNote: 'Kód obsahuje jen registrační č., centrum a datum.',
    summaryHeading: 'Shrnutí',
    summary: (v) => [
      `Vaše žádost byla zaregistrována pod č. ${v.registrationId}. Služba: ${v.service}.`,
      `Žadatel: ${v.name}; datum narození: ${v.birthDate}; státní příslušnost: ${v.nationality}; doklad: ${v.document}.`,
      `Sejmuto: otisky prstů: ${v.fingersCaptured}, výjimky: ${v.fingerExceptions}; podpis: ${v.signature}; strany dokumentů: ${v.documentPages}; dokumenty: ${v.documents}.`,
      `Zaregistrováno dne ${v.date} v ${v.time} v centru ${v.centre}, pracoviště ${v.station}, úředník ${v.operator}.`,
      'Uschovejte si toto potvrzení: registrační číslo označuje vaši žádost.',
    ],
    footer: 'Toto potvrzení neobsahuje biometrické údaje.',
    services: {
      legalisation: 'Legalizace pobytu',
      nationality: 'Státní občanství',
      'family-reunification': 'Sloučení rodiny',
      housing: 'Bydlení',
      employment: 'Zaměstnání',
      'social-support': 'Sociální podpora',
      'voluntary-return': 'Dobrovolný návrat',
      health: 'Zdravotní péče',
      education: 'Vzdělávání',
      'vocational-training': 'Odborná příprava',
      entrepreneurship: 'Podnikání',
      other: 'Jiná záležitost',
      digitisation: 'Digitalizace dokumentů',
    },
  },
  ar: {
    languageName: 'العربية',
    direction: 'rtl',
    title: 'إيصال التسجيل',
    subtitle: 'مركز خدمة المهاجرين، إيصال استلام الطلب',
    labels: {
      registrationId: 'رقم التسجيل',
      service: 'الخدمة',
      applicant: 'مقدم الطلب',
      birthDate: 'تاريخ الميلاد',
      nationality: 'الجنسية',
      document: 'رقم الوثيقة',
      fingers: 'بصمات الأصابع',
      exceptions: 'الاستثناءات',
      signature: 'التوقيع',
      pages: 'صفحات الوثائق',
      documents: 'الوثائق',
      dateTime: 'التاريخ والوقت',
      centre: 'المركز',
      station: 'محطة العمل',
      operator: 'الموظف',
      captured: 'ما تم أخذه',
    },
    yes: 'نعم',
    no: 'لا',
    noDocument: 'بدون وثيقة',
    noDocuments: 'لا يوجد',
    qrNote: 'يحتوي الرمز على رقم التسجيل والمركز والتاريخ فقط.',
    summaryHeading: 'ملخص',
    summary: (v) => [
      `تم تسجيل طلبك برقم ${v.registrationId}؛ الخدمة: ${v.service}`,
      `مقدم الطلب: ${v.name}؛ تاريخ الميلاد: ${v.birthDate}؛ الجنسية: ${v.nationality}؛ الوثيقة: ${v.document}`,
      `ما تم أخذه: بصمات الأصابع: ${v.fingersCaptured}؛ الاستثناءات: ${v.fingerExceptions}؛ التوقيع: ${v.signature}؛ صفحات الوثائق: ${v.documentPages}؛ الوثائق: ${v.documents}`,
      `تاريخ التسجيل: ${v.date} الساعة ${v.clock}؛ المنطقة الزمنية: ${v.zone}؛ المركز: ${v.centre}؛ محطة العمل: ${v.station}؛ الموظف: ${v.operator}`,
      'احتفظ بهذا الإيصال، فرقم التسجيل يحدد طلبك.',
    ],
    footer: 'لا يحتوي هذا الإيصال على بيانات بيومترية.',
    services: {
      legalisation: 'تسوية الوضع القانوني',
      nationality: 'الجنسية',
      'family-reunification': 'لم شمل الأسرة',
      housing: 'السكن',
      employment: 'العمل',
      'social-support': 'الدعم الاجتماعي',
      'voluntary-return': 'العودة الطوعية',
      health: 'الصحة',
      education: 'التعليم',
      'vocational-training': 'التدريب المهني',
      entrepreneurship: 'ريادة الأعمال',
      other: 'مسألة أخرى',
      digitisation: 'رقمنة الوثائق',
    },
  },
};

/** A date YYYY-MM-DD as the language writes it; anything else (partial or unknown dates) is printed as given. */
export function formatDate(isoDate: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  const [, y, mo, d] = m;
  switch (locale) {
    case 'uk':
    case 'ru':
    case 'bg':
    case 'cs':
      return `${d}.${mo}.${y}`;
    default:
      return `${d}/${mo}/${y}`;
  }
}
