/**
 * The server side of the SASL mechanisms SMTP AUTH offers (RFC 4954 §4): {@link dev.tern.smtp.sasl.PlainServer}
 * (RFC 4616), {@link dev.tern.smtp.sasl.LoginServer} (draft-murchison-sasl-login) and
 * {@link dev.tern.smtp.sasl.ScramServer} (SCRAM-SHA-256 and, with the RFC 9266 {@code tls-exporter} channel
 * binding, SCRAM-SHA-256-PLUS; RFC 5802 and RFC 7677). Each is a small state machine:
 * decoded client responses in, a {@link dev.tern.smtp.sasl.SaslStep} out.
 *
 * <p>Knows nothing of SMTP: base64, {@code 334}, {@code *} cancellation and reply codes are
 * {@code dev.tern.smtp.AuthExchange}'s business. Checks go to {@link dev.tern.smtp.Credentials}. Pure like the
 * rest of tern-smtp: no I/O, threads, clocks or logging. Secrets never reach a {@code toString()}, an exception
 * message or a step.
 */
package dev.tern.smtp.sasl;
