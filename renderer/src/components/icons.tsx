import type { ActivityId } from '../../../app/contract/channels';

/** Line icons drawn for this UI (24×24, stroked with currentColor), so no icon font or external asset is needed. */
const activityPaths: Record<ActivityId, string[]> = {
  enrolment: [
    'M12 4a4 4 0 0 1 4 4v2a4 4 0 0 1-8 0V8a4 4 0 0 1 4-4z',
    'M4.5 20c.8-3.5 3.9-6 7.5-6s6.7 2.5 7.5 6',
  ],
  digitisation: ['M7 3h7l4 4v14H7z', 'M14 3v4h4', 'M4 13h16'],
  kiosk: ['M6 3h12v13H6z', 'M9 21h6', 'M12 16v5', 'M9 8h6M9 11h4'],
  devices: ['M3 6h12v9H3z', 'M17 9h4v9h-4z', 'M7 19h4', 'M9 15v4'],
  outbox: ['M4 13l2-8h12l2 8', 'M4 13v6h16v-6', 'M4 13h4l1 2h6l1-2h4', 'M12 11V6M9.5 8.5 12 6l2.5 2.5'],
  operators: [
    'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
    'M3.5 19c.6-3 2.8-5 5.5-5s4.9 2 5.5 5',
    'M16 5.5a3 3 0 0 1 0 5.5',
    'M17.5 14.5c1.6.6 2.7 2.3 3 4.5',
  ],
  audit: ['M6 3h12v18H6z', 'M9 8h6M9 12h6M9 16h3', 'M15.5 16.5l1.2 1.2 2.3-2.7'],
};

export function ActivityIcon({ id }: { id: ActivityId }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
      {activityPaths[id].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

/** The product mark: a service counter seen from the front. */
export function BrandMark() {
  return (
    <svg className="brand__mark" viewBox="0 0 32 32" width="36" height="36" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="30" height="30" rx="8" className="brand__mark-bg" />
      <path d="M7 14h18M9 14v10M23 14v10M7 24h18" className="brand__mark-line" />
      <circle cx="16" cy="9" r="2.5" className="brand__mark-dot" />
    </svg>
  );
}

export function GlobeIcon() {
  return (
    <svg className="icon icon--small" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="9" />
      <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z" />
    </svg>
  );
}
