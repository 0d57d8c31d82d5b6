/**
 * Delivery status notifications (RFC 3461, RFC 3464, RFC 6522, RFC 6533): the values a DSN reports
 * ({@link dev.tern.delivery.dsn.Dsn}, {@link dev.tern.delivery.dsn.RecipientReport},
 * {@link dev.tern.delivery.dsn.Action}, {@link dev.tern.delivery.dsn.DiagnosticCode}) and the pure
 * {@link dev.tern.delivery.dsn.DsnComposer} that turns them and the original message into the bytes of a
 * multipart/report message.
 *
 * <p>Depends on {@code tern-mail} (envelope, recipients, status codes) and {@code tern-smtp}'s {@code Reply}
 * only. It reads no clock and does no I/O beyond reading the original message it is handed and writing the
 * result, so every choice (which recipients, which dates, what comes back) is the caller's and can be tested
 * as a value. The caller spools the result from {@code <>} like any other message.
 */
package dev.tern.delivery.dsn;
