/**
 * DKIM (RFC 6376) signing and verification with RSA-SHA256 and Ed25519-SHA256 (RFC 8463), the key-size rules of
 * RFC 8301, and the key files in the data directory.
 *
 * <p>The building blocks ({@link dev.tern.mailauth.dkim.Canonicalization},
 * {@link dev.tern.mailauth.dkim.BodyCanonicalizer}, {@link dev.tern.mailauth.dkim.TagList}) are shared with ARC
 * (RFC 8617), which uses the same canonicalizations and tag lists. Depends on the JDK's crypto providers
 * (Ed25519, SHA256withRSA), {@code tern-dns} for key records, and nothing of the server; a verification is a
 * value ({@link dev.tern.mailauth.dkim.DkimResult}), never an exception.
 */
package dev.tern.mailauth.dkim;
