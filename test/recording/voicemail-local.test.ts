import { voicemailScenario } from './voicemail-scenario';

voicemailScenario('local files', () => ({}));
