export type { Deliverer, InboxLog, InboxRow } from './deliverer';
export { keepInInbox, type InboxWrite } from './store';
export { relayInbox, startInboxRelay, type Relay } from './relay';
export { listInbox, retryInbox, type InboxListing } from './admin';
export {
  CALL_FAMILY,
  hydrateCallStart,
  keepCallStatus,
  keepCallStep,
  type IvrLookup,
  type StoredCallStart,
} from './call-rows';
export { createCallDeliverer, type CallDelivererDeps } from './call-deliverer';
