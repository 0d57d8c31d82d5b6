/**
 * A milter client: the mail filter protocol (version 6) that Sendmail and Postfix speak to rspamd, ClamAV,
 * OpenDKIM and OpenDMARC. One {@code MilterSession} per SMTP transaction per filter.
 */
package dev.tern.milter;
