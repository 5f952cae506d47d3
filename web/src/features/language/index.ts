/**
 * Language: an entry's original text (and asking about a passage of it), its translations, and
 * the channel's glossary of agreed terms.
 */
export { GlossaryView } from './glossary';
export { OriginalText } from './original-text';
export { TranslationsPanel } from './translations-panel';
