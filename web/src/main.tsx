/** Entry point of the web app: styles, the interface language, and the app itself. */
import { render } from 'preact';
import { App } from './app';
import { locale } from './lib/i18n';
import './lib/styles/base.css';

document.documentElement.lang = locale.get();
render(<App />, document.getElementById('root')!);
