import { describe, expect, it } from 'vitest';
import { foldCharter, type CharterState, type ProposedChange } from './charter-changes.js';

const founded: CharterState = {
  languages: ['ru', 'en'],
  objectives: {},
  observers: { NATO: ['nato-sg'] },
  parties: { RU: ['ru-ops'], US: ['us-ops'] },
};

const change = (hlc: string, party: string, signedBy: string[], rest: Partial<ProposedChange>) => ({
  change: 'amend' as const,
  party,
  hlc,
  signedBy,
  ...rest,
});

describe('foldCharter', () => {
  it('applies an amendment only once every party of the moment signed it', () => {
    const addFr = change('2026-01-02T00:00:00.000Z/000000', 'US', ['US'], {
      charter: { parties: { FR: ['fr-ops'] } },
    });
    expect(foldCharter(founded, [addFr]).charter.parties).toEqual(founded.parties);
    const agreed = { ...addFr, signedBy: ['US', 'RU'] };
    const { charter, changes } = foldCharter(founded, [agreed]);
    expect(charter.parties).toEqual({ RU: ['ru-ops'], US: ['us-ops'], FR: ['fr-ops'] });
    expect(changes[0]!.waitingFor).toEqual([]);
  });

  it('asks a party that joined for the changes after it, not for those settled before', () => {
    const languages = change('2026-01-01T00:00:00.000Z/000000', 'RU', ['RU', 'US'], {
      charter: { languages: ['ru', 'en', 'fr'] },
    });
    const addFr = change('2026-01-02T00:00:00.000Z/000000', 'US', ['US', 'RU'], {
      charter: { parties: { FR: ['fr-ops'] } },
    });
    const suspend = change('2026-01-03T00:00:00.000Z/000000', 'RU', ['RU', 'US'], { change: 'suspend' });
    // Given out of order: the fold orders by clock, then party, as every node does.
    const { charter, changes } = foldCharter(founded, [suspend, addFr, languages]);
    expect(charter.languages).toEqual(['ru', 'en', 'fr']);
    expect(changes.map((c) => c.waitingFor)).toEqual([[], [], ['FR']]);
  });

  it('only adds parties, and an observer that joins as a party stops observing', () => {
    const natoJoins = change('2026-01-02T00:00:00.000Z/000000', 'RU', ['RU', 'US'], {
      charter: { parties: { NATO: ['nato-ops'], RU: ['other-office'] } },
    });
    const { charter } = foldCharter(founded, [natoJoins]);
    expect(charter.parties).toEqual({ RU: ['ru-ops'], US: ['us-ops'], NATO: ['nato-ops'] });
    expect(charter.observers).toEqual({});
  });
});
