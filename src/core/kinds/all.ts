/** Registers every kind the node knows; import this (not a single kind module) to get them all. */
import './builtin.js';
import './workflow.js';
import './language.js';
import './templates.js';
import './statements.js';
import './contacts.js';
