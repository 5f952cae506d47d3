/**
 * Search: the search screen (words, filters, highlighted hits, paging) and the Ctrl+K switcher
 * that jumps to a channel or starts a search from any screen.
 */
export { SearchScreen } from './search-screen';
export { Switcher, SwitcherButton } from './switcher';
export { t as searchText } from './messages';
