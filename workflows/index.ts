export { callWorkflow } from './call/workflow';
export { recordingWorkflow } from './recording/workflow';
