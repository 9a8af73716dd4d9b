export { callWorkflow } from './call/workflow';
export { conferenceWorkflow } from './conference/workflow';
