/**
 * The durable mail queue: the only hand-off between the SMTP receiver and the delivery stage.
 *
 * <p>{@link dev.tern.spool.Spool} is the whole public surface with {@link dev.tern.spool.MessageWriter}:
 * a message is written, committed (durable on return), listed by {@code pending()}, read, and finished
 * recipient by recipient. Underneath is an append-only log of segment files written by a single committer
 * thread with group commit, because one fsync shared by many messages is what makes durable acceptance fast
 * on real disks (docs/spool.md has the on-disk format and the crash reasoning).
 *
 * <p>Depends on {@code tern-mail}, the JDK and the SLF4J API (logging, as in every module) only. The spool's
 * storage is a class, not an interface, until the PostgreSQL spool arrives; the contract tests are written
 * against {@code Spool}'s Javadoc so they can run against both then.
 */
package dev.tern.spool;
