import { randomUUID } from 'node:crypto';
import { type Change, entities, scopes } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../platform/bus/bus.ts';
import { createAgendaReadModel, etagMatches, TRUST_MS } from './agenda.read-model.ts';

// Event ids are UUIDs: the read model reads `event:<uuid>` scopes with the protocol's parseScope.
const E1 = randomUUID();
const change = (scope: string, seq: number): Change => ({
  scope,
  seq,
  entity: entities.agenda.sessionUpdated,
  op: 'upsert',
  id: 'x',
  data: null,
  at: new Date(0).toISOString(),
});

function setup() {
  const bus = createMemoryBus();
  let clock = 1_000_000;
  const model = createAgendaReadModel(bus, () => clock);
  return { bus, model, advance: (ms: number) => (clock += ms) };
}

describe('agenda read model', () => {
  it('trusts a publicly readable agenda for a bounded time only', () => {
    const { model, advance } = setup();
    model.store('e1', 3, [], true);
    model.store('e2', 3, [], false);
    expect(model.trusted('e1')?.head).toBe(3);
    expect(model.trusted('e2')).toBeUndefined();
    advance(TRUST_MS + 1);
    expect(model.trusted('e1')).toBeUndefined();
    expect(model.validate('e1', 3, true)?.etag).toBe('"agenda-3"');
    expect(model.trusted('e1')).toBeDefined();
    expect(model.validate('e1', 4, true)).toBeUndefined();
  });

  it('ends trust as soon as the bus announces a newer change on the event scope', async () => {
    const { bus, model } = setup();
    model.store(E1, 3, [], true);
    await bus.publish([change(scopes.event(randomUUID()), 9), change(scopes.user(E1), 9)]);
    expect(model.trusted(E1)).toBeDefined();
    await bus.publish([change(scopes.event(E1), 4)]);
    expect(model.trusted(E1)).toBeUndefined();
  });

  it('never re-trusts a head older than one the bus already announced', async () => {
    const { bus, model } = setup();
    await bus.publish([change(scopes.event(E1), 5)]);
    model.store(E1, 4, [], true); // a slow read that started before seq 5 committed
    expect(model.trusted(E1)).toBeUndefined();
    model.store(E1, 5, [], true);
    expect(model.trusted(E1)?.head).toBe(5);
  });

  it('parses If-None-Match lists, weak tags and *', () => {
    expect(etagMatches('"a", W/"agenda-2"', '"agenda-2"')).toBe(true);
    expect(etagMatches('*', '"agenda-2"')).toBe(true);
    expect(etagMatches('"agenda-20"', '"agenda-2"')).toBe(false);
    expect(etagMatches(undefined, '"agenda-2"')).toBe(false);
  });
});
