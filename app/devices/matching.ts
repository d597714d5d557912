import type { ApprovedDevice } from './approved-list.js';

/** What is matched against the lists: the identity the device reported, and where it is. */
export interface ApprovalSubject {
  make: string;
  model: string;
  /** Null for a device that cannot report one (then the address stands in for it). */
  serial: string | null;
  address: string;
}

/** An approval given at this station by an administrator. */
export interface AdminApproval {
  id: number;
  make: string;
  model: string;
  serial: string | null;
  /** Set (and matched) only for a device without a serial number. */
  address: string | null;
  approvedBy: string;
  approvedAt: string;
}

export type ApprovalMatch = { source: 'agency' } | { source: 'admin'; approval: AdminApproval };

/**
 * Exact, case-sensitive matching: make + model + serial as the device
 * reports it. A device without a serial can only match an administrator's
 * approval given for that make and model at that address — the agency list
 * names devices by serial, so it cannot cover one. The agency's list is
 * consulted first, so `approvedBy` says 'agency' where both apply.
 */
export function matchApproval(subject: ApprovalSubject, agency: readonly ApprovedDevice[], admin: readonly AdminApproval[]): ApprovalMatch | null {
  const sameModel = (e: { make: string; model: string }) => e.make === subject.make && e.model === subject.model;
  if (subject.serial !== null) {
    if (agency.some((e) => sameModel(e) && e.serial === subject.serial)) return { source: 'agency' };
    const approval = admin.find((e) => sameModel(e) && e.serial === subject.serial);
    return approval ? { source: 'admin', approval } : null;
  }
  const approval = admin.find((e) => sameModel(e) && e.serial === null && e.address === subject.address);
  return approval ? { source: 'admin', approval } : null;
}

export function approvedByLabel(match: ApprovalMatch | null): string | null {
  if (match === null) return null;
  return match.source === 'agency' ? 'agency' : `admin:${match.approval.approvedBy}`;
}
