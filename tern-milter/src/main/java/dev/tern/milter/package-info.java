/**
 * A milter client: the mail filter protocol (version 6) that Sendmail and Postfix speak to rspamd, ClamAV,
 * OpenDKIM and OpenDMARC.
 *
 * <p>{@link dev.tern.milter.MilterClient} is a configured filter ({@link dev.tern.milter.MilterSettings});
 * {@link dev.tern.milter.MilterSession} is one SMTP connection's conversation with it (connect and HELO once, then
 * each transaction), and {@link dev.tern.milter.MilterChain} several filters in order. Each stage answers a sealed
 * {@link dev.tern.milter.Verdict}; end of message a {@link dev.tern.milter.MilterOutcome} with the
 * {@link dev.tern.milter.HeaderChange}s, which {@link dev.tern.milter.HeaderSection} applies. A filter that is
 * down, slow or broken is never an exception: the session answers the configured default action.
 *
 * <p>Depends on SLF4J only, so that the content stage can use it without this module knowing any of Tern's
 * types: {@link dev.tern.milter.SmtpReply} and {@link dev.tern.milter.HeaderSection.Field} are the small local
 * shapes the integrator maps. The wire codec ({@code MilterPacket}, {@code FilterResponse}) is pure; the I/O
 * ({@code MilterConnection}) is blocking, on the caller's virtual thread, each operation under a deadline that a
 * {@code Watchdog} enforces by closing the channel. Protocol numbers: {@code MilterProtocol}; design notes and
 * the integration contract: {@code docs/milter.md}.
 */
package dev.tern.milter;
