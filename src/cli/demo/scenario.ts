/**
 * The demo scenario (scenario/scenario.json): its parties, offices, people, channels and
 * timeline, and where the project root is (the scenario file and bin/parley.js live there).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ScenarioParty {
  id: string;
  name: string;
  languages: string[];
  observer?: boolean;
}

export interface ScenarioChannel {
  id: string;
  name: string;
  offices: string[];
  languages: string[];
  observers?: string[];
  commitments?: Array<{ what: string; every: string; owners: string[] }>;
}

export type TimelineItem = Record<string, unknown> & {
  at: string;
  channel: string;
  by: string;
  kind: string;
  action?: string;
};

export interface Scenario {
  parties: ScenarioParty[];
  offices: Array<{ party: string; id: string; name: string }>;
  principals: Array<{ id: string; office: string; title: string; role: string }>;
  channels: ScenarioChannel[];
  timeline: TimelineItem[];
}

/** The nearest parent of this module that holds package.json (works from src/ and from dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json)');
    dir = parent;
  }
  return dir;
}

export function loadScenario(root = projectRoot()): Scenario {
  return JSON.parse(readFileSync(join(root, 'scenario/scenario.json'), 'utf8')) as Scenario;
}

/** Scenario helpers: which party an office or a person belongs to. */
export class ScenarioIndex {
  private readonly officeParty = new Map<string, string>();
  private readonly personOffice = new Map<string, string>();

  constructor(readonly scenario: Scenario) {
    for (const office of scenario.offices) this.officeParty.set(office.id, office.party);
    for (const person of scenario.principals) this.personOffice.set(person.id, person.office);
  }

  partyOfOffice(office: string): string {
    const party = this.officeParty.get(office);
    if (!party) throw new Error(`scenario: office '${office}' has no party`);
    return party;
  }

  officeOf(person: string): string {
    const office = this.personOffice.get(person);
    if (!office) throw new Error(`scenario: person '${person}' has no office`);
    return office;
  }

  partyOf(person: string): string {
    return this.partyOfOffice(this.officeOf(person));
  }

  party(id: string): ScenarioParty {
    const party = this.scenario.parties.find((p) => p.id === id);
    if (!party) throw new Error(`party ${id} is not in the scenario`);
    return party;
  }

  /** Member offices of a channel per party. */
  membersByParty(channel: ScenarioChannel): Record<string, string[]> {
    return groupByParty(this, channel.offices);
  }

  /** Observer offices of a channel per party. */
  observersByParty(channel: ScenarioChannel): Record<string, string[]> {
    return groupByParty(this, channel.observers ?? []);
  }

  /** People of a party whose office may read the channel (members or observers). */
  readersOf(channel: ScenarioChannel, party: string): string[] {
    const offices = new Set([...channel.offices, ...(channel.observers ?? [])]);
    return this.scenario.principals
      .filter((p) => offices.has(p.office) && this.partyOfOffice(p.office) === party)
      .map((p) => p.id);
  }
}

function groupByParty(index: ScenarioIndex, offices: string[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const office of offices) (result[index.partyOfOffice(office)] ??= []).push(office);
  return result;
}
