/**
 * A channel's orders to keep contact and its commitments (README "Keeping contact", issue 14 §5):
 * the orders recorded, each with the commitments made from it; recording an order and proposing
 * a commitment (from an order or on its own), for the head of a member office, as the node
 * allows (workflows/contacts/kinds.ts); and the channel's commitments with their periods and
 * acceptance (commitments.tsx `CommitmentCard`). Refreshes on the channel's live updates.
 */
import { useState } from 'preact/hooks';
import type { Channel } from '../../lib/api';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { EmptyState } from '../../lib/components/status';
import { formatHlc, formatTime, locale } from '../../lib/i18n';
import { useSignal } from '../../lib/signal';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { useMayWrite } from '../../lib/write-access';
import { CommitmentCard, everyText } from './commitments';
import { ContactForm, ContactsViewFrame, domId, useReloadOn, type ViewProps } from './contact-parts';
import { contactsApi, type ChannelPerson, type ContactOrder } from './contacts-api';
import { ot } from './order-messages';

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PERIOD = /^P\d+[DWMY]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
type What = 'briefing' | 'contact';

/** The periods offered, one week to one year; a period recorded otherwise (the CLI) is added. */
const PERIODS = ['P1W', 'P2W', 'P1M', 'P2M', 'P3M', 'P6M', 'P1Y'];

function periodOptions(current: string) {
  const periods = PERIODS.includes(current) || !PERIOD.test(current) ? PERIODS : [current, ...PERIODS];
  return periods.map((p) => ({ value: p, label: everyText(p) }));
}

function whatOptions() {
  return [
    { value: 'briefing' as const, label: ot('whatBriefing') },
    { value: 'contact' as const, label: ot('whatContact') },
  ];
}

/** What keeps an order or commitment and how often: the two fields both forms ask for. */
function CadenceFields(props: {
  id: string;
  what: What;
  onWhat: (what: What) => void;
  every: string;
  onEvery: (every: string) => void;
  error: string | null;
}) {
  return (
    <>
      <SelectField
        id={`${props.id}-what`}
        label={ot('what')}
        value={props.what}
        onChange={props.onWhat}
        options={whatOptions()}
      />
      <SelectField
        id={`${props.id}-every`}
        label={ot('every')}
        value={props.every}
        onChange={props.onEvery}
        options={periodOptions(props.every)}
        error={props.error}
      />
    </>
  );
}

/** A group of checkboxes, named as a whole for assistive technology, with its error under it. */
function CheckGroup(props: {
  id: string;
  legend: string;
  hint?: string;
  error?: string | null;
  options: ReadonlyArray<{ value: string; label: string }>;
  chosen: ReadonlySet<string>;
  onToggle: (value: string) => void;
}) {
  return (
    <fieldset
      class={`field check-group${props.error ? ' has-error' : ''}`}
      id={props.id}
      aria-describedby={props.error ? `${props.id}-error` : undefined}
    >
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o.value} class="check">
          <input
            type="checkbox"
            name={props.id}
            value={o.value}
            checked={props.chosen.has(o.value)}
            onChange={() => props.onToggle(o.value)}
          />{' '}
          {o.label}
        </label>
      ))}
      {props.hint && <span class="hint">{props.hint}</span>}
      {props.error && (
        <span class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </span>
      )}
    </fieldset>
  );
}

function toggled(set: ReadonlySet<string>, value: string): Set<string> {
  const next = new Set(set);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return next;
}

export function OrdersView({ channel, me, version }: ViewProps) {
  useSignal(locale);
  const orders = useAsync(() => contactsApi.contactOrders(channel.id), [channel.id]);
  const commitments = useAsync(() => contactsApi.commitments(channel.id), [channel.id]);
  const people = useAsync(() => contactsApi.people(channel.id), [channel.id]);
  useReloadOn(version, orders.reload);
  useReloadOn(version, commitments.reload);
  const [fromOrder, setFromOrder] = useState<string | null>(null);
  const [proposed, setProposed] = useState<string | null>(null);
  const list = orders.data?.orders ?? [];
  const made = commitments.data?.commitments ?? [];
  const names = new Map(made.map((c) => [c.id, c.commitment]));
  const head = me.principal.role === 'head';
  const mayWrite = useMayWrite();
  const reloadAll = () => {
    orders.reload();
    commitments.reload();
  };
  return (
    <div class="orders-screen">
      {mayWrite && !head && <p class="muted orders-heads-only">{ot('headsOnly')}</p>}
      <ContactsViewFrame
        name="orders"
        title={ot('ordersTitle')}
        addId="new-order"
        addLabel={ot('recordOrder')}
        addedLabel={ot('orderRecorded')}
        data={orders}
        empty={list.length === 0}
        emptyText={ot('ordersEmpty')}
        mayAdd={head}
        form={(onDone) => <OrderForm channel={channel} onDone={onDone} />}
      >
        {list.length > 0 && (
          <ul class="order-list" aria-label={ot('ordersTitle')}>
            {list.map((order) => (
              <OrderCard
                key={order.id}
                order={order}
                names={names}
                mayPropose={mayWrite && head}
                onPropose={() => setFromOrder(order.id)}
              />
            ))}
          </ul>
        )}
      </ContactsViewFrame>
      <section class="contacts-view channel-commitments" aria-labelledby="channel-commitments-title">
        <div class="section-head">
          <h2 id="channel-commitments-title">{ot('channelCommitments')}</h2>
        </div>
        {mayWrite && head && (
          <CommitmentForm
            key={fromOrder ?? ''}
            channel={channel}
            orders={list}
            people={people.data?.people ?? []}
            order={fromOrder}
            onDone={(id) => {
              setFromOrder(null);
              setProposed(id);
              reloadAll();
            }}
          />
        )}
        {proposed && (
          <p class="ok-text contact-notice" role="status">
            {ot('commitmentProposed')}: {proposed}
          </p>
        )}
        {commitments.data && made.length === 0 && <EmptyState>{ot('channelCommitmentsEmpty')}</EmptyState>}
        {made.length > 0 && (
          <ul class="commitment-list" aria-label={ot('channelCommitments')}>
            {made.map((c) => (
              <CommitmentCard key={c.id} commitment={c} me={me} onChange={commitments.reload} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function OrderCard(props: {
  order: ContactOrder;
  /** Commitment names by entry id, to name the commitments made from the order. */
  names: ReadonlyMap<string, string>;
  mayPropose: boolean;
  onPropose: () => void;
}) {
  const { order } = props;
  const titleId = `order-${domId(order.id)}`;
  return (
    <li class="card order" data-order={order.order} aria-labelledby={titleId}>
      <h3 id={titleId}>
        {order.order} <span class="muted small">· {order.orderedBy}</span>
      </h3>
      <p class="order-why">{order.why}</p>
      <dl class="facts-grid">
        <dt>{ot('officesOrdered')}</dt>
        <dd>
          {Object.entries(order.offices)
            .map(([party, offices]) => `${party}: ${offices.join(', ')}`)
            .join('; ')}
        </dd>
        <dt>{ot('what')}</dt>
        <dd>
          {order.what === 'briefing' ? ot('whatBriefing') : ot('whatContact')},{' '}
          <span title={order.every}>{everyText(order.every)}</span>
        </dd>
        {order.given && (
          <>
            <dt>{ot('given')}</dt>
            <dd>{formatTime(order.given)}</dd>
          </>
        )}
        <dt>{ot('orderBy')}</dt>
        <dd>
          {order.by} ({order.party}), <span title={order.at}>{formatHlc(order.at)}</span>{' '}
          <span class="muted mono small">{order.id}</span>
        </dd>
        <dt>{ot('commitmentsMade')}</dt>
        <dd class="order-commitments">
          {order.commitments.length > 0
            ? order.commitments.map((id) => props.names.get(id) ?? id).join(', ')
            : ot('noneMade')}
        </dd>
      </dl>
      {props.mayPropose && (
        <div class="actions">
          <button type="button" class="secondary" onClick={props.onPropose}>
            {ot('proposeFromOrder')}
          </button>
        </div>
      )}
    </li>
  );
}

function OrderForm({ channel, onDone }: { channel: Channel; onDone: (id: string) => void }) {
  const [order, setOrder] = useState('');
  const [orderedBy, setOrderedBy] = useState('');
  const [offices, setOffices] = useState<ReadonlySet<string>>(new Set());
  const [why, setWhy] = useState('');
  const [what, setWhat] = useState<What>('briefing');
  const [every, setEvery] = useState('P1M');
  const [given, setGiven] = useState('');
  const action = useSubmit(['order', 'orderedBy', 'offices', 'why', 'what', 'every', 'given']);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fieldError = (name: string) => errors[name] ?? action.fieldError(name);
  // Offices are chosen as `PARTY office`: the body groups them by party.
  const officeChoices = Object.entries(channel.parties).flatMap(([party, list]) =>
    list.map((office) => ({ value: `${party} ${office}`, label: `${party}: ${office}` })),
  );

  const submit = (e: Event) => {
    e.preventDefault();
    return action.run(async () => {
      const next: Record<string, string> = {};
      if (!ID.test(order)) next.order = ot('idRequired');
      if (!orderedBy.trim()) next.orderedBy = ot('orderedByRequired');
      if (offices.size === 0) next.offices = ot('officesRequired');
      if (!why.trim()) next.why = ot('whyRequired');
      if (given && (!DATE.test(given) || given > new Date().toISOString().slice(0, 10)))
        next.given = ot('givenFuture');
      setErrors(next);
      if (Object.keys(next).length > 0) return;
      const byParty: Record<string, string[]> = {};
      for (const choice of offices) {
        const [party, office] = choice.split(' ') as [string, string];
        (byParty[party] ??= []).push(office);
      }
      const body: Record<string, unknown> = {
        order,
        orderedBy: orderedBy.trim(),
        offices: byParty,
        why: why.trim(),
        what,
        every,
      };
      if (given) body.given = given;
      const entry = await contactsApi.post(channel.id, { kind: 'contact-order', body });
      onDone(entry.id);
    });
  };

  return (
    <ContactForm class="card" label={ot('recordOrder')} onSubmit={submit}>
      <div class="form-grid">
        <TextField
          id="order-id"
          label={ot('orderId')}
          hint={ot('idHint')}
          value={order}
          onInput={setOrder}
          error={fieldError('order')}
        />
        <TextField
          id="order-ordered-by"
          label={ot('orderedBy')}
          hint={ot('orderedByHint')}
          value={orderedBy}
          onInput={setOrderedBy}
          error={fieldError('orderedBy')}
        />
        <CadenceFields
          id="order"
          what={what}
          onWhat={setWhat}
          every={every}
          onEvery={setEvery}
          error={fieldError('every')}
        />
        <TextField
          id="order-given"
          type="date"
          label={ot('given')}
          value={given}
          onInput={setGiven}
          error={fieldError('given')}
        />
      </div>
      <CheckGroup
        id="order-offices"
        legend={ot('officesOrdered')}
        options={officeChoices}
        chosen={offices}
        onToggle={(value) => setOffices((set) => toggled(set, value))}
        error={fieldError('offices')}
      />
      <TextArea
        id="order-why"
        label={ot('why')}
        value={why}
        onInput={setWhy}
        rows={2}
        error={fieldError('why')}
      />
      <FormError message={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? ot('recording') : ot('recordOrder')}
        </button>
      </div>
    </ContactForm>
  );
}

function CommitmentForm(props: {
  channel: Channel;
  orders: readonly ContactOrder[];
  people: readonly ChannelPerson[];
  /** The order it is proposed from, when the form was opened from one. */
  order: string | null;
  onDone: (id: string) => void;
}) {
  const source = props.orders.find((o) => o.id === props.order);
  const [open, setOpen] = useState(props.order !== null);
  const [name, setName] = useState(source ? `${source.order}-commitment`.slice(0, 64) : '');
  const [what, setWhat] = useState<What>(source?.what ?? 'briefing');
  const [every, setEvery] = useState(source?.every ?? 'P1M');
  const [owners, setOwners] = useState<ReadonlySet<string>>(new Set());
  const [from, setFrom] = useState(new Date().toISOString().slice(0, 10));
  const [order, setOrder] = useState(props.order ?? '');
  const [text, setText] = useState('');
  const action = useSubmit(['commitment', 'what', 'every', 'owners', 'from', 'order', 'source']);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fieldError = (field: string) => errors[field] ?? action.fieldError(field);
  const ownerChoices = props.people.map((p) => ({
    value: p.principal,
    label: `${p.principal} (${p.party}${p.office ? `, ${p.office}` : ''}, ${p.role})`,
  }));

  const submit = (e: Event) => {
    e.preventDefault();
    return action.run(async () => {
      const next: Record<string, string> = {};
      if (!ID.test(name)) next.commitment = ot('idRequired');
      if (owners.size === 0) next.owners = ot('ownersRequired');
      if (!DATE.test(from)) next.from = ot('fromRequired');
      setErrors(next);
      if (Object.keys(next).length > 0) return;
      const body: Record<string, unknown> = { commitment: name, what, every, owners: [...owners], from };
      if (order) body.order = await contactsApi.ref(order);
      if (text.trim()) body.source = text.trim();
      const entry = await contactsApi.post(props.channel.id, { kind: 'commitment', body });
      setOpen(false);
      props.onDone(entry.id);
    });
  };

  return (
    <>
      <button
        type="button"
        class="primary"
        aria-expanded={open}
        aria-controls="new-commitment"
        onClick={() => setOpen((v) => !v)}
      >
        {ot('proposeCommitment')}
      </button>
      {open && (
        <div id="new-commitment" class="disclosure">
          <ContactForm class="card" label={ot('proposeCommitment')} onSubmit={submit}>
            <div class="form-grid">
              <TextField
                id="commitment-id"
                label={ot('commitmentId')}
                hint={ot('idHint')}
                value={name}
                onInput={setName}
                error={fieldError('commitment')}
              />
              <SelectField
                id="commitment-order"
                label={ot('fromOrder')}
                value={order}
                onChange={(id) => {
                  setOrder(id);
                  const chosen = props.orders.find((o) => o.id === id);
                  if (chosen) {
                    setWhat(chosen.what);
                    setEvery(chosen.every);
                  }
                }}
                options={[
                  { value: '', label: ot('noOrder') },
                  ...props.orders.map((o) => ({ value: o.id, label: `${o.order} (${o.orderedBy})` })),
                ]}
                error={fieldError('order')}
              />
              <CadenceFields
                id="commitment"
                what={what}
                onWhat={setWhat}
                every={every}
                onEvery={setEvery}
                error={fieldError('every')}
              />
              <TextField
                id="commitment-from"
                type="date"
                label={ot('from')}
                value={from}
                onInput={setFrom}
                error={fieldError('from')}
              />
            </div>
            {ownerChoices.length > 0 ? (
              <CheckGroup
                id="commitment-owners"
                legend={ot('owners')}
                hint={ot('ownersHint')}
                options={ownerChoices}
                chosen={owners}
                onToggle={(value) => setOwners((set) => toggled(set, value))}
                error={fieldError('owners')}
              />
            ) : (
              <p class="muted">{ot('noPeople')}</p>
            )}
            <TextField
              id="commitment-source"
              label={ot('source')}
              hint={ot('sourceHint')}
              value={text}
              onInput={setText}
              error={fieldError('source')}
            />
            <FormError message={action.error} />
            <div class="actions">
              <button type="submit" class="primary" disabled={action.busy}>
                {action.busy ? ot('proposing') : ot('propose')}
              </button>
            </div>
          </ContactForm>
        </div>
      )}
    </>
  );
}
