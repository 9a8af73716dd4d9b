import { describe, expect, it } from 'vitest';
import { parseContacts } from '../../../src/campaign/contacts';

describe('parseContacts', () => {
  it('reads phone, name, time zone and passes other columns as variables', () => {
    const csv = [
      'Phone,Name,Time Zone,account,balance',
      '+1 (212) 555-0123,Ada Lovelace,,A-17,"1,200.00"',
      '+442079460000,Alan,Europe/London,B-2,0',
    ].join('\n');
    const { contacts, rejected } = parseContacts(csv);
    expect(rejected).toEqual([]);
    expect(contacts).toEqual([
      {
        line: 2,
        phone: '+12125550123',
        name: 'Ada Lovelace',
        timeZone: 'America/New_York',
        variables: { account: 'A-17', balance: '1,200.00' },
      },
      {
        line: 3,
        phone: '+442079460000',
        name: 'Alan',
        timeZone: 'Europe/London',
        variables: { account: 'B-2', balance: '0' },
      },
    ]);
  });

  it('reports invalid and duplicate rows with their line numbers and never returns them', () => {
    const csv = [
      'phone,name',
      '+12125550123,first',
      'not-a-number,x',
      '',
      '+1 212 555 0123,again',
      '+1555,short',
      '+12125550124,"two',
      'lines"',
      '+12125550125,too,many',
      ',empty',
      '+61412345678,aussie mobile',
    ].join('\r\n');
    const { contacts, rejected } = parseContacts(csv);
    expect(contacts.map((c) => [c.line, c.phone, c.name])).toEqual([
      [2, '+12125550123', 'first'],
      [7, '+12125550124', 'two\nlines'],
    ]);
    expect(rejected.map((r) => r.line)).toEqual([3, 5, 6, 9, 10, 11]);
    expect(rejected[1]?.reason).toBe('duplicate of line 2 (+12125550123)');
    expect(rejected[3]?.reason).toMatch(/3 fields; the header has 2/);
    expect(rejected[4]?.reason).toBe('no phone number');
    expect(rejected[5]?.reason).toMatch(/time_zone column/);
  });

  it('accepts a time zone column for numbers whose zone is ambiguous, and refuses a bad zone', () => {
    const { contacts, rejected } = parseContacts(
      'phone,tz\n+61412345678,Australia/Perth\n+61412345679,Mars/Base\n',
    );
    expect(contacts.map((c) => c.timeZone)).toEqual(['Australia/Perth']);
    expect(rejected).toEqual([{ line: 3, reason: '"Mars/Base" is not an IANA time zone' }]);
  });

  it('reads national numbers with a default country', () => {
    expect(parseContacts('phone\n(212) 555-0123\n').rejected[0]?.reason).toMatch(/country code/);
    expect(
      parseContacts('phone\n(212) 555-0123\n', { defaultCountry: 'US' }).contacts[0]?.phone,
    ).toBe('+12125550123');
  });

  it('throws on a file that is not CSV or has no phone column', () => {
    expect(() => parseContacts('phone,name\n+12125550123,"open\n')).toThrow(/contacts CSV line \d/);
    expect(() => parseContacts('name,email\nAda,a@b\n')).toThrow(/phone column/);
    expect(() => parseContacts('phone,Phone\n')).toThrow(/appears twice/);
  });

  it('is empty for an empty file, and strips a byte-order mark', () => {
    expect(parseContacts('')).toEqual({ contacts: [], rejected: [] });
    expect(parseContacts('\uFEFFphone\n+12125550123\n').contacts).toHaveLength(1);
  });
});
