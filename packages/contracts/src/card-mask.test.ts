import { luhnValid, maskCardNumbers, maskCardNumbersInText, maskEventCardNumbers } from './card-mask';

describe('luhnValid', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '4222222222222', '4000000000000000006', '0'])('accepts %s', (digits) => {
    expect(luhnValid(digits)).toBe(true);
  });
  it.each(['4111111111111112', '5555555555554445', '4222222222223', '1234567890123'])('rejects %s', (digits) => {
    expect(luhnValid(digits)).toBe(false);
  });
});

describe('maskCardNumbersInText', () => {
  it.each([
    ['no separators', '4111111111111111', '************1111'],
    ['spaces', '4111 1111 1111 1111', '**** **** **** 1111'],
    ['dashes', '5555-5555-5555-4444', '****-****-****-4444'],
    ['mixed separators', '4111 1111-1111 1111', '**** ****-**** 1111'],
    ['15-digit Amex grouping', '3782 822463 10005', '**** ****** *0005'],
    ['13 digits', '4222222222222', '*********2222'],
    ['19 digits', '4000000000000000006', '***************0006'],
  ])('masks a card with %s to its last four', (_, input, masked) => {
    expect(maskCardNumbersInText(input)).toEqual({ value: masked, count: 1 });
  });

  it('masks cards inside free text and keeps the surrounding text', () => {
    expect(maskCardNumbersInText('my card is 4111 1111 1111 1111, exp 12/27, cvv 123')).toEqual({
      value: 'my card is **** **** **** 1111, exp 12/27, cvv 123',
      count: 1,
    });
  });

  it('masks every card in the text and counts them', () => {
    expect(maskCardNumbersInText('visa 4111111111111111 or mc 5555-5555-5555-4444?')).toEqual({
      value: 'visa ************1111 or mc ****-****-****-4444?',
      count: 2,
    });
  });

  it('finds a card followed by more digits in the same run', () => {
    expect(maskCardNumbersInText('4111 1111 1111 1111 12')).toEqual({ value: '**** **** **** 1111 12', count: 1 });
    expect(maskCardNumbersInText('card:411111111111111112')).toEqual({ value: 'card:************111112', count: 1 });
  });

  it('finds two cards written back to back as one digit run', () => {
    expect(maskCardNumbersInText('41111111111111115555555555554444')).toEqual({ value: '************1111************4444', count: 2 });
  });

  it.each([
    ['16 digits failing Luhn', '4111111111111113'],
    ['13 digits failing Luhn', '4222222222223'],
    ['spaced, failing Luhn', '4111 1111 1111 1114'],
    ['12 digits (too short)', '411111111111'],
    ['a US phone number', 'call me on +1 (415) 555-0123 tomorrow'],
    ['a UK phone number', '+44 7700 900123'],
    ['an E.164 number failing Luhn', '+4915112345679'],
    ['an ISO timestamp', '2024-06-10T12:00:00.123Z'],
    ['digits split by double spaces', '4111  1111  1111  1111'],
    ['short text', 'hello'],
  ])('leaves %s untouched', (_, input) => {
    expect(maskCardNumbersInText(input)).toEqual({ value: input, count: 0 });
  });
});

describe('maskCardNumbers (deep)', () => {
  it('masks strings and card-like integers in nested objects and arrays, counting every card', () => {
    const input = {
      text: 'pay with 4111 1111 1111 1111',
      amount: 12.5,
      orderId: 123456,
      ok: true,
      none: null,
      variables: { cv_1: '5555555555554444', user_note: 'nothing here' },
      messages: [{ body: '378282246310005' }, 'plain', 4111111111111111, [4222222222222]],
    };
    const before = structuredClone(input);
    const { value, count } = maskCardNumbers(input);
    expect(value).toEqual({
      text: 'pay with **** **** **** 1111',
      amount: 12.5,
      orderId: 123456,
      ok: true,
      none: null,
      variables: { cv_1: '************4444', user_note: 'nothing here' },
      messages: [{ body: '***********0005' }, 'plain', '************1111', ['*********2222']],
    });
    expect(count).toBe(5);
    expect(input).toEqual(before);
  });

  it('leaves integers that are not card numbers as numbers', () => {
    expect(maskCardNumbers([4111111111111113, 999_999_999_999, 1_718_000_000_000, 4111111111111.5, -42])).toEqual({
      value: [4111111111111113, 999_999_999_999, 1_718_000_000_000, 4111111111111.5, -42],
      count: 0,
    });
  });

  it('keeps the sign of a negative card-like integer it masks', () => {
    expect(maskCardNumbers({ n: -4111111111111111 })).toEqual({ value: { n: '-************1111' }, count: 1 });
  });

  it('returns scalars and empty containers unchanged with count 0', () => {
    expect(maskCardNumbers('hi')).toEqual({ value: 'hi', count: 0 });
    expect(maskCardNumbers(null)).toEqual({ value: null, count: 0 });
    expect(maskCardNumbers({})).toEqual({ value: {}, count: 0 });
    expect(maskCardNumbers([])).toEqual({ value: [], count: 0 });
  });
});

describe('maskCardNumbers fast path', () => {
  it('returns the very same object when nothing in it could be a card number', () => {
    const event = { taskId: 't-1', origin: '+15551230000', at: '2026-12-02T01:02:03.456Z', n: 42, nested: [{ note: 'call back 555 0100' }] };
    const r = maskCardNumbers(event);
    expect(r.value).toBe(event);
    expect(r.count).toBe(0);
  });
  it('still copies and masks when one deep string holds a card number, leaving the input untouched', () => {
    const event = { a: { b: [{ c: 'card 4111 1111 1111 1111 ok' }] }, d: 'x' };
    const r = maskCardNumbers(event);
    expect(r.value).not.toBe(event);
    expect(r.value.a.b[0]!.c).toBe('card **** **** **** 1111 ok');
    expect(event.a.b[0]!.c).toBe('card 4111 1111 1111 1111 ok');
    expect(r.count).toBe(1);
  });
});

describe('maskEventCardNumbers', () => {
  it('keeps identifier fields whole and masks the same digits elsewhere', () => {
    const id = '4111111111111111';
    const event = { taskId: id, eventId: id, queue: { id, name: id }, agent: { id }, variables: { user_DR_MediaResourceID: id, cv_1: id }, text: id, list: [{ taskId: id }] };
    const { value, count } = maskEventCardNumbers(event);
    const masked = '************1111';
    expect(value).toEqual({
      taskId: id,
      eventId: id,
      queue: { id, name: masked },
      agent: { id },
      variables: { user_DR_MediaResourceID: id, cv_1: masked },
      text: masked,
      list: [{ taskId: masked }],
    });
    expect(count).toBe(4);
  });

  it('counts nothing when the only card-like digits are in ids', () => {
    const event = { executionId: '4111111111111111', flowId: 'f', nodeId: '5555555555554444' };
    const result = maskEventCardNumbers(event);
    expect(result.value).toEqual(event);
    expect(result.count).toBe(0);
  });
});
