import { sipCredentialsFor } from '../../routing/config';
import type { FastifyInstance } from 'fastify';
import type { RenderUrls } from '../../twiml/render';
import { tokenKeys, type TokenKeys } from '../tokens/keys';
import { ivrConference } from '../conference/ivr-conference';

/** What every voice route and answer strategy shares, built once when the plugin registers. */
export interface VoiceContext {
  app: FastifyInstance;
  keys: TokenKeys;
  /** The path of an action URL, as the routes are mounted. */
  eventPath(workflowId: string, step: string, on: string, st?: string): string;
  /** Absolute URLs for a plan's actions; journal-mode URLs carry the state they were answered from. */
  urlsFor(workflowId: string, st?: string): RenderUrls;
  /** PUBLIC_BASE_URL without its trailing slash. */
  base: string;
}

export function voiceContext(app: FastifyInstance, prefix: string): VoiceContext {
  const base = app.config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const eventPath = (workflowId: string, step: string, on: string, st?: string): string =>
    `${prefix}/event?wf=${workflowId}&step=${encodeURIComponent(step)}&on=${on}` +
    (st ? `&st=${st}` : '');
  return {
    app,
    keys: tokenKeys(app.config.TWILIO_AUTH_TOKEN),
    base,
    eventPath,
    urlsFor: (workflowId, st) => ({
      action: (ref, on) => `${base}${eventPath(workflowId, ref.step, on, st)}`,
      // Record and Dial verbs that ask for recording callbacks send them to the recording route.
      recordingStatus: `${base}${prefix}/recording`,
      ...(app.config.RECORDING_TWILIO_TRANSCRIBE
        ? { transcription: `${base}${prefix}/recording/transcription` }
        : {}),
      sipAuth: (uri) => sipCredentialsFor(app.config, uri),
      conference: (verb) => ivrConference(app.config, workflowId, verb),
    }),
  };
}
