/**
 * The envelope of an entry being written, as every form that writes one asks for it: its
 * precedence, its language (one of the channel's) and a TEST or EXERCISE marking. The form keeps
 * the three in `useEnvelope`; a refusal from the node about one of them is shown on that field.
 */
import { useState } from 'preact/hooks';
import { MARKINGS, PRECEDENCES, type Marking, type Precedence } from '../api';
import { t } from '../messages';
import { SelectField } from './field';

export interface Envelope {
  precedence: Precedence;
  lang: string;
  marking: Marking | '';
}

export interface EnvelopeState extends Envelope {
  setPrecedence: (precedence: Precedence) => void;
  setLang: (lang: string) => void;
  setMarking: (marking: Marking | '') => void;
}

/** The envelope a form is writing, starting from `initial` (read on the first render only). */
export function useEnvelope(initial: Envelope): EnvelopeState {
  const [precedence, setPrecedence] = useState(initial.precedence);
  const [lang, setLang] = useState(initial.lang);
  const [marking, setMarking] = useState(initial.marking);
  return { precedence, lang, marking, setPrecedence, setLang, setMarking };
}

export function EnvelopeFields(props: {
  /** Prefix of the fields' ids: `<prefix>-precedence`, `<prefix>-lang`, `<prefix>-marking`. */
  idPrefix: string;
  languages: readonly string[];
  envelope: EnvelopeState;
  errors?: { precedence?: string | undefined; lang?: string | undefined; marking?: string | undefined };
}) {
  const { envelope } = props;
  return (
    <>
      <SelectField
        id={`${props.idPrefix}-precedence`}
        label={t('precedence')}
        value={envelope.precedence}
        onChange={envelope.setPrecedence}
        options={PRECEDENCES.map((p) => ({ value: p, label: p }))}
        error={props.errors?.precedence}
      />
      <SelectField
        id={`${props.idPrefix}-lang`}
        label={t('entryLanguage')}
        value={envelope.lang}
        onChange={envelope.setLang}
        options={props.languages.map((l) => ({ value: l, label: l }))}
        error={props.errors?.lang}
      />
      <SelectField<Marking | ''>
        id={`${props.idPrefix}-marking`}
        label={t('marking')}
        value={envelope.marking}
        onChange={envelope.setMarking}
        options={[{ value: '', label: t('markingNone') }, ...MARKINGS.map((m) => ({ value: m, label: m }))]}
        error={props.errors?.marking}
      />
    </>
  );
}
