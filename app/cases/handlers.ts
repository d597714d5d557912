/**
 * The `cases.*` channels (app/contract/channels.ts), each a thin call into
 * the CaseService; the dispatcher has already checked the role and parsed the
 * request against the contract.
 */
import type { Handlers } from '../contract/dispatcher.js';
import type { ChannelName } from '../contract/channels.js';
import type { CaseService } from './service.js';

type CaseChannel = Extract<ChannelName, `cases.${string}`>;

export function caseHandlers(cases: CaseService): Pick<Handlers, CaseChannel> {
  return {
    'cases.services': () => cases.services(),
    'cases.list': () => cases.list(),
    'cases.start': (r) => cases.start(r.serviceType, r.applicantLanguage),
    'cases.get': (r) => cases.get(r.caseId),
    'cases.pause': (r) => cases.pause(r.caseId),
    'cases.resume': (r) => cases.resume(r.caseId),
    'cases.cancel': (r) => cases.cancel(r.caseId, r.reason),
    'cases.goto': (r) => cases.goto(r.caseId, r.step),
    'cases.next': (r) => cases.next(r.caseId),
    'cases.setApplicantLanguage': (r) => cases.setApplicantLanguage(r.caseId, r.language),
    'cases.readMrz': (r) => cases.readMrz(r.caseId, r.deviceId),
    'cases.enterMrz': (r) => cases.enterMrz(r.caseId, r.lines),
    'cases.scanIdentityPage': (r) => cases.scanIdentityPage(r.caseId, r.paper, r.deviceId),
    'cases.verify': (r) => cases.verify(r.caseId),
    'cases.setDemographics': (r) => cases.setDemographics(r.caseId, r.values),
    'cases.consentText': (r) => cases.consentText(r.language),
    'cases.captureConsent': (r) => cases.captureConsent(r.caseId, r.language, r.deviceId),
    'cases.captureFinger': (r) => cases.captureFinger(r.caseId, r.position, r.deviceId),
    'cases.captureSlap': (r) => cases.captureSlap(r.caseId, r.slap, r.positions, r.deviceId),
    'cases.fingerException': (r) => cases.fingerException(r.caseId, r.position, r.reason, r.note),
    'cases.clearFinger': (r) => cases.clearFinger(r.caseId, r.position),
    'cases.forceFinger': (r) => cases.forceFinger(r.caseId, r.position, r.supervisor),
    'cases.captureSignature': (r) => cases.captureSignature(r.caseId, r.deviceId),
    'cases.signatureAction': (r) => cases.signatureAction(r.caseId, r.action),
    'cases.scanDocument': (r) => cases.scanDocument(r.caseId, r.type, r.deviceId),
    'cases.rescanPage': (r) => cases.rescanPage(r.caseId, r.pageId, r.deviceId),
    'cases.deletePage': (r) => cases.deletePage(r.caseId, r.pageId),
    'cases.setPageType': (r) => cases.setPageType(r.caseId, r.pageId, r.type),
    'cases.image': (r) => cases.image(r.caseId, r.ref),
    'cases.approve': (r) => cases.approve(r.caseId, r.supervisor),
    'cases.seal': (r) => cases.seal(r.caseId),
    'cases.receipt': (r) => cases.receipt(r.caseId),
  };
}
