/** Entry point of the web app: styles, the interface language, and the app itself. */
import { render } from 'preact';
import { App } from './app';
import { locale } from './i18n';
import './styles.css';

document.documentElement.lang = locale.get();
render(<App />, document.getElementById('root')!);
