/**
 * The pure SMTP core: {@link dev.tern.smtp.Command} (sealed records) and {@link dev.tern.smtp.CommandParser},
 * {@link dev.tern.smtp.Reply}, the server state machine {@link dev.tern.smtp.SmtpSession} (a command line in,
 * a {@link dev.tern.smtp.Step} out), and content decoding: {@link dev.tern.smtp.DotDecoder} for DATA,
 * {@link dev.tern.smtp.HeaderScanner} for the hop count. STARTTLS and AUTH follow a
 * {@link dev.tern.smtp.SecurityProfile}; the SASL mechanisms live in tern-sasl ({@code dev.tern.sasl}) and check
 * {@link dev.tern.sasl.Credentials}.
 *
 * <p>Depends on {@code tern-mail} and {@code tern-sasl} only. It does no I/O: no sockets, no threads, no clocks, no logging (a test
 * scans the imports). The server's connection loop and the delivery's SMTP client both drive it, and the
 * whole protocol can be tested in memory, command by command.
 *
 * <p>Shaped as data: commands, replies, steps and verdicts are records or sealed types, dispatched with
 * exhaustive switches, so adding a command makes the compiler point at every place to change. Each rule is
 * enforced next to a comment citing its RFC section.
 */
package dev.tern.smtp;
