export { callWorkflow } from './call/workflow';
export { campaignWorkflow } from './campaign/workflow';
export { outboundAttemptWorkflow } from './attempt/workflow';
export { recordingWorkflow } from './recording/workflow';
export { callRecordingControlWorkflow } from './call-recording/workflow';
export { conferenceWorkflow } from './conference/workflow';
