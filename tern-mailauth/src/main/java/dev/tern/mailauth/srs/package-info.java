/**
 * The Sender Rewriting Scheme as libsrs2 (Shevek) defines it and postsrsd deploys it: a forwarder rewrites the
 * reverse path of mail it sends on to {@code SRS0=HHHH=TT=domain=local@forwarder} so that the next hop's SPF
 * check (RFC 7208) sees the forwarder's domain, and a bounce to that address is routed back to the original
 * sender after its HMAC and timestamp are checked. Pure logic over the JDK's {@code HmacSHA1}; the only I/O is
 * the secret file the caller names. See {@code docs/srs.md}.
 */
package dev.tern.mailauth.srs;
