/** Retention policies, legal holds and purge predicates (docs/retention.md): pure. */
export * from './duration.js';
export * from './policy.js';
export * from './purge-predicate.js';
