/**
 * The SMTP client as pure code (issue 7, "The SMTP client"): {@link dev.tern.smtp.client.SmtpClientSession}
 * (replies in, {@link dev.tern.smtp.client.ClientStep}s out, an outcome per recipient at the end of each
 * transaction), {@link dev.tern.smtp.client.ReplyParser} for the server's replies,
 * {@link dev.tern.smtp.client.Extensions} for what its EHLO offered, {@link dev.tern.smtp.client.CommandRenderer}
 * for the command lines (the inverse of the server's {@link dev.tern.smtp.CommandParser}) and
 * {@link dev.tern.smtp.client.DotEncoder} for the content.
 *
 * <p>Depends on {@code tern-mail} and the SMTP core beside it ({@link dev.tern.smtp.Command},
 * {@link dev.tern.smtp.Reply}, {@link dev.tern.smtp.Xtext}). Like the rest of {@code tern-smtp} it does no
 * I/O, no threads, no clocks and no logging (NoInputOutputTest scans this package too): the socket loop, the
 * timeouts of RFC 5321 §4.5.3.2 (by {@link dev.tern.smtp.client.Stage}), TLS and logging live in
 * {@code tern-delivery}, and every dialog can be tested in memory, reply by reply.
 *
 * <p>Outcomes are sealed values ({@link dev.tern.smtp.client.RcptOutcome},
 * {@link dev.tern.smtp.client.Ending}) carrying the {@link dev.tern.smtp.Reply} that decided them, so DSNs,
 * logs and the queue are built from them without parsing text. What a server sends is data, never an
 * exception: a malformed reply is a {@link dev.tern.smtp.client.ReplyRead.Malformed}.
 */
package dev.tern.smtp.client;
