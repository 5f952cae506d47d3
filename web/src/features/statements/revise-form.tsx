/**
 * The form that revises a statement. A revision starts from the text as resolved so far and
 * refers to the version it revises; a preview shows the diff before it is sent.
 */
import { useState } from 'preact/hooks';
import { api, type Channel, type Statement } from '../../lib/api';
import { findBrackets } from './brackets';
import { FormError, TextArea } from '../../lib/components/field';
import { t } from './messages';
import { BracketedText, Diff } from './statement-text';
import { useSubmit } from '../../lib/use-submit';

type Version = Statement['versions'][number];

export function ReviseForm(props: {
  channel: Channel;
  statement: Statement;
  current: Version;
  onDone: () => void;
}) {
  // A revision starts from the text as resolved so far; brackets not yet resolved must stay.
  const [text, setText] = useState(props.statement.text);
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['text']);
  const id = `revise-${props.statement.statement}`;
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    await action.run(async () => {
      const revises = await api.refOf(props.current.id);
      await api.postEntry(props.channel.id, {
        kind: 'statement-draft',
        body: { statement: props.statement.statement, title: props.statement.title, text, revises },
      });
      props.onDone();
    });
  };
  return (
    <form
      class="revise-form"
      onSubmit={submit}
      aria-label={`${t('revise')}: ${props.statement.title}`}
      noValidate
    >
      <TextArea
        id={id}
        label={t('statementText')}
        value={text}
        onInput={setText}
        rows={5}
        hint={t('reviseHint')}
        error={action.fieldError('text')}
      />
      {findBrackets(text).length > 0 && <BracketedText text={text} />}
      <p class="muted small">{t('preview')}:</p>
      <Diff before={props.current.text} after={text} />
      <FormError message={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy || text === props.current.text}>
          {t('sendRevision')}
        </button>
      </div>
    </form>
  );
}
