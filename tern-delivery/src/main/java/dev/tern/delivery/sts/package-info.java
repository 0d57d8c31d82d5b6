/**
 * SMTP MTA Strict Transport Security (RFC 8461) for the SMTP client: the {@code _mta-sts} TXT record
 * ({@link dev.tern.delivery.sts.StsRecord}), the policy fetched over HTTPS ({@link dev.tern.delivery.sts.HttpsPolicySource})
 * and parsed ({@link dev.tern.delivery.sts.StsPolicy}), cached in memory and on disk
 * ({@link dev.tern.delivery.sts.StsCache}), and the lookup that puts them together ({@link dev.tern.delivery.sts.MtaSts}).
 *
 * <p>Depends on {@code dev.tern.dns} (every name, including the policy host's addresses, is resolved through Tern's
 * own {@link dev.tern.dns.Resolver}) and the JDK's TLS; nothing here knows SMTP. Whatever a remote publishes
 * (a TXT record, a policy body, an HTTP response) is parsed into a value; a bad one is a result, never an exception.
 */
package dev.tern.delivery.sts;
