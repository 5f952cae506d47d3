/**
 * An entry's original text, as written and authoritative; selecting a passage of it (mouse or
 * keyboard selection, or typing the quote) opens a clarification request about exactly that
 * passage, addressed by UTF-16 offsets into the original `body.text`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, refOfEntry, type Channel, type Entry } from '../../lib/api';
import { t } from './messages';
import { passageOfQuote, selectedPassage, type Passage } from './selection';
import { FormError, TextArea, TextField } from '../../lib/components/field';
import { fieldErrorOf, formErrorOf } from '../../lib/use-submit';

export function OriginalText(props: {
  channel: Channel;
  entry: Entry;
  canAsk: boolean;
  onAsked: () => void;
}) {
  const { entry } = props;
  const text = typeof entry.body.text === 'string' ? entry.body.text : '';
  const element = useRef<HTMLParagraphElement>(null);
  const [passage, setPassage] = useState<Passage | null>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!props.canAsk) return;
    const onChange = (): void => {
      const el = element.current;
      if (!el) return;
      const found = selectedPassage(el, document.getSelection(), text);
      if (found) {
        setPassage(found);
        setOpen(true);
      }
    };
    document.addEventListener('selectionchange', onChange);
    return () => document.removeEventListener('selectionchange', onChange);
  }, [text, props.canAsk]);

  useEffect(() => {
    setPassage(null);
    setOpen(false);
  }, [entry.id]);

  return (
    <>
      <p class="entry-full-text original-text" lang={entry.lang} ref={element} data-original="true">
        {text}
      </p>
      {props.canAsk && !open && (
        <p class="hint">
          {t('selectToAsk')}{' '}
          <button type="button" class="link-button" onClick={() => setOpen(true)}>
            {t('askAboutPassage')}
          </button>
        </p>
      )}
      {props.canAsk && open && (
        <ClarificationRequestForm
          channel={props.channel}
          entry={entry}
          text={text}
          passage={passage}
          onPassage={setPassage}
          onClose={() => {
            setOpen(false);
            setPassage(null);
          }}
          onSent={props.onAsked}
        />
      )}
    </>
  );
}

function ClarificationRequestForm(props: {
  channel: Channel;
  entry: Entry;
  text: string;
  passage: Passage | null;
  onPassage: (p: Passage | null) => void;
  onClose: () => void;
  onSent: () => void;
}) {
  const [question, setQuestion] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [quoteError, setQuoteError] = useState<string | null>(null);
  const [questionError, setQuestionError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const passage = props.passage;
  const [quote, setQuote] = useState(passage?.quote ?? '');
  useEffect(() => {
    if (passage) {
      setQuote(passage.quote);
      setQuoteError(null);
    }
  }, [passage]);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    setQuestionError(null);
    setDone(null);
    if (!passage) {
      setQuoteError(t('passageNotFound'));
      return;
    }
    setBusy(true);
    try {
      const sent = await api.postEntry(props.channel.id, {
        kind: 'clarification-request',
        precedence: props.entry.precedence,
        lang: props.channel.languages.includes(props.entry.lang)
          ? props.entry.lang
          : (props.channel.languages[0] ?? 'en'),
        ...(props.entry.marking ? { marking: props.entry.marking } : {}),
        body: { of: refOfEntry(props.entry), passage, question: question.trim() },
      });
      setDone(`${t('questionSent')} ${sent.id}`);
      setQuestion('');
      props.onSent();
    } catch (failure) {
      // A refusal of the question is said on it; of the passage, on the quote (lib/field-errors.ts).
      const claimed = fieldErrorOf(failure, ['question', 'passage']);
      if (claimed?.field === 'question') setQuestionError(claimed.sentence);
      else if (claimed) setQuoteError(claimed.sentence);
      else setError(formErrorOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="clarify-form" onSubmit={submit} aria-labelledby="clarify-title" noValidate>
      <h4 id="clarify-title">{t('askClarification')}</h4>
      <TextField
        id="clarify-quote"
        label={t('passage')}
        value={quote}
        error={quoteError}
        hint={passage ? `${t('offsets')} ${passage.start}–${passage.end}` : t('passageHint')}
        onInput={(typed) => {
          setQuote(typed);
          const found = passageOfQuote(props.text, typed, passage?.start ?? 0);
          setQuoteError(typed && !found ? t('passageNotFound') : null);
          props.onPassage(found);
        }}
      />
      <TextArea
        id="clarify-question"
        label={t('question')}
        value={question}
        onInput={setQuestion}
        rows={2}
        error={questionError}
      />
      <FormError message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('sendQuestion')}
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          {t('cancel')}
        </button>
        {done && (
          <span class="ok-text" role="status">
            {done}
          </span>
        )}
      </div>
    </form>
  );
}
