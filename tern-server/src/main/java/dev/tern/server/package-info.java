/**
 * The SMTP listener: accepts connections, runs one {@link dev.tern.smtp.SmtpSession} per connection on its own
 * virtual thread, enforces the limits of time, size and count that the pure core cannot (sockets and clocks live
 * here), and hands accepted messages to the spool. It knows nothing of delivery: the two meet only at
 * {@code tern-spool}.
 *
 * <p>Depends on tern-smtp (the protocol), tern-directory (who is local) and tern-spool (where mail goes).
 */
package dev.tern.server;
