/**
 * ARC, the Authenticated Received Chain (RFC 8617): {@link dev.tern.mailauth.arc.ArcVerifier} validates the chain
 * of an inbound message (§5.2) into an {@link dev.tern.mailauth.arc.ArcResult}, the {@code arc=} method of
 * {@code Authentication-Results:}; {@link dev.tern.mailauth.arc.ArcSealer} adds the next ARC Set (§5.1) to mail that
 * Tern relays off-site (aliases, lists).
 *
 * <p>Built on the DKIM package's public pieces: {@code Canonicalization}, {@code BodyCanonicalizer},
 * {@code TagList}, {@code DkimKey} (ARC keys are DKIM key records, RFC 8617 §4.1.3) and {@code SigningKey}. The
 * little the DKIM package keeps package-private (which header instances a signature covers, the {@code b=}
 * removal) is restated in {@link dev.tern.mailauth.arc.ArcSigning}. Pure logic but for DNS questions through
 * {@code dev.tern.dns.Resolver}.
 */
package dev.tern.mailauth.arc;
