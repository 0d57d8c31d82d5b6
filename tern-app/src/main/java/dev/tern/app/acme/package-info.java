/**
 * Certificates from an ACME CA (RFC 8555; docs/acme.md): {@link dev.tern.app.acme.AcmeFiles} keeps the keys, the
 * account URL and the chain under {@code <data>/acme/}, {@link dev.tern.app.acme.AcmeRenewer} checks and renews on
 * its own virtual thread, {@code AcmeOrder} runs one order through acme4j, and {@code Http01Responder} answers the
 * HTTP-01 challenges on a listener of its own.
 *
 * <p>Depends on acme4j (the protocol and JOSE), Bouncy Castle (PEM and the self-signed stand-in), {@code tern-tls}'s
 * settings and {@code dev.tern.app.DurableFiles}; it hands new certificates to TLS only by writing the files that
 * {@link dev.tern.tls.TlsContext} loads and asking it to reload, so the listeners know nothing of ACME.
 */
package dev.tern.app.acme;
