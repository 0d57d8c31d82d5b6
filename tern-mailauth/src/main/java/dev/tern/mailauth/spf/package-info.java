/**
 * SPF, RFC 7208: {@link dev.tern.mailauth.spf.SpfEvaluator} runs check_host() (§4) for the MAIL FROM or the HELO
 * identity over a {@link dev.tern.dns.Resolver} and answers an {@link dev.tern.mailauth.spf.SpfResult}.
 *
 * <p>Shaped as parsing without I/O ({@link dev.tern.mailauth.spf.SpfRecord} for §4.6 and §12's grammar,
 * {@link dev.tern.mailauth.spf.SpfMacro} for §7's macros) and one evaluation that asks DNS. Depends on tern-mail
 * and tern-dns only. Whatever a DNS server or a record says ends in a result, never an exception.
 */
package dev.tern.mailauth.spf;
