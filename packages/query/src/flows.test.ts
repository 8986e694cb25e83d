import { versionOptions, versionSpellings } from './flows';

describe('flow versions', () => {
  test('every spelling of a number filters as that version', () => {
    expect(versionSpellings('v20')).toEqual(['20', 'v20', 'V20']);
    expect(versionSpellings(' 20 ')).toEqual(['20', 'v20', 'V20']);
    expect(versionSpellings('beta')).toEqual(['beta']);
  });

  test('the multi-select holds one option per version, numbered ones in numeric order, then text as sent', () => {
    expect(versionOptions(['10', 'V2', 'beta', 'v10', '2', 'v9', 'alpha'])).toEqual([
      { value: '2', label: 'v2' },
      { value: '9', label: 'v9' },
      { value: '10', label: 'v10' },
      { value: 'alpha', label: 'alpha' },
      { value: 'beta', label: 'beta' },
    ]);
    expect(versionOptions([])).toEqual([]);
    // 020 is not 20 to the filter (it matches the digits as written), so it is an option of its own.
    expect(versionOptions(['020', '20', 'v20'])).toEqual([
      { value: '020', label: 'v020' },
      { value: '20', label: 'v20' },
    ]);
    expect(versionSpellings('020')).not.toContain('20');
  });
});
