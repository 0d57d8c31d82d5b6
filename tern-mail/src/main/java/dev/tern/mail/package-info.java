/**
 * Value types every stage of Tern shares: {@link dev.tern.mail.Domain}, {@link dev.tern.mail.Mailbox},
 * {@link dev.tern.mail.ReversePath}, {@link dev.tern.mail.Recipient}, {@link dev.tern.mail.Envelope},
 * {@link dev.tern.mail.QueueId} and {@link dev.tern.mail.EnhancedStatus}.
 *
 * <p>Records that validate in their compact constructors, so a value that exists is a valid value. One interface
 * besides: {@link dev.tern.mail.Telemetry}, what the stages tell the metrics (docs/metrics.md), here because every
 * stage depends on this module and none of them should depend on a metrics library.
 * Depends on the JDK only; every other module depends on this one.
 */
package dev.tern.mail;
