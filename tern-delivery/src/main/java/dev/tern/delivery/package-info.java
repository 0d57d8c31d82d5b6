/**
 * Delivery: the {@link dev.tern.delivery.QueueRunner} takes committed messages from the spool, groups each
 * message's pending recipients by next hop and hands each group to a {@link dev.tern.delivery.Transport}: local
 * mailboxes through a {@link dev.tern.store.MailStore}, other domains over SMTP
 * ({@link dev.tern.delivery.RemoteTransport}, routed by {@code route} over {@code dns}, with the pure client of
 * {@code dev.tern.smtp.client}). Outcomes are sealed {@link dev.tern.delivery.RecipientOutcome}s, recorded in one
 * spool update per attempt; failures, delays and requested successes are reported to the sender with RFC 3464
 * DSNs ({@code dsn}) queued before what they report is recorded. Temporary failures are retried with
 * exponential back-off and jitter. Knows nothing of the server: the two meet only at the spool (docs/outbound.md).
 */
package dev.tern.delivery;
