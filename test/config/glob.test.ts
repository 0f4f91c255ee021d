import { describe, expect, it } from 'vitest';
import { globToRegExp, matchesAnyGlob } from '../../src/config/glob.js';

describe('source-id globs', () => {
  it.each([
    ['firms_*', 'firms_viirs', true],
    ['firms_*', 'nasa_firms_viirs', false],
    ['*alert*', 'evacuation_alert_ca', true],
    ['*alert*', 'alert', true],
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['(x)+', '(x)+', true],
    ['exact', 'exact_more', false],
  ])('%s matches %s: %s', (glob, id, expected) => {
    expect(globToRegExp(glob).test(id)).toBe(expected);
  });

  it('matches any of a list', () => {
    expect(matchesAnyGlob('life_safety_1', ['evacuation_alert_*', 'life_safety_*'])).toBe(true);
    expect(matchesAnyGlob('iot_alert_1', ['evacuation_alert_*', 'life_safety_*'])).toBe(false);
  });
});
