import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Registered on the dev server by scripts/search-attributes.txt; keep the two lists in step.
export const CallSidKey = defineSearchAttributeKey('CallSid', SearchAttributeType.KEYWORD);
export const CallStatusKey = defineSearchAttributeKey('CallStatus', SearchAttributeType.KEYWORD);
export const CallDirectionKey = defineSearchAttributeKey(
  'CallDirection',
  SearchAttributeType.KEYWORD,
);
export const IvrNodeKey = defineSearchAttributeKey('IvrNode', SearchAttributeType.KEYWORD);
export const CampaignIdKey = defineSearchAttributeKey('CampaignId', SearchAttributeType.KEYWORD);
export const RecordingSidKey = defineSearchAttributeKey(
  'RecordingSid',
  SearchAttributeType.KEYWORD,
);
export const ConferenceNameKey = defineSearchAttributeKey(
  'ConferenceName',
  SearchAttributeType.KEYWORD,
);
/** A contact's number masked as everywhere else (`+1415****234`): findable, never shown whole. */
export const MaskedNumberKey = defineSearchAttributeKey(
  'MaskedNumber',
  SearchAttributeType.KEYWORD,
);
/** Every CallSid that has been in a conference: find a conference by any participant's call. */
export const ParticipantCallSidsKey = defineSearchAttributeKey(
  'ParticipantCallSids',
  SearchAttributeType.KEYWORD_LIST,
);
