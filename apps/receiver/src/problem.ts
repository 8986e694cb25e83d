import type { Response } from 'express';

/** RFC 9457 problem details. `errors` lists every failing field as a JSON Pointer. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string; param?: string }[];
  [extra: string]: unknown;
}

export function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: problem.type ?? `https://cxfold.dev/problems/${problem.status}`, ...problem }));
}
