/**
 * DANE for SMTP (RFC 7672, RFC 6698, RFC 7218): DNSSEC-validated TLSA lookups and certificate matching, used by the
 * SMTP client's TLS policy through {@link dev.tern.delivery.dane.Dane}.
 *
 * <p>{@link dev.tern.delivery.dane.DnssecDane} is the implementation: DNSSEC validation is dnsjava's
 * {@code ValidatingResolver} (nothing of it by hand), in front of the recursive servers of
 * {@link dev.tern.dns.DnsSettings}; {@link dev.tern.delivery.dane.TlsaMatcher} matches certificates with the JDK's
 * digests and PKIX path validation. Depends on tern-dns (settings), tern-mail ({@code Domain}) and dnsjava only; the
 * decisions are sealed values ({@link dev.tern.delivery.dane.DaneDecision}), never exceptions. See docs/dane.md.
 */
package dev.tern.delivery.dane;
