import { offeredKey } from './admin-queues';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

test('a bearer key, or Basic admin:<key>', () => {
  expect(offeredKey('Bearer cxk_abc')).toEqual({ key: 'cxk_abc' });
  expect(offeredKey('bearer   cxk_abc')).toEqual({ key: 'cxk_abc' });
  expect(offeredKey(basic('admin:cxk_abc'))).toEqual({ key: 'cxk_abc' });
  // The key may itself hold a colon: only the first one separates the user name.
  expect(offeredKey(basic('admin:a:b'))).toEqual({ key: 'a:b' });
});

test('anything else is refused with a reason', () => {
  for (const h of [undefined, '', 'Bearer', 'Token cxk_abc', basic('root:cxk_abc'), basic('admin:'), basic('admin'), 'Basic !!!']) {
    expect(offeredKey(h)).toEqual({ error: expect.any(String) });
  }
});
