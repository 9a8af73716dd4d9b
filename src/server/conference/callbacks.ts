import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkAddress, conferenceInput } from '../../conference/start';
import { keepConferenceCallback } from '../../inbox/conference-deliverer';
import { conferenceIsOver, signalConference } from '../../temporal/conference-signal';
import type {
  ConferenceCallback,
  ConferenceInput,
} from '../../../workflows/conference/definitions';
import { conferenceWorkflowId } from '../../../workflows/shared/ids';
import { HttpError } from '../errors';
import { withTimeout } from '../timeout';
import { formParams } from '../twilio-params';
import { conferenceEventOf, conferenceNameOf, participantCallEventOf } from './input';

type Query = Record<string, string | undefined>;

/**
 * A conference opened by an IVR node names its agent in the status callback URL (covered by
 * Twilio's signature): the first callback starts the workflow with it.
 */
function ivrStart(request: FastifyRequest, name: string): ConferenceInput | undefined {
  const query = request.query as Query;
  if (query.agent === undefined) return undefined;
  let agent: string;
  try {
    agent = checkAddress('agent', query.agent);
  } catch (err) {
    throw new HttpError('badRequest', (err as Error).message);
  }
  return conferenceInput(request.server.config, {
    name,
    by: 'ivr',
    customerJoinsItself: true,
    agent,
  });
}

/**
 * Signals the conference at once; when Temporal is away the callback waits in the inbox. Twilio
 * does not retry a 2xx, so a 204 only goes out once the callback is with one or the other.
 */
async function deliver(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  callback: ConferenceCallback,
  startInput: ConferenceInput | undefined,
): Promise<FastifyReply> {
  const { config, temporal, db } = request.server;
  const budget = config.WEBHOOK_UPDATE_BUDGET_MS;
  const workflowId = conferenceWorkflowId(name);
  const log = request.log.child({ conference: name, key: callback.key });
  try {
    await temporal.withDeadline(Date.now() + budget, () =>
      signalConference(temporal, config.TEMPORAL_TASK_QUEUE, workflowId, [callback], startInput),
    );
    log.info('conference callback');
    return await reply.code(204).send();
  } catch (err) {
    const over = conferenceIsOver(err);
    if (over) {
      // Not ours (a conference no workflow runs) or already closed: nothing will ever take it.
      log.info({ err: (err as Error).message }, 'conference callback for no running conference');
      return reply.code(204).send();
    }
    log.warn({ err: (err as Error).message }, 'keeping conference callback for later delivery');
    try {
      await withTimeout(
        budget,
        keepConferenceCallback(db, { workflowId, callback, ...(startInput ? { startInput } : {}) }),
      );
    } catch (keepErr) {
      log.error(
        { err: (keepErr as Error).message },
        'conference callback neither delivered nor kept',
      );
      throw new HttpError('unavailable', 'callback not accepted; retry');
    }
    return reply.code(202).send();
  }
}

/** `POST /voice/conference/status`: Twilio's conference status callbacks. */
export async function conferenceStatusHandler(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { name, event } = conferenceEventOf(formParams(request.body), new Date());
  return deliver(request, reply, name, event, ivrStart(request, name));
}

/** `POST /voice/conference/participant-status?conference=…`: a dialed agent's call status. */
export async function participantStatusHandler(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const name = conferenceNameOf((request.query as Query).conference, 'conference');
  const event = participantCallEventOf(formParams(request.body), new Date());
  return deliver(request, reply, name, event, undefined);
}
