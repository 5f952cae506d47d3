/** Registers every kind the node knows; import this (not a single kind module) to get them all. */
import './channels/kinds.js';
import './obligations/kinds.js';
import './language/kinds.js';
import './templates/kinds.js';
import './statements/kinds.js';
import './contacts/kinds.js';
