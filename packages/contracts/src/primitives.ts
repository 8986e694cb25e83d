import { z } from 'zod';

/** ISO-8601 with zone, or epoch ms. Range is checked in semantic checks (JSON Schema cannot). */
export const timestamp = z.union([z.string().min(10).max(40), z.number().int().min(0).max(8.64e15)]);

export const text = (max: number) => z.string().max(max);

export const reference = z.looseObject({
  id: text(200).min(1),
  name: text(200).optional(),
});

export const json = z.unknown();
