import type { Response } from 'express';

/**
 * RFC 9457 problem details, in the same shape as the receiver's `sendProblem` (which this
 * package cannot import: apps depend on packages, not the other way round).
 */
export function sendProblem(res: Response, problem: { status: number; title: string; detail?: string; [extra: string]: unknown }): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `https://cxfold.dev/problems/${problem.status}`, ...problem }));
}
