import { describe, expect, it } from 'vitest';
import { COUNTRY_ZONES } from '../../../src/campaign/country-zones';
import { AREA_CODE_ZONES } from '../../../src/campaign/region-zones';
import { timeZoneForNumber, timeZonesForNumber } from '../../../src/campaign/timezone';

describe('timeZoneForNumber', () => {
  it.each([
    ['+12125550123', 'America/New_York'],
    ['+13125550123', 'America/Chicago'],
    ['+13035550123', 'America/Denver'],
    ['+16025550123', 'America/Phoenix'],
    ['+14155550123', 'America/Los_Angeles'],
    ['+19075550123', 'America/Anchorage'],
    ['+18085550123', 'Pacific/Honolulu'],
    ['+16045550123', 'America/Vancouver'],
    ['+17095550123', 'America/St_Johns'],
    ['+15145550123', 'America/Toronto'],
    ['+442079460000', 'Europe/London'],
    ['+33142685300', 'Europe/Paris'],
    ['+919876543210', 'Asia/Kolkata'],
    ['+61298765432', 'Australia/Sydney'],
    ['+61892345678', 'Australia/Perth'],
    ['+61889345678', 'Australia/Darwin'],
    ['+61882345678', 'Australia/Adelaide'],
    ['+5511987654321', 'America/Sao_Paulo'],
    ['+5592987654321', 'America/Manaus'],
    ['+526641234567', 'America/Tijuana'],
    ['+525512345678', 'America/Mexico_City'],
    ['+74951234567', 'Europe/Moscow'],
    ['+73832123456', 'Asia/Novosibirsk'],
  ])('%s is in %s', (phone, zone) => {
    expect(timeZoneForNumber(phone)).toBe(zone);
  });

  it('is undefined where the number could be in zones with different clocks', () => {
    // Florida's panhandle: Tallahassee is Eastern, Pensacola Central.
    expect(timeZonesForNumber('+18505550123').sort()).toEqual([
      'America/Chicago',
      'America/New_York',
    ]);
    expect(timeZoneForNumber('+18505550123')).toBeUndefined();
    // Australian and Russian mobiles carry no region.
    expect(timeZoneForNumber('+61412345678')).toBeUndefined();
    expect(timeZoneForNumber('+79161234567')).toBeUndefined();
  });

  it('picks one zone where a country lists several that keep the same clock', () => {
    expect(timeZoneForNumber('+541143211234')).toBe('America/Argentina/Buenos_Aires');
  });

  it('is undefined for an invalid number', () => {
    expect(timeZoneForNumber('+1555')).toBeUndefined();
    expect(timeZoneForNumber('not a number')).toBeUndefined();
  });
});

describe('zone tables', () => {
  it('name only zones this runtime knows, for every country', () => {
    const zones = new Set([
      ...[...COUNTRY_ZONES.values()].flat(),
      ...[...AREA_CODE_ZONES.values()].flatMap((byCode) => [...byCode.values()].flat()),
    ]);
    const unknown = [...zones].filter((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return false;
      } catch {
        return true;
      }
    });
    expect(unknown).toEqual([]);
    expect(COUNTRY_ZONES.size).toBeGreaterThan(240);
  });

  it('leaves area codes that straddle zones ambiguous', () => {
    // Canada's territories (867) span Pacific-like Yukon to Eastern Nunavut.
    expect(timeZoneForNumber('+18672345678')).toBeUndefined();
    expect(timeZonesForNumber('+18672345678').length).toBeGreaterThan(1);
  });
});
