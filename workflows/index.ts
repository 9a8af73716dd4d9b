export { callWorkflow } from './call/workflow';
export { recordingWorkflow } from './recording/workflow';
export { callRecordingControlWorkflow } from './call-recording/workflow';
