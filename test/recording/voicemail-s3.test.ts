import { afterAll, beforeAll, describe } from 'vitest';
import { startVersitygw, type S3Server } from './versitygw';
import { voicemailScenario } from './voicemail-scenario';

describe('on S3 (versitygw)', () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startVersitygw();
  });
  afterAll(async () => {
    await s3?.stop();
  });
  voicemailScenario('S3 through versitygw', () => s3.env);
});
