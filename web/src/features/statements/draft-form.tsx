/**
 * The form that drafts a new statement: its id, title and text, with the brackets it opens
 * highlighted as they are typed.
 */
import { useState } from 'preact/hooks';
import { api, type Channel } from '../../lib/api';
import { FormError, TextArea, TextField } from '../../lib/components/field';
import { t } from './messages';
import { BracketedText } from './statement-text';
import { useSubmit } from '../../lib/use-submit';

export function DraftForm({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const [statement, setStatement] = useState('');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['statement', 'title', 'text']);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    await action.run(async () => {
      await api.postEntry(channel.id, {
        kind: 'statement-draft',
        body: { statement: statement.trim(), title: title.trim(), text },
      });
      onDone();
    });
  };
  return (
    <form class="card draft-form" onSubmit={submit} aria-labelledby="draft-title" noValidate>
      <h3 id="draft-title">{t('newStatement')}</h3>
      <div class="compose-grid">
        <TextField
          id="draft-id"
          label={t('statementId')}
          value={statement}
          onInput={setStatement}
          hint="e.g. joint-2026-02"
          error={action.fieldError('statement')}
        />
        <TextField
          id="draft-name"
          label={t('statementTitle')}
          value={title}
          onInput={setTitle}
          error={action.fieldError('title')}
        />
      </div>
      <TextArea
        id="draft-text"
        label={t('statementText')}
        value={text}
        onInput={setText}
        rows={4}
        hint={t('bracketHint')}
        error={action.fieldError('text')}
      />
      {text && <BracketedText text={text} />}
      <FormError message={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>
        {t('sendDraft')}
      </button>
    </form>
  );
}
