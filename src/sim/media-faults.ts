import type { FastifyReply } from 'fastify';

/**
 * Answers 200 with the full Content-Length, writes the first `afterBytes` bytes of the body and
 * closes the connection: a download cut off mid-stream, which a client sees as a premature end.
 */
export function interruptedMedia(
  reply: FastifyReply,
  size: number,
  chunks: Iterable<Buffer>,
  afterBytes: number,
): FastifyReply {
  void reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'audio/x-wav', 'content-length': String(size) });
  let left = Math.max(0, Math.min(afterBytes, size - 1));
  for (const chunk of chunks) {
    if (left <= 0) break;
    const part = chunk.subarray(0, left);
    res.write(part);
    left -= part.length;
  }
  // Let the written bytes leave before the socket goes, so the client gets a partial body.
  setTimeout(() => res.destroy(), 20);
  return reply;
}
