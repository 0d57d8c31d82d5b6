/**
 * Delivery: the queue runner takes committed messages from the spool, resolves each recipient through the
 * directory and stores local mail with a {@link dev.tern.store.MailStore}; temporary failures are retried
 * with exponential back-off. Remote delivery and DSNs come in later issues. Knows nothing of the server: the
 * two meet only at the spool.
 */
package dev.tern.delivery;
