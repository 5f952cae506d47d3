/**
 * Entry point of the web app: styles, the interface language, and the app itself.
 *
 * Every stylesheet is imported here, in one place, because their order is the cascade: rules of
 * equal specificity in a later sheet win (contacts.css has always come first, before uPlot's and
 * the base; narrow.css, the small-screen overrides, last).
 */
import './features/contacts/contacts.css';
import 'uplot/dist/uPlot.min.css';
import './lib/styles/base.css';
import './features/session/session.css';
import './lib/styles/badges.css';
import './features/channels/channels.css';
import './features/admin/peers.css';
import './features/obligations/obligations.css';
import './lib/styles/views.css';
import './features/obligations/item-panel.css';
import './features/search/search.css';
import './features/language/language.css';
import './features/templates/templates.css';
import './features/statements/statements.css';
import './features/alerts/alerts.css';
import './lib/styles/narrow.css';
import { render } from 'preact';
import { App } from './app';
import { locale } from './lib/i18n';

document.documentElement.lang = locale.get();
render(<App />, document.getElementById('root')!);
