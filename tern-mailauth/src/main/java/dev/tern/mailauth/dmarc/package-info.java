/**
 * DMARC, RFC 7489: {@link dev.tern.mailauth.dmarc.FromDomain} finds the RFC5322.From domain (§3.1, §6.6.1),
 * {@link dev.tern.mailauth.dmarc.DmarcRecord} parses a policy record (§6.3, §6.4, RFC 9091's {@code np}), and
 * {@link dev.tern.mailauth.dmarc.DmarcEvaluator} discovers the policy (§6.6.3), checks identifier alignment (§3.1)
 * and says what to do with the message (§6.6.4).
 *
 * <p>Depends on tern-dns (the policy lookups), the Public Suffix List ({@code dev.tern.mailauth.psl}) and Apache
 * mime4j's address parser. It takes SPF and DKIM results as inputs, so it does not depend on how they were made.
 * No reports are sent: the {@code rua} list is returned for a later aggregate-report sender.
 */
package dev.tern.mailauth.dmarc;
